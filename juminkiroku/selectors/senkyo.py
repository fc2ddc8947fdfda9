"""選挙人名簿の登録資格 on a 基準日 (公職選挙法 第9条, 第21条).

Registered are residents on the 基準日 who are Japanese nationals, at least 18 on that day
(a birthday on the next day counts, see tenants.age) and recorded in this town's
住民基本台帳 continuously for three months or more up to the 基準日.

The three months run from the day the 住民票 was made, which for a 転入 is the day of the
転入届 (公職選挙法 第21条 第1項 括弧書), and are kept by any change that leaves the person a
resident (転居, 世帯変更, 修正 …). A 転出 or a 死亡 ends the run; a later 転入 starts a new
one. The start is computed in SQL over the history versions (one window per person), so
the roll is one query whatever the town's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai, JuminShubetsu, Sex
from juminkiroku.models import AtenaRireki, Chiku, Ido
from juminkiroku.selectors.asof import residents_on
from tenants.age import latest_birth_for_age, months_before

SENKYO_AGE = 18  # 公職選挙法 第9条 第1項
RESIDENCE_MONTHS = 3  # 公職選挙法 第21条 第1項


def _run_start_sql() -> str:
    """Correlated subquery: the start of the uninterrupted resident run up to the version.

    A version opens a run when it is a resident version and the previous version is not a
    resident one or leaves a gap. The run's start is the 届出日 of a 転入 (if later than
    the 異動日), the recorded 住民となった日 of migrated data, else the version's start.
    """
    rireki = AtenaRireki._meta.db_table
    ido = Ido._meta.db_table
    resident = f"(v.kubun = '{AtenaKubun.JUTOSHA.value}' AND v.jotai = '{JuminJotai.JUMIN.value}')"
    return f"""(
        SELECT CASE
                 WHEN i.jiyu = '{IdoJiyu.IKO.value}' THEN COALESCE(s.jumin_date, s.valid_from)
                 WHEN i.jiyu = '{IdoJiyu.TENNYU.value}'
                   THEN GREATEST(s.valid_from, COALESCE(i.todoke_date, s.valid_from))
                 ELSE s.valid_from
               END
        FROM (
            SELECT v.valid_from, v.id, v.ido_id, v.jumin_date,
                   {resident} AS res,
                   LAG(v.valid_to) OVER w AS prev_to,
                   LAG({resident}) OVER w AS prev_res
            FROM {rireki} v
            WHERE v.atena_id = "{rireki}"."atena_id"
              AND NOT v.superseded
              AND v.valid_from <= %s
            WINDOW w AS (ORDER BY v.valid_from, v.id)
        ) s
        JOIN {ido} i ON i.id = s.ido_id
        WHERE s.res AND (s.prev_res IS NOT TRUE OR s.prev_to IS DISTINCT FROM s.valid_from)
        ORDER BY s.valid_from DESC, s.id DESC
        LIMIT 1
    )"""  # noqa: S608 — table names and code constants only; the date is a parameter


def with_residence_start(qs: QuerySet[AtenaRireki], day: date) -> QuerySet[Any]:
    # QuerySet[Any]: rows carry the annotation, which the model type does not declare.
    """Annotate ``renzoku_from``: the start of the continuous residence up to ``day``."""
    return qs.annotate(renzoku_from=RawSQL(_run_start_sql(), [day]))  # noqa: S611


def senkyo_eligible(kijun_date: date) -> QuerySet[Any]:
    """The versions (on the 基準日) of everyone the roll registers on ``kijun_date``."""
    qs = residents_on(kijun_date).filter(
        shubetsu=JuminShubetsu.NIHONJIN,
        birth_date__lte=latest_birth_for_age(SENKYO_AGE, kijun_date),
    )
    return with_residence_start(qs, kijun_date).filter(
        renzoku_from__lte=months_before(kijun_date, RESIDENCE_MONTHS)
    )


def senkyo_roll(kijun_date: date) -> QuerySet[Any]:
    """The roll in its printed order: 地区, address, household, order in the household."""
    return (
        senkyo_eligible(kijun_date)
        .select_related("atena")
        .order_by("chiku_code", "jusho_code", "banchi", "setai_id", "setai_order", "atena_id")
    )


@dataclass(frozen=True)
class ChikuCount:
    chiku_code: str
    chiku_name: str
    male: int
    female: int

    @property
    def total(self) -> int:
        return self.male + self.female


def senkyo_counts(kijun_date: date) -> list[ChikuCount]:
    """Registered persons by 地区 and sex (one aggregate query)."""
    rows = (
        senkyo_eligible(kijun_date)
        .order_by()
        .values("chiku_code", "sex")
        .annotate(n=Count("id"))
        .values_list("chiku_code", "sex", "n")
    )
    names = dict(Chiku.objects.values_list("code", "name"))
    table: dict[str, dict[str, int]] = {}
    for chiku, sex, n in rows:
        table.setdefault(chiku, {}).setdefault(sex, 0)
        table[chiku][sex] += n
    return [
        ChikuCount(
            chiku_code=code,
            chiku_name=names.get(code, code or "（地区未設定）"),
            male=counts.get(Sex.MALE.value, 0),
            female=counts.get(Sex.FEMALE.value, 0),
        )
        for code, counts in sorted(table.items())
    ]
