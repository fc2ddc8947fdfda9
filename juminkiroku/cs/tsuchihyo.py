"""住民票コード通知票・変更通知票・修正通知票 (標準仕様書 4.3.3; 住民基本台帳法 第30条の3
第3項 and 第30条の4 第3項: the person is told the code in writing).

Printed through the platform's PDF path (tenants.pdf.render_pdf) from the person's current
record; printing again (再出力) is the same call. The title follows the kind of the
notice; nothing of the print is stored but the access-log row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.pdf import render_pdf

TITLES = {
    "shinki": "住民票コード通知票",
    "henko": "住民票コード変更通知票",
    "shusei": "住民票コード修正通知票",
}


class TsuchihyoError(Exception):
    pass


def tsuchihyo_print(*, atena_id: int, kind: str, actor: Actor) -> bytes:
    if kind not in TITLES:
        raise TsuchihyoError("通知票の種類が正しくありません。")
    atena = Atena.objects.filter(pk=atena_id, kubun=AtenaKubun.JUTOSHA).first()
    if atena is None:
        raise TsuchihyoError("該当する住民がいません。")
    if not atena.juminhyo_code:
        raise TsuchihyoError("住民票コードが未付番のため、通知票を出力できません。")
    town = connection.tenant
    pdf = render_pdf(
        "juminkiroku/cs/tsuchihyo.html",
        {
            "title": TITLES[kind],
            "p": atena,
            "code": atena.juminhyo_code,
            "today": timezone.localdate(),
            "town_name": getattr(town, "name", ""),
            "kind": kind,
        },
    ).pdf
    with transaction.atomic(durable=True):
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=JUKINET_RENKEI,
            screen=TITLES[kind],
            record_type="atena",
            record_id=atena.pk,
        )
    return pdf
