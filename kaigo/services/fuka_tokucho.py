"""特別徴収 files exchanged with the pension insurers (介護保険法第134条〜第136条):

- the 特別徴収対象者の通知 (年金保険者 → 市町村, through the 経由機関 国保中央会・国保連合会):
  read here (``tokucho_import``), matched to our 第1号被保険者, kept as ``TokuchoTaisho``;
- the 特別徴収依頼の通知 (市町村 → 年金保険者): written here (``tokucho_irai_csv``) from the
  current 賦課 of the 年度, through the platform's CSV writer (``tenants.csvout``).

**Layouts: ours (当社定義), not the real ones.** The real files are fixed-length records
defined in the 国保中央会's 「介護・国保・後期高齢者 保険料（税）の特別徴収」事務処理要領
(its chapter 2 lists the 通知 kinds: 特別徴収対象者の通知, 特別徴収（追加）依頼の通知,
依頼処理結果の通知, 特別徴収結果の通知, 各種異動の通知); a copy of the record layouts was
not obtained, so each file here is a CSV with a header row and the items that notice
carries as we understood them (未確認). Replace the column lists below when the 要領 is
at hand.

Matching (ours): the 通知 carries no 宛名番号 or 被保険者番号; a row is matched to a
第1号被保険者 of the 年度 by カナ氏名 (spaces ignored), 生年月日 and 性別 — exactly one, or
the row is reported as unmatched (by row number only: no personal data in the message).
A row whose 年金額 is under ``kaigo.hokenryo.tokucho.nenkin_kijun`` (18万円) is refused.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from juminkiroku.public import person_identities
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import ChoshuHoho, KaigoFuka, TokuchoTaisho
from kaigo.public import dai1_of_nendo
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, csv_bytes
from tenants.params.services import param_value

#: 特別徴収対象者の通知 (ours): header row, then one row per pension
TAISHO_HEADER = [
    "年金保険者コード",
    "基礎年金番号",
    "年金コード",
    "生年月日",
    "性別",
    "カナ氏名",
    "年金額",
    "通知月",
]
#: 特別徴収依頼の通知 (ours)
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
SEX = {"1": "男", "2": "女"}
RECORD_TYPE = "kaigo.TokuchoTaisho"


class TokuchoFileError(ValueError):
    """The file cannot be read at all (its header); the message is Japanese."""


@dataclass
class ImportResult:
    imported: int = 0
    #: row numbers (1 = the first data row) and the reason, without personal data
    refused: list[tuple[int, str]] = field(default_factory=list)


def _key(kana: str, birth: date, sex: str) -> tuple[str, date, str]:
    return ("".join(kana.split()), birth, sex)


def _birth(raw: str) -> date:
    raw = raw.strip()
    if len(raw) == 8 and raw.isdigit():
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return date.fromisoformat(raw)


def tokucho_import(*, fiscal_year: int, data: bytes, file_name: str, actor: Actor) -> ImportResult:
    """Read a 特別徴収対象者の通知 (our CSV layout, UTF-8 with or without BOM) and record
    each matched row as the person's ``TokuchoTaisho`` of ``fiscal_year`` (a row of an
    earlier file for the same person is replaced). One durable transaction."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TokuchoFileError("ファイルはUTF-8のCSVで指定してください。") from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != TAISHO_HEADER:
        raise TokuchoFileError(
            "1行目の見出しが特別徴収対象者の通知の様式（当社定義）と一致しません。"
        )
    kijun = int(param_value("kaigo.hokenryo.tokucho.nenkin_kijun", fiscal_year))
    dai1 = [d.atena_id for d in dai1_of_nendo(fiscal_year)]
    index: dict[tuple[str, date, str], list[int]] = {}
    for a, p in person_identities(dai1).items():
        index.setdefault(_key(p.shimei_kana, p.birth_date, p.sex), []).append(a)
    result = ImportResult()
    name = actor.username or actor.api_client
    with transaction.atomic(durable=True):
        for n, row in enumerate(rows[1:], start=1):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(TAISHO_HEADER):
                result.refused.append((n, "項目の数が違います"))
                continue
            hokensha, kiso, code, birth_raw, sex_raw, kana, gaku_raw, month_raw = (
                c.strip() for c in row
            )
            try:
                birth = _birth(birth_raw)
                gaku = int(gaku_raw)
                month = int(month_raw)
            except ValueError:
                result.refused.append((n, "生年月日・年金額・通知月の形式が違います"))
                continue
            if sex_raw not in SEX or not 1 <= month <= 12:
                result.refused.append((n, "性別・通知月の値が違います"))
                continue
            if gaku < kijun:
                result.refused.append((n, f"年金額が{kijun:,}円未満のため特別徴収の対象外です"))
                continue
            found = index.get(_key(kana, birth, SEX[sex_raw]), [])
            if len(found) != 1:
                why = "該当する第1号被保険者がいません" if not found else "該当者が複数います"
                result.refused.append((n, why))
                continue
            TokuchoTaisho.objects.update_or_create(
                fiscal_year=fiscal_year,
                atena_id=found[0],
                defaults={
                    "nenkin_hokensha": hokensha[:3],
                    "kiso_nenkin_no": kiso[:10],
                    "nenkin_code": code[:4],
                    "nenkin_gaku": gaku,
                    "tsuchi_month": month,
                    "file_name": file_name[:100],
                    "created_by": name,
                },
            )
            result.imported += 1
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KAIGO_HOKEN,
            screen="kaigo.fuka_tokucho",
            record_type=RECORD_TYPE,
            record_count=result.imported,
            detail={"fiscal_year": fiscal_year, "refused": len(result.refused)},
        )
    return result


def tokucho_irai_csv(
    *, fiscal_year: int, actor: Actor, encoding: str = DEFAULT_ENCODING
) -> tuple[bytes, int]:
    """The 特別徴収依頼の通知 of ``fiscal_year``: one row per current 賦課 collected from a
    pension, with its 仮徴収 and 本徴収 amounts. Returns (file, rows); the export is
    access-logged with the persons in it."""
    taisho = {t.atena_id: t for t in TokuchoTaisho.objects.filter(fiscal_year=fiscal_year)}
    rows = []
    ids = []
    for f in KaigoFuka.objects.filter(
        fiscal_year=fiscal_year, is_current=True, choshu_hoho=ChoshuHoho.TOKUCHO
    ).order_by("atena_id"):
        t = taisho.get(f.atena_id)
        if t is None:
            continue
        amounts = {(k["kind"], int(k["month"])): int(k["amount"]) for k in f.kibetsu}
        rows.append(
            [t.nenkin_hokensha, t.kiso_nenkin_no, t.nenkin_code, f.hihokensha_no, fiscal_year]
            + [amounts.get(("kari", m), 0) for m in (4, 6, 8)]
            + [amounts.get(("hon", m), 0) for m in (10, 12, 2)]
        )
        ids.append(f.atena_id)
    access_record(
        actor=actor,
        action=AccessAction.EXPORT,
        gyomu=KAIGO_HOKEN,
        screen="kaigo.fuka_tokucho_irai",
        record_type="kaigo.KaigoFuka",
        record_count=len(rows),
        detail={"fiscal_year": fiscal_year, "atena_ids": ids},
    )
    return csv_bytes(IRAI_HEADER, rows, encoding=encoding), len(rows)
