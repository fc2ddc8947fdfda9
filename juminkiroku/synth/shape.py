"""The statistical shape of a synthetic town: shares and age distributions.

Sources: 国勢調査 2020 (household types), 人口推計 2024 (age structure); the shares are
documented in docs/benchmarks.md and checked by juminkiroku/tests/test_synth.py.
"""

from __future__ import annotations

from juminkiroku.codes import Sex, Zokugara
from juminkiroku.synth.data import Weighted

NULL = "\\N"
# Sex codes as plain text (an enum's ``.value`` is a Python call; the loops use these).
MALE: str = Sex.MALE.value
FEMALE: str = Sex.FEMALE.value
DAYS_PER_YEAR = 365.2425
KANJI_DIGITS = "一二三四五六七八九"

# --- shares (documented in docs/benchmarks.md; checked by the tests) ----------------

FOREIGN_HOUSEHOLD_SHARE = 0.03
MIXED_MARRIAGE_SHARE = 0.012
KYUUJI_SHARE = 0.04
JOHYO_SHARE = 0.01
JUTOGAI_SHARE = 0.002
SHIEN_PER_RESIDENTS = 4000
APARTMENT_SHARE = {"young": 0.5, "family": 0.15, "old": 0.05}

HOUSEHOLD_TYPES: Weighted[str] = Weighted(
    ["single", "couple", "couple_kids", "single_parent", "three_gen", "other"],
    [0.35, 0.22, 0.23, 0.09, 0.07, 0.04],
)
KIDS = Weighted([1, 2, 3, 4], [0.42, 0.43, 0.13, 0.02])


def _groups(spec: list[tuple[int, int, float]]) -> Weighted[tuple[int, int]]:
    return Weighted([(lo, hi) for lo, hi, _ in spec], [w for _, _, w in spec])


# Age of the household head (years, inclusive ranges) per household type.
AGE_SINGLE = _groups(
    [
        (18, 19, 2), (20, 24, 10), (25, 29, 8), (30, 34, 5), (35, 39, 4), (40, 44, 4.5),
        (45, 49, 5.5), (50, 54, 6), (55, 59, 5.5), (60, 64, 6), (65, 69, 8), (70, 74, 11),
        (75, 79, 11), (80, 84, 10), (85, 89, 8), (90, 99, 4.5),
    ]
)  # fmt: skip
AGE_COUPLE = _groups(
    [
        (25, 29, 3), (30, 34, 3), (35, 39, 2), (40, 44, 2), (45, 49, 2), (50, 54, 3),
        (55, 59, 5), (60, 64, 8), (65, 69, 12), (70, 74, 18), (75, 79, 17), (80, 84, 13),
        (85, 89, 8), (90, 97, 3),
    ]
)  # fmt: skip
AGE_COUPLE_KIDS = _groups(
    [
        (28, 29, 3), (30, 34, 10), (35, 39, 14), (40, 44, 15), (45, 49, 16), (50, 54, 15),
        (55, 59, 11), (60, 64, 8), (65, 69, 5), (70, 74, 3),
    ]
)  # fmt: skip
AGE_SINGLE_PARENT = _groups(
    [
        (25, 29, 2), (30, 34, 6), (35, 39, 10), (40, 44, 12), (45, 49, 12), (50, 54, 10),
        (55, 59, 8), (60, 64, 8), (65, 69, 8), (70, 74, 9), (75, 79, 8), (80, 84, 6),
        (85, 89, 3),
    ]
)  # fmt: skip
AGE_DEATH = _groups([(65, 74, 2), (75, 84, 4), (85, 94, 4), (95, 102, 1)])
FOREIGN_KINDS = {
    "tokubetsu": Weighted(["single", "couple", "family"], [0.35, 0.4, 0.25]),
    "settled": Weighted(["single", "couple", "family"], [0.3, 0.25, 0.45]),
    "working": Weighted(["single", "couple", "family"], [0.5, 0.2, 0.3]),
}
JOHYO_WEIGHTS = [0.25, 0.3, 0.3, 0.15]
JOHYO_KINDS = Weighted(["widow", "child", "moved", "died"], JOHYO_WEIGHTS)

# Japan, 1 Oct 2024 (人口推計, rounded): share of the population per 5-year group.
# Used by the tests to check the generated pyramid, not by the generator.
TARGET_PYRAMID: dict[tuple[int, int], float] = {
    (0, 4): 3.3, (5, 9): 3.8, (10, 14): 4.2, (15, 19): 4.4, (20, 24): 5.0, (25, 29): 5.1,
    (30, 34): 5.0, (35, 39): 5.5, (40, 44): 6.1, (45, 49): 7.3, (50, 54): 7.8,
    (55, 59): 6.9, (60, 64): 6.1, (65, 69): 5.9, (70, 74): 7.0, (75, 79): 6.6,
    (80, 84): 4.9, (85, 89): 3.3, (90, 94): 1.6, (95, 120): 0.6,
}  # fmt: skip

PERMANENT = {"永住者", "特別永住者"}
ORDER_TEXT = [str(i) for i in range(20)]
# Who moved into a household whose other members were born in the town.
MARRIED_IN = frozenset(
    (
        Zokugara.TSUMA.value,
        Zokugara.OTTO.value,
        Zokugara.KO_NO_TSUMA.value,
        Zokugara.DOKYONIN.value,
        Zokugara.MITODOKE_TSUMA.value,
        Zokugara.TSUMA + Zokugara.CHICHI,  # 妻の父 (1.1.11 chain)
        Zokugara.TSUMA + Zokugara.HAHA,
    )
)
FOLLOWS_HEAD = {"永住者", "特別永住者", "定住者"}
YOUNG_SINGLE_STATUSES = {"技能実習", "特定技能", "留学"}
