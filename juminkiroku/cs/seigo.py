"""整合性確認 (標準仕様書 7.1.1.2): compare our residents' 本人確認情報 with the CS's.

The CS answers with every 本人確認情報 it holds for the town (residents only); we compare
by 住民票コード with our current residents, item by item, and store the differences of
the run (当システムにのみ, CSにのみ, 項目の相違) for the screen. Records still waiting on the
queue show as differences until they are sent: run it when the queue is empty (the
periodic task runs after the day's sending).
"""

from __future__ import annotations

from django.db import transaction

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.cs.client import CsError, cs_call
from juminkiroku.cs.common import shichoson_code
from juminkiroku.cs.layout import HONNIN_ITEMS, unpack, ymd
from juminkiroku.cs.soshin import _jusho
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena, CsSeigo, CsSeigoSa
from juminkiroku.models.cs import SaKind
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

COMPARED = ("shimei", "shimei_kana", "birth_date", "sex", "jusho", "kojin_bango")
LABELS = {i.name: i.label for i in HONNIN_ITEMS}


class SeigoError(Exception):
    pass


def _ours(a: Atena) -> dict[str, str]:
    return {
        "shimei": a.shimei,
        "shimei_kana": a.shimei_kana,
        "birth_date": ymd(a.birth_date),
        "sex": a.sex,
        "jusho": _jusho(a),
        "kojin_bango": a.kojin_bango,
    }


def cs_seigo_run(*, actor: Actor) -> CsSeigo:
    try:
        answer = cs_call("/v1/seigo", {"shichoson_code": shichoson_code()})
        theirs = {
            v["juminhyo_code"]: v
            for v in (unpack(HONNIN_ITEMS, [str(x) for x in r]) for r in answer.get("records", []))
        }
    except CsError as exc:
        raise SeigoError(f"CSの本人確認情報を受信できませんでした: {exc}") from None
    except ValueError as exc:
        raise SeigoError(f"CSの本人確認情報を読み取れませんでした: {exc}") from None
    diffs: list[CsSeigoSa] = []
    residents = Atena.objects.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN).order_by(
        "pk"
    )
    compared = 0
    seen: set[str] = set()
    for a in residents.iterator(chunk_size=2000):
        compared += 1
        cs = theirs.get(a.juminhyo_code) if a.juminhyo_code else None
        if cs is None:
            diffs.append(CsSeigoSa(kind=SaKind.TOHO_NOMI, atena=a, juminhyo_code=a.juminhyo_code))
            continue
        seen.add(a.juminhyo_code)
        ours = _ours(a)
        items = [LABELS[n] for n in COMPARED if ours[n] != cs.get(n, "")]
        if items:
            diffs.append(
                CsSeigoSa(kind=SaKind.SOI, atena=a, juminhyo_code=a.juminhyo_code, items=items)
            )
    for code in sorted(set(theirs) - seen):
        compared += 1
        diffs.append(CsSeigoSa(kind=SaKind.CS_NOMI, juminhyo_code=code))
    with transaction.atomic(durable=True):
        run = CsSeigo.objects.create(compared=compared, differences=len(diffs))
        for d in diffs:
            d.seigo = run
        CsSeigoSa.objects.bulk_create(diffs)
        access_record(
            actor=actor,
            action=AccessAction.READ,
            gyomu=JUKINET_RENKEI,
            screen="整合性確認",
            record_type="cs_seigo",
            record_id=run.pk,
            record_count=max(compared, 1),
            mynumber_viewed=True,
            detail={"differences": len(diffs)},
        )
    return run
