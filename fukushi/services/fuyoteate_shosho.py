"""児童扶養手当証書 (児童扶養手当法施行規則: the 受給資格者 receives a 証書 on the 認定 and
brings it to the 現況届; the article number was not confirmed here): one A4 page, rendered
through the shared print engine; each 交付 is a history row and a PRINT access-log row.

The official 様式 was not at hand: the items are those municipalities describe the 証書 with
(証書番号, 受給者, 支給開始月, 対象児童の数, 手当月額, 支払期月); the placement is ours.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoGenkyoJotai, FuyoJotai, FuyoJukyusha, FuyoRireki
from fukushi.services.fuyoteate import SHIHARAI_TSUKI, FuyoteateRefused
from juminkiroku.public import address_blocks, person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import postal, wareki_month
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = ["TEMPLATE", "shosho_kofu"]

TEMPLATE = "fukushi/fuyoteate_shosho.typ"


def shosho_kofu(*, jukyusha: FuyoJukyusha, kofu_date: date, actor: Actor) -> bytes:
    """The 証書 of a 受給者 受給中, as a PDF; the 手当月額 is the latest 現況届's (11月分から)."""
    if jukyusha.jotai != FuyoJotai.JUKYU:
        raise FuyoteateRefused([("jukyusha", "受給中でない人の証書は交付できません。")])
    person = person_identities([jukyusha.atena_id]).get(jukyusha.atena_id)
    block = address_blocks([jukyusha.atena_id]).get(jukyusha.atena_id)
    if person is None or block is None:
        raise FuyoteateRefused([("jukyusha", "受給者の住所・氏名を住民記録から読めません。")])
    g = (
        jukyusha.genkyo.filter(jotai=FuyoGenkyoJotai.TEISHUTSU)
        .exclude(getsugaku__isnull=True)
        .order_by("-nen")
        .first()
    )
    if g is not None and g.getsugaku is not None:
        hantei = g.get_hantei_display()
        getsugaku = f"{g.getsugaku:,}円（{wareki_month(date(g.nen, 11, 1))}分から、{hantei}）"
    else:
        getsugaku = "認定通知書のとおり"
    pdf = render(
        TEMPLATE,
        common={
            "title": "児童扶養手当証書",
            "issuer": issuer_name(),
            "kofu": format_wareki(kofu_date),
        },
        items=[
            {
                "bango": jukyusha.jukyusha_bango,
                "name": person.shimei,
                "birth": format_wareki(person.birth_date),
                "postal": postal(block.postal_code),
                "address": block.jusho,
                "kaishi": f"{wareki_month(jukyusha.shikyu_kaishi)}分から",
                "jido": f"{jukyusha.jido_su}人",
                "getsugaku": getsugaku,
                "shiharai": "・".join(f"{m}月" for m in SHIHARAI_TSUKI) + "（各前月までの2か月分）",
                "shikaku": "父又は母" if jukyusha.fubo else "養育者",
            }
        ],
    )
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="shosho",
            naiyo=f"証書を交付（{format_wareki(kofu_date)}）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_shosho",
            record_type="fukushi.FuyoJukyusha",
            record_id=jukyusha.pk,
        )
    return pdf
