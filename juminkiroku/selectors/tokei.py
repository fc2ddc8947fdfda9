"""人口統計 on any date, in the shape of the 住民基本台帳 年報 (住民基本台帳に基づく人口、
人口動態及び世帯数調査): 5-year age groups × sex, 地区 × sex, 日本人／外国人 × sex and
households (日本人のみ・外国人のみ・複数国籍).

Each figure is one aggregate query over the versions valid on the date
(juminkiroku.selectors.asof.residents_on), so it costs the same for 3,000 or 380,000
residents and every table sums to ``population_on`` (the figure billing uses). Ages follow
tenants.age: a birthday on the day after the date counts as reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL

from juminkiroku.codes import JuminShubetsu, Sex
from juminkiroku.models import Chiku
from juminkiroku.selectors.asof import population_on, residents_on

AGE_GROUP_TOP = 100  # "100歳以上"


@dataclass
class SexRow:
    key: str
    label: str
    male: int = 0
    female: int = 0

    @property
    def total(self) -> int:
        return self.male + self.female


@dataclass
class Setaisu:
    total: int
    nihonjin_only: int
    gaikokujin_only: int
    fukusu: int


@dataclass
class Tokei:
    day: date
    population: int
    by_age: list[SexRow] = field(default_factory=list)
    by_chiku: list[SexRow] = field(default_factory=list)
    by_shubetsu: list[SexRow] = field(default_factory=list)
    setai: Setaisu | None = None


def _age_group_sql() -> str:
    # Same rule as tenants.age.age_on: age on D is the completed years on D + 1.
    return (
        "LEAST(((EXTRACT(YEAR FROM %s::date) - EXTRACT(YEAR FROM birth_date))::int"
        " - CASE WHEN to_char(birth_date, 'MMDD') > to_char(%s::date, 'MMDD')"
        " THEN 1 ELSE 0 END) / 5 * 5, %s)"
    )


def _sex_rows(pairs: list[tuple[str, str, int]], labels: dict[str, str]) -> list[SexRow]:
    rows: dict[str, SexRow] = {k: SexRow(key=k, label=v) for k, v in labels.items()}
    for key, sex, n in pairs:
        row = rows.setdefault(key, SexRow(key=key, label=labels.get(key, key)))
        if sex == Sex.MALE:
            row.male += n
        else:
            row.female += n
    return list(rows.values())


def by_age_group(day: date) -> list[SexRow]:
    nxt = day + timedelta(days=1)
    pairs = list(
        residents_on(day)
        .annotate(g=RawSQL(_age_group_sql(), [nxt, nxt, AGE_GROUP_TOP]))  # noqa: S611
        .order_by()
        .values("g", "sex")
        .annotate(n=Count("id"))
        .values_list("g", "sex", "n")
    )
    labels = {
        str(g): (f"{g}〜{g + 4}歳" if g < AGE_GROUP_TOP else f"{g}歳以上")
        for g in range(0, AGE_GROUP_TOP + 1, 5)
    }
    return _sex_rows([(str(int(g)), s, n) for g, s, n in pairs], labels)


def by_chiku(day: date) -> list[SexRow]:
    pairs = list(
        residents_on(day)
        .order_by()
        .values("chiku_code", "sex")
        .annotate(n=Count("id"))
        .values_list("chiku_code", "sex", "n")
    )
    labels = dict(Chiku.objects.values_list("code", "name"))
    present = {c for c, _, _ in pairs}
    ordered = {c: labels.get(c, c or "（地区未設定）") for c in sorted(present)}
    rows = _sex_rows(pairs, ordered)
    return sorted(rows, key=lambda r: r.key)


def by_shubetsu(day: date) -> list[SexRow]:
    pairs = list(
        residents_on(day)
        .order_by()
        .values("shubetsu", "sex")
        .annotate(n=Count("id"))
        .values_list("shubetsu", "sex", "n")
    )
    return _sex_rows(pairs, {str(k): str(v) for k, v in JuminShubetsu.choices})


def setaisu(day: date) -> Setaisu:
    """Households on ``day``, split as the 年報 does (one query)."""
    sql, params = (
        residents_on(day).order_by().values("setai_id", "shubetsu").query.sql_with_params()
    )
    nihonjin = JuminShubetsu.NIHONJIN.value
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT COUNT(*),
                   COUNT(*) FILTER (WHERE all_j),
                   COUNT(*) FILTER (WHERE NOT any_j),
                   COUNT(*) FILTER (WHERE any_j AND NOT all_j)
            FROM (
                SELECT setai_id,
                       bool_and(shubetsu = %s) AS all_j,
                       bool_or(shubetsu = %s) AS any_j
                FROM ({sql}) r
                WHERE setai_id IS NOT NULL
                GROUP BY setai_id
            ) h
            """,  # noqa: S608 — the inner SQL is Django's own compiled query
            [nihonjin, nihonjin, *params],
        )
        total, j_only, f_only, mixed = cur.fetchone()
    return Setaisu(total=total, nihonjin_only=j_only, gaikokujin_only=f_only, fukusu=mixed)


def tokei_on(day: date) -> Tokei:
    return Tokei(
        day=day,
        population=population_on(day),
        by_age=by_age_group(day),
        by_chiku=by_chiku(day),
        by_shubetsu=by_shubetsu(day),
        setai=setaisu(day),
    )
