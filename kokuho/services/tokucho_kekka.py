"""国保税 特別徴収 files exchanged with the pension insurers (地方税法第706条の2〜第706条の5;
article numbers as municipal pages cite them, not checked against e-Gov), through the
経由機関 (国保中央会・国保連合会):

- the 特別徴収依頼の通知 (town → insurer): ``tokucho_irai_csv``, one line per household whose
  current 賦課 is collected from the pension, with its 仮徴収 and 本徴収 amounts, through the
  platform's CSV writer;
- the notices that come back, read by the platform reader ``tenants.nenkin_tokucho``
  (``tokucho_kekka_import``): each line matched by 基礎年金番号 and 年金コード to the
  household's latest 特別徴収 judgment of the 年度 (``Tokucho``), then
  - 特別徴収依頼処理結果 受理: recorded; 不能: 特別徴収 stops from the 処理年月日 — a new
    version of the 賦課 with 普通徴収 for the rest (``futsu_kirikae_locked``, the 更正 path);
  - 特別徴収結果: each amount withheld is a payment of that pension month in the 収納
    ledger: its 調定 posted first under ``kokuhozei:<年度>:<世帯>:<世帯主>:tokucho:<月>``
    (期 101–106, named 特別徴収・仮徴収／本徴収: the ledger's 期 says how it is collected),
    then the payment (``zeimu.public.tokucho_nofu_post``, channel 特別徴収);
  - 各種異動 (死亡・転出・年金の支払停止): 特別徴収 stops from the 異動年月日, as for 不能.

**Layouts: ours (当社定義), not the real ones** (see ``tenants.nenkin_tokucho``): the
依頼 file has the columns kaigo's has (年金保険者コード, 基礎年金番号, 年金コード, 被保険者番号,
年度, the six amounts); 国保税 is levied on the household, so 被保険者番号 is left empty and a
notice line's 被保険者番号 is not checked (未確認 how the 要領 identifies the 国保 household).

A line that cannot be read or matched is reported by line, field and reason (never its
content) and the other lines are used. The same file (its SHA-256) a second time is refused
whole and changes nothing; a file that cannot be read at all is refused and writes nothing.
One durable transaction per file, with one access-log row naming the households changed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, Tokucho, TokuchoFile
from kokuho.models.koki import ChoshuHoho
from kokuho.rules.tokucho_kibetsu import HON, KARI, is_tokucho
from kokuho.services.tokucho import futsu_kirikae_locked
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, csv_bytes
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

RECORD_TYPE = "kokuho.TokuchoFile"
SCREEN = "kokuho.fuka_tokucho_kekka"

#: 特別徴収依頼の通知 (ours; the columns of kaigo's)
IRAI_HEADER = [
    "年金保険者コード",
    "基礎年金番号",
    "年金コード",
    "被保険者番号",
    "年度",
    "仮徴収額（4月）",
    "仮徴収額（6月）",
    "仮徴収額（8月）",
    "本徴収額（10月）",
    "本徴収額（12月）",
    "本徴収額（2月）",
]


#: the whole file refused, nothing written (the platform driver's; the module's name kept)
TokuchoKekkaRefused = KekkaRefused


def _judgments(fiscal_year: int) -> dict[int, Tokucho]:
    """Each household's latest judgment of the 年度 that found 特別徴収 and names a
    pension, by 世帯."""
    out: dict[int, Tokucho] = {}
    for t in (
        Tokucho.objects.filter(fuka__fiscal_year=fiscal_year, gaito=True)
        .exclude(kiso_nenkin_no="")
        .select_related("fuka")
        .order_by("pk")
    ):
        out[t.fuka.setai_id] = t
    return out


def tokucho_irai_csv(
    *, fiscal_year: int, actor: Actor, encoding: str = DEFAULT_ENCODING
) -> tuple[bytes, int]:
    """The 特別徴収依頼の通知 of ``fiscal_year``: one line per current 賦課 collected from the
    pension. Returns (file, lines); the export is access-logged with the persons in it."""
    judged = _judgments(fiscal_year)
    rows: list[list[Any]] = []
    ids: list[int] = []
    for f in KokuhoFuka.objects.filter(
        fiscal_year=fiscal_year, is_current=True, choshu_hoho=ChoshuHoho.TOKUBETSU
    ).order_by("setai_id"):
        t = judged.get(f.setai_id)
        if t is None:
            continue
        amounts = {
            (str(k["kind"]), int(k["month"])): int(k["amount"]) for k in f.kibetsu if is_tokucho(k)
        }
        rows.append(
            [t.nenkin_hokensha, t.kiso_nenkin_no, t.nenkin_code, "", fiscal_year]
            + [amounts.get((KARI, m), 0) for m in (4, 6, 8)]
            + [amounts.get((HON, m), 0) for m in (10, 12, 2)]
        )
        ids.append(f.nozei_gimusha_id)
    access_record(
        actor=actor,
        action=AccessAction.EXPORT,
        gyomu=KOKUHO_FUKA,
        screen="kokuho.fuka_tokucho_irai",
        record_type="kokuho.KokuhoFuka",
        record_count=len(rows),
        detail={"fiscal_year": fiscal_year, "atena_ids": ids},
    )
    return csv_bytes(IRAI_HEADER, rows, encoding=encoding), len(rows)


def _match(
    rows: list[NoticeRow], fiscal_year: int, errors: list[LineError]
) -> list[tuple[NoticeRow, Tokucho, KokuhoFuka]]:
    """Each row with its judgment and the household's current 賦課 (locked), or an error."""
    by_pension = {(t.kiso_nenkin_no, t.nenkin_code): t for t in _judgments(fiscal_year).values()}
    wanted = {
        by_pension[(r.kiso_nenkin_no, r.nenkin_code)].fuka.setai_id
        for r in rows
        if (r.kiso_nenkin_no, r.nenkin_code) in by_pension
    }
    fuka = {
        f.setai_id: f
        for f in KokuhoFuka.objects.select_for_update().filter(
            fiscal_year=fiscal_year, is_current=True, setai_id__in=wanted
        )
    }
    out = []
    for r in rows:
        t = by_pension.get((r.kiso_nenkin_no, r.nenkin_code))
        if t is None:
            why = "この年度の国保税の特別徴収の世帯にない年金です。"
            errors.append(LineError(r.line, "基礎年金番号", why))
            continue
        f = fuka.get(t.fuka.setai_id)
        if f is None:
            errors.append(LineError(r.line, "基礎年金番号", "この年度の賦課がありません。"))
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
        gyomu=KOKUHO_FUKA, screen=SCREEN, record_type=RECORD_TYPE,
    )  # fmt: skip


def _chushi(
    kind: NoticeKind,
    matched: list[tuple[NoticeRow, Tokucho, KokuhoFuka]],
    result: KekkaResult,
    errors: list[LineError],
    actor: Actor,
    changed: list[int],
) -> None:
    def kirikae(fuka: KokuhoFuka, on: date, reason: str) -> int:
        futsu_kirikae_locked(before=fuka, on=on, reason=reason, actor=actor, screen=SCREEN)
        return fuka.nozei_gimusha_id

    chushi_apply(
        kind, matched, result, errors, changed,
        key=lambda _t, f: f.setai_id, same_line="同じ世帯の行が前にあります。",
        on_tokucho=lambda f: f.choshu_hoho == ChoshuHoho.TOKUBETSU, kirikae=kirikae,
    )  # fmt: skip


def _choshu(
    f: TokuchoFile,
    matched: list[tuple[NoticeRow, Tokucho, KokuhoFuka]],
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
            (k for k in fuka.kibetsu if is_tokucho(k) and int(k["month"]) == r.month), None
        )
        if ki is None:
            errors.append(LineError(r.line, "徴収月", "この月の特別徴収の期が賦課にありません。"))
            continue
        if (fuka.setai_id, r.month) in seen:
            errors.append(LineError(r.line, "徴収月", "同じ世帯の同じ月の行が前にあります。"))
            continue
        seen.add((fuka.setai_id, r.month))
        fy, setai, gimusha = fuka.fiscal_year, fuka.setai_id, fuka.nozei_gimusha_id
        key = f"kokuhozei:{fy}:{setai}:{gimusha}:tokucho:{r.month}"
        items.append(
            ChoteiItem(
                zeimoku=Zeimoku.KOKUHOZEI,
                key=key,
                atena_id=gimusha,
                nendo=fy,
                ki=int(ki["ki"]),
                ki_label=str(ki["label"])[:20],
                nouki=date.fromisoformat(ki["due"]),
                amount=int(ki["amount"]),
                ref=f"kokuho_fuka:{fuka.pk}:{gimusha}:tokucho:{r.month}",
                on=r.on,
            )
        )
        note = "" if r.amount == int(ki["amount"]) else "依頼額と異なる徴収済額"
        payments.append(
            TokuchoNofu(line=r.line, key=key, amount=r.amount, shuno_date=r.on, note=note)
        )
        changed.append(gimusha)
    chotei_post_many(items, actor=actor)
    try:
        posted = _tokucho_nofu_post(
            zeimoku=Zeimoku.KOKUHOZEI,
            name=f.name,
            sha256=hashlib.sha256(f"kokuhozei:{f.sha256}".encode()).hexdigest(),
            items=payments,
            errors=[e.as_json() for e in errors],
            actor=actor,
        )
    except ShunoRefused as exc:
        raise TokuchoKekkaRefused(str(exc)) from exc
    f.shuno_file_id = posted.file_id
    result.applied = posted.matched
    result.amount = posted.amount
