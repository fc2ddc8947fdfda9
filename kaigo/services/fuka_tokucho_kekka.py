"""The pension insurers' notices that come back (介護保険法第134条〜第140条): read through
``tenants.nenkin_tokucho`` (layouts ours, 当社定義 — see there), each line matched to the
年度's 特別徴収対象者 by 基礎年金番号 and 年金コード (``TokuchoTaisho``; the 被保険者番号,
when the line has one, must be the 賦課's), then:

- 特別徴収依頼処理結果の通知: 受理 is recorded; 不能 stops 特別徴収 from the 処理年月日:
  the current 賦課 gets a new version through the 更正 path (``futsu_kirikae_locked``:
  the pension months before that day kept, the rest over the 普通徴収 期 still to come);
- 特別徴収結果の通知: each amount withheld is a payment in the 収納 ledger of the 期別 of
  that pension month — its 調定 posted first under ``kaigo:<年度>:<宛名 id>:tokucho:<月>``
  (the 賦課's amount of the month), then the payment (``zeimu.public.tokucho_nofu_post``);
- 各種異動の通知 (死亡, 転出, 年金の支払停止): 特別徴収 stops from the 異動年月日, as for a
  refused 依頼.

A line that cannot be read or matched is reported by line, field and reason (never its
content) and the other lines are used. The same file (its SHA-256) a second time is
refused whole and changes nothing; a 不能/異動 line for a person already on 普通徴収 changes
nothing either. One durable transaction per file, with one access-log row naming the
persons changed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import ChoshuHoho, KaigoFuka, TokuchoFile, TokuchoTaisho
from kaigo.rules.fuka_kibetsu import FUTSU
from kaigo.services.fuka import futsu_kirikae_locked
from tenants.accesslog.services import Actor
from tenants.nenkin_tokucho import (
    KekkaRefused,
    KekkaResult,
    LineError,
    NoticeKind,
    NoticeRow,
    chushi_apply,
    kekka_import,
)
from zeimu.public import ChoteiItem, ShunoRefused, TokuchoNofu, Zeimoku, chotei_post_many
from zeimu.public import tokucho_nofu_post as _tokucho_nofu_post

RECORD_TYPE = "kaigo.TokuchoFile"
SCREEN = "kaigo.fuka_tokucho_kekka"


#: the whole file refused, nothing written (the platform driver's; the module's name kept)
TokuchoKekkaRefused = KekkaRefused


def _match(
    rows: list[NoticeRow], fiscal_year: int, errors: list[LineError]
) -> list[tuple[NoticeRow, TokuchoTaisho, KaigoFuka]]:
    """Each row with its 特別徴収対象者 and current 賦課 (locked), or an error."""
    keys = {(r.kiso_nenkin_no, r.nenkin_code) for r in rows}
    taisho = {
        (t.kiso_nenkin_no, t.nenkin_code): t
        for t in TokuchoTaisho.objects.select_for_update().filter(
            fiscal_year=fiscal_year, kiso_nenkin_no__in={k for k, _ in keys}
        )
    }
    fuka = {
        f.atena_id: f
        for f in KaigoFuka.objects.select_for_update().filter(
            fiscal_year=fiscal_year,
            is_current=True,
            atena_id__in=[t.atena_id for t in taisho.values()],
        )
    }
    out = []
    for r in rows:
        t = taisho.get((r.kiso_nenkin_no, r.nenkin_code))
        if t is None:
            errors.append(
                LineError(r.line, "基礎年金番号", "この年度の特別徴収対象者にいない年金です。")
            )
            continue
        f = fuka.get(t.atena_id)
        if f is None:
            errors.append(LineError(r.line, "基礎年金番号", "この年度の賦課がありません。"))
            continue
        if r.hihokensha_no and r.hihokensha_no != f.hihokensha_no:
            errors.append(
                LineError(r.line, "被保険者番号", "特別徴収対象者の被保険者番号と違います。")
            )
            continue
        out.append((r, t, f))
    return out


def tokucho_kekka_import(
    *, kind: NoticeKind, fiscal_year: int, data: bytes, file_name: str, actor: Actor
) -> KekkaResult:
    """Import one notice of ``kind`` for ``fiscal_year`` (see the module's docstring) through
    the platform's driver (``tenants.nenkin_tokucho.kekka_import``)."""
    return kekka_import(
        kind=kind, fiscal_year=fiscal_year, data=data, file_name=file_name, actor=actor,
        file_model=TokuchoFile, match=_match, choshu=_choshu, chushi=_chushi,
        gyomu=KAIGO_HOKEN, screen=SCREEN, record_type=RECORD_TYPE,
    )  # fmt: skip


def _chushi(
    kind: NoticeKind,
    matched: list[tuple[NoticeRow, TokuchoTaisho, KaigoFuka]],
    result: KekkaResult,
    errors: list[LineError],
    actor: Actor,
    changed: list[int],
) -> None:
    def kirikae(fuka: KaigoFuka, on: date, reason: str) -> int:
        futsu_kirikae_locked(before=fuka, on=on, reason=reason, actor=actor)
        return fuka.atena_id

    chushi_apply(
        kind, matched, result, errors, changed,
        key=lambda t, _f: t.atena_id, same_line="同じ方の行が前にあります。",
        on_tokucho=lambda f: f.choshu_hoho == ChoshuHoho.TOKUCHO, kirikae=kirikae,
    )  # fmt: skip


def _choshu(
    f: TokuchoFile,
    matched: list[tuple[NoticeRow, TokuchoTaisho, KaigoFuka]],
    result: KekkaResult,
    errors: list[LineError],
    actor: Actor,
    changed: list[int],
) -> None:
    items: list[ChoteiItem] = []
    payments: list[TokuchoNofu] = []
    seen: set[tuple[int, int]] = set()
    for r, _t, fuka in matched:
        assert r.on is not None
        ki: dict[str, Any] | None = next(
            (k for k in fuka.kibetsu if k.get("kind") != FUTSU and int(k["month"]) == r.month),
            None,
        )
        if ki is None:
            errors.append(LineError(r.line, "徴収月", "この月の特別徴収の期が賦課にありません。"))
            continue
        if (fuka.atena_id, r.month) in seen:
            errors.append(LineError(r.line, "徴収月", "同じ方の同じ月の行が前にあります。"))
            continue
        seen.add((fuka.atena_id, r.month))
        key = f"kaigo:{fuka.fiscal_year}:{fuka.atena_id}:tokucho:{r.month}"
        items.append(
            ChoteiItem(
                zeimoku=Zeimoku.KAIGO,
                key=key,
                atena_id=fuka.atena_id,
                nendo=fuka.fiscal_year,
                ki=100 + int(ki["ki"]),
                ki_label=str(ki["label"])[:20],
                nouki=date.fromisoformat(ki["due"]),
                amount=int(ki["amount"]),
                ref=f"kaigo_fuka:{fuka.pk}:tokucho:{r.month}",
                on=r.on,
            )
        )
        note = "" if r.amount == int(ki["amount"]) else "依頼額と異なる徴収済額"
        payments.append(
            TokuchoNofu(line=r.line, key=key, amount=r.amount, shuno_date=r.on, note=note)
        )
        changed.append(fuka.atena_id)
    chotei_post_many(items, actor=actor)
    try:
        posted = _tokucho_nofu_post(
            zeimoku=Zeimoku.KAIGO,
            name=f.name,
            sha256=hashlib.sha256(f"kaigo:{f.sha256}".encode()).hexdigest(),
            items=payments,
            errors=[e.as_json() for e in errors],
            actor=actor,
        )
    except ShunoRefused as exc:
        raise TokuchoKekkaRefused(str(exc)) from exc
    f.shuno_file_id = posted.file_id
    result.applied = posted.matched
    result.amount = posted.amount
