"""処理結果確認票 (標準仕様書 4.5.6) printed: one notice, its person, its items before and
after, and the 異動 it became; printed through the platform's PDF path and logged."""

from __future__ import annotations

from django.utils import timezone

from juminkiroku.forms.shomei import wareki
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models.nyukan import NyukanTsuchi
from juminkiroku.nyukan.torikomi import kakunin_lines
from juminkiroku.services.ido import IdoError
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality

TEMPLATE = "juminkiroku/forms/nyukan_kakunin.html"


def kakunin_pdf(*, tsuchi_id: int, actor: Actor) -> bytes:
    tsuchi = (
        NyukanTsuchi.objects.select_related("atena", "ido")
        .filter(pk=tsuchi_id, atena__isnull=False)
        .first()
    )
    if tsuchi is None or tsuchi.atena is None:
        raise IdoError("対象者の決まった通知が見つかりません。")
    atena = tsuchi.atena
    context = {
        "title": "処理結果確認票",
        "town_name": current_municipality().name,
        "today": wareki(timezone.localdate()),
        "facts": [
            ("通知の種類", tsuchi.get_kind_display()),
            ("通知日", wareki(tsuchi.tsuchi_date)),
            ("事由の生じた日", wareki(tsuchi.jiyu_date)),
            ("宛名番号", atena.atena_no),
            ("氏名", atena.shimei),
            ("氏名（アルファベット）", atena.alpha_name),
            (
                "異動",
                f"{tsuchi.ido.ido_no} {tsuchi.ido.get_jiyu_display()}"
                f"（{tsuchi.ido.get_status_display()}）"
                if tsuchi.ido
                else "未取込",
            ),
        ],
        "lines": kakunin_lines(tsuchi),
    }
    pdf = render_pdf(TEMPLATE, context).pdf
    access_record(
        actor=actor,
        action=AccessAction.PRINT,
        gyomu=JUMINKIROKU,
        screen="処理結果確認票",
        record_type="nyukan_tsuchi",
        record_id=tsuchi.pk,
        detail={"atena_ids": [atena.pk]},
    )
    return pdf
