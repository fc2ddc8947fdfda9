"""福祉・子ども's event subscribers: one module per part in this package, imported here
(module.py names this package; each part adds its import line). A package, not
``fukushi/subscribers_<part>.py``, because docs/events.md lists the handlers whose module
starts with the declared ``subscribers`` path (tenants.events.docs)."""

from fukushi.subscribers import (
    fuyoteate,  # noqa: F401  児童扶養手当
    hoiku,  # noqa: F401  保育
    iryo,  # noqa: F401  子ども医療・ひとり親医療
    jidoteate,  # noqa: F401  児童手当
    seiho,  # noqa: F401  生活保護
    shogai,  # noqa: F401  障害者手帳
    tsusho,  # noqa: F401  障害児通所支援
)
