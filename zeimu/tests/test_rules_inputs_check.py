"""The inputs' whole-yen check: the quick test of every field at once
(``zeimu.rules.inputs._yen_checker``) lets through exactly what the field-by-field check
lets through, and the refusals keep their messages."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zeimu.rules.inputs import (
    _MAY_BE_NEGATIVE,
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
    _check_yen,
)


def _reference(obj: object) -> str | None:
    """The check field by field, as it was before the quick test: the first refusal."""
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        v = getattr(obj, f.name)
        if isinstance(v, float):
            return "float"
        negative = isinstance(v, int) and not isinstance(v, bool) and v < 0
        if negative and f.name not in _MAY_BE_NEGATIVE:
            return "negative"
    return None


def _outcome(obj: object) -> str | None:
    try:
        _check_yen(obj)
    except TypeError:
        return "float"
    except ValueError:
        return "negative"
    return None


_VALUES = st.one_of(
    st.integers(-5, 5),
    st.integers(0, 10**9),
    st.booleans(),
    st.floats(-10, 10, allow_nan=False),
    st.none(),
    st.sampled_from(["", "x", Shogai.FUTSU, KafuHitorioya.KAFU, ()]),
)


@settings(max_examples=400)
@given(data=st.data(), cls=st.sampled_from([JuminzeiInput, Haigusha, Shinzoku, SeimeiHokenryo]))
def test_quick_check_agrees_with_the_field_by_field_check(data: Any, cls: type) -> None:
    # an object of the class with any values (not through __init__: its checks would stop
    # at the first wrong value), then both checks on it
    obj: Any = object.__new__(cls)
    for f in dataclasses.fields(cls):
        object.__setattr__(obj, f.name, data.draw(_VALUES, label=f.name))
    assert _outcome(obj) == _reference(obj)


_VALID: dict[type, Any] = {
    JuminzeiInput: JuminzeiInput(
        age=70, kyuyo_shunyu=3_000_000, nenkin_shunyu=1_000_000, sonota_shotoku=-10,
        seimei_hokenryo=SeimeiHokenryo(ippan_shin=80_000), haigusha=Haigusha(0, 68),
        shinzoku=(Shinzoku(age=10),), shogai=Shogai.FUTSU,
    ),
    Haigusha: Haigusha(gokei_shotoku=0, age=60),
    Shinzoku: Shinzoku(age=17),
    SeimeiHokenryo: SeimeiHokenryo(ippan_kyu=100_000),
}  # fmt: skip


@settings(max_examples=400)
@given(data=st.data(), cls=st.sampled_from(list(_VALID)))
def test_one_value_changed_in_a_valid_input(data: Any, cls: type) -> None:
    """A valid input with one field set to any value: both checks agree (the quick test
    passes the valid ones, the loop refuses the others with the same error)."""
    obj = dataclasses.replace(_VALID[cls])
    names = [f.name for f in dataclasses.fields(cls)]
    object.__setattr__(obj, data.draw(st.sampled_from(names)), data.draw(_VALUES))
    assert _outcome(obj) == _reference(obj)


def test_refusals_name_the_field() -> None:
    with pytest.raises(TypeError, match="kyuyo_shunyu は円単位の整数"):
        JuminzeiInput(age=40, kyuyo_shunyu=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shakai_hokenryo に負の値"):
        JuminzeiInput(age=40, shakai_hokenryo=-1)
    with pytest.raises(ValueError, match="age に負の値"):
        Haigusha(gokei_shotoku=-100, age=-1)
    with pytest.raises(TypeError, match="seimei_hoken_kojo は円単位"):
        JuminzeiInput(age=40, seimei_hoken_kojo=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seimei_hoken_kojo に負の値"):
        JuminzeiInput(age=40, seimei_hoken_kojo=-3)
    # a loss is allowed where the law has one
    assert JuminzeiInput(age=40, sonota_shotoku=-500_000).sonota_shotoku == -500_000
    assert Haigusha(gokei_shotoku=-1, age=50).gokei_shotoku == -1
