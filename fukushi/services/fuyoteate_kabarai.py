"""児童扶養手当: the 過払 found when a 資格喪失 is entered after runs paid months beyond the
end of the entitlement (法第7条第1項: 支給 ends with the month of the 事由), the 返還金 決定
with its amount and 納期限, its 返還通知書 (PDF), and the payments entered against it.

Where the 返還金 is kept: here, as the module's own 債権 list (``FuyoKabarai``), not in the
収納 ledger (zeimu). The ledger carries 税 and 公課 whose arrears follow 地方税法 (督促,
延滞金 at the tax rate, 滞納処分). A 手当 paid without entitlement is recovered as 不当利得
(民法第703条): a 私債権 of the town, which cannot be 滞納処分'd and whose 時効 is 民法's
(第166条) — posting it under a 税目 would put it on those paths. (法第23条's 徴収 of a 手当
received by 偽りその他不正の手段 is another matter, not built.) The classification as
私債権 is our reading (未確認 against a ministry notice); the 納期限 is the town's parameter
``fukushi.fuyoteate.kabarai.nouki_nissu`` (未確認).

Each write: one durable transaction, its history row and its access-log row; refused input
writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    FuyoKabarai,
    FuyoKabaraiJotai,
    FuyoKabaraiTsuki,
    FuyoRireki,
)
from fukushi.rules.fuyoteate import nendo_of_month
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai_bunno import bunno_allocate
from fukushi.services.fuyoteate_mishikyu import paid_months
from juminkiroku.public import address_blocks, person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import next_business_day
from tenants.labels import postal, wareki_month
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = ["TEMPLATE", "kabarai_kettei", "kabarai_nofu", "kabarai_tsuchi", "overpaid_months"]

RECORD_TYPE = "fukushi.FuyoJukyusha"
TEMPLATE = "fukushi/fuyoteate_kabarai_tsuchi.typ"


def overpaid_months(j: FuyoJukyusha) -> list[tuple[date, int, int]]:
    """(month, amount paid, run id) of each month a run paid after the end of the
    entitlement of ``j`` and not yet in a 返還金 決定, in month order."""
    if j.jotai != FuyoJotai.SHIKKAKU or j.shikyu_shuryo is None:
        return []
    done = set(FuyoKabaraiTsuki.objects.filter(jukyusha=j).values_list("month", flat=True))
    return sorted(
        (m, gaku, run)
        for m, (gaku, run) in paid_months(j).items()
        if m > j.shikyu_shuryo and m not in done
    )


def kabarai_kettei(*, jukyusha: FuyoJukyusha, kettei_date: date, actor: Actor) -> FuyoKabarai:
    """The 返還金 決定 of every month overpaid to ``jukyusha`` not decided before: the sum of
    what the runs paid for them, due ``nouki_nissu`` days after ``kettei_date`` (the next
    開庁日 when that is a closed day)."""
    if jukyusha.jotai != FuyoJotai.SHIKKAKU:
        raise FuyoteateRefused([("jukyusha", "資格を喪失していない受給者に過払はありません。")])
    if jukyusha.shikkaku_date is not None and kettei_date < jukyusha.shikkaku_date:
        raise FuyoteateRefused([("kettei_date", "決定日が喪失事由の日より前です。")])
    nissu = int(
        param_value(
            "fukushi.fuyoteate.kabarai.nouki_nissu",
            nendo_of_month(kettei_date.year, kettei_date.month),
        )
    )
    nouki = next_business_day(kettei_date + timedelta(days=nissu), inclusive=True)
    with transaction.atomic(durable=True):
        j = FuyoJukyusha.objects.select_for_update().get(pk=jukyusha.pk)
        months = overpaid_months(j)
        if not months:
            raise FuyoteateRefused([("jukyusha", "返還を求める過払の月はありません。")])
        total = sum(g for _, g, _ in months)
        row = FuyoKabarai.objects.create(
            jukyusha=j, kettei_date=kettei_date, gaku=total, nouki=nouki, created_by=actor.username
        )
        FuyoKabaraiTsuki.objects.bulk_create(
            FuyoKabaraiTsuki(kabarai=row, jukyusha=j, month=m, gaku=g, shiharai_id=run)
            for m, g, run in months
        )
        FuyoRireki.objects.create(
            jukyusha=j,
            kind="kabarai",
            naiyo=f"過払の返還金を決定（{format_wareki(kettei_date)}）："
            f"{wareki_month(months[0][0])}分〜{wareki_month(months[-1][0])}分 {total:,}円、"
            f"納期限 {format_wareki(nouki)}",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai",
            record_type=RECORD_TYPE,
            record_id=j.pk,
        )
    return row


def kabarai_nofu(*, kabarai: FuyoKabarai, gaku: int, nofu_date: date, actor: Actor) -> FuyoKabarai:
    """A payment of ``gaku`` against the 返還金 (完納 when nothing is left); under a 分割納付
    plan it is put to the 回 in order (``fuyoteate_kabarai_bunno.bunno_allocate``)."""
    errors: list[tuple[str, str]] = []
    if gaku < 1:
        errors.append(("gaku", "納付額は1円以上で入力してください。"))
    if nofu_date < kabarai.kettei_date:
        errors.append(("nofu_date", "納付日が決定日より前です。"))
    with transaction.atomic(durable=True):
        row = FuyoKabarai.objects.select_for_update().get(pk=kabarai.pk)
        if gaku > row.gaku - row.nofu_gaku:
            errors.append(
                ("gaku", f"納付額が残額（{row.gaku - row.nofu_gaku:,}円）を超えています。")
            )
        if errors:
            raise FuyoteateRefused(errors)
        row.nofu_gaku += gaku
        if row.nofu_gaku == row.gaku:
            row.jotai = FuyoKabaraiJotai.KANNO
        row.save(update_fields=["nofu_gaku", "jotai"])
        bunno_allocate(row, gaku)
        FuyoRireki.objects.create(
            jukyusha_id=row.jukyusha_id,
            kind="kabarai",
            naiyo=f"返還金の納付（{format_wareki(nofu_date)}）{gaku:,}円、"
            f"残額 {row.gaku - row.nofu_gaku:,}円",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai",
            record_type=RECORD_TYPE,
            record_id=row.jukyusha_id,
        )
    return row


def kabarai_tsuchi(*, kabarai: FuyoKabarai, tsuchi_date: date, actor: Actor) -> bytes:
    """The 返還通知書 of a 返還金, as a PDF (a history row and a PRINT access row). The
    official 様式 was not at hand: the items are ours."""
    j = kabarai.jukyusha
    person = person_identities([j.atena_id]).get(j.atena_id)
    block = address_blocks([j.atena_id]).get(j.atena_id)
    if person is None or block is None:
        raise FuyoteateRefused([("kabarai", "受給者の住所・氏名を住民記録から読めません。")])
    pdf = render(
        TEMPLATE,
        common={
            "title": "児童扶養手当返還金通知書",
            "issuer": issuer_name(),
            "tsuchi": format_wareki(tsuchi_date),
        },
        items=[
            {
                "name": person.shimei,
                "postal": postal(block.postal_code, mark=False),
                "address": block.jusho,
                "katagaki": block.katagaki,
                "bango": j.jukyusha_bango,
                "jiyu": j.get_shikkaku_jiyu_display(),
                "jiyu_date": format_wareki(j.shikkaku_date) if j.shikkaku_date else "",
                "shuryo": f"{wareki_month(j.shikyu_shuryo)}分まで" if j.shikyu_shuryo else "",
                "tsuki": [
                    {"month": f"{wareki_month(t.month)}分", "gaku": f"{t.gaku:,}円"}
                    for t in kabarai.tsuki.order_by("month")
                ],
                "gaku": f"{kabarai.gaku:,}円",
                "nouki": format_wareki(kabarai.nouki),
            }
        ],
    )
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha=j,
            kind="kabarai_tsuchi",
            naiyo=f"返還金通知書を作成（{format_wareki(tsuchi_date)}）",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai_tsuchi",
            record_type=RECORD_TYPE,
            record_id=j.pk,
        )
    return pdf
