"""福祉・子ども's event subscribers: one module per part, imported here (module.py names
this one module; each part adds its import line)."""

from fukushi import subscribers_jidoteate  # noqa: F401  児童手当
