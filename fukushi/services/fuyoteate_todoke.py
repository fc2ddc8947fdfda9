"""児童扶養手当 届出 besides the 現況届 itself: the 現況届 opened 未提出 by the yearly 案内 job,
the 一部支給停止適用除外事由届出 (法第13条の3第2項) and a 扶養義務者 entered by hand.

Each write: one durable transaction (the job's open runs in its chunk's), its history row
and its access-log row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoGenkyoJotai,
    FuyoGenkyoTodoke,
    FuyoGimushaShuki,
    FuyoJotai,
    FuyoJukyusha,
    FuyoRireki,
    FuyoTekiyoJogai,
    FuyoTekiyoJogaiJiyu,
)
from fukushi.rules.fuyoteate_gimusha import tekiyo_jogai_kikan
from fukushi.services.fuyoteate import FuyoteateRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import wareki_month
from tenants.wareki import format_nendo, format_wareki, format_wareki_year

__all__ = ["genkyo_open_many", "gimusha_shuki_record", "tekiyo_jogai_record"]

RECORD_TYPE = "fukushi.FuyoJukyusha"


def genkyo_open_many(
    *, jukyusha_ids: Sequence[int], nen: int, job_id: int, actor: Actor
) -> list[FuyoJukyusha]:
    """Open the 現況届 of August ``nen`` 未提出 for those of ``jukyusha_ids`` still 受給中 and
    return them (in the order given) for the 案内. Idempotent: a 届 already open or received
    is kept as it is (a chunk run again writes nothing twice). Runs in the caller's
    transaction (the job chunk's)."""
    rows = {j.pk: j for j in FuyoJukyusha.objects.filter(pk__in=list(jukyusha_ids))}
    have = dict(
        FuyoGenkyoTodoke.objects.filter(jukyusha_id__in=list(rows), nen=nen).values_list(
            "jukyusha_id", "jotai"
        )
    )
    out: list[FuyoJukyusha] = []
    fresh: list[FuyoJukyusha] = []
    for pk in jukyusha_ids:
        j = rows.get(pk)
        if j is None or j.jotai != FuyoJotai.JUKYU or have.get(pk) == FuyoGenkyoJotai.TEISHUTSU:
            continue
        out.append(j)
        if pk not in have:
            fresh.append(j)
    FuyoGenkyoTodoke.objects.bulk_create(
        [
            FuyoGenkyoTodoke(
                jukyusha=j,
                nen=nen,
                jotai=FuyoGenkyoJotai.MITEISHUTSU,
                annai_job_id=job_id,
                created_by=actor.username,
            )
            for j in fresh
        ],
        ignore_conflicts=True,
    )
    FuyoRireki.objects.bulk_create(
        FuyoRireki(
            jukyusha=j,
            kind="genkyo_annai",
            naiyo=f"{format_wareki_year(nen)}の現況届の案内（未提出。提出まで11月分以降を差止）",
            created_by=actor.username,
        )
        for j in fresh
    )
    return out


def tekiyo_jogai_record(
    *, jukyusha: FuyoJukyusha, todoke_date: date, jiyu: FuyoTekiyoJogaiJiyu, actor: Actor
) -> FuyoTekiyoJogai:
    """一部支給停止適用除外事由届出 received on ``todoke_date`` (法第13条の3第2項, 施行令
    第8条の事由): the half is not stopped for the months it covers (``tekiyo_jogai_kikan``)."""
    if jukyusha.jotai != FuyoJotai.JUKYU:
        raise FuyoteateRefused([("jukyusha", "受給中でない人の届出は受け付けられません。")])
    if not jukyusha.fubo:
        raise FuyoteateRefused(
            [("jukyusha", "養育者は一部支給停止の対象ではありません（法第13条の3）。")]
        )
    kikan_from, kikan_to = tekiyo_jogai_kikan(todoke_date)
    with transaction.atomic(durable=True):
        row = FuyoTekiyoJogai.objects.create(
            jukyusha=jukyusha,
            todoke_date=todoke_date,
            jiyu=jiyu,
            kikan_from=kikan_from,
            kikan_to=kikan_to,
            created_by=actor.username,
        )
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="tekiyo_jogai",
            naiyo=f"一部支給停止適用除外事由届出（{format_wareki(todoke_date)}受付、"
            f"{FuyoTekiyoJogaiJiyu(jiyu).label}）：{wareki_month(kikan_from)}分から"
            f"{wareki_month(kikan_to)}分まで",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_tekiyo_jogai",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return row


def gimusha_shuki_record(
    *,
    jukyusha: FuyoJukyusha,
    shotoku_nendo: int,
    kankei: str,
    atena_id: int | None = None,
    kyuyo_shotoku: int = 0,
    nenkin_shotoku: int = 0,
    sonota_shotoku: int = 0,
    fuyo_shinzoku: int = 0,
    rojin: int = 0,
    actor: Actor,
) -> FuyoGimushaShuki:
    """A 扶養義務者 entered by hand for the 所得 of ``shotoku_nendo`` (法第9条の2・第11条):
    counted in every judgement of the months that 所得年度 decides."""
    errors: list[tuple[str, str]] = []
    if rojin > fuyo_shinzoku:
        errors.append(("rojin", "老人扶養親族の数が扶養親族等の数を超えています。"))
    if atena_id is not None and atena_id == jukyusha.atena_id:
        errors.append(("atena_no", "受給者本人は扶養義務者になりません。"))
    if errors:
        raise FuyoteateRefused(errors)
    with transaction.atomic(durable=True):
        row = FuyoGimushaShuki.objects.create(
            jukyusha=jukyusha,
            shotoku_nendo=shotoku_nendo,
            kankei=kankei,
            atena_id=atena_id,
            kyuyo_shotoku=kyuyo_shotoku,
            nenkin_shotoku=nenkin_shotoku,
            sonota_shotoku=sonota_shotoku,
            fuyo_shinzoku=fuyo_shinzoku,
            rojin=rojin,
            created_by=actor.username,
        )
        total = kyuyo_shotoku + nenkin_shotoku + sonota_shotoku
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="gimusha",
            naiyo=f"扶養義務者（{kankei}）を手入力：{format_nendo(shotoku_nendo)}の所得 "
            f"{total:,}円",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_gimusha",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return row
