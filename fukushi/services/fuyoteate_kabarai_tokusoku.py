"""児童扶養手当 返還金 (the module's own 私債権, see ``fukushi.services.fuyoteate_kabarai``):
its 納付書 (for the 残額) and the 督促 of one not paid by its 納期限.

The 督促 of a 私債権 follows 地方自治法施行令第171条 (「履行期限までに履行しない者がある
ときは、期限を指定してこれを督促しなければならない」); 地方自治法第231条の3第1項 is the
督促 of a 公債権 (分担金・使用料・手数料 …) and does not apply, nor do its 督促手数料・延滞金.
Towns' 要綱 for this very 返還金 follow that path: 常陸太田市「児童扶養手当の過誤払等による
返納金に関する事務処理要項」第3条 (納入通知書 with its 納入の期限), 第4条 (納入期限を過ぎて
未納のとき督促状を遅滞なく送付)
https://www.city.hitachiota.ibaraki.jp/data/reiki/reiki_honbun/e012RG00000596.html ;
隠岐の島町「児童扶養手当過誤払返還金債権管理要綱」 (履行延期の特約 under 施行令第171条の6)
https://www.town.okinoshima.shimane.jp/reiki/reiki_honbun/r074RG00000653.html .

The 指定期限 is the 督促日 + the town's ``fukushi.fuyoteate.kabarai.tokusoku_shitei_nissu``
days (既定 10日: 御所市私債権管理条例施行規則第3条第2項), the next 開庁日 when closed. One
督促 per 返還金 (a reprint prints the same row); the 督促 charges nothing (no 督促手数料 or
延滞金: 遅延損害金 under 民法 is not built).

Each write: one durable transaction, its history row and its access-log row; a PDF is a
PRINT access row; refused input writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoKabarai,
    FuyoKabaraiBunno,
    FuyoKabaraiBunnoJotai,
    FuyoKabaraiJotai,
    FuyoKabaraiTokusoku,
    FuyoRireki,
)
from fukushi.rules.fuyoteate import nendo_of_month
from fukushi.services.fuyoteate import FuyoteateRefused
from juminkiroku.public import address_blocks, person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.holidays import next_business_day
from tenants.labels import postal, wareki_month
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import format_wareki

__all__ = [
    "NOFUSHO_TEMPLATE",
    "TOKUSOKU_TEMPLATE",
    "kabarai_nofusho",
    "kabarai_tokusoku",
    "nofusho_items",
    "nofusho_render",
    "shitei_kigen_of",
    "tokusoku_items",
    "tokusoku_many",
    "tokusoku_pdf",
    "tokusoku_render",
    "tokusoku_taisho",
]

RECORD_TYPE = "fukushi.FuyoJukyusha"
NOFUSHO_TEMPLATE = "fukushi/fuyoteate_kabarai_nofusho.typ"
TOKUSOKU_TEMPLATE = "fukushi/fuyoteate_kabarai_tokusoku.typ"
NOFUSHO_TITLE = "児童扶養手当返還金 納付書"
TOKUSOKU_TITLE = "児童扶養手当返還金 督促状"


def shitei_kigen_of(tokusoku_date: date) -> date:
    """The 指定期限 of a 督促 made on ``tokusoku_date`` (the next 開庁日 when closed)."""
    nissu = int(
        param_value(
            "fukushi.fuyoteate.kabarai.tokusoku_shitei_nissu",
            nendo_of_month(tokusoku_date.year, tokusoku_date.month),
        )
    )
    return next_business_day(tokusoku_date + timedelta(days=nissu), inclusive=True)


def tokusoku_taisho(on_date: date) -> QuerySet[FuyoKabarai]:
    """返還金 未納 whose 納期限 passed before ``on_date``, not yet 督促'd and not 分割納付中
    (a plan's 回 have their own 納期限; a plan cancelled on its 不履行 makes the rest due on
    the 取消日), oldest first."""
    return (
        FuyoKabarai.objects.filter(jotai=FuyoKabaraiJotai.MINO, nouki__lt=on_date)
        .filter(tokusoku__isnull=True)
        .exclude(bunno__jotai=FuyoKabaraiBunnoJotai.KEIZOKU)
        .select_related("jukyusha")
        .order_by("nouki", "pk")
    )


def _refusals(k: FuyoKabarai, tokusoku_date: date) -> list[tuple[str, str]]:
    if k.jotai != FuyoKabaraiJotai.MINO:
        return [("kabarai", "完納した返還金は督促しません。")]
    if FuyoKabaraiBunno.objects.filter(kabarai=k, jotai=FuyoKabaraiBunnoJotai.KEIZOKU).exists():
        return [
            (
                "kabarai",
                "分割納付中の返還金は督促しません（不履行のときは分割納付を取り消してから）。",
            )
        ]
    if tokusoku_date <= k.nouki:
        return [
            (
                "tokusoku_date",
                f"納期限（{format_wareki(k.nouki)}）を過ぎていない返還金は督促できません。",
            )
        ]
    return []


def _record(
    k: FuyoKabarai, tokusoku_date: date, kigen: date, actor: Actor, job_id: int | None
) -> FuyoKabaraiTokusoku:
    zan = k.gaku - k.nofu_gaku
    row = FuyoKabaraiTokusoku.objects.create(
        kabarai=k,
        tokusoku_date=tokusoku_date,
        shitei_kigen=kigen,
        zan=zan,
        job_id=job_id,
        created_by=actor.username,
    )
    FuyoRireki.objects.create(
        jukyusha_id=k.jukyusha_id,
        kind="kabarai_tokusoku",
        naiyo=f"返還金（{format_wareki(k.kettei_date)}決定）を督促（{format_wareki(tokusoku_date)}）"
        f"：残額 {zan:,}円、指定期限 {format_wareki(kigen)}",
        created_by=actor.username,
    )
    return row


def kabarai_tokusoku(
    *, kabarai: FuyoKabarai, tokusoku_date: date, actor: Actor
) -> FuyoKabaraiTokusoku:
    """The 督促 of one 返還金 past its 納期限 and 未納 (refused when already 督促'd)."""
    kigen = shitei_kigen_of(tokusoku_date)
    with transaction.atomic(durable=True):
        k = FuyoKabarai.objects.select_for_update().get(pk=kabarai.pk)
        errors = _refusals(k, tokusoku_date)
        if not errors and FuyoKabaraiTokusoku.objects.filter(kabarai=k).exists():
            errors = [("kabarai", "この返還金は督促済みです（督促状は再印刷できます）。")]
        if errors:
            raise FuyoteateRefused(errors)
        row = _record(k, tokusoku_date, kigen, actor, None)
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai_tokusoku",
            record_type=RECORD_TYPE,
            record_id=k.jukyusha_id,
        )
    return row


def tokusoku_many(
    *, kabarai_ids: Sequence[int], tokusoku_date: date, job_id: int, actor: Actor
) -> list[FuyoKabaraiTokusoku]:
    """The 督促 of each of ``kabarai_ids`` (a job's chunk): those this job made before are
    taken again (a chunk run again prints the same 督促状); one paid since the plan, or
    督促'd by someone else meanwhile, is left out. One transaction, a history row each."""
    kigen = shitei_kigen_of(tokusoku_date)
    # the job framework runs a chunk inside its own transaction: not durable here
    with transaction.atomic():
        rows = list(
            FuyoKabarai.objects.select_for_update()
            .filter(pk__in=kabarai_ids)
            .order_by("nouki", "pk")
        )
        done = {
            t.kabarai_id: t for t in FuyoKabaraiTokusoku.objects.filter(kabarai_id__in=kabarai_ids)
        }
        out: list[FuyoKabaraiTokusoku] = []
        for k in rows:
            t = done.get(k.pk)
            if t is not None:
                if t.job_id == job_id:
                    out.append(t)
                continue
            if _refusals(k, tokusoku_date):
                continue
            out.append(_record(k, tokusoku_date, kigen, actor, job_id))
    return out


def _people(atena_ids: Iterable[int]) -> tuple[dict[int, Any], dict[int, Any]]:
    ids = list(dict.fromkeys(atena_ids))
    return person_identities(ids), address_blocks(ids)


def _head(person: Any, block: Any) -> dict[str, str]:
    return {
        "name": person.shimei,
        "postal": postal(block.postal_code, mark=False),
        "address": block.jusho,
        "katagaki": block.katagaki,
    }


def _months(k: FuyoKabarai) -> str:
    tsuki = sorted(k.tsuki.all(), key=lambda t: t.month)
    if not tsuki:
        return ""
    first, last = wareki_month(tsuki[0].month), wareki_month(tsuki[-1].month)
    return f"{first}分" if first == last else f"{first}分〜{last}分"


def nofusho_items(rows: Sequence[FuyoKabarai]) -> list[dict[str, Any]]:
    """One 納付書 (three slips) per 未納 返還金 for its 残額, due by the 督促's 指定期限 when
    督促'd, else by the 納期限; those whose 受給者 cannot be read are left out."""
    persons, blocks = _people(k.jukyusha.atena_id for k in rows)
    out: list[dict[str, Any]] = []
    for k in rows:
        person, block = persons.get(k.jukyusha.atena_id), blocks.get(k.jukyusha.atena_id)
        if person is None or block is None or k.jotai != FuyoKabaraiJotai.MINO:
            continue
        t = FuyoKabaraiTokusoku.objects.filter(kabarai=k).first()
        out.append(
            {
                **_head(person, block),
                "bango": k.jukyusha.jukyusha_bango,
                "kabarai_no": f"{k.pk:08d}",
                "kettei": format_wareki(k.kettei_date),
                "months": _months(k),
                "gaku": f"{k.gaku:,}円",
                "nofu_zumi": f"{k.nofu_gaku:,}円",
                "zan": f"{k.gaku - k.nofu_gaku:,}円",
                "kigen_label": "督促の指定期限" if t else "納期限",
                "kigen": format_wareki(t.shitei_kigen if t else k.nouki),
            }
        )
    return out


def nofusho_render(items: list[dict[str, Any]], hakko_date: date) -> bytes:
    return render(
        NOFUSHO_TEMPLATE,
        common={
            "title": NOFUSHO_TITLE,
            "issuer": issuer_name(),
            "hakko": format_wareki(hakko_date),
        },
        items=items,
    )


def kabarai_nofusho(*, kabarai: FuyoKabarai, hakko_date: date, actor: Actor) -> bytes:
    """The 納付書 of one 返還金 for its 残額, as a PDF (a history row and a PRINT access row);
    refused when 完納."""
    k = FuyoKabarai.objects.select_related("jukyusha").get(pk=kabarai.pk)
    if k.jotai != FuyoKabaraiJotai.MINO:
        raise FuyoteateRefused([("kabarai", "完納した返還金の納付書は作成しません。")])
    items = nofusho_items([k])
    if not items:
        raise FuyoteateRefused([("kabarai", "受給者の住所・氏名を住民記録から読めません。")])
    pdf = nofusho_render(items, hakko_date)
    with transaction.atomic(durable=True):
        FuyoRireki.objects.create(
            jukyusha_id=k.jukyusha_id,
            kind="kabarai_nofusho",
            naiyo=f"返還金の納付書を作成（{format_wareki(hakko_date)}）："
            f"残額 {k.gaku - k.nofu_gaku:,}円",
            created_by=actor.username,
        )
        access_record(
            action=AccessAction.PRINT,
            actor=actor,
            gyomu=JIDO_FUYO_TEATE,
            screen="fukushi.fuyoteate_kabarai_nofusho",
            record_type=RECORD_TYPE,
            record_id=k.jukyusha_id,
        )
    return pdf


def tokusoku_items(rows: Sequence[FuyoKabaraiTokusoku]) -> list[dict[str, Any]]:
    """One 督促状 per 督促 (the 残額 and 指定期限 as recorded at the 督促)."""
    persons, blocks = _people(t.kabarai.jukyusha.atena_id for t in rows)
    out: list[dict[str, Any]] = []
    for t in rows:
        k = t.kabarai
        person, block = persons.get(k.jukyusha.atena_id), blocks.get(k.jukyusha.atena_id)
        if person is None or block is None:
            continue
        out.append(
            {
                **_head(person, block),
                "atena_no": person.atena_no,
                "bango": k.jukyusha.jukyusha_bango,
                "kabarai_no": f"{k.pk:08d}",
                "tokusoku": format_wareki(t.tokusoku_date),
                "kettei": format_wareki(k.kettei_date),
                "months": _months(k),
                "gaku": f"{k.gaku:,}円",
                "nouki": format_wareki(k.nouki),
                "zan": f"{t.zan:,}円",
                "kigen": format_wareki(t.shitei_kigen),
            }
        )
    return out


def tokusoku_render(items: list[dict[str, Any]], *, saihakko: bool = False) -> bytes:
    return render(
        TOKUSOKU_TEMPLATE,
        common={
            "title": TOKUSOKU_TITLE,
            "issuer": issuer_name(),
            "saihakko": "再発行" if saihakko else "",
        },
        items=items,
    )


def tokusoku_pdf(*, tokusoku: FuyoKabaraiTokusoku, actor: Actor, saihakko: bool = False) -> bytes:
    """The 督促状 of one 督促 (``saihakko``: printed again, marked 再発行), as a PDF with its
    PRINT access row."""
    t = FuyoKabaraiTokusoku.objects.select_related("kabarai__jukyusha").get(pk=tokusoku.pk)
    items = tokusoku_items([t])
    if not items:
        raise FuyoteateRefused([("kabarai", "受給者の住所・氏名を住民記録から読めません。")])
    pdf = tokusoku_render(items, saihakko=saihakko)
    access_record(
        action=AccessAction.PRINT,
        actor=actor,
        gyomu=JIDO_FUYO_TEATE,
        screen="fukushi.fuyoteate_kabarai_tokusoku",
        record_type=RECORD_TYPE,
        record_id=t.kabarai.jukyusha_id,
    )
    return pdf
