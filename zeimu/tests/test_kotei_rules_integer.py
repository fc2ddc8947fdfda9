"""The 負担調整 and tax steps of zeimu.rules.kotei compute in integers (issue 17's speed
work). Each is checked here against the Fraction arithmetic it replaced, kept below as the
reference, on random prices and 前年度 figures including the band edges: the same
課税標準額, the same 負担水準 text and the same explanation, for every input."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from zeimu.rules import kotei as rules

# the 令和6〜8年度 values of zeimu/params/kotei_shisanzei.yaml (zeimu.kotei.futan_chosei)
FUTAN: dict[str, Any] = {
    "jutaku": {"joshou": [5, 100], "kagen": [20, 100]},
    "shogyo": {
        "joshou": [5, 100], "kagen": [20, 100], "sueoki_kagen": [60, 100], "jogen": [70, 100],
    },
    "nochi": [[90, 100000, 1025], [80, 90, 1050], [70, 80, 1075], [0, 70, 1100]],
}  # fmt: skip


def _frac(pair: Any) -> Fraction:
    return Fraction(int(pair[0]), int(pair[1]))


def _floor(x: Fraction | int) -> int:
    return int(x // 1) if isinstance(x, Fraction) else int(x)


def _pct(x: Fraction) -> str:
    return f"{float(x * 100):.1f}%"


def ref_jutaku(honsoku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    if zennen is None:
        return honsoku, "", "前年度課税標準額なし: 本則課税標準額（比準課税標準額は未実装）"
    if honsoku == 0:
        return 0, "", "本則課税標準額0円"
    suijun = Fraction(zennen, honsoku)
    if suijun >= 1:
        return honsoku, _pct(suijun), f"負担水準{_pct(suijun)}（100%以上）: 本則課税標準額"
    up = zennen + _floor(honsoku * _frac(f["joshou"]))
    out = min(up, honsoku)
    out = max(out, _floor(honsoku * _frac(f["kagen"])))
    why = "本則課税標準額を上限" if up > honsoku else "前年度課税標準額＋本則の5%"
    return out, _pct(suijun), f"負担水準{_pct(suijun)}（100%未満）: {why} {out:,}円"


def ref_shogyo(kakaku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    jogen = _floor(kakaku * _frac(f["jogen"]))
    if zennen is None:
        return jogen, "", "前年度課税標準額なし: 価格×70%（比準課税標準額は未実装）"
    if kakaku == 0:
        return 0, "", "価格0円"
    suijun = Fraction(zennen, kakaku)
    if suijun > _frac(f["jogen"]):
        return jogen, _pct(suijun), f"負担水準{_pct(suijun)}（70%超）: 価格×70%に引下げ {jogen:,}円"
    if suijun >= _frac(f["sueoki_kagen"]):
        return zennen, _pct(suijun), f"負担水準{_pct(suijun)}（60%以上70%以下）: 前年度に据置"
    up = zennen + _floor(kakaku * _frac(f["joshou"]))
    out = min(up, _floor(kakaku * _frac(f["sueoki_kagen"])))
    out = max(out, _floor(kakaku * _frac(f["kagen"])))
    return out, _pct(suijun), f"負担水準{_pct(suijun)}（60%未満）: 前年度＋価格の5% {out:,}円"


def ref_nochi(kakaku: int, zennen: int | None, f: dict[str, Any]) -> tuple[int, str, str]:
    if zennen is None or kakaku == 0:
        return kakaku, "", "前年度課税標準額なし: 価格"
    suijun = Fraction(zennen, kakaku)
    for lo, hi, rate in f["nochi"]:
        if Fraction(int(lo), 100) <= suijun < Fraction(int(hi), 100):
            out = min(kakaku, _floor(zennen * Fraction(int(rate), 1000)))
            return (
                out,
                _pct(suijun),
                f"負担水準{_pct(suijun)}: 前年度×負担調整率{int(rate) / 1000:.3f}（価格を上限）",
            )
    return kakaku, _pct(suijun), f"負担水準{_pct(suijun)}: 価格"


prices = st.integers(min_value=0, max_value=5_000_000_000)


@st.composite
def price_and_zennen(draw: st.DrawFn) -> tuple[int, int | None]:
    """A price and a 前年度 figure, often at a band edge (20, 60, 70, 80, 90, 100 %)."""
    kakaku = draw(prices)
    kind = draw(st.sampled_from(["none", "any", "edge"]))
    if kind == "none":
        return kakaku, None
    if kind == "any":
        return kakaku, draw(st.integers(min_value=0, max_value=max(1, kakaku * 2)))
    pct = draw(st.sampled_from([20, 55, 60, 70, 80, 90, 100]))
    delta = draw(st.integers(min_value=-2, max_value=2))
    return kakaku, max(0, kakaku * pct // 100 + delta)


@settings(max_examples=400, deadline=None)
@given(price_and_zennen())
@example((10_000_000, 7_000_000))
@example((10_000_000, 7_000_001))
@example((10_000_000, 6_000_000))
@example((10_000_000, 5_999_999))
@example((10_000_000, 1_000_000))
@example((3, 2))
@example((0, 5))
def test_integer_futan_chosei_equals_the_fraction_reference(case: tuple[int, int | None]) -> None:
    kakaku, zennen = case
    assert rules._futan_jutaku(kakaku, zennen, FUTAN["jutaku"]) == ref_jutaku(
        kakaku, zennen, FUTAN["jutaku"]
    )
    assert rules._futan_shogyo(kakaku, zennen, FUTAN["shogyo"]) == ref_shogyo(
        kakaku, zennen, FUTAN["shogyo"]
    )
    assert rules._futan_nochi(kakaku, zennen, FUTAN) == ref_nochi(kakaku, zennen, FUTAN)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=10**12),
)
def test_ratio_text_and_integer_products_equal_the_fraction_ones(num: int, den: int) -> None:
    assert rules._ratio_pct(num, den) == _pct(Fraction(num, den))
    rate = Fraction(1400, 100_000)
    assert rules._times_floor(num, rate) == _floor(num * rate)
    assert rules._mul_floor(num, [5, 100]) == _floor(num * _frac([5, 100]))
