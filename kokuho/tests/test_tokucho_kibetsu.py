"""期別 of a 国保税 collected from the pension (kokuho.rules.tokucho_kibetsu), on the
schemes the municipal pages publish:

- 岐南町「国民健康保険税の特別徴収」(https://www.town.ginan.lg.jp/1488.htm): a household new
  to 特別徴収 pays 7・8・9月 by 普通徴収 and 10・12・2月 from the pension, each 1/6 of the
  年税額, 端数 in 7月 and 10月; a continuing one 4・6・8月 the previous 2月's amount and
  10・12・2月 a third of the rest, 端数 in 10月 (also 甲斐市「国保Q&A 国保税について その2」);
- 御船町「年金天引き（特別徴収）が停止（中止）になる場合」(https://www.town.mifune.kumamoto.jp/
  page5708.html): stopped (不能・異動・減額更正), what was not withheld is re-divided over
  the 普通徴収 期; 前橋市 (https://www.city.maebashi.gunma.jp/soshiki/kenko/kokuminkenkohoken/
  oshirase/4931.html) stops on any change of the 税額 (``zogaku_chushi``).

The town's 納期 are the default 9 期 (7月〜3月, 月末, moved off closed days), 端数単位 1,000円."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kokuho.rules.fuka_kibetsu import Ki, _nouki
from kokuho.rules.tokucho import TokuchoParameters
from kokuho.rules.tokucho_kibetsu import (
    TokuchoKibetsuError,
    kibetsu_futsu_kirikae,
    kibetsu_tokucho_kaishi,
    kibetsu_tokucho_kosei,
)

FY = 2025
P = TokuchoParameters(65, 75, 180_000, 50, (4, 6, 8), (10, 12, 2))
KI: tuple[Ki, ...] = _nouki(FY, (7, 8, 9, 10, 11, 12, 1, 2, 3), 0)


def _futsu(amounts: list[int]) -> list[dict[str, Any]]:
    return [
        {"ki": k.number, "label": f"第{k.number}期", "month": k.month, "due": k.due.isoformat(),
         "amount": a}
        for k, a in zip(KI, amounts, strict=True)
    ]  # fmt: skip


def _short(rows: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(r.get("kind", "futsu"), r["month"], r["amount"]) for r in rows if r["amount"]]


HON_SAN = _futsu([12_000] + [11_000] * 8)  # 100,000 over 9 期 (the 本算定)


def test_a_new_household_pays_july_to_september_by_futsu_then_the_pension_each_a_sixth():
    out = kibetsu_tokucho_kaishi(
        nengaku=100_000, kari_gaku=0, before=HON_SAN, fiscal_year=FY, futsu_ki=KI, p=P,
        on=date(2025, 7, 1),
    )  # fmt: skip
    assert _short(out.kibetsu) == [
        ("futsu", 7, 16_668), ("futsu", 8, 16_666), ("futsu", 9, 16_666),
        ("hon", 10, 16_668), ("hon", 12, 16_666), ("hon", 2, 16_666),
    ]  # fmt: skip
    assert out.total == 100_000 and out.kanou == 0 and out.tokucho
    # the 普通徴収 期 from October on are stated 0 (before: their 本算定 amounts)
    fourth = next(r for r in out.kibetsu if r.get("kind") == "futsu" and r["ki"] == 4)
    assert (fourth["amount"], fourth["before"], fourth["sagaku"]) == (0, 11_000, -11_000)
    pension = [r for r in out.kibetsu if r["kind"] != "futsu"]
    assert [(r["ki"], r["label"], r["due"]) for r in pension] == [
        (104, "特別徴収・本徴収（10月）", "2025-10-15"),
        (105, "特別徴収・本徴収（12月）", "2025-12-15"),
        (106, "特別徴収・本徴収（2月）", "2026-02-15"),
    ]


def test_a_continuing_household_pays_the_previous_february_then_a_third_of_the_rest():
    out = kibetsu_tokucho_kaishi(
        nengaku=100_000, kari_gaku=15_000, before=HON_SAN, fiscal_year=FY, futsu_ki=KI, p=P,
        on=date(2025, 7, 1),
    )  # fmt: skip
    assert _short(out.kibetsu) == [
        ("kari", 4, 15_000), ("kari", 6, 15_000), ("kari", 8, 15_000),
        ("hon", 10, 18_334), ("hon", 12, 18_333), ("hon", 2, 18_333),
    ]  # fmt: skip
    # a 仮徴収 above the 年税額: no 本徴収, the excess 過納
    out = kibetsu_tokucho_kaishi(
        nengaku=30_000, kari_gaku=15_000, before=HON_SAN, fiscal_year=FY, futsu_ki=KI, p=P,
        on=date(2025, 7, 1),
    )  # fmt: skip
    assert out.kanou == 15_000 and out.total == 45_000
    # no 本徴収 month left: refused
    with pytest.raises(TokuchoKibetsuError):
        kibetsu_tokucho_kaishi(
            nengaku=100_000, kari_gaku=0, before=HON_SAN, fiscal_year=FY, futsu_ki=KI, p=P,
            on=date(2026, 2, 16),
        )  # fmt: skip


def _continuing() -> list[dict[str, Any]]:
    return kibetsu_tokucho_kaishi(
        nengaku=100_000, kari_gaku=15_000, before=HON_SAN, fiscal_year=FY, futsu_ki=KI, p=P,
        on=date(2025, 7, 1),
    ).kibetsu  # fmt: skip


def test_stopped_on_december_20_keeps_what_was_withheld_and_the_rest_goes_to_futsu():
    out = kibetsu_futsu_kirikae(
        nengaku=100_000, before=_continuing(), futsu_ki=KI, unit=1000, on=date(2025, 12, 20)
    )
    # withheld (pension day before 12月20日): 4・6・8月 45,000 + 10月 18,334 + 12月 18,333;
    # the other 18,333 over the 期 due from 12月20日 (12月31日, 1月→2月2日, 2月→3月2日,
    # 3月31日): 4,000 each, the 2,333 remainder in the first
    assert _short(out.kibetsu) == [
        ("kari", 4, 15_000), ("kari", 6, 15_000), ("kari", 8, 15_000), ("hon", 10, 18_334),
        ("hon", 12, 18_333), ("futsu", 12, 6_333), ("futsu", 1, 4_000), ("futsu", 2, 4_000),
        ("futsu", 3, 4_000),
    ]  # fmt: skip
    assert out.total == 100_000 and not out.tokucho
    february = next(r for r in out.kibetsu if r["ki"] == 106)
    assert (february["amount"], february["before"]) == (0, 18_333)


def test_kosei_decrease_stops_tokucho_and_the_excess_is_refunded():
    out = kibetsu_tokucho_kosei(
        nengaku_after=60_000, nengaku_before=100_000, before=_continuing(), futsu_ki=KI,
        unit=1000, on=date(2025, 11, 1), zogaku_chushi=False,
    )  # fmt: skip
    # 63,334 already withheld (4・6・8・10月) > 60,000: no 期 to come, 3,334 過納 (還付)
    assert _short(out.kibetsu) == [
        ("kari", 4, 15_000), ("kari", 6, 15_000), ("kari", 8, 15_000), ("hon", 10, 18_334),
    ]  # fmt: skip
    assert out.kanou == 3_334 and not out.tokucho


def test_kosei_increase_keeps_the_pension_months_and_levies_the_increase_by_futsu():
    out = kibetsu_tokucho_kosei(
        nengaku_after=112_000, nengaku_before=100_000, before=_continuing(), futsu_ki=KI,
        unit=1000, on=date(2025, 11, 1), zogaku_chushi=False,
    )  # fmt: skip
    # +12,000 over the 普通徴収 期 due from 11月1日 (11月→12月1日, 12月, 1月, 2月, 3月):
    # 2,000 each, the 2,000 remainder in the first
    assert _short(out.kibetsu) == [
        ("kari", 4, 15_000), ("kari", 6, 15_000), ("kari", 8, 15_000), ("hon", 10, 18_334),
        ("futsu", 11, 4_000), ("hon", 12, 18_333), ("futsu", 12, 2_000), ("futsu", 1, 2_000),
        ("hon", 2, 18_333), ("futsu", 2, 2_000), ("futsu", 3, 2_000),
    ]  # fmt: skip
    assert out.total == 112_000 and out.tokucho
    # a town that stops 特別徴収 on any change (前橋市)
    out = kibetsu_tokucho_kosei(
        nengaku_after=112_000, nengaku_before=100_000, before=_continuing(), futsu_ki=KI,
        unit=1000, on=date(2025, 11, 1), zogaku_chushi=True,
    )  # fmt: skip
    assert not out.tokucho and out.total == 112_000
    assert [r["month"] for r in out.kibetsu if r["kind"] == "hon" and r["amount"]] == [10]
