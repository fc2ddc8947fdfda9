"""突合 with the 戸籍附票システム (標準仕様書 7.2.4; the full send beside the notices).

Every current 日本人住民 whose 本籍 is in the town (rules.honseki_kubun ``KANNAI``) is sent
with the items of 法第17条 as the registry holds them today, ``CHUNK`` a request, in one
session the 附票システム opens (``/v1/totsugo/begin``) and closes (``/v1/totsugo/end``).
At the end it answers with what differs, by 住民票コード: a person we hold and it does not
(当システムのみ), a person its 附票 says lives in this town and we do not send (附票のみ),
and items that differ (項目の相違). The run and the differences (宛名 ids and item names
only) are kept and listed; nothing in the registry or the 附票 is changed by a 突合.
"""

from __future__ import annotations

from django.db import transaction

from juminkiroku.codes import AtenaKubun, JuminJotai, JuminShubetsu
from juminkiroku.fuhyo.client import FuhyoError, fuhyo_call
from juminkiroku.fuhyo.rules import KANNAI
from juminkiroku.fuhyo.tsuchi import LAYOUT, shichoson_code, town_kubun, tsuchi_record
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, FuhyoTotsugo, JushoJisho
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

CHUNK = 1000


class TotsugoError(Exception):
    pass


def fuhyo_totsugo_run(*, actor: Actor) -> FuhyoTotsugo:
    chomei = list(JushoJisho.objects.values_list("name", flat=True))
    town = shichoson_code()
    try:
        session = str(fuhyo_call("/v1/totsugo/begin", {"shichoson_code": town})["session"])
        sent: dict[str, int] = {}
        batch: list[dict[str, object]] = []
        qs = (
            Atena.objects.filter(
                kubun=AtenaKubun.JUTOSHA,
                jotai=JuminJotai.JUMIN,
                shubetsu=JuminShubetsu.NIHONJIN,
            )
            .exclude(honseki="")
            .order_by("pk")
        )
        for atena in qs.iterator(chunk_size=CHUNK):
            if town_kubun(atena.honseki, chomei) != KANNAI:
                continue
            rec = tsuchi_record(
                seq=0, jiyu="", ido_date=atena.jutei_date or atena.birth_date, kubun=KANNAI, p=atena
            )
            sent[atena.juminhyo_code or f"atena:{atena.pk}"] = atena.pk
            batch.append(rec)
            if len(batch) == CHUNK:
                fuhyo_call("/v1/totsugo/chunk", {"session": session, "records": batch})
                batch = []
        if batch:
            fuhyo_call("/v1/totsugo/chunk", {"session": session, "records": batch})
        answer = fuhyo_call(
            "/v1/totsugo/end", {"session": session, "shichoson_code": town, "layout": LAYOUT}
        )
    except FuhyoError as exc:
        raise TotsugoError(str(exc)) from None
    sa = []
    for d in answer.get("differences", []):
        code = str(d.get("juminhyo_code", ""))
        sa.append(
            {
                "kind": str(d.get("kind", "")),
                "atena_id": sent.get(code)
                or Atena.objects.filter(juminhyo_code=code).values_list("pk", flat=True).first()
                if code
                else None,
                "items": [str(i) for i in d.get("items", [])],
            }
        )
    with transaction.atomic(durable=True):
        run = FuhyoTotsugo.objects.create(sent=len(sent), differences=len(sa), sa=sa)
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUMINKIROKU,
            screen="戸籍附票との突合",
            record_type="fuhyo_totsugo",
            record_id=run.pk,
            record_count=len(sent),
        )
    return run
