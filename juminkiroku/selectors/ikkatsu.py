"""住所一括変更の仮処理 (標準仕様書 9.7): the check of a CSV before any change.

9.7 takes, for the 現住所, a CSV of 世帯番号 with the address before and after, and for the
本籍, a CSV of 宛名番号 with the 本籍 before and after, and asks for a 仮処理 and a 本処理
with a list to check the result. This is the 仮処理: it reads the file, looks each row up
and says whether it would be changed (対象) or left out (除外) and why — a 世帯員 whose
address differs from the 変更前, a 転出予定者 or a person with a 異動 in 仮登録 (9.7 lets
those be left out). Nothing is written.

Columns (a header line first; UTF-8 or Shift_JIS):
  現住所: 世帯番号, 変更前住所, 変更前番地, 変更後住所コード, 変更後郵便番号, 変更後住所, 変更後番地
  本籍:   宛名番号, 変更前本籍, 変更後本籍
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils import timezone

from juminkiroku.codes import JuminJotai
from juminkiroku.models import (
    Atena,
    Banchi,
    IdoTarget,
    JushoJisho,
    Setai,
    Tenshutsu,
    TenshutsuStatus,
)
from juminkiroku.selectors.jusho_kouho import banchi_for
from tenants.checkdigits import normalise_postal_code
from tenants.text import text_problem

JUSHO_COLUMNS = [
    "世帯番号",
    "変更前住所",
    "変更前番地",
    "変更後住所コード",
    "変更後郵便番号",
    "変更後住所",
    "変更後番地",
]
HONSEKI_COLUMNS = ["宛名番号", "変更前本籍", "変更後本籍"]
MAX_ROWS = 20000


class IkkatsuFileError(Exception):
    """The file as a whole is refused (a Japanese message)."""


@dataclass
class IkkatsuRow:
    line: int
    key: str  # 世帯番号 or 宛名番号
    before: str
    after: str
    taisho: bool = False
    reason: str = ""
    atena_ids: list[int] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IkkatsuFileError(
        "文字コードを読み取れません。UTF-8 または Shift_JIS で保存してください。"
    )


def _lines(data: bytes, columns: list[str]) -> list[tuple[int, list[str]]]:
    rows = list(csv.reader(io.StringIO(_decode(data))))
    if not rows or [c.strip() for c in rows[0]] != columns:
        raise IkkatsuFileError(f"1行目の見出しは「{','.join(columns)}」にしてください。")
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    if not body:
        raise IkkatsuFileError("変更する行がありません。")
    if len(body) > MAX_ROWS:
        raise IkkatsuFileError(f"1回に扱えるのは{MAX_ROWS:,}行までです。")
    return body


def _busy(ids: list[int]) -> str:
    if Tenshutsu.objects.filter(atena_id__in=ids, status=TenshutsuStatus.YOTEI).exists():
        return "転出予定者がいるため除外します。"
    if IdoTarget.objects.filter(atena_id__in=ids, pending=True).exists():
        return "仮登録中の異動があるため除外します。"
    return ""


def _text(values: list[str], labels: list[str]) -> str:
    for value, label in zip(values, labels, strict=True):
        problem = text_problem(value, label=label)
        if problem:
            return problem
    return ""


def karishori_jusho(data: bytes) -> list[IkkatsuRow]:
    """現住所 by 世帯番号 (9.7): each household's members now at 変更前住所・番地."""
    out: list[IkkatsuRow] = []
    seen: set[str] = set()
    for line, cells in _lines(data, JUSHO_COLUMNS):
        if len(cells) != len(JUSHO_COLUMNS):
            out.append(IkkatsuRow(line, "", "", "", reason="列の数が合いません。"))
            continue
        setai_no, b_jusho, b_banchi, a_code, a_postal, a_jusho, a_banchi = (
            c.strip() for c in cells
        )
        row = IkkatsuRow(line, setai_no, f"{b_jusho}{b_banchi}", f"{a_jusho}{a_banchi}")
        out.append(row)
        row.reason = _text([c.strip() for c in cells], JUSHO_COLUMNS)
        if row.reason:
            continue
        if setai_no in seen:
            row.reason = "同じ世帯番号がこのファイルに2回以上あります。"
            continue
        seen.add(setai_no)
        if not a_jusho:
            row.reason = "変更後住所がありません。"
            continue
        try:
            normalise_postal_code(a_postal) if a_postal else ""
        except ValueError:
            row.reason = "変更後郵便番号は7桁の数字で入力してください。"
            continue
        if a_code:
            # The new address must be in the 住所辞書 (1.3.3) and, when the 町字 has a
            # 住居表示・地番 master (1.3.2), be one of its 番地 valid today.
            jisho = JushoJisho.objects.filter(jusho_code=a_code).first()
            if jisho is None:
                row.reason = "変更後住所コードが住所辞書にありません。"
                continue
            if Banchi.objects.filter(jisho=jisho).exists() and (
                banchi_for(jisho, a_banchi, timezone.localdate()) is None
            ):
                row.reason = "変更後番地が住居表示・地番のマスタにありません。"
                continue
        setai = Setai.objects.filter(setai_no=setai_no).first()
        members = list(Atena.objects.filter(setai=setai, jotai=JuminJotai.JUMIN)) if setai else []
        if not members:
            row.reason = "この世帯番号の住民のいる世帯がありません。"
            continue
        row.atena_ids = [m.pk for m in members]
        if any((m.jusho, m.banchi) != (b_jusho, b_banchi) for m in members):
            row.reason = "変更前住所と住所が異なる世帯員がいるため除外します。"
            continue
        row.reason = _busy(row.atena_ids)
        row.taisho = not row.reason
    return out


def karishori_honseki(data: bytes) -> list[IkkatsuRow]:
    """本籍 by 宛名番号 (9.7): each person whose 本籍 is now the 変更前本籍."""
    out: list[IkkatsuRow] = []
    seen: set[str] = set()
    for line, cells in _lines(data, HONSEKI_COLUMNS):
        if len(cells) != len(HONSEKI_COLUMNS):
            out.append(IkkatsuRow(line, "", "", "", reason="列の数が合いません。"))
            continue
        atena_no, before, after = (c.strip() for c in cells)
        row = IkkatsuRow(line, atena_no, before, after)
        out.append(row)
        row.reason = _text([atena_no, before, after], HONSEKI_COLUMNS)
        if row.reason:
            continue
        if atena_no in seen:
            row.reason = "同じ宛名番号がこのファイルに2回以上あります。"
            continue
        seen.add(atena_no)
        if not after:
            row.reason = "変更後本籍がありません。"
            continue
        person = Atena.objects.filter(atena_no=atena_no, jotai=JuminJotai.JUMIN).first()
        if person is None:
            row.reason = "この宛名番号の住民がいません。"
            continue
        row.atena_ids = [person.pk]
        if person.honseki != before:
            row.reason = "本籍が変更前本籍と異なるため除外します。"
            continue
        row.reason = _busy(row.atena_ids)
        row.taisho = not row.reason
    return out
