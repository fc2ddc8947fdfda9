"""施設型給付費の返納 (HK-13): the 督促 of a 返納 not paid back by its 返納期限.

The 返納 is a 私債権 of the town (``hoiku_kyufu_henno``: 不当利得, 民法第703条, our reading),
so its 督促 follows 地方自治法施行令第171条 (「履行期限までに履行しない者があるときは、期限を
指定してこれを督促しなければならない」), as the 児童扶養手当 返還金's does
(``fuyoteate_kabarai_tokusoku``, FY-66); 地方自治法第231条の3第1項 (the 公債権's 督促) does not
apply, nor a 督促手数料 or 延滞金 (遅延損害金 under 民法 is not built).

- Only a 返納 未納 whose 返納期限 has passed (the 督促日 after the 期限), once per 返納: the
  督促日, the 指定期限 and the 未納額 of the day are recorded with a history row; a reprint
  prints the same row, marked 再発行. A 戻入 or a 過誤調整 after the 督促 still counts
  against the 返納 (the 督促 is not edited: it says what was asked).
- The 指定期限 = the 督促日 + the town's ``fukushi.hoiku.kyufuhi.henno_tokusoku_shitei_nissu``
  days (既定 10日: 御所市私債権管理条例施行規則第3条第2項), the next 開庁日 when closed. It is a
  hoiku parameter, not the 児童扶養手当's (``fukushi.fuyoteate.kabarai.tokusoku_shitei_nissu``):
  that one is set in the 児童扶養手当 業務, which a town using only 子ども・子育て支援 may not
  run, and a town's 債権管理要綱 may give each 債権 its own period.
- The 督促状 (Typst ``fukushi/hoiku_kyufuhi_henno_tokusoku.typ``, our layout: no national
  様式, 未確認) names the 施設 and amounts only.

Each write: one durable transaction, its history row and its access-log row; the PDF a
PRINT access row; refused input writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiHennoRireki,
    HoikuKyufuhiHennoTokusoku,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import next_business_day
from tenants.labels import wareki_month
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import fiscal_year_of, format_wareki

__all__ = [
    "TOKUSOKU_TEMPLATE",
    "henno_tokusoku",
    "shitei_kigen_of",
    "tokusoku_pdf",
    "tokusoku_taisho",
]

SCREEN = "fukushi.hoiku_kyufuhi_henno_tokusoku"
RECORD_TYPE = "fukushi.HoikuKyufuhiHenno"
TOKUSOKU_TEMPLATE = "fukushi/hoiku_kyufuhi_henno_tokusoku.typ"
TOKUSOKU_TITLE = "施設型給付費等返納金 督促状"
PRINTED = "tokusoku_insatsu"  # the history kind of a 督促状 printed


def shitei_kigen_of(tokusoku_date: date) -> date:
    """The 指定期限 of a 督促 made on ``tokusoku_date`` (the next 開庁日 when closed)."""
    nissu = int(
        param_value(
            "fukushi.hoiku.kyufuhi.henno_tokusoku_shitei_nissu", fiscal_year_of(tokusoku_date)
        )
    )
    return next_business_day(tokusoku_date + timedelta(days=nissu), inclusive=True)


def tokusoku_taisho(on_date: date) -> QuerySet[HoikuKyufuhiHenno]:
    """返納 未納 whose 返納期限 passed before ``on_date`` and not yet 督促'd, oldest first."""
    return (
        HoikuKyufuhiHenno.objects.filter(
            jotai=HoikuKyufuhiHennoJotai.MINO, kigen__lt=on_date, tokusoku__isnull=True
        )
        .select_related("shisetsu")
        .order_by("kigen", "pk")
    )


def henno_tokusoku(
    *, henno: HoikuKyufuhiHenno, tokusoku_date: date, actor: Actor
) -> HoikuKyufuhiHennoTokusoku:
    """The 督促 of one 返納 past its 返納期限 and 未納 (refused when already 督促'd)."""
    kigen = shitei_kigen_of(tokusoku_date)
    with transaction.atomic(durable=True):
        h = (
            HoikuKyufuhiHenno.objects.select_for_update()
            .select_related("shisetsu")
            .get(pk=henno.pk)
        )
        errors: list[tuple[str, str]] = []
        if h.jotai != HoikuKyufuhiHennoJotai.MINO:
            errors.append(("henno", "戻入済み（完納）の返納は督促しません。"))
        elif tokusoku_date <= h.kigen:
            errors.append(
                (
                    "tokusoku_date",
                    f"返納期限（{format_wareki(h.kigen)}）を過ぎていない返納は督促できません。",
                )
            )
        elif HoikuKyufuhiHennoTokusoku.objects.filter(henno=h).exists():
            errors.append(("henno", "この返納は督促済みです（督促状は再印刷できます）。"))
        if errors:
            raise KyufuhiRefused(errors)
        zan = h.gaku - h.reinyu_gaku
        try:
            with transaction.atomic():
                row = HoikuKyufuhiHennoTokusoku.objects.create(
                    henno=h, tokusoku_date=tokusoku_date, shitei_kigen=kigen, zan=zan,
                    created_by=actor.username,
                )  # fmt: skip
        except IntegrityError as exc:  # 督促'd meanwhile by another clerk
            raise KyufuhiRefused(
                [("henno", "この返納は督促済みです（督促状は再印刷できます）。")]
            ) from exc
        HoikuKyufuhiHennoRireki.objects.create(
            henno=h,
            kind="tokusoku",
            naiyo=(
                f"督促（{format_wareki(tokusoku_date)}）：未納額 {zan:,}円、"
                f"指定期限 {format_wareki(kigen)}（返納期限 {format_wareki(h.kigen)}）"
            ),
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type="fukushi.HoikuKyufuhiHennoTokusoku",
            record_id=row.pk,
            detail={"henno_id": h.pk},
        )
    return row


def tokusoku_item(t: HoikuKyufuhiHennoTokusoku) -> dict[str, str]:
    """What the 督促状 of one 督促 shows, formatted (the 未納額 and 指定期限 as recorded)."""
    h = t.henno
    return {
        "shisetsu": h.shisetsu.name,
        "code": h.shisetsu.code,
        "henno_no": f"{h.pk:08d}",
        "month": f"{wareki_month(h.month)}分",
        "kettei": format_wareki(h.kettei_date),
        "riyu": h.riyu,
        "gaku": f"{h.gaku:,}円",
        "tsuchi": format_wareki(h.tsuchi_date),
        "kigen": format_wareki(h.kigen),
        "zan": f"{t.zan:,}円",
        "tokusoku": format_wareki(t.tokusoku_date),
        "shitei_kigen": format_wareki(t.shitei_kigen),
    }


def tokusoku_pdf(*, tokusoku: HoikuKyufuhiHennoTokusoku, actor: Actor) -> bytes:
    """The 督促状 of one 督促 as a PDF (one A4 page to the 施設; 再発行 when printed
    before); a history row and a PRINT access row."""
    t = HoikuKyufuhiHennoTokusoku.objects.select_related("henno__shisetsu").get(pk=tokusoku.pk)
    saihakko = HoikuKyufuhiHennoRireki.objects.filter(henno_id=t.henno_id, kind=PRINTED).exists()
    pdf = render(
        TOKUSOKU_TEMPLATE,
        common={
            "title": TOKUSOKU_TITLE,
            "issuer": issuer_name(),
            "saihakko": "再発行" if saihakko else "",
        },
        items=[tokusoku_item(t)],
    )
    with transaction.atomic(durable=True):
        HoikuKyufuhiHennoRireki.objects.create(
            henno_id=t.henno_id,
            kind=PRINTED,
            naiyo=f"督促状を作成（督促日 {format_wareki(t.tokusoku_date)}"
            + ("、再発行）" if saihakko else "）"),
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=KODOMO_KOSODATE,
            screen=SCREEN,
            record_type="fukushi.HoikuKyufuhiHennoTokusoku",
            record_id=t.pk,
            detail={"henno_id": t.henno_id},
        )
    return pdf
