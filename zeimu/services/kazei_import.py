"""Bulk import of 課税資料 from CSV: all rows or none.

The file is read as a stream and every row is validated before anything is written; a
file with any invalid row is refused as a whole with every error reported by file, line
and field (up to ``MAX_ERRORS``), and the database is left as it was. The same file (by
its SHA-256) is not imported twice.

Layouts (UTF-8, BOM allowed, first line the header with these names in any order;
amounts in yen, digits with or without commas, full-width digits accepted):

給与支払報告書 (``kyuyo``):
    宛名番号, 所得年, 特別徴収義務者指定番号, 特別徴収義務者名, 支払金額, 社会保険料等の金額,
    生命保険料の控除額, 地震保険料の控除額, 徴収区分 (特別徴収 / 普通徴収)
公的年金等支払報告書 (``nenkin``):
    宛名番号, 所得年, 支払者番号, 支払者名, 支払金額, 社会保険料等の金額,
    年金特別徴収 (対象 / 対象外)

Persons are matched by the town's 宛名番号 (check digit verified); error messages name the
line and the field, never the person.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.models import Atena
from juminkiroku.rules.numbers import is_valid_number
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from zeimu.models import KyuyoHokoku, NenkinHokoku, ShiryoImport

MAX_ERRORS = 1000
GYOMU = "kojin_juminzei"


@dataclass(frozen=True)
class ImportError_:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} {self.line}行目" + (f"「{self.field}」" if self.field else "")
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[ImportError_], truncated: bool = False) -> None:
        self.errors = errors
        self.truncated = truncated
        super().__init__(f"{len(errors)}件の誤りがあるため取り込みませんでした。")


@dataclass
class Column:
    name: str
    attr: str
    parse: Callable[[str], Any]
    required: bool = True


def _text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = unicodedata.normalize("NFKC", value).strip()
        if len(value) > max_length:
            raise ValueError(f"{max_length}文字以内にしてください。")
        return value

    return parse


def _yen(value: str) -> int:
    s = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if s == "":
        return 0
    if not s.isdigit():
        raise ValueError("0以上の整数（円）で入力してください。")
    return int(s)


def _year(value: str) -> int:
    s = unicodedata.normalize("NFKC", value).strip()
    this_year = timezone.localdate().year
    if not s.isdigit() or not 2000 <= int(s) <= this_year:
        raise ValueError(f"西暦4桁（2000〜{this_year}年）で入力してください。")
    return int(s)


def _choice(mapping: dict[str, bool]) -> Callable[[str], bool]:
    def parse(value: str) -> bool:
        s = unicodedata.normalize("NFKC", value).strip()
        if s not in mapping:
            raise ValueError(f"「{'」「'.join(mapping)}」のいずれかを入力してください。")
        return mapping[s]

    return parse


def _atena_no(value: str) -> str:
    s = unicodedata.normalize("NFKC", value).strip()
    if not is_valid_number(s):
        raise ValueError("宛名番号は10桁で、検査数字が一致する必要があります。")
    return s


@dataclass
class Layout:
    kind: str
    label: str
    model: Any
    columns: list[Column]
    key: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)


LAYOUTS: dict[str, Layout] = {
    "kyuyo": Layout(
        kind="kyuyo",
        label="給与支払報告書",
        model=KyuyoHokoku,
        columns=[
            Column("宛名番号", "atena_no", _atena_no),
            Column("所得年", "shotoku_year", _year),
            Column("特別徴収義務者指定番号", "employer_no", _text(20)),
            Column("特別徴収義務者名", "employer_name", _text(100)),
            Column("支払金額", "shiharai_kingaku", _yen),
            Column("社会保険料等の金額", "shakai_hoken", _yen, required=False),
            Column("生命保険料の控除額", "seimei_hoken_kojo", _yen, required=False),
            Column("地震保険料の控除額", "jishin_hoken_kojo", _yen, required=False),
            Column("徴収区分", "tokubetsu_choshu", _choice({"特別徴収": True, "普通徴収": False})),
        ],
        key=("atena_id", "shotoku_year", "employer_no"),
    ),
    "nenkin": Layout(
        kind="nenkin",
        label="公的年金等支払報告書",
        model=NenkinHokoku,
        columns=[
            Column("宛名番号", "atena_no", _atena_no),
            Column("所得年", "shotoku_year", _year),
            Column("支払者番号", "payer_no", _text(20)),
            Column("支払者名", "payer_name", _text(100)),
            Column("支払金額", "shiharai_kingaku", _yen),
            Column("社会保険料等の金額", "shakai_hoken", _yen, required=False),
            Column("年金特別徴収", "tokubetsu_choshu", _choice({"対象": True, "対象外": False})),
        ],
        key=("atena_id", "shotoku_year", "payer_no"),
    ),
}


@dataclass(frozen=True)
class ImportResult:
    shiryo: ShiryoImport
    rows: int


def _lines(raw: bytes) -> Iterable[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("文字コードは UTF-8 にしてください。") from exc
    return csv.reader(io.StringIO(text, newline=""))


def kazei_import(*, kind: str, file_name: str, content: bytes, actor: Actor) -> ImportResult:
    """Validate the whole file, then write every row in one transaction (or nothing)."""
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise ValueError(f"不明な資料の種類です: {kind}")
    digest = hashlib.sha256(content).hexdigest()
    errors: list[ImportError_] = []
    truncated = False

    def err(line: int, col: str, message: str) -> None:
        nonlocal truncated
        if len(errors) < MAX_ERRORS:
            errors.append(ImportError_(file_name, line, col, message))
        else:
            truncated = True

    if ShiryoImport.objects.filter(sha256=digest).exists():
        raise ImportRejected([ImportError_(file_name, 0, "", "このファイルは取り込み済みです。")])
    try:
        reader = iter(_lines(content))
        header = [unicodedata.normalize("NFKC", h).strip() for h in next(reader, [])]
    except (ValueError, csv.Error) as exc:
        raise ImportRejected([ImportError_(file_name, 1, "", str(exc))]) from exc
    names = [c.name for c in layout.columns]
    missing = [n for n in names if n not in header]
    if missing:
        raise ImportRejected(
            [ImportError_(file_name, 1, n, "見出しにこの列がありません。") for n in missing]
        )
    index = {n: header.index(n) for n in names}
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        for line_no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            values: dict[str, Any] = {}
            for col in layout.columns:
                cell = row[index[col.name]] if index[col.name] < len(row) else ""
                if col.required and not cell.strip():
                    err(line_no, col.name, "必須の項目です。")
                    continue
                try:
                    values[col.attr] = col.parse(cell)
                except ValueError as exc:
                    err(line_no, col.name, str(exc))
            parsed.append((line_no, values))
    except csv.Error as exc:
        err(0, "", f"CSVの形式が正しくありません: {exc}")
    if not parsed and not errors:
        err(2, "", "データ行がありません。")

    numbers = {v["atena_no"] for _, v in parsed if "atena_no" in v}
    atena_ids = dict(Atena.objects.filter(atena_no__in=numbers).values_list("atena_no", "id"))
    seen: dict[tuple[Any, ...], int] = {}
    for line_no, values in parsed:
        if "atena_no" in values:
            atena_id = atena_ids.get(values["atena_no"])
            if atena_id is None:
                err(line_no, "宛名番号", "この宛名番号の人はこの団体にいません。")
                continue
            values["atena_id"] = atena_id
        if any(k not in values for k in layout.key):
            continue
        key = tuple(values[k] for k in layout.key)
        if key in seen:
            err(line_no, "", f"{seen[key]}行目と同じ人・年・支払者の資料が重複しています。")
        else:
            seen[key] = line_no
    if seen and not errors:
        existing = _existing_keys(layout, list(seen))
        for key in existing:
            err(seen[key], "", "同じ人・年・支払者の資料が既に取り込まれています。")
    if errors:
        raise ImportRejected(errors, truncated)

    with transaction.atomic(durable=True):
        shiryo = ShiryoImport.objects.create(
            kind=kind,
            file_name=file_name[:200],
            sha256=digest,
            rows=len(parsed),
            imported_by=actor.username,
        )
        layout.model.objects.bulk_create(
            (
                layout.model(shiryo=shiryo, **{k: v for k, v in values.items() if k != "atena_no"})
                for _, values in parsed
            ),
            batch_size=2000,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen=f"{layout.label}の取込",
            record_type="shiryo_import",
            record_id=shiryo.pk,
            record_count=len(parsed),
        )
    return ImportResult(shiryo=shiryo, rows=len(parsed))


def _existing_keys(layout: Layout, keys: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    atena_ids = {k[0] for k in keys}
    years = {k[1] for k in keys}
    rows = layout.model.objects.filter(atena_id__in=atena_ids, shotoku_year__in=years)
    found = set(rows.values_list(*layout.key))
    return found & set(keys)
