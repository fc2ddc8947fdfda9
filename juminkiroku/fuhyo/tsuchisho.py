"""「戸籍の附票記載事項通知書」 on paper (住民基本台帳法 第19条第4項ただし書).

The notice goes to a 管外 本籍地 computer to computer through the 住基ネット; on paper only
where the 総務省令 allows it, when the line is broken or otherwise cannot be used. The clerk
prints the notices that could not be sent (or a copy of any 管外 notice for the file) on
the shared WeasyPrint path (tenants.pdf), one notice a page, from the items stored at the
本登録. ``mark_paper`` records that the waiting ones went by post: they leave the queue
(``PAPER``) and stop holding that person's later notices.

No official form of the 通知書 was found; the layout is ours: addressee (the 本籍地's 市区町村長,
taken from the 本籍), the sender (this town's 市町村長), and the items of 法第17条.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, Sex
from juminkiroku.fuhyo.rules import KANGAI, PREFECTURES
from juminkiroku.fuhyo.tsuchi import complete_code
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import FuhyoTsuchi
from juminkiroku.models.fuhyo import FuhyoStatus
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.pdf import render_pdf

TITLE = "戸籍の附票記載事項通知書"
PRINT_MAX = 500
_TOWN = re.compile(r"^(.+?郡)?(.+?[市区町村])")


class TsuchishoError(Exception):
    pass


def honsekichi(honseki: str) -> str:
    """The 本籍地 市区町村 as written at the head of the 本籍 (「神奈川県高座郡寒川町」 →
    「寒川町」), for the addressee; the 本籍 itself is printed in full below it."""
    text = honseki.replace("\u3000", "").replace(" ", "")
    pref = next((p for p in PREFECTURES if text.startswith(p)), "")
    rest = text[len(pref) :]
    m = _TOWN.match(rest)
    if m is None:
        return pref
    # 政令指定都市: 「横浜市中区」 matches 「横浜市」 first (the 市 keeps the 戸籍), as it should.
    return m.group(2)


def _date(iso: str) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _page(rec: FuhyoTsuchi) -> dict[str, Any]:
    r = rec.record
    return {
        "no": rec.renkei_seq,
        "to": honsekichi(r.get("honseki", "")),
        "jiyu": IdoJiyu(rec.jiyu).label if rec.jiyu in IdoJiyu.values else "",
        "ido_date": rec.ido_date,
        "honseki": r.get("honseki", ""),
        "hittosha": r.get("hittosha", ""),
        "shimei": r.get("shimei", ""),
        "jusho": r.get("jusho", ""),
        "kokugai": r.get("kokugai_tenshutsu") == "1",
        "jutei_date": _date(r.get("jutei_date", "")),
        "birth_date": _date(r.get("birth_date", "")),
        "sex": Sex(r["sex"]).label if r.get("sex") in Sex.values else "",
        "juminhyo_code": r.get("juminhyo_code", ""),
    }


def fuhyo_tsuchisho_print(*, tsuchi_ids: list[int], actor: Actor, mark_paper: bool) -> bytes:
    """The 通知書 of the given 管外 notices, one a page, in 連携番号 order."""
    ids = sorted(set(tsuchi_ids))[:PRINT_MAX]
    with transaction.atomic(durable=True):
        recs = list(
            FuhyoTsuchi.objects.select_for_update()
            .filter(pk__in=ids, kubun=KANGAI)
            .order_by("renkei_seq")
        )
        if not recs:
            raise TsuchishoError("印刷する管外本籍の通知がありません。")
        for rec in recs:
            complete_code(rec)  # a 住民票コード the CS link drew after the notice was made
        town = connection.tenant
        pdf = render_pdf(
            "juminkiroku/fuhyo/tsuchisho.html",
            {
                "title": TITLE,
                "pages": [_page(r) for r in recs],
                "today": timezone.localdate(),
                "town_name": getattr(town, "name", ""),
                "mayor_name": getattr(town, "mayor_name", ""),
            },
        ).pdf
        now = timezone.now()
        marked = []
        for rec in recs:
            rec.printed_at = now
            fields = ["printed_at"]
            if mark_paper and rec.status in (
                FuhyoStatus.PENDING,
                FuhyoStatus.RETRY,
                FuhyoStatus.REJECTED,
            ):
                rec.status = FuhyoStatus.PAPER
                rec.next_try_at = None
                fields += ["status", "next_try_at"]
                marked.append(rec.pk)
            rec.save(update_fields=fields)
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=JUMINKIROKU,
            screen=TITLE,
            record_type="atena",
            record_count=len(recs),
            detail={
                "atena_ids": sorted({r.atena_id for r in recs}),
                "fuhyo_tsuchi_ids": [r.pk for r in recs],
                "paper": marked,
            },
        )
    return pdf
