"""Pieces the 税務 services and job kinds share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
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


# --- the 納期限 of an 増額更正's notice (固定資産税・都市計画税, 軽自動車税 種別割) ---------------

KOSEI_NOUKI_REQUIRED = (
    "税額が増える更正です。更正通知書の納期限（増えた税額の納期限）を入力してください。"
)
KOSEI_NOUKI_NOT_ZOGAKU = (
    "税額が増えない更正（減額など）には、更正通知書の納期限を入力できません。"
    "納期限の欄を空にしてください。"
)


KOSEI_NOUKI_PAST = "更正通知書の納期限は、更正する日（今日）以後の日を入力してください。"
#: every message of :func:`kosei_nouki_problem` (an API names the field by them)
KOSEI_NOUKI_PROBLEMS = frozenset({KOSEI_NOUKI_REQUIRED, KOSEI_NOUKI_NOT_ZOGAKU, KOSEI_NOUKI_PAST})


def kosei_nouki_problem(
    *, before: int, after: int, kosei_nouki: date | None, on: date
) -> str | None:
    """The Japanese refusal, or None, for the 納期限 of a 更正's notice given a year's tax
    ``before`` and ``after`` and the 更正's day ``on``: an increase needs one, not before
    ``on`` (the added tax is due by the 納期限 its notice sets, 地方税法第364条・第369条;
    docs/standard/shuno.md S-7c); any other 更正 takes none (its 期別 keep their 納期限)."""
    if after <= before:
        return KOSEI_NOUKI_NOT_ZOGAKU if kosei_nouki is not None else None
    if kosei_nouki is None:
        return KOSEI_NOUKI_REQUIRED
    return KOSEI_NOUKI_PAST if kosei_nouki < on else None
