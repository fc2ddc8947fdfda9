"""The two rounding settings of a pool (billing.rules.rounding): truncation without
redistribution, and the tie-break among equal remainders. No Django, no database.

Truncation is tested against a real 条例: 新潟県市町村総合事務組合「平成31年度開始の
新潟県自治会館大規模改修事業に係る負担金に関する条例」(平成31年2月15日条例第10号),
https://ngtsogo.jp/reiki/reiki_honbun/u433RG00000185.html — 第2条: 均等割 = 総額 ×
100分の50 ÷ 組合市町村の数, 人口割 = 総額 × 100分の50 × 人口 ÷ 総人口 (平成27年国勢調査);
第2条第3項: 「前項に定める自治会館改修負担金の額に1,000円未満の端数があるときは、これを
切り捨てた額とする。」 Nothing is said of the yen cut off: they are not charged to anyone,
i.e. the 組合 carries them.

The tie-break has no cited source: no 規約 or 条例 text stating which member goes first
among equal remainders was found (searched December 2026). The tests below check the
documented behaviour of each setting, not a legal text.
"""

from __future__ import annotations

import pytest

from billing.rules import (
    TIE_DANTAI_CODE,
    TIE_POPULATION,
    TIE_SHARE,
    TRUNCATE,
    Jinkowari,
    Kintowari,
    Member,
    Mix,
    Rounding,
    allocate,
    describe_rule,
)
from billing.rules.codec import rounding_from_json, rounding_to_json

# Three illustrative members (populations are test inputs, codes are not real towns').
TOWNS = [
    Member("150001", {"population": 5_000}, name="丙村"),
    Member("150002", {"population": 15_000}, name="乙町"),
    Member("150003", {"population": 80_000}, name="甲市"),
]
# 第2条: 均等割 50/100, 人口割 50/100.
NIIGATA_RULE = Mix(parts=[(50, Kintowari()), (50, Jinkowari(figure="population"))])


def test_truncation_as_in_the_niigata_jichikaikan_jorei_no_redistribution():
    # given: 10,000,000円; exact shares 1,666,666.66… + 人口割 each
    #   丙村 1,666,666.66… + 250,000 = 1,916,666.66… → 1,916,000
    #   乙町 1,666,666.66… + 750,000 = 2,416,666.66… → 2,416,000
    #   甲市 1,666,666.66… + 4,000,000 = 5,666,666.66… → 5,666,000
    # when: 1,000円未満切り捨て (条例第2条第3項), nothing handed out
    result = allocate(
        10_000_000, TOWNS, NIIGATA_RULE, rounding_unit_yen=1000, remainder_method=TRUNCATE
    )
    # then: the shares are the truncated amounts; the 2,000円 left is the consortium's
    assert result.amounts() == {"150001": 1_916_000, "150002": 2_416_000, "150003": 5_666_000}
    assert result.total_yen == 9_998_000
    assert result.shortfall_yen == 2_000
    assert result.notes[-1] == "端数切り捨てによる不足額: 2,000円（構成団体に配分せず組合が負担）"
    assert result.share("150003").steps[-1].endswith("→ 5,666,000円（1,000円未満切り捨て）")
    assert "1,000円未満切り捨て、端数は組合負担" in result.description


def test_the_same_pool_by_largest_remainder_hands_the_2000_yen_out():
    # the default for comparison: the two 1,000円 units go to the larger exact shares
    result = allocate(10_000_000, TOWNS, NIIGATA_RULE, rounding_unit_yen=1000)
    assert result.amounts() == {"150001": 1_916_000, "150002": 2_417_000, "150003": 5_667_000}
    assert result.shortfall_yen == 0
    assert result.total_yen == 10_000_000


def test_truncation_per_component_floors_each_part():
    # 均等割分 and 人口割分 each floored to 1,000円 on their own:
    #   丙村 1,666,000 + 250,000 = 1,916,000; 乙町 1,666,000 + 750,000 = 2,416,000;
    #   甲市 1,666,000 + 4,000,000 = 5,666,000 (here the same as floor of the sum)
    rule = Mix(
        parts=[(50, Kintowari()), (50, Jinkowari(figure="population"))],
        rounding_point="per_component",
    )
    result = allocate(10_000_100, TOWNS, rule, rounding_unit_yen=1000, remainder_method=TRUNCATE)
    # 10,000,100: 均等割分 5,000,050 → 1,666,683.33… each → 1,666,000;
    # 人口割分 5,000,050 × 5/100 = 250,002.5 → 250,000; × 15/100 = 750,007.5 → 750,000;
    # × 80/100 = 4,000,040 → 4,000,000
    assert result.amounts() == {"150001": 1_916_000, "150002": 2_416_000, "150003": 5_666_000}
    assert result.shortfall_yen == 10_000_100 - 9_998_000


def test_truncation_is_never_more_than_the_exact_share_and_short_by_less_than_a_unit_each():
    for pool in (0, 999, 1_000_001, 12_345_678):
        result = allocate(
            pool, TOWNS, NIIGATA_RULE, rounding_unit_yen=1000, remainder_method=TRUNCATE
        )
        for share in result.shares:
            assert share.amount_yen % 1000 == 0
            assert 0 <= share.exact_yen - share.amount_yen < 1000
        assert 0 <= result.shortfall_yen < 1000 * len(TOWNS)
        assert result.total_yen + result.shortfall_yen == pool


@pytest.mark.parametrize(
    ("tie_break", "gets_the_extra_yen"),
    [
        (TIE_SHARE, "150001"),  # equal exact shares → 団体コード
        (TIE_POPULATION, "150003"),  # 甲市 has the largest population
        (TIE_DANTAI_CODE, "150001"),
    ],
)
def test_tie_break_among_equal_remainders(tie_break, gets_the_extra_yen):
    # 10,000円 均等割 among 3: 3,333.33… each, three equal remainders, one yen to hand out
    result = allocate(10_000, TOWNS, Kintowari(), tie_break=tie_break)
    extra = [code for code, amount in result.amounts().items() if amount == 3_334]
    assert extra == [gets_the_extra_yen]
    assert result.total_yen == 10_000


def test_population_tie_break_differs_from_share_when_the_rule_uses_another_figure():
    # given: 職員数割 where 丙村 and 甲市 have equal staff (equal exact shares) but 甲市
    # has more people; 100円 among 3 staff counts of 1: 33.33… each
    towns = [Member(m.member_id, {**m.figures, "staff": 1}, name=m.name) for m in TOWNS]
    rule = Jinkowari(figure="staff")
    by_share = allocate(100, towns, rule, tie_break=TIE_SHARE).amounts()
    by_population = allocate(100, towns, rule, tie_break=TIE_POPULATION).amounts()
    assert by_share == {"150001": 34, "150002": 33, "150003": 33}
    assert by_population == {"150001": 33, "150002": 33, "150003": 34}


def test_dantai_code_tie_break_ignores_the_larger_exact_share():
    # 甲市's exact share is larger, but the remainders are equal (…66.66…): with
    # 団体コード order the two units go to 丙村 and 乙町, not 甲市 and 乙町
    by_code = allocate(
        10_000_000, TOWNS, NIIGATA_RULE, rounding_unit_yen=1000, tie_break=TIE_DANTAI_CODE
    )
    assert by_code.amounts() == {"150001": 1_917_000, "150002": 2_417_000, "150003": 5_666_000}
    assert "同じ端数は団体コード順" in by_code.description


def test_population_tie_break_needs_every_members_population():
    towns = [Member("150001", {"staff": 1}), Member("150002", {"staff": 1})]
    with pytest.raises(ValueError, match="人口"):
        allocate(1, towns, Jinkowari(figure="staff"), tie_break=TIE_POPULATION)


def test_settings_round_trip_and_old_snapshots_read_as_before():
    rounding = Rounding(1000, TRUNCATE, TIE_POPULATION)
    assert rounding_from_json(rounding_to_json(rounding)) == rounding
    # a run stored before the settings existed has only the unit
    assert rounding_from_json({"rounding_unit_yen": 100}) == Rounding(100)
    with pytest.raises(ValueError):
        rounding_from_json({"rounding_unit_yen": 1, "remainder_method": "round_half_up"})


def test_description_is_unchanged_for_the_default_settings():
    # stored runs' descriptions stay what they were
    assert describe_rule(NIIGATA_RULE, rounding_unit_yen=1000) == (
        f"{NIIGATA_RULE.describe()}（合算比率で端数処理、1,000円単位）"
    )
    assert describe_rule(Kintowari(), tie_break=TIE_POPULATION) == (
        "均等割（1円単位、同じ端数は人口の多い団体を優先）"
    )


def test_the_models_choices_are_the_engines_settings():
    from billing.models import RemainderMethod, TieBreak
    from billing.rules.rounding import REMAINDER_METHODS, TIE_BREAKS

    assert tuple(RemainderMethod.values) == REMAINDER_METHODS
    assert tuple(TieBreak.values) == TIE_BREAKS
