"""75歳到達: the daily job that moves insured persons to 後期高齢者医療 on their 75th
birthday (高齢者の医療の確保に関する法律第52条; 国民健康保険法第6条第8号).

Idempotent and catching up: it closes every open period whose holder's 75th birthday is
on or before ``today`` with that birthday as the 喪失日, so a missed day is caught up by
the next run and a run repeated finds nothing. One durable transaction per chunk of
open periods (≈2,000 persons: one registry query each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from juminkiroku.public import households_of, residents_among
from kokuho.models import CauseKind, Shikaku, SoshitsuJiyu
from kokuho.rules.shikaku import ShikakuParameters, koki_date
from kokuho.services.shikaku import Cause, insured_among, soshitsu, tokutei_start
from tenants.accesslog.services import Actor

SYSTEM_ACTOR_NAME = "system:kokuho_koki"
CHUNK = 2000


@dataclass
class KokiResult:
    moved: list[int] = field(default_factory=list)  # 宛名 ids
    tokutei: list[int] = field(default_factory=list)


def koki_ido_due(*, today: date, actor: Actor | None = None) -> KokiResult:
    """喪失 (後期高齢者医療へ移行) for everyone insured whose 75th birthday has come."""
    actor = actor or Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    params = ShikakuParameters.for_date(today)
    result = KokiResult()
    ids = list(
        Shikaku.objects.filter(soshitsu_date__isnull=True, torikeshi=False)
        .order_by("atena_id")
        .values_list("atena_id", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        _chunk(ids[start : start + CHUNK], today, params, actor, result)
    return result


def _chunk(
    ids: list[int], today: date, params: ShikakuParameters, actor: Actor, result: KokiResult
) -> None:
    with transaction.atomic(durable=True):
        residents = residents_among(ids, today)
        due = {
            a: koki_date(r.birth_date, params)
            for a, r in residents.items()
            if koki_date(r.birth_date, params) <= today
        }
        if not due:
            return
        cause = Cause(kind=CauseKind.JOB, actor=actor, screen="kokuho.koki_ido")
        rows = Shikaku.objects.select_for_update().filter(
            atena_id__in=list(due), soshitsu_date__isnull=True, torikeshi=False
        )
        for s in rows:
            day = due[s.atena_id]
            soshitsu(shikaku=s, day=day, jiyu=SoshitsuJiyu.KOKI, cause=cause)
            result.moved.append(s.atena_id)
            if tokutei_if_household_stays(atena_id=s.atena_id, day=day, cause=cause):
                result.tokutei.append(s.atena_id)


def tokutei_if_household_stays(*, atena_id: int, day: date, cause: Cause) -> bool:
    """特定同一世帯所属者: the person left 国保 for 後期高齢者医療 on ``day`` (75歳到達 or
    障害認定) and stays in a household with someone insured on the day."""
    members = households_of([atena_id], day).get(atena_id, [])
    others = {m.atena_id for m in members} - {atena_id}
    setai_id = next((m.setai_id for m in members if m.atena_id == atena_id), None)
    if setai_id and insured_among(others, day):
        tokutei_start(atena_id=atena_id, setai_id=setai_id, day=day, cause=cause)
        return True
    return False
