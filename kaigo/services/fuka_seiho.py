"""介護保険料 更正 from 福祉's 生活保護 decisions (fukushi.events: 保護開始・廃止), in the
delivery's transaction.

A 保護開始 or 廃止 changes the months at the 第1段階 (kaigo.rules.hokenryo_hogo) of every
年度 already assessed whose end is on or after the decision's day. For those 年度 the
persons' inputs are rebuilt (the existing 更正候補 sweep, ``kosei_sweep_chunk``); a
candidate whose changes include 生活保護 is applied at once as a 職権更正 (the existing
``kosei_apply`` path: a new version, the 期 already due kept, history and access-log rows).
A candidate that differs only for another reason (所得, 資格) stays open for the clerk.

Exactly once by state: a second delivery rebuilds the same input, whose fingerprint equals
the current 賦課's, so no candidate is written and nothing is applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kaigo.models import FukaKoseiCause, FukaKoseiStatus, KaigoFuka, KaigoKoseiKoho
from kaigo.services.fuka import FukaYear, kosei_apply_locked, kosei_sweep_chunk
from tenants.accesslog.services import Actor

SEIHO_ACTOR = Actor(user_id=None, username="system:kaigo_seiho")
REASON = {
    "kaishi": "生活保護の保護開始（福祉の決定）による職権更正",
    "haishi": "生活保護の保護廃止（福祉の決定）による職権更正",
}


def seiho_kosei_apply(*, atena_ids: Iterable[int], day: date, kind: str) -> list[KaigoFuka]:
    """The 更正 of the 年度 touched by a 保護 decision from ``day``; the new versions."""
    ids = sorted(set(atena_ids))
    years = sorted(
        set(
            KaigoFuka.objects.filter(
                atena_id__in=ids, is_current=True, fiscal_year__gte=day.year - 1
            ).values_list("fiscal_year", flat=True)
        )
    )
    out: list[KaigoFuka] = []
    for fy in years:
        if date(fy + 1, 3, 31) < day:
            continue  # 年度 over before the decision's day
        assessed = list(
            KaigoFuka.objects.filter(fiscal_year=fy, atena_id__in=ids, is_current=True).values_list(
                "atena_id", flat=True
            )
        )
        kosei_sweep_chunk(year=FukaYear.build(fy), atena_ids=assessed, gone=[], job_id=None)
        for koho in KaigoKoseiKoho.objects.select_for_update().filter(
            fiscal_year=fy,
            atena_id__in=assessed,
            status=FukaKoseiStatus.OPEN,
            cause=FukaKoseiCause.SEIHO,
        ):
            out.append(kosei_apply_locked(koho=koho, reason=REASON[kind], actor=SEIHO_ACTOR))
    return out
