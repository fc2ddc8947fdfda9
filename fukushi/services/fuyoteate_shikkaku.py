"""児童扶養手当: the end of an entitlement entered by the clerk (資格喪失届: 婚姻, no longer
監護 the children, another 支給要件 gone) and the 資格喪失通知書 (PDF on the shared print
path) of any ended 受給者 — also of those ended by a 転出 or a death
(``fuyoteate.shikkaku_apply``).

支給 ends with the month in which the 事由 occurred (法第7条第1項: 支給すべき事由が消滅した
日の属する月まで). Each write: one durable transaction, its history row and its access-log
row; refused input writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoJotai, FuyoJukyusha, FuyoRireki, FuyoShikkakuJiyu
from fukushi.services.fuyoteate import FuyoteateRefused
from juminkiroku.public import address_blocks, person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.labels import postal, wareki_month
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = ["SHIKKAKU_TODOKE_JIYU", "TEMPLATE", "shikkaku_todoke", "shikkaku_tsuchi"]

RECORD_TYPE = "fukushi.FuyoJukyusha"
TEMPLATE = "fukushi/fuyoteate_shikkaku_tsuchi.typ"
#: the 事由 the clerk enters (転出 and death come from 住民記録's events)
SHIKKAKU_TODOKE_JIYU = (
    FuyoShikkakuJiyu.KONIN,
    FuyoShikkakuJiyu.KANGO,
    FuyoShikkakuJiyu.SONOTA,
)


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def shikkaku_todoke(
    *,
    jukyusha: FuyoJukyusha,
    jiyu: FuyoShikkakuJiyu,
    jiyu_date: date,
    today: date,
    actor: Actor,
) -> FuyoJukyusha:
    """The 受給者 loses the entitlement on ``jiyu_date``: 支給 ends with its month."""
    errors: list[tuple[str, str]] = []
    if jiyu not in SHIKKAKU_TODOKE_JIYU:
        errors.append(("jiyu", "転出・死亡は住民記録の届出から自動で処理します。"))
    if jiyu_date > today:
        errors.append(("jiyu_date", "喪失事由の日が今日より後です。"))
    if jiyu_date < jukyusha.seikyu_date:
        errors.append(("jiyu_date", "喪失事由の日が認定請求日より前です。"))
    with transaction.atomic(durable=True):
        j = FuyoJukyusha.objects.select_for_update().get(pk=jukyusha.pk)
        if j.jotai != FuyoJotai.JUKYU:
            errors.append(("jukyusha", "この受給者はすでに資格を喪失しています。"))
        if errors:
            raise FuyoteateRefused(errors)
        last = jiyu_date.replace(day=1)
        j.jotai = FuyoJotai.SHIKKAKU
        j.shikkaku_jiyu = jiyu
        j.shikkaku_date = jiyu_date
        j.shikyu_shuryo = max(last, _add_months(j.shikyu_kaishi, -1))
        j.save()
        FuyoRireki.objects.create(
            jukyusha=j,
            kind="shikkaku",
            naiyo=f"資格喪失（{jiyu.label}、{format_wareki(jiyu_date)}）："
            f"{wareki_month(last)}分で支給終了",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_shikkaku",
            record_type=RECORD_TYPE,
            record_id=j.pk,
        )
    return j


def shikkaku_tsuchi(*, jukyusha: FuyoJukyusha, tsuchi_date: date, actor: Actor) -> bytes:
    """The 資格喪失通知書 of an ended 受給者, as a PDF (a history row and a PRINT access
    row). The official 様式 was not at hand: the items are ours (証書番号, 受給者, 事由,
    its day, the last month paid)."""
    if jukyusha.jotai != FuyoJotai.SHIKKAKU or jukyusha.shikyu_shuryo is None:
        raise FuyoteateRefused([("jukyusha", "資格を喪失していない人の通知書は作れません。")])
    person = person_identities([jukyusha.atena_id]).get(jukyusha.atena_id)
    block = address_blocks([jukyusha.atena_id]).get(jukyusha.atena_id)
    if person is None or block is None:
        raise FuyoteateRefused([("jukyusha", "受給者の住所・氏名を住民記録から読めません。")])
    ended_before_start = jukyusha.shikyu_shuryo < jukyusha.shikyu_kaishi
    pdf = render(
        TEMPLATE,
        common={
            "title": "児童扶養手当資格喪失通知書",
            "issuer": issuer_name(),
            "tsuchi": format_wareki(tsuchi_date),
        },
        items=[
            {
                "bango": jukyusha.jukyusha_bango,
                "name": person.shimei,
                "postal": postal(block.postal_code),
                "address": block.jusho,
                "katagaki": block.katagaki,
                "jiyu": jukyusha.get_shikkaku_jiyu_display(),
                "jiyu_date": format_wareki(jukyusha.shikkaku_date)
                if jukyusha.shikkaku_date
                else "",
                "shuryo": "支給はありません"
                if ended_before_start
                else f"{wareki_month(jukyusha.shikyu_shuryo)}分まで",
            }
        ],
    )
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha=jukyusha,
            kind="shikkaku_tsuchi",
            naiyo=f"資格喪失通知書を作成（{format_wareki(tsuchi_date)}）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_shikkaku_tsuchi",
            record_type=RECORD_TYPE,
            record_id=jukyusha.pk,
        )
    return pdf
