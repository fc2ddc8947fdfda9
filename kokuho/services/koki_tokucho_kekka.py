"""後期高齢者医療保険料 特別徴収: the pension insurers' notices that come back (高齢者の医療の
確保に関する法律第107条第2項・第110条, which applies 介護保険法第134条〜第141条の2 read for
this premium; article numbers as the 施行令's preamble and municipal pages cite them, not
checked against e-Gov), read through the platform's ``tenants.nenkin_tokucho.kekka_import``
(layouts ours, 当社定義 — see there):

- 特別徴収結果の通知: each amount withheld is a payment in the 収納 ledger. The line is
  matched by its 被保険者番号 to the person's current 保険料 of the 年度 (``KokiHokenryo``:
  the town keeps no pension record of its own for this premium — the 広域連合's data
  decides who is collected from a pension, 未確認 how the 要領 identifies the person: the
  被保険者番号 is required here), and by its 徴収月 to the 特別徴収 期 whose 納期限 falls in
  that month. The 期's 調定 is posted first (``kokuho.services.koki_chotei``, key
  ``koki:<年度>:<宛名>:tokucho:<月>``), then the payment (``zeimu.public.
  tokucho_nofu_post``, channel 特別徴収). A line of a known person with no 特別徴収 期 that
  month, or whose 被保険者番号 names no 保険料 of the 年度, is still money the insurer paid:
  it goes to the ledger as 要確認 (its key names no 期別) and is listed by line and reason.
- 特別徴収依頼処理結果の通知 and 各種異動の通知 (死亡・転出・年金の支払停止): the 広域連合
  assesses this premium and decides how each 期 is collected, so the town records the
  notice (file, lines, the persons in the access log) and changes no 期: the 広域連合's
  更正 data, imported as any 保険料データ, moves the remaining 期 to 普通徴収 (its 期別 are
  then posted and the 特別徴収 months stated as it says).

A line that cannot be read is reported by line, field and reason (never its content) and
the other lines are used. The same file (its SHA-256) a second time is refused whole and
changes nothing. One durable transaction per file, with one access-log row.
"""

from __future__ import annotations

import hashlib

from kokuho.gyomu import KOKI_IRYO
from kokuho.models import ChoshuHoho, KokiHokenryo, KokiKibetsu, KokiTokuchoFile
from kokuho.services.koki_chotei import item_of, tokucho_key
from tenants.accesslog.services import Actor
from tenants.nenkin_tokucho import (
    KekkaRefused,
    KekkaResult,
    LineError,
    NoticeKind,
    NoticeRow,
    kekka_import,
)
from zeimu.public import ChoteiItem, ShunoRefused, TokuchoNofu, Zeimoku, chotei_post_many
from zeimu.public import tokucho_nofu_post as _tokucho_nofu_post

RECORD_TYPE = "kokuho.KokiTokuchoFile"
SCREEN = "kokuho.koki_tokucho_kekka"

#: the whole file refused, nothing written (the platform driver's)
KokiTokuchoRefused = KekkaRefused

_NO_BANGO = "後期高齢者医療の被保険者番号がありません（要確認として収納に記録）。"
_UNKNOWN = "この年度の保険料データにない被保険者番号です（要確認として収納に記録）。"


def _match(
    rows: list[NoticeRow], fiscal_year: int, errors: list[LineError]
) -> list[tuple[NoticeRow, KokiHokenryo | None]]:
    """Each row with the current 保険料 of its 被保険者番号 (locked, 期別 loaded), or None
    (the row is still kept: its money goes to the ledger as 要確認)."""
    wanted = {r.hihokensha_no for r in rows if r.hihokensha_no}
    current = {
        h.hihokensha_bango: h
        for h in KokiHokenryo.objects.select_for_update()
        .filter(nendo=fiscal_year, is_current=True, hihokensha_bango__in=wanted)
        .prefetch_related("kibetsu")
    }
    out: list[tuple[NoticeRow, KokiHokenryo | None]] = []
    for r in rows:
        h = current.get(r.hihokensha_no) if r.hihokensha_no else None
        if h is None:
            errors.append(
                LineError(r.line, "被保険者番号", _UNKNOWN if r.hihokensha_no else _NO_BANGO)
            )
        out.append((r, h))
    return out


def koki_tokucho_kekka_import(
    *, kind: NoticeKind, fiscal_year: int, data: bytes, file_name: str, actor: Actor
) -> KekkaResult:
    """Import one notice of ``kind`` for ``fiscal_year`` (see the module's docstring)."""
    return kekka_import(
        kind=kind, fiscal_year=fiscal_year, data=data, file_name=file_name, actor=actor,
        file_model=KokiTokuchoFile, match=_match, choshu=_choshu, chushi=_chushi,
        gyomu=KOKI_IRYO, screen=SCREEN, record_type=RECORD_TYPE,
    )  # fmt: skip


def _chushi(
    kind: NoticeKind,
    matched: list[tuple[NoticeRow, KokiHokenryo | None]],
    result: KekkaResult,
    errors: list[LineError],
    actor: Actor,
    changed: list[int],
) -> None:
    """Recorded only: the 広域連合's 更正 data changes the 期 (see the module's docstring)."""
    for _r, h in matched:
        if h is None:
            continue
        result.unchanged += 1
        changed.append(h.atena_id)


def _tokucho_ki(h: KokiHokenryo, month: int) -> KokiKibetsu | None:
    return next(
        (
            k
            for k in h.kibetsu.all()
            if k.choshu_hoho == ChoshuHoho.TOKUBETSU and k.nokigen.month == month
        ),
        None,
    )


def _choshu(
    f: KokiTokuchoFile,
    matched: list[tuple[NoticeRow, KokiHokenryo | None]],
    result: KekkaResult,
    errors: list[LineError],
    actor: Actor,
    changed: list[int],
) -> None:
    items: list[ChoteiItem] = []
    targets: list[KokiKibetsu] = []
    payments: list[TokuchoNofu] = []
    seen: set[tuple[str, int]] = set()
    for r, h in matched:
        assert r.on is not None
        if (r.hihokensha_no, r.month) in seen and r.hihokensha_no:
            errors.append(LineError(r.line, "徴収月", "同じ方の同じ月の行が前にあります。"))
            continue
        seen.add((r.hihokensha_no, r.month))
        if h is None:
            # money paid for someone this town's data does not know: 要確認 in the ledger
            key = f"koki:{r.nendo}:hihokensha:{r.hihokensha_no or '-'}:tokucho:{r.month}"
            payments.append(
                TokuchoNofu(line=r.line, key=key, amount=r.amount, shuno_date=r.on,
                            note="被保険者不明")
            )  # fmt: skip
            continue
        k = _tokucho_ki(h, r.month)
        key = tokucho_key(h.nendo, h.atena_id, r.month)
        note = ""
        if k is None:
            errors.append(
                LineError(
                    r.line,
                    "徴収月",
                    "この月の特別徴収の期が保険料データにありません（要確認として収納に記録）。",
                )
            )
            note = "特別徴収の期なし"
        else:
            items.append(item_of(h, k, on=r.on))
            targets.append(k)
            if r.amount != k.chotei_gaku:
                note = "依頼額と異なる徴収済額"
        payments.append(
            TokuchoNofu(line=r.line, key=key, amount=r.amount, shuno_date=r.on, note=note)
        )
        changed.append(h.atena_id)
    posted = chotei_post_many(items, actor=actor)
    done: list[KokiKibetsu] = []
    for k, p in zip(targets, posted, strict=True):
        if k.nofu_bango != p.nofu_bango:
            k.nofu_bango = p.nofu_bango
            done.append(k)
    KokiKibetsu.objects.bulk_update(done, ["nofu_bango"])
    try:
        nofu = _tokucho_nofu_post(
            zeimoku=Zeimoku.KOKI,
            name=f.name,
            sha256=hashlib.sha256(f"koki:{f.sha256}".encode()).hexdigest(),
            items=payments,
            errors=[e.as_json() for e in errors],
            actor=actor,
        )
    except ShunoRefused as exc:
        raise KokiTokuchoRefused(str(exc)) from exc
    f.shuno_file_id = nofu.file_id
    result.applied = nofu.matched
    result.amount = nofu.amount
