"""学齢簿 (学校教育法施行令 第1条, 第2条): the school-age residents of a school year.

For a 学年度 starting in April of Y, the children of 小1–中3 are those born 4月2日 of Y-15
to 4月1日 of Y-6 (tenants.age). They are taken from the residents on a 基準日
the screen asks for: 10月1日 of Y-1 for the 就学予定者 of the next year (施行令 第2条 asks
for the 学齢簿 of the new pupils by 10月31日), or any day of Y for the current pupils.

The 保護者 shown is the 世帯主 of the child's household on the 基準日; when the child is the
世帯主's 子 that is a parent. Any other relationship is flagged so staff check the guardian.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from juminkiroku.codes import JuminShubetsu, Sex, Zokugara
from juminkiroku.selectors.asof import residents_on
from tenants.age import GAKUNEN_COUNT, GAKUNEN_LABELS, gakunen_birth_range

# 続柄 of a child whose 世帯主 is the child's parent.
PARENT_IS_HEAD = {Zokugara.KO.value}


def gakunen_case(school_year: int) -> Case:
    """SQL expression: the grade (1–9) of ``birth_date`` in ``school_year``."""
    whens = []
    for grade in range(1, GAKUNEN_COUNT + 1):
        first, last = gakunen_birth_range(grade, school_year)
        whens.append(When(birth_date__range=(first, last), then=Value(grade)))
    return Case(*whens, default=None, output_field=IntegerField())


def gakurei_children(
    school_year: int, kijun_date: date, *, include_foreign: bool = False
) -> QuerySet[Any]:
    """Residents on ``kijun_date`` of school age in ``school_year``, with grade and 保護者."""
    first, _ = gakunen_birth_range(GAKUNEN_COUNT, school_year)
    _, last = gakunen_birth_range(1, school_year)
    residents = residents_on(kijun_date)
    heads = residents.filter(setai_id=OuterRef("setai_id"), zokugara=Zokugara.HONNIN).order_by(
        "atena_id"
    )
    qs: QuerySet[Any] = residents.filter(birth_date__range=(first, last))
    if not include_foreign:
        qs = qs.filter(shubetsu=JuminShubetsu.NIHONJIN)
    # Rows carry gakunen, hogosha_id and hogosha_shimei (annotations).
    return (
        qs.annotate(
            gakunen=gakunen_case(school_year),
            hogosha_id=Subquery(heads.values("atena_id")[:1]),
            hogosha_shimei=Subquery(heads.values("shimei")[:1]),
        )
        .select_related("atena")
        .order_by("-birth_date", "chiku_code", "shimei_kana", "atena_id")
    )


@dataclass(frozen=True)
class GakunenCount:
    gakunen: int
    label: str
    male: int
    female: int

    @property
    def total(self) -> int:
        return self.male + self.female


def gakurei_counts(
    school_year: int, kijun_date: date, *, include_foreign: bool = False
) -> list[GakunenCount]:
    """Children by grade and sex (one aggregate query)."""
    first, _ = gakunen_birth_range(GAKUNEN_COUNT, school_year)
    _, last = gakunen_birth_range(1, school_year)
    qs = residents_on(kijun_date).filter(birth_date__range=(first, last))
    if not include_foreign:
        qs = qs.filter(shubetsu=JuminShubetsu.NIHONJIN)
    rows = (
        qs.annotate(g=gakunen_case(school_year))
        .order_by()
        .values("g", "sex")
        .annotate(n=Count("id"))
        .values_list("g", "sex", "n")
    )
    table: dict[int, dict[str, int]] = {g: {} for g in range(1, GAKUNEN_COUNT + 1)}
    for grade, sex, n in rows:
        table[grade][sex] = n
    return [
        GakunenCount(
            gakunen=g,
            label=GAKUNEN_LABELS[g],
            male=table[g].get(Sex.MALE.value, 0),
            female=table[g].get(Sex.FEMALE.value, 0),
        )
        for g in range(1, GAKUNEN_COUNT + 1)
    ]


def hogosha_note(zokugara: str, is_head: bool) -> str:
    """A hint for staff when the 世帯主 may not be the guardian."""
    if is_head:
        return "本人が世帯主"
    if zokugara in PARENT_IS_HEAD:
        return ""
    return "保護者要確認"
