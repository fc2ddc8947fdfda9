"""国保 資格 from 福祉's 生活保護 decisions (fukushi.events), in the delivery's transaction.

生活保護 受給 is an 適用除外 (国民健康保険法第6条第9号): 喪失 on the 保護開始日 itself (法第8条
ただし書: 第6条第9号に該当するに至つた日から; ``kokuho.shikaku.soshitsu_nissu.seiho`` = 0),
取得 on the day the person no longer receives 保護 (法第7条: 該当しなくなつた日から), unless
another cause keeps them out (社会保険, 後期高齢者医療, no longer a resident).

The same ``Seiho`` periods the 届出 screen keeps (kokuho.services.todoke) record it, so
the screen and the events never disagree; both are idempotent by state: a 開始 already
recorded for that day, or a 廃止 of a period already closed, writes nothing again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from juminkiroku.public import residents_among
from kokuho.models import RirekiKind, Seiho, Shikaku, ShutokuJiyu, SoshitsuJiyu
from kokuho.rules.shikaku import ShikakuParameters, soshitsu_date
from kokuho.services.shikaku import (
    Cause,
    not_insurable_reason,
    open_shikaku,
    rireki_write,
    shutoku,
    soshitsu,
)


def seiho_kaishi_apply(*, atena_ids: Iterable[int], kaishi_date: date, cause: Cause) -> int:
    """保護開始: record the period and end an open 資格 on ``kaishi_date``; the count of
    persons changed."""
    n = 0
    for atena_id in dict.fromkeys(atena_ids):
        if Seiho.objects.filter(atena_id=atena_id, haishi_date__isnull=True).exists():
            continue  # already receiving (this event again, or entered on the screen)
        if Seiho.objects.filter(atena_id=atena_id, kaishi_date=kaishi_date).exists():
            continue
        Seiho.objects.create(
            atena_id=atena_id, kaishi_date=kaishi_date, created_by=cause.actor.username
        )
        current = open_shikaku(atena_id)
        if current is not None:
            params = ShikakuParameters.for_date(kaishi_date)
            soshitsu(
                shikaku=current,
                day=soshitsu_date(SoshitsuJiyu.SEIHO_KAISHI, kaishi_date, params),
                jiyu=SoshitsuJiyu.SEIHO_KAISHI,
                cause=cause,
            )
        else:
            rireki_write(
                shikaku=None,
                atena_id=atena_id,
                kind=RirekiKind.SOSHITSU,
                jiyu="生活保護の開始（国保の資格なし）",
                effective=kaishi_date,
                cause=cause,
            )
        n += 1
    return n


def seiho_haishi_apply(
    *, atena_ids: Iterable[int], haishi_date: date, cause: Cause
) -> list[Shikaku]:
    """保護廃止: close the period and 取得 from ``haishi_date`` when nothing else keeps the
    person out of 国保."""
    out: list[Shikaku] = []
    for atena_id in dict.fromkeys(atena_ids):
        row = (
            Seiho.objects.select_for_update()
            .filter(atena_id=atena_id, haishi_date__isnull=True)
            .first()
        )
        if row is None or haishi_date <= row.kaishi_date:
            continue
        row.haishi_date = haishi_date
        row.save(update_fields=["haishi_date"])
        resident = residents_among([atena_id], haishi_date).get(atena_id)
        if resident is None or open_shikaku(atena_id) is not None:
            continue
        params = ShikakuParameters.for_date(haishi_date)
        if not_insurable_reason(atena_id, resident.birth_date, haishi_date, params):
            continue
        out.append(
            shutoku(
                atena_id=atena_id,
                setai_id=resident.setai_id,
                day=haishi_date,
                jiyu=ShutokuJiyu.SEIHO_HAISHI,
                cause=cause,
            )
        )
    return out
