"""The 内訳 (explanation) of a 個人住民税 賦課, stored compactly.

A 賦課's 内訳 is ``{"input": …, "result": …, "choshu": …}``: the calculation input
(:class:`~zeimu.rules.inputs.JuminzeiInput`), every intermediate figure with the
explanation lines (:class:`~zeimu.rules.juminzei.JuminzeiResult`) and the 徴収方法 split
(:class:`~zeimu.rules.choshu.Bunkatsu`), each dataclass an object with its fields in
declaration order. As JSON text that is ≈ 3.9 KB a person, a third of it the same field
names again and again: over PostgreSQL's 2 KB TOAST threshold, so the 当初賦課 had the
server compress and move it out of line for every person (issue 23).

:func:`naiyaku_text` writes the same values without the names — every dataclass as the
array of its field values, in declaration order — behind a format number:
``[1, input, result, choshu]`` (≈ 1.9 KB). :func:`naiyaku_expand` rebuilds the object
form, names and order included, from the dataclasses' declarations, so whatever reads the
内訳 (the screen, the API, a notice) gets exactly the value it always had; the object form
(rows written before, a 更正) passes through unchanged. Both are pure.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from fractions import Fraction
from functools import cache
from operator import attrgetter
from typing import Any

import orjson

from zeimu.rules.choshu import Bunkatsu
from zeimu.rules.inputs import JuminzeiInput
from zeimu.rules.juminzei import JuminzeiResult

__all__ = ["NAIYAKU_FORMAT", "naiyaku_expand", "naiyaku_text"]

#: the first item of the compact form (a later layout would take 2: reading 1 stays)
NAIYAKU_FORMAT = 1
#: the parts of the 内訳, in the compact form's order, and the dataclass of each
_PARTS: tuple[tuple[str, type], ...] = (
    ("input", JuminzeiInput),
    ("result", JuminzeiResult),
    ("choshu", Bunkatsu),
)

#: a dataclass's shape: its field names, and for each field holding dataclasses its
#: position, whether it holds a sequence of them, and their shape
_Shape = tuple[tuple[str, ...], tuple[tuple[int, bool, Any], ...]]


def _dataclass_in(hint: Any) -> tuple[type | None, bool]:
    """The dataclass a field's type holds (``X``, ``X | None``, ``tuple[X, ...]``), and
    whether as a sequence; (None, False) for plain values."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint, False
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                found, many = _dataclass_in(arg)
                if found is not None:
                    return found, many
        return None, False
    if origin in (tuple, list) and args:
        found, _ = _dataclass_in(args[0])
        return found, found is not None
    return None, False


@cache
def _shape(cls: type) -> _Shape:
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    nested = []
    for i, name in enumerate(names):
        found, many = _dataclass_in(hints[name])
        if found is not None:
            nested.append((i, many, _shape(found)))
    return names, tuple(nested)


#: type → a function giving the tuple of its field values (attrgetter: one C call)
_GETTERS: dict[type, Any] = {}


def _getter(cls: type) -> Any:
    get = _GETTERS.get(cls)
    if get is None:
        names = _shape(cls)[0]
        one = attrgetter(*names)
        get = _GETTERS[cls] = one if len(names) > 1 else (lambda o: (one(o),))
    return get


def _compact(value: Any) -> Any:
    """orjson's ``default``: a dataclass as the tuple of its field values (orjson encodes
    what that holds, calling back for the dataclasses inside), a Fraction as its exact
    string, as the object form has it."""
    get = _GETTERS.get(type(value))
    if get is not None:
        return get(value)
    if isinstance(value, Fraction):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _getter(type(value))(value)
    raise TypeError(f"JSONにできない値です: {type(value).__name__}")


def naiyaku_text(inputs: JuminzeiInput, result: JuminzeiResult, choshu: Bunkatsu) -> str:
    """The compact 内訳 as JSON text (what the 当初賦課 writes): one C pass (orjson)."""
    return orjson.dumps(
        [NAIYAKU_FORMAT, inputs, result, choshu],
        default=_compact,
        option=orjson.OPT_PASSTHROUGH_DATACLASS,
    ).decode()


def _expand(shape: _Shape, values: list[Any]) -> dict[str, Any]:
    names, nested = shape
    if len(values) != len(names):
        raise ValueError(f"内訳の項目数が一致しません（{len(values)}、{len(names)}）")
    out = dict(zip(names, values, strict=True))
    for i, many, sub in nested:
        v = values[i]
        if v is None:
            continue
        out[names[i]] = [_expand(sub, x) for x in v] if many else _expand(sub, v)
    return out


def naiyaku_expand(value: Any) -> Any:
    """The 内訳 in its object form, from either form (the decoded JSON of a row): the
    compact ``[1, input, result, choshu]`` is rebuilt, anything else returned as is."""
    if not isinstance(value, list):
        return value
    if not value or value[0] != NAIYAKU_FORMAT or len(value) != len(_PARTS) + 1:
        raise ValueError("内訳の形式が不明です")
    return {
        name: _expand(_shape(cls), part)
        for (name, cls), part in zip(_PARTS, value[1:], strict=True)
    }
