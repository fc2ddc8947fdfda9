"""Pieces the 税務 services and job kinds share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Any

# The town's own settings (MunicipalParameter rows in its schema).
KYUCHI_KEY = "zeimu.kojin_juminzei.kyuchi"
SHITEI_TOSHI_KEY = "zeimu.kojin_juminzei.shitei_toshi"

# How each type is turned into JSON, decided once per type (every test below depends on
# the type only).  The 当初賦課 job calls jsonable for each of ~380,000 people, on results
# of ~90 values each: a per-type table instead of a chain of isinstance/is_dataclass/
# fields() per value makes it ≈4× faster.
_AS_IS, _DATACLASS, _DICT, _SEQUENCE, _FRACTION = range(5)
_SCALARS = {int, str, bool, type(None)}
_KINDS: dict[type, int] = {t: _AS_IS for t in _SCALARS}
#: dataclass type → (field names, getter returning all the field values as a tuple)
_DATACLASSES: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _kind(t: type) -> int:
    """The branch of :func:`jsonable` for values of type ``t`` (the order of the tests
    is the order jsonable has always applied)."""
    if issubclass(t, int | str | bool) or t is type(None):
        kind = _AS_IS
    elif is_dataclass(t):
        names = tuple(f.name for f in fields(t))
        getter = attrgetter(*names) if names else (lambda _v: ())
        if len(names) == 1:
            one = getter

            def getter(v: Any) -> tuple[Any, ...]:
                return (one(v),)

        _DATACLASSES[t] = (names, getter)
        kind = _DATACLASS
    elif issubclass(t, dict):
        kind = _DICT
    elif issubclass(t, list | tuple):
        kind = _SEQUENCE
    elif issubclass(t, Fraction):
        kind = _FRACTION
    else:
        kind = _AS_IS
    _KINDS[t] = kind
    return kind


def jsonable(value: Any) -> Any:
    """A calculation result as JSON: dataclasses to dicts (fields in declaration order),
    tuples and lists to lists, Fractions to exact strings (``"3/50"``); ints, strings,
    bools and None (and any other value) as they are."""
    t = type(value)
    kind = _KINDS.get(t)
    if kind is None:
        kind = _kind(t)
    if kind == _AS_IS:
        return value
    scalars = _SCALARS
    if kind == _DATACLASS:
        names, getter = _DATACLASSES[t]
        return {
            n: v if type(v) in scalars else jsonable(v)
            for n, v in zip(names, getter(value), strict=True)
        }
    if kind == _SEQUENCE:
        return [v if type(v) in scalars else jsonable(v) for v in value]
    if kind == _DICT:
        return {str(k): v if type(v) in scalars else jsonable(v) for k, v in value.items()}
    return str(value)  # _FRACTION
