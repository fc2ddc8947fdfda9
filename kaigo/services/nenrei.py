"""65歳到達: the daily job that makes residents who reach 65 第1号被保険者 on that day
(介護保険法第10条第4号; the day before the 65th birthday, 年齢計算ニ関スル法律), and moves
a 第2号 to 第1号.

Idempotent and catching up: it looks at everyone who reached 65 in the last
``CATCHUP_DAYS`` days (an operational window, not law: a month of missed runs is caught
up), and insures those who lived here on that day, have no period covering it and are
not excluded. A run repeated finds nothing to do. One durable transaction per chunk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from juminkiroku.public import residents_among, residents_on
from kaigo.models import CauseKind, Kubun, Shikaku, ShutokuJiyu, SoshitsuJiyu
from kaigo.rules.shikaku import ShikakuParameters, dai1_date
from kaigo.services.shikaku import Cause, excluded_reason, shutoku, soshitsu
from tenants.accesslog.services import Actor

SYSTEM_ACTOR_NAME = "system:kaigo_nenrei"
SCREEN = "kaigo.nenrei_totatsu"
CATCHUP_DAYS = 31
CHUNK = 2000


@dataclass
class NenreiResult:
    insured: list[int] = field(default_factory=list)  # 宛名 ids made 第1号
    from_dai2: list[int] = field(default_factory=list)


def nenrei_totatsu_due(*, today: date, actor: Actor | None = None) -> NenreiResult:
    actor = actor or Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    params = ShikakuParameters.for_date(today)
    since = today - timedelta(days=CATCHUP_DAYS)
    due = {
        r.atena_id: dai1_date(r.birth_date, params)
        for r in residents_on(today)
        if since <= dai1_date(r.birth_date, params) <= today
    }
    result = NenreiResult()
    ids = sorted(due)
    for start in range(0, len(ids), CHUNK):
        _chunk({a: due[a] for a in ids[start : start + CHUNK]}, actor, result)
    return result


def _chunk(due: dict[int, date], actor: Actor, result: NenreiResult) -> None:
    cause = Cause(kind=CauseKind.JOB, actor=actor, screen=SCREEN)
    with transaction.atomic(durable=True):
        by_day: dict[date, list[int]] = defaultdict(list)
        for a, d in due.items():
            by_day[d].append(a)
        lived: set[int] = set()
        for d, ids in by_day.items():
            lived |= set(residents_among(ids, d))
        periods: dict[int, list[Shikaku]] = defaultdict(list)
        for s in Shikaku.objects.select_for_update().filter(
            atena_id__in=list(due), torikeshi=False
        ):
            periods[s.atena_id].append(s)
        for atena_id, day in sorted(due.items()):
            mine = periods.get(atena_id, [])
            open_ = next((s for s in mine if s.soshitsu_date is None), None)
            if open_ is not None and open_.kubun == Kubun.DAI2 and open_.shutoku_date <= day:
                soshitsu(shikaku=open_, day=day, jiyu=SoshitsuJiyu.DAI1_IKO, cause=cause)
                shutoku(
                    atena_id=atena_id,
                    kubun=Kubun.DAI1,
                    day=day,
                    jiyu=ShutokuJiyu.NENREI,
                    cause=cause,
                )
                result.from_dai2.append(atena_id)
                continue
            if open_ is not None or atena_id not in lived:
                continue  # insured already, or moved in later (the 転入 insured them)
            if any(
                s.shutoku_date <= day and (s.soshitsu_date is None or s.soshitsu_date > day)
                for s in mine
            ):
                continue
            if excluded_reason(atena_id, day):
                continue
            shutoku(
                atena_id=atena_id, kubun=Kubun.DAI1, day=day, jiyu=ShutokuJiyu.NENREI, cause=cause
            )
            result.insured.append(atena_id)
