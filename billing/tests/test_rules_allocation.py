"""Worked examples for billing.rules (no Django, no database).

Expected figures are computed in the test itself with Fraction arithmetic and an
independent largest-remainder helper (``_reference_round``), and the hand-checked
ones are written out literally.  The 14 神奈川県町村会 populations are the seed
figures (町村計 304,003); the 西いぶり populations are illustrative test inputs.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from billing.rules import (
    GuaranteeInfeasible,
    Jinkowari,
    Kintowari,
    Kobetsu,
    Member,
    Metered,
    Mix,
    Teigen,
    TeigenCurve,
    allocate,
    apply_savings_guarantee,
    apportion,
    describe_rule,
    round_shares,
    split_installments,
    sum_allocations,
)

# 神奈川県内全14町村 (seed 003: 町村計 304,003)
KANAGAWA_POPULATION = {
    "葉山町": 32_823,
    "寒川町": 47_478,
    "大磯町": 33_037,
    "二宮町": 29_432,
    "中井町": 9_964,
    "大井町": 17_810,
    "松田町": 11_719,
    "山北町": 11_642,
    "開成町": 16_387,
    "箱根町": 13_706,
    "真鶴町": 8_142,
    "湯河原町": 26_729,
    "愛川町": 41_711,
    "清川村": 3_423,
}
KANAGAWA_TOTAL = 304_003

# 組合運営費 120,000,000円, 均等割:人口割 = 4:6, combined rounding, 1円単位.
KANAGAWA_4_6_COMBINED = {
    "葉山町": 11_202_363,
    "寒川町": 14_673_250,
    "大磯町": 11_253_047,
    "二宮町": 10_399_239,
    "中井町": 5_788_443,
    "大井町": 7_646_688,
    "松田町": 6_204_097,
    "山北町": 6_185_860,
    "開成町": 7_309_665,
    "箱根町": 6_674_697,
    "真鶴町": 5_356_921,
    "湯河原町": 9_759_061,
    "愛川町": 13_307_395,
    "清川村": 4_239_274,
}

FOUR_SIX = Mix([(4, Kintowari()), (6, Jinkowari())])
FOUR_SIX_PER_COMPONENT = Mix([(4, Kintowari()), (6, Jinkowari())], rounding_point="per_component")


def _members(populations: dict[str, int]) -> list[Member]:
    return [Member(name, {"population": p}, name=name) for name, p in populations.items()]


def _reference_round(pool: int, exact: dict[str, Fraction], unit: int = 1) -> dict[str, int]:
    """Independent largest remainder: floor to the unit, then one unit each by
    (larger fraction, larger exact share, member_id ascending).  Needs pool % unit == 0."""
    floors = {k: math.floor(v / unit) * unit for k, v in exact.items()}
    left = pool - sum(floors.values())
    assert left % unit == 0
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), -exact[k], k))
    for k in order[: left // unit]:
        floors[k] += unit
    return floors


def _kanagawa_exact(pool: int) -> dict[str, Fraction]:
    kinto = Fraction(pool) * Fraction(4, 10) / 14
    return {
        k: kinto + Fraction(pool) * Fraction(6, 10) * p / KANAGAWA_TOTAL
        for k, p in KANAGAWA_POPULATION.items()
    }


# --- 神奈川県町村会: 組織運営費 均等割:人口割 = 4:6 ------------------------------------


def test_kanagawa_population_total_is_the_seed_total() -> None:
    assert sum(KANAGAWA_POPULATION.values()) == KANAGAWA_TOTAL
    assert len(KANAGAWA_POPULATION) == 14


def test_kanagawa_4_6_combined_matches_fraction_arithmetic() -> None:
    # given 120,000,000円 split 4:6 over the 14 towns
    pool = 120_000_000
    # when allocated with the combined ratio
    allocation = allocate(pool, _members(KANAGAWA_POPULATION), FOUR_SIX)
    # then the literal table is what independent Fraction arithmetic gives ...
    assert _reference_round(pool, _kanagawa_exact(pool)) == KANAGAWA_4_6_COMBINED
    # ... the engine gives the same, and the total is exact
    assert allocation.amounts() == KANAGAWA_4_6_COMBINED
    assert sum(KANAGAWA_4_6_COMBINED.values()) == pool
    assert allocation.total_yen == pool
    assert allocation.description == "均等割:人口割 = 4:6（合算比率で端数処理、1円単位）"


def test_kanagawa_share_shows_its_arithmetic() -> None:
    allocation = allocate(120_000_000, _members(KANAGAWA_POPULATION), FOUR_SIX)
    hayama = allocation.share("葉山町")
    assert hayama.name == "葉山町"
    assert hayama.basis == {"population": 32_823}
    assert hayama.exact_yen == _kanagawa_exact(120_000_000)["葉山町"]
    assert hayama.steps == (
        "均等割: 120,000,000円 × 0.4 × 1 / 14 = 3,428,571.42…円",
        "人口割: 120,000,000円 × 0.6 × 32,823 / 304,003 = 7,773,791.70…円",
        "合計: 3,428,571.42…円 + 7,773,791.70…円 = 11,202,363.13…円 → 11,202,363円",
    )
    # 寒川町 received one of the remainder yen, and the line says so
    assert allocation.share("寒川町").steps[-1].endswith("→ 14,673,250円（端数配分 +1円）")


def test_kanagawa_1000_yen_units_sum_exactly() -> None:
    pool = 120_000_000
    allocation = allocate(pool, _members(KANAGAWA_POPULATION), FOUR_SIX, rounding_unit_yen=1000)
    amounts = allocation.amounts()
    assert amounts == _reference_round(pool, _kanagawa_exact(pool), unit=1000)
    assert sum(amounts.values()) == pool
    assert all(a % 1000 == 0 for a in amounts.values())
    assert amounts["葉山町"] == 11_202_000
    assert amounts["中井町"] == 5_789_000  # 5,788,443.x rounds up: large remainder
    assert allocation.description == "均等割:人口割 = 4:6（合算比率で端数処理、1,000円単位）"


def test_odd_yen_below_the_unit_go_one_yen_at_a_time() -> None:
    # given a pool that is not a multiple of 1,000 (500 odd yen, 14 members)
    pool = 120_000_500
    amounts = allocate(
        pool, _members(KANAGAWA_POPULATION), FOUR_SIX, rounding_unit_yen=1000
    ).amounts()
    # then the total is still exact and the 500 yen are spread 1 yen at a time:
    # 500 = 14 × 35 + 10, so ten members carry 36 odd yen and four carry 35
    assert sum(amounts.values()) == pool
    odd = sorted(a % 1000 for a in amounts.values())
    assert odd == [35] * 4 + [36] * 10


def test_per_component_and_combined_rounding_differ_by_one_yen() -> None:
    # given three towns (中井町 9,964, 真鶴町 8,142, 清川村 3,423; total 21,529) and
    # 1,000,000円 split 4:6
    towns = {k: KANAGAWA_POPULATION[k] for k in ("中井町", "真鶴町", "清川村")}
    members = _members(towns)
    combined = allocate(1_000_000, members, FOUR_SIX).amounts()
    per_component = allocate(1_000_000, members, FOUR_SIX_PER_COMPONENT)
    # combined: exact 411,023.89 / 360,245.87 / 228,730.24 → floors leave 2 yen,
    # to the two largest fractions (中井町 .89, 真鶴町 .87)
    assert combined == {"中井町": 411_024, "真鶴町": 360_246, "清川村": 228_730}
    # per component: 均等割 400,000 / 3 = 133,333.33 each, 1 yen left, equal
    # fractions and shares → member_id order ("中井町" sorts first);
    # 人口割 600,000: 277,690.56 / 226,912.54 / 95,396.91, 2 yen left → 清川村 (.91),
    # 中井町 (.56)
    assert per_component.amounts() == {
        "中井町": 133_334 + 277_691,
        "真鶴町": 133_333 + 226_912,
        "清川村": 133_333 + 95_397,
    }
    assert per_component.notes == (
        "均等割分: 1,000,000円 × 0.4 = 400,000円 → 400,000円",
        "人口割分: 1,000,000円 × 0.6 = 600,000円 → 600,000円",
    )
    assert per_component.share("中井町").steps[-1] == "合計: 133,334円 + 277,691円 = 411,025円"
    assert per_component.description == "均等割:人口割 = 4:6（構成要素ごとに端数処理、1円単位）"
    # both sum exactly; 中井町 and 真鶴町 differ by one yen between the two methods
    assert sum(per_component.amounts().values()) == sum(combined.values()) == 1_000_000
    diffs = {k: per_component.amounts()[k] - combined[k] for k in towns}
    assert diffs == {"中井町": 1, "真鶴町": -1, "清川村": 0}


def test_kanagawa_per_component_differs_from_combined() -> None:
    pool = 120_000_000
    per_component = allocate(pool, _members(KANAGAWA_POPULATION), FOUR_SIX_PER_COMPONENT)
    kinto = _reference_round(48_000_000, {k: Fraction(48_000_000, 14) for k in KANAGAWA_POPULATION})
    jinko = _reference_round(
        72_000_000,
        {k: Fraction(72_000_000 * p, KANAGAWA_TOTAL) for k, p in KANAGAWA_POPULATION.items()},
    )
    expected = {k: kinto[k] + jinko[k] for k in KANAGAWA_POPULATION}
    assert per_component.amounts() == expected
    assert sum(expected.values()) == pool
    assert expected["寒川町"] == KANAGAWA_4_6_COMBINED["寒川町"] + 1
    assert expected["松田町"] == KANAGAWA_4_6_COMBINED["松田町"] - 1


# --- 西いぶり広域連合: 均等割5%・人口割95% ----------------------------------------------


def test_nishiiburi_5_95() -> None:
    # populations are ILLUSTRATIVE test inputs (round figures), not official data
    populations = {"室蘭市": 80_000, "登別市": 46_000, "伊達市": 32_000, "豊浦町": 3_700}
    total = sum(populations.values())
    pool = 250_000_000
    rule = Mix([(Decimal("0.05"), Kintowari()), (Decimal("0.95"), Jinkowari())])
    allocation = allocate(pool, _members(populations), rule)
    exact = {
        k: Fraction(pool) * Fraction(5, 100) / 4 + Fraction(pool) * Fraction(95, 100) * p / total
        for k, p in populations.items()
    }
    assert allocation.amounts() == _reference_round(pool, exact)
    assert allocation.total_yen == pool
    # 豊浦町: 3,125,000 + 237,500,000 × 3,700 / 161,700 = 8,559,446.50…; the floors
    # leave 2 yen and its .50 is one of the two largest fractions → 8,559,447
    assert allocation.amounts()["豊浦町"] == 8_559_447
    assert allocation.description == "均等割:人口割 = 5%:95%（合算比率で端数処理、1円単位）"
    assert allocation.share("豊浦町").steps[1] == (
        "人口割: 250,000,000円 × 0.95 × 3,700 / 161,700 = 5,434,446.50…円"
    )


# --- 従量制: 業務別従量料金の月額単価 × 使用月数 -------------------------------------------


def test_metered_mid_year_go_live() -> None:
    # 葉山町 used the module all year, 寒川町 went live in October (6 months)
    members = [
        Member("葉山町", {"months": 12}, name="葉山町"),
        Member("寒川町", {"months": 6}, name="寒川町"),
    ]
    rule = Metered(unit_price_yen=80_000, label="住民記録 システム利用料")
    allocation = allocate(None, members, rule)
    assert allocation.amounts() == {"葉山町": 960_000, "寒川町": 480_000}
    assert allocation.pool_yen == 1_440_000
    assert allocation.pool_given is False
    assert allocation.share("寒川町").steps == (
        "住民記録 システム利用料: 月額単価 80,000円 × 6か月 = 480,000円 → 480,000円",
    )
    assert allocation.description == (
        "住民記録 システム利用料（月額単価 80,000円 × 使用月数、1円未満切り捨て）"
    )


def test_fixed_pool_split_by_months_used() -> None:
    members = [Member("葉山町", {"months": 12}), Member("寒川町", {"months": 6})]
    allocation = allocate(1_000_000, members, Jinkowari(figure="months"))
    # 666,666.67 / 333,333.33: the one remainder yen goes to the larger fraction
    assert allocation.amounts() == {"葉山町": 666_667, "寒川町": 333_333}
    assert allocation.description == "使用月数割（1円単位）"


def test_metered_fractional_quantity_is_floored_to_the_unit() -> None:
    members = [Member("a", {"months": Decimal("6.5")}), Member("b", {"months": Fraction(1, 3)})]
    allocation = allocate(None, members, Metered(1_000), rounding_unit_yen=100)
    assert allocation.amounts() == {"a": 6_500, "b": 300}  # 333.33… → 300


def test_metered_refuses_a_pool() -> None:
    with pytest.raises(ValueError, match="総額は指定できません"):
        allocate(1_000, [Member("a", {"months": 1})], Metered(100))


# --- 処理費逓減方式 (HARP style) --------------------------------------------------------

TIERS = Teigen([(10_000, 300), (50_000, 200), (None, 100)])


def test_teigen_tiers_computed_by_hand() -> None:
    members = _members(
        {"清川村": 3_423, "境界町": 10_000, "葉山町": 32_823, "寒川町": 47_478, "例示市": 100_000}
    )
    charges = allocate(None, members, TIERS).amounts()
    assert charges == {
        "清川村": 3_423 * 300,  # 1,026,900
        "境界町": 10_000 * 300,  # exactly the first tier
        "葉山町": 10_000 * 300 + 22_823 * 200,  # 7,564,600
        "寒川町": 10_000 * 300 + 37_478 * 200,  # 10,495,600
        "例示市": 10_000 * 300 + 40_000 * 200 + 50_000 * 100,  # 16,000,000
    }
    assert charges["葉山町"] == 7_564_600
    assert charges["例示市"] == 16_000_000


def test_teigen_step_and_description() -> None:
    allocation = allocate(None, _members({"葉山町": 32_823}), TIERS)
    assert allocation.share("葉山町").steps == (
        "逓減方式: 10,000人 × 300円 + 22,823人 × 200円 = 7,564,600円 → 7,564,600円",
    )
    assert allocation.description == (
        "逓減方式（人口 1人あたり 1人〜10,000人: 300円、10,001人〜50,000人: 200円、"
        "50,001人〜: 100円、1円未満切り捨て）"
    )


def test_teigen_scaled_to_a_pool() -> None:
    towns = {"清川村": 3_423, "葉山町": 32_823, "寒川町": 47_478}
    raw = {"清川村": 1_026_900, "葉山町": 7_564_600, "寒川町": 10_495_600}
    pool = 30_000_000
    allocation = allocate(pool, _members(towns), TIERS)
    exact = {k: Fraction(pool * v, sum(raw.values())) for k, v in raw.items()}
    assert allocation.amounts() == _reference_round(pool, exact)
    assert allocation.total_yen == pool
    assert allocation.share("葉山町").steps[0] == (
        "逓減方式（基準額）: 10,000人 × 300円 + 22,823人 × 200円 = 7,564,600円"
    )


def test_teigen_curve_doubling_population_costs_one_and_a_half() -> None:
    members = [Member("a", {"population": 10_000}), Member("b", {"population": 20_000})]
    allocation = allocate(2_500_000, members, TeigenCurve())
    assert allocation.amounts() == {"a": 1_000_000, "b": 1_500_000}
    assert "人口が2倍で負担は1.5倍" in allocation.description
    # with exponent 1 the curve is plain population share
    linear = allocate(3_000_000, members, TeigenCurve(exponent=1)).amounts()
    assert linear == {"a": 1_000_000, "b": 2_000_000}


# --- other rules ------------------------------------------------------------------------


def test_staff_count_share() -> None:
    # 徳島県(文書): 職員数(現業職員除く)
    members = [Member("A市", {"staff": 600}), Member("B町", {"staff": 150})]
    allocation = allocate(7_500_000, members, Jinkowari(figure="staff"))
    assert allocation.amounts() == {"A市": 6_000_000, "B町": 1_500_000}
    assert allocation.description == "職員数割（1円単位）"
    assert allocation.share("B町").steps == (
        "職員数割: 7,500,000円 × 150 / 750 = 1,500,000円 → 1,500,000円",
    )


def test_kobetsu_whole_pool_to_one_member_and_combined_statement() -> None:
    members = _members({"葉山町": 32_823, "寒川町": 47_478})
    migration = allocate(5_000_000, members, Kobetsu("寒川町"))
    assert migration.amounts() == {"葉山町": 0, "寒川町": 5_000_000}
    assert migration.description == "個別負担（寒川町が全額負担）"
    equal = allocate(1_000_001, members, Kintowari())
    totals = sum_allocations(equal, migration)
    assert totals == {"葉山町": 500_000, "寒川町": 5_500_001}


def test_tie_breaks_larger_basis_then_member_id() -> None:
    # equal fractions (.5 and .5): the larger basis figure gets the yen
    members = [Member("a", {"population": 1}), Member("b", {"population": 3})]
    assert allocate(10, members, Jinkowari()).amounts() == {"a": 2, "b": 8}
    # all equal: member_id ascending, whatever the input order
    members = [Member(i, {}) for i in ("c", "a", "b")]
    assert allocate(100, members, Kintowari()).amounts() == {"c": 33, "a": 34, "b": 33}


def test_nested_mix_combined_and_per_component() -> None:
    members = _members({"x": 1, "y": 2})
    inner = Mix([(1, Kintowari()), (1, Jinkowari())])
    rule = Mix([(1, Kobetsu("x")), (3, inner)], rounding_point="per_component")
    allocation = allocate(1_000, members, rule)
    # 個別負担分 250 → x; inner 750 = 均等割 375 (187.5 each) + 人口割 375 (125 / 250)
    assert allocation.total_yen == 1_000
    assert describe_rule(rule) == (
        "個別負担:（均等割:人口割 = 1:1） = 1:3（構成要素ごとに端数処理、1円単位）"
    )
    combined = allocate(1_000, members, Mix([(1, Kobetsu("x")), (3, inner)]))
    assert combined.share("x").exact_yen == 250 + Fraction(750, 4) + Fraction(375, 3)
    assert combined.total_yen == 1_000


def test_zero_pool_gives_zero_shares() -> None:
    assert allocate(0, _members({"a": 1, "b": 2}), FOUR_SIX).amounts() == {"a": 0, "b": 0}


# --- savings guarantee (every member at least 30% saving) -------------------------------


def test_guarantee_binding_for_one_kanagawa_town() -> None:
    shares = dict(KANAGAWA_4_6_COMBINED)
    # 寒川町's former cost was 18,000,000円 → cap 12,600,000円 (binding);
    # every other town's former cost was twice its share (not binding)
    former = {k: 2 * v for k, v in shares.items()}
    former["寒川町"] = 18_000_000
    result = apply_savings_guarantee(shares, former, Fraction(3, 10))
    assert result.caps["寒川町"] == 12_600_000
    assert result.amounts["寒川町"] == 12_600_000
    assert result.capped == frozenset({"寒川町"})
    # the others carry 2,073,250円 pro rata to their shares
    others = {k: v for k, v in shares.items() if k != "寒川町"}
    remaining = 120_000_000 - 12_600_000
    exact = {k: Fraction(v * remaining, sum(others.values())) for k, v in others.items()}
    expected = _reference_round(remaining, exact)
    assert {k: result.amounts[k] for k in others} == expected
    assert sum(result.amounts.values()) == 120_000_000
    assert all(result.amounts[k] <= result.caps[k] for k in shares)
    assert result.adjustments["寒川町"] == -2_073_250
    assert result.steps["寒川町"] == (
        "削減保証: 従前経費 18,000,000円 × (1 − 30%) = 上限 12,600,000円（1円未満切り捨て）",
        "按分額 14,673,250円 → 上限 12,600,000円（超過 2,073,250円は他団体が負担割合に応じて負担）",
    )


def test_guarantee_cascades_when_carrying_pushes_another_over() -> None:
    # a: 500 > cap 350; spreading 150 over b:c = 300:200 would give b 390 > cap 322,
    # so b is capped too and c (no former cost) carries the rest
    result = apply_savings_guarantee(
        {"a": 500, "b": 300, "c": 200}, {"a": 500, "b": 460}, Fraction(3, 10)
    )
    assert result.amounts == {"a": 350, "b": 322, "c": 328}
    assert result.capped == frozenset({"a", "b"})


def test_guarantee_infeasible_names_the_shortfall() -> None:
    with pytest.raises(GuaranteeInfeasible, match="1,000円不足") as info:
        # caps 4,500 + 4,500 = 9,000 < 10,000
        apply_savings_guarantee({"a": 5_000, "b": 5_000}, {"a": 9_000, "b": 9_000}, Fraction(1, 2))
    assert info.value.shortfall_yen == 1_000


def test_guarantee_not_binding_changes_nothing() -> None:
    result = apply_savings_guarantee({"a": 100, "b": 200}, {"a": 1_000}, Decimal("0.3"))
    assert result.amounts == {"a": 100, "b": 200}
    assert result.capped == frozenset()
    assert result.steps["a"][-1] == "上限以内のため調整なし"


# --- installments and low-level helpers -------------------------------------------------


def test_split_installments() -> None:
    assert split_installments(100, 3) == [34, 33, 33]
    assert split_installments(100, 3, remainder="last") == [33, 33, 34]
    assert split_installments(1_234_567, 4, unit_yen=1000) == [310_567, 308_000, 308_000, 308_000]
    assert split_installments(0, 2) == [0, 0]
    with pytest.raises(ValueError, match="分割回数"):
        split_installments(100, 0)


def test_round_shares_and_apportion() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert round_shares(10, [Fraction(10, 3)] * 3, tie_rank=[2, 0, 1]) == [3, 4, 3]
    with pytest.raises(ValueError, match="一致しません"):
        round_shares(10, [Fraction(1)])


# --- validation -------------------------------------------------------------------------


def test_validation_messages() -> None:
    members = _members({"a": 0, "b": 0})
    with pytest.raises(ValueError, match="人口の合計が0のため人口割で按分できません"):
        allocate(100, members, Jinkowari())
    with pytest.raises(ValueError, match="職員数の合計が0のため職員数割で按分できません"):
        allocate(100, [Member("a", {"staff": 0})], Jinkowari(figure="staff"))
    with pytest.raises(ValueError, match="人口の合計が0のため逓減方式で按分できません"):
        allocate(100, members, TIERS)
    with pytest.raises(ValueError, match="負の金額"):
        allocate(-1, _members({"a": 1}), Kintowari())
    with pytest.raises(TypeError, match="円単位の整数"):
        allocate(1.5, _members({"a": 1}), Kintowari())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="団体が指定されていません"):
        allocate(100, [], Kintowari())
    with pytest.raises(ValueError, match="重複"):
        allocate(100, [Member("a"), Member("a")], Kintowari())
    with pytest.raises(ValueError, match="aの人口が指定されていません"):
        allocate(100, [Member("a")], Jinkowari())
    with pytest.raises(ValueError, match="負の値"):
        allocate(100, [Member("a", {"population": -1})], Jinkowari())
    with pytest.raises(ValueError, match="個別負担の対象団体 z"):
        allocate(100, [Member("a")], Kobetsu("z"))
    with pytest.raises(ValueError, match="総額を指定"):
        allocate(None, [Member("a")], Kintowari())
    with pytest.raises(ValueError, match="端数処理の単位"):
        allocate(100, [Member("a")], Kintowari(), rounding_unit_yen=0)
    with pytest.raises(ValueError, match="Mix"):
        Mix([(1, Metered(100))])
    with pytest.raises(ValueError, match="最後"):
        Teigen([(100, 10)])
    with pytest.raises(ValueError, match="昇順"):
        Teigen([(100, 10), (50, 5), (None, 1)])
    with pytest.raises(ValueError, match="指数"):
        TeigenCurve(exponent=2)
    with pytest.raises(ValueError, match="削減率"):
        apply_savings_guarantee({"a": 1}, {"a": 1}, Fraction(1))
    with pytest.raises(ValueError, match="負担額の一覧にありません"):
        apply_savings_guarantee({"a": 1}, {"b": 1}, Fraction(1, 10))
