"""Bulk import of 課税資料 from CSV: all rows or none.

The file is read as a stream and every row is validated before anything is written; a
file with any invalid row is refused as a whole with every error reported by file, line
and field (up to ``MAX_ERRORS``), and the database is left as it was. The same file (by
its SHA-256) is not imported twice.

Layouts (UTF-8, BOM allowed, first line the header with these names in any order;
amounts in yen, digits with or without commas, full-width digits accepted; a row with
more filled cells than the header is refused, never cut):

給与支払報告書 (``kyuyo``):
    宛名番号, 所得年, 特別徴収義務者指定番号, 特別徴収義務者名, 支払金額, 社会保険料等の金額,
    生命保険料の控除額, 地震保険料の控除額, 徴収区分 (特別徴収 / 普通徴収); optional (may be
    left out of the header): 新生命保険料の金額, 旧生命保険料の金額, 介護医療保険料の金額,
    新個人年金保険料の金額, 旧個人年金保険料の金額 (「生命保険料の金額の内訳」)
公的年金等支払報告書 (``nenkin``):
    宛名番号, 所得年, 支払者番号, 支払者名, 支払金額, 社会保険料等の金額,
    年金特別徴収 (対象 / 対象外)
住民税申告・確定申告 (``shinkoku``): one row per person and 所得年.
    Required columns: 宛名番号, 所得年, 申告の種類 (住民税申告 / 確定申告). Every other
    column may be left out of the header (then 0 / なし / 非該当); a header that is not
    one of the layout's names is refused, so a misspelt column never drops data silently.
    Amounts (収入・経費・保険料・控除額): see ``SHINKOKU_AMOUNTS``. 障害者区分 (なし / 障害者 /
    特別障害者), 寡婦・ひとり親 (なし / 寡婦 / ひとり親（母） / ひとり親（父）), 勤労学生,
    生活扶助, 普通徴収 (該当 / 非該当 / 空欄).
    配偶者: 配偶者の続柄, 配偶者の年齢, 配偶者の合計所得金額, 配偶者の障害者区分 (all empty =
    no spouse; otherwise 年齢 is required). 扶養親族等 1 to ``SHINZOKU_MAX``: 親族N_続柄,
    親族N_年齢, 親族N_合計所得金額, 親族N_同居老親等, 親族N_障害者区分 (a group left empty
    is no one). Ages are on 31 December of the 所得年; 合計所得金額 may be negative.
    A person's 申告 already stored for that year is **replaced** (the later 申告 is a
    correction); the result and the access-log row say how many were replaced. The same
    person and year twice in one file is an error.

Persons are matched by the town's 宛名番号 (check digit verified) through 住民記録's one
lookup (juminkiroku.public.atena_resolve_many, three queries for the whole file); error
messages name the line and the field, never the person. A person under a 照会抑止 or a
支援措置 is matched all the same: attaching a report to them shows nothing of them, and a
DV victim's tax must still be assessed.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.public import MESSAGE_NOT_FOUND, atena_resolve_many
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.atena_bango import is_valid_number
from tenants.text import text_problem
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShinkokuKind, ShiryoImport
from zeimu.rules.inputs import KafuHitorioya, Shogai
from zeimu.services.kazei_inputs import InvalidKazeiData, haigusha_from_json, shinzoku_from_json

MAX_ERRORS = 1000
#: PostgreSQL's SQLSTATE for a unique constraint violated
UNIQUE_VIOLATION = "23505"
GYOMU = KOJIN_JUMINZEI
#: 扶養親族等 column groups in the ``shinkoku`` layout (the 申告書 has room for about 6).
SHINZOKU_MAX = 6


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


class AlreadyImported(ImportRejected):
    """The same file (SHA-256) of this kind is already imported in this town, perhaps by
    an identical upload a moment ago (the unique constraint decides, not a check)."""

    MESSAGE = "このファイルは取り込み済みです。"

    def __init__(self, file_name: str) -> None:
        super().__init__([ImportError_(file_name, 0, "", self.MESSAGE)])


def _already_imported(*, kind: str, digest: str) -> bool:
    """The early, friendly answer (before the file is read); the constraint is the guard."""
    return ShiryoImport.objects.filter(kind=kind, sha256=digest).exists()


def _is_same_file(exc: IntegrityError) -> bool:
    """A unique violation on ShiryoImport: only its same-file constraint can be (the
    constraint's name is not checked: schemas cloned from the template rename it)."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    return (
        getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION
        and getattr(diag, "table_name", None) == ShiryoImport._meta.db_table
    )


@dataclass
class Column:
    name: str
    attr: str
    parse: Callable[[str], Any]
    #: the cell may not be empty
    required: bool = True
    #: the header must name this column (otherwise an absent column reads as empty cells)
    in_header: bool = True


def normalize(value: str) -> str:
    """NFKC (全角英数 → 半角, （）→ ()) and trimmed: how cells and headers are compared."""
    return unicodedata.normalize("NFKC", value).strip()


def _text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = normalize(value)
        if len(value) > max_length:
            raise ValueError(f"{max_length}文字以内にしてください。")
        return value

    return parse


def parse_yen(value: str) -> int:
    """An amount in whole yen, 0 or more: commas and full-width digits accepted, empty = 0."""
    s = normalize(value).replace(",", "").replace("円", "")
    if s == "":
        return 0
    if not s.isdigit():
        raise ValueError("0以上の整数（円）で入力してください。")
    return int(s)


def parse_signed_yen(value: str) -> int:
    """An amount that may be negative (合計所得金額 with a loss): ``-``, ``△`` or ``▲``."""
    s = normalize(value).replace(",", "").replace("円", "")
    negative = s[:1] in ("-", "△", "▲", "−")
    digits = s[1:] if negative else s
    if s == "":
        return 0
    if not digits.isdigit():
        raise ValueError("整数（円）で入力してください。損失は先頭に「-」を付けます。")
    return -int(digits) if negative else int(digits)


def parse_age(value: str) -> int | None:
    s = normalize(value).replace("歳", "")
    if s == "":
        return None
    if not s.isdigit() or int(s) > 150:
        raise ValueError("年齢は0〜150の整数で入力してください。")
    return int(s)


def _year(value: str) -> int:
    s = normalize(value)
    this_year = timezone.localdate().year
    if not s.isdigit() or not 2000 <= int(s) <= this_year:
        raise ValueError(f"西暦4桁（2000〜{this_year}年）で入力してください。")
    return int(s)


def _choice(mapping: dict[str, Any], *, empty: Any = None) -> Callable[[str], Any]:
    """One of the words in ``mapping``; an empty cell gives ``empty`` if that is not None."""

    def parse(value: str) -> Any:
        s = normalize(value)
        if s == "" and empty is not None:
            return empty
        if s not in mapping:
            labels = [k for k in mapping if k]
            raise ValueError(f"「{'」「'.join(labels)}」のいずれかを入力してください。")
        return mapping[s]

    return parse


def _atena_no(value: str) -> str:
    s = normalize(value)
    if not is_valid_number(s):
        raise ValueError("宛名番号は10桁で、検査数字が一致する必要があります。")
    return s


#: 該当 / 非該当 (an empty cell is 非該当)
_flag = _choice({"該当": True, "非該当": False, "○": True}, empty=False)
#: The person's own 障害者区分 (同居特別障害者 is only for a spouse or relative).
_shogai_honnin = _choice(
    {normalize(s.value): s.value for s in Shogai if s is not Shogai.DOKYO_TOKUBETSU},
    empty=Shogai.NASHI.value,
)
_shogai_kazoku = _choice({normalize(s.value): s.value for s in Shogai}, empty=Shogai.NASHI.value)
_kafu = _choice(
    {normalize(k.value): k.value for k in KafuHitorioya}, empty=KafuHitorioya.NASHI.value
)

#: The 申告's amount columns: (CSV column, Shinkoku field); both the import and the entry
#: form use this list.
SHINKOKU_AMOUNTS: list[tuple[str, str]] = [
    ("給与収入", "kyuyo_shunyu"),
    ("公的年金等収入", "nenkin_shunyu"),
    ("営業等・農業収入", "jigyo_shunyu"),
    ("営業等・農業の必要経費", "jigyo_keihi"),
    ("不動産収入", "fudosan_shunyu"),
    ("不動産の必要経費", "fudosan_keihi"),
    ("雑収入", "zatsu_shunyu"),
    ("雑の必要経費", "zatsu_keihi"),
    ("社会保険料", "shakai_hokenryo"),
    ("小規模企業共済等掛金", "shokibo_kyosai"),
    ("一般の生命保険料（新）", "seimei_ippan_shin"),
    ("一般の生命保険料（旧）", "seimei_ippan_kyu"),
    ("介護医療保険料", "seimei_kaigo_iryo"),
    ("個人年金保険料（新）", "seimei_nenkin_shin"),
    ("個人年金保険料（旧）", "seimei_nenkin_kyu"),
    ("地震保険料", "jishin_hokenryo"),
    ("旧長期損害保険料", "kyu_choki_songai_hokenryo"),
    ("医療費控除額", "iryohi_kojo"),
]

#: 配偶者 / 親族N columns: (suffix, key in the JSON, parser)
_KAZOKU_PARTS: list[tuple[str, str, Callable[[str], Any]]] = [
    ("続柄", "zokugara", _text(20)),
    ("年齢", "age", parse_age),
    ("合計所得金額", "gokei_shotoku", parse_signed_yen),
    ("障害者区分", "shogai", _shogai_kazoku),
]


def _shinkoku_columns() -> list[Column]:
    cols = [
        Column("宛名番号", "atena_no", _atena_no),
        Column("所得年", "shotoku_year", _year),
        Column("申告の種類", "kind", _choice({normalize(k.label): k.value for k in ShinkokuKind})),
    ]
    cols += [Column(n, a, parse_yen, required=False, in_header=False) for n, a in SHINKOKU_AMOUNTS]
    cols += [
        Column("障害者区分", "shogai", _shogai_honnin, required=False, in_header=False),
        Column("寡婦・ひとり親", "kafu_hitorioya", _kafu, required=False, in_header=False),
        Column("勤労学生", "kinro_gakusei", _flag, required=False, in_header=False),
        Column("生活扶助", "seikatsu_fujo", _flag, required=False, in_header=False),
        Column("普通徴収", "futsu_choshu_kibo", _flag, required=False, in_header=False),
    ]
    for suffix, key, parse in _KAZOKU_PARTS:
        cols.append(
            Column(f"配偶者の{suffix}", f"haigusha.{key}", parse, required=False, in_header=False)
        )
    for i in range(1, SHINZOKU_MAX + 1):
        for suffix, key, parse in [
            *_KAZOKU_PARTS[:3],
            ("同居老親等", "dokyo_roshin", _flag),
            _KAZOKU_PARTS[3],
        ]:
            cols.append(
                Column(f"親族{i}_{suffix}", f"shinzoku.{i}.{key}", parse, required=False,
                       in_header=False)
            )  # fmt: skip
    return cols


def _is_blank_kazoku(member: dict[str, Any]) -> bool:
    return not any(
        v not in (None, "", 0, False, Shogai.NASHI.value)
        for v in member.values()
    )  # fmt: skip


def _assemble_shinkoku(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Fold the 配偶者 / 親族N cells into the JSON the model stores, validated by the same
    functions the calculation uses. Returns (field, message) errors."""
    errors: list[tuple[str, str]] = []
    haigusha = {
        k.split(".", 1)[1]: values.pop(k) for k in list(values) if k.startswith("haigusha.")
    }
    relatives: dict[int, dict[str, Any]] = {}
    for k in [k for k in values if k.startswith("shinzoku.")]:
        _, number, key = k.split(".", 2)
        relatives.setdefault(int(number), {})[key] = values.pop(k)
    # a key absent from a group is a cell that did not parse (already reported)
    incomplete = len(haigusha) < len(_KAZOKU_PARTS) or any(
        len(m) < len(_KAZOKU_PARTS) + 1 for m in relatives.values()
    )
    if _is_blank_kazoku(haigusha):
        values["haigusha"] = None
    elif "age" not in haigusha:
        pass
    elif haigusha["age"] is None:
        errors.append(("配偶者の年齢", "配偶者の欄に記入があるときは、年齢が必須です。"))
    else:
        values["haigusha"] = {
            "age": haigusha["age"],
            "gokei_shotoku": haigusha.get("gokei_shotoku", 0),
            "shogai": haigusha.get("shogai", Shogai.NASHI.value),
            "zokugara": haigusha.get("zokugara", ""),
        }
    shinzoku: list[dict[str, Any]] = []
    for i in sorted(relatives):
        member = relatives[i]
        if _is_blank_kazoku(member):
            continue
        if "age" not in member:
            continue
        if member["age"] is None:
            errors.append((f"親族{i}_年齢", f"親族{i}の欄に記入があるときは、年齢が必須です。"))
            continue
        shinzoku.append(
            {
                "age": member["age"],
                "gokei_shotoku": member.get("gokei_shotoku", 0),
                "dokyo_roshin": bool(member.get("dokyo_roshin", False)),
                "shogai": member.get("shogai", Shogai.NASHI.value),
                "zokugara": member.get("zokugara", ""),
            }
        )
    values["shinzoku"] = shinzoku
    if errors or incomplete:
        return errors
    try:
        haigusha_from_json(values["haigusha"])
    except InvalidKazeiData as exc:
        errors.append(("配偶者", str(exc)))
    try:
        shinzoku_from_json(shinzoku)
    except InvalidKazeiData as exc:
        errors.append(("親族", str(exc)))
    return errors


@dataclass
class Layout:
    kind: str
    label: str
    model: Any
    columns: list[Column]
    key: tuple[str, ...]
    #: how a duplicate is described: 「同じ{what}の資料が重複しています」
    key_words: str = "人・年・支払者"
    #: a row already stored under the same key is replaced (otherwise refused)
    replaces: bool = False
    #: header names that are not columns of the layout are refused
    strict_header: bool = False
    #: turns the parsed cells of one row into model fields; returns (field, message) errors
    assemble: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


#: 「生命保険料の金額の内訳」 of the 給与支払報告書 (optional columns)
KYUYO_SEIMEI_UCHIWAKE = [
    ("新生命保険料の金額", "seimei_ippan_shin"),
    ("旧生命保険料の金額", "seimei_ippan_kyu"),
    ("介護医療保険料の金額", "seimei_kaigo_iryo"),
    ("新個人年金保険料の金額", "seimei_nenkin_shin"),
    ("旧個人年金保険料の金額", "seimei_nenkin_kyu"),
]

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
            Column("支払金額", "shiharai_kingaku", parse_yen),
            Column("社会保険料等の金額", "shakai_hoken", parse_yen, required=False),
            Column("生命保険料の控除額", "seimei_hoken_kojo", parse_yen, required=False),
            Column("地震保険料の控除額", "jishin_hoken_kojo", parse_yen, required=False),
            *[
                Column(name, attr, parse_yen, required=False, in_header=False)
                for name, attr in KYUYO_SEIMEI_UCHIWAKE
            ],
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
            Column("支払金額", "shiharai_kingaku", parse_yen),
            Column("社会保険料等の金額", "shakai_hoken", parse_yen, required=False),
            Column("年金特別徴収", "tokubetsu_choshu", _choice({"対象": True, "対象外": False})),
        ],
        key=("atena_id", "shotoku_year", "payer_no"),
    ),
    "shinkoku": Layout(
        kind="shinkoku",
        label="住民税申告・確定申告",
        model=Shinkoku,
        columns=_shinkoku_columns(),
        key=("atena_id", "shotoku_year"),
        key_words="人・年",
        replaces=True,
        strict_header=True,
        assemble=_assemble_shinkoku,
    ),
}

#: The choices a screen or the command offers (kind, label).
KIND_CHOICES: list[tuple[str, str]] = [(k, layout.label) for k, layout in LAYOUTS.items()]


@dataclass(frozen=True)
class ImportResult:
    shiryo: ShiryoImport
    rows: int
    #: rows that replaced one already stored (``shinkoku`` only)
    replaced: int = 0


NOT_UTF8 = "文字コードは UTF-8 にしてください。"
#: bytes read at a time (hashing); the csv module reads line by line
CHUNK = 1024 * 1024


def _sha256(source: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _too_many_cells(in_header: int, in_row: int) -> str:
    return (
        f"見出し（{in_header}列）より多い{in_row}列があります。"
        '値の中の「,」は値全体を「"」で囲んでください。'
    )


def _refused_cells(row: list[str], names: list[str], report: Callable[[str, str], None]) -> bool:
    """Report every cell of ``row`` holding NUL or another control character (a NUL was a
    database error; no 課税資料 item is multi-line, so a quoted line break is refused too),
    by the column's name in the header (``names``) or its position. True if any was."""
    refused = False
    for i, cell in enumerate(row):
        column = names[i] if i < len(names) and names[i] else f"{i + 1}列目"
        problem = text_problem(cell, label="このセル")
        if problem is not None:
            report(column, problem)
            refused = True
    return refused


def kazei_import(
    *, kind: str, file_name: str, content: bytes | IO[bytes], actor: Actor
) -> ImportResult:
    """Validate the whole file, then write every row in one transaction (or nothing).

    ``content`` is the file's bytes or, better, the open (binary, seekable) file: it is
    then hashed in chunks and read line by line, never whole."""
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise ValueError(f"不明な資料の種類です: {kind}")
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        return _import(layout=layout, file_name=file_name, source=source, text=text, actor=actor)
    finally:
        text.detach()  # the caller's file stays open


def _import(
    *, layout: Layout, file_name: str, source: IO[bytes], text: io.TextIOWrapper, actor: Actor
) -> ImportResult:
    kind = layout.kind
    digest = _sha256(source)
    errors: list[ImportError_] = []
    truncated = False

    def err(line: int, col: str, message: str) -> None:
        nonlocal truncated
        if len(errors) < MAX_ERRORS:
            errors.append(ImportError_(file_name, line, col, message))
        else:
            truncated = True

    if _already_imported(kind=kind, digest=digest):
        raise AlreadyImported(file_name)
    try:
        reader = csv.reader(text)
        raw_header = next(reader, [])
        header = [normalize(h) for h in raw_header]
    except UnicodeDecodeError as exc:
        raise ImportRejected([ImportError_(file_name, 1, "", NOT_UTF8)]) from exc
    except csv.Error as exc:
        raise ImportRejected([ImportError_(file_name, 1, "", str(exc))]) from exc
    known = {normalize(c.name): c for c in layout.columns}
    missing = [c.name for c in layout.columns if c.in_header and normalize(c.name) not in header]
    header_refused: list[ImportError_] = []
    _refused_cells(
        raw_header,
        [f"{i}列目" for i in range(1, len(raw_header) + 1)],
        lambda col, message: header_refused.append(ImportError_(file_name, 1, col, message)),
    )
    if header_refused:
        raise ImportRejected(header_refused)
    unknown = [h for h in header if h and h not in known] if layout.strict_header else []
    doubled = sorted({h for h in header if h in known and header.count(h) > 1})
    if missing or unknown or doubled:
        raise ImportRejected(
            [ImportError_(file_name, 1, n, "見出しにこの列がありません。") for n in missing]
            + [ImportError_(file_name, 1, n, "この様式にない列名です。") for n in unknown]
            + [ImportError_(file_name, 1, n, "見出しに同じ列名が2回あります。") for n in doubled]
        )
    index = {c.name: header.index(normalize(c.name)) for c in layout.columns
             if normalize(c.name) in header}  # fmt: skip
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        for line_no, row in enumerate(reader, start=2):
            if _refused_cells(row, header, functools.partial(err, line_no)):
                continue
            if not any(cell.strip() for cell in row):
                continue
            if any(cell.strip() for cell in row[len(header) :]):
                # never cut: most often an unquoted comma moved every later cell right
                # (empty cells past the header, a spreadsheet's habit, hold nothing)
                err(line_no, f"{len(header) + 1}列目", _too_many_cells(len(header), len(row)))
                continue
            values: dict[str, Any] = {}
            for col in layout.columns:
                at = index.get(col.name)
                cell = row[at] if at is not None and at < len(row) else ""
                if col.required and not cell.strip():
                    err(line_no, col.name, "必須の項目です。")
                    continue
                try:
                    values[col.attr] = col.parse(cell)
                except ValueError as exc:
                    err(line_no, col.name, str(exc))
            if layout.assemble is not None:
                for col_name, message in layout.assemble(values):
                    err(line_no, col_name, message)
            parsed.append((line_no, values))
    except csv.Error as exc:
        err(0, "", f"CSVの形式が正しくありません: {exc}")
    except UnicodeDecodeError:
        # the decoder reads ahead: the line is where the reading stopped, near the byte
        err(reader.line_num + 1, "", NOT_UTF8)
    if not parsed and not errors:
        err(2, "", "データ行がありません。")

    numbers = {v["atena_no"] for _, v in parsed if "atena_no" in v}
    atena_ids = {no: r.atena_id for no, r in atena_resolve_many(numbers).items()}
    seen: dict[tuple[Any, ...], int] = {}
    for line_no, values in parsed:
        if "atena_no" in values:
            atena_id = atena_ids.get(values["atena_no"])
            if atena_id is None:
                err(line_no, "宛名番号", MESSAGE_NOT_FOUND)
                continue
            values["atena_id"] = atena_id
        if any(k not in values for k in layout.key):
            continue
        key = tuple(values[k] for k in layout.key)
        if key in seen:
            err(line_no, "", f"{seen[key]}行目と同じ{layout.key_words}の資料が重複しています。")
        else:
            seen[key] = line_no
    existing: dict[tuple[Any, ...], int] = {}
    if seen and not errors:
        existing = _existing_keys(layout, list(seen))
        if not layout.replaces:
            for key in existing:
                err(seen[key], "", f"同じ{layout.key_words}の資料が既に取り込まれています。")
    if errors:
        raise ImportRejected(errors, truncated)

    # the fields a replaced row takes from the file (every parsed one but the key)
    fields_of = [k for k in parsed[0][1] if k not in ("atena_no", *layout.key)]
    try:
        return _write(
            layout=layout,
            kind=kind,
            file_name=file_name,
            digest=digest,
            parsed=parsed,
            existing=existing,
            fields_of=fields_of,
            actor=actor,
        )
    except IntegrityError as exc:
        if _is_same_file(exc):
            raise AlreadyImported(file_name) from exc
        raise


def _write(
    *,
    layout: Layout,
    kind: str,
    file_name: str,
    digest: str,
    parsed: list[tuple[int, dict[str, Any]]],
    existing: dict[tuple[Any, ...], int],
    fields_of: list[str],
    actor: Actor,
) -> ImportResult:
    """All rows, the import and the access-log row in one transaction."""
    with transaction.atomic(durable=True):
        shiryo = ShiryoImport.objects.create(
            kind=kind,
            file_name=file_name[:200],
            sha256=digest,
            rows=len(parsed),
            imported_by=actor.username,
        )
        extra: dict[str, Any] = {"shiryo": shiryo}
        if layout.model is Shinkoku:
            extra["entered_by"] = actor.username[:150]
        new, updated = [], []
        for _, values in parsed:
            obj = layout.model(**extra, **{k: v for k, v in values.items() if k != "atena_no"})
            pk = existing.get(tuple(values[k] for k in layout.key))
            if pk is None:
                new.append(obj)
            else:
                obj.pk = pk
                updated.append(obj)
        layout.model.objects.bulk_create(new, batch_size=2000)
        if updated:
            # the 申告 stays the same row (its id is what the access log has recorded)
            stamp = {"updated_at": timezone.now()} if layout.model is Shinkoku else {}
            for obj in updated:
                for name, value in stamp.items():
                    setattr(obj, name, value)
            layout.model.objects.bulk_update(updated, [*fields_of, *extra, *stamp], batch_size=2000)
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen=f"{layout.label}の取込",
            record_type="shiryo_import",
            record_id=shiryo.pk,
            record_count=len(parsed),
            detail={"replaced": len(updated)} if layout.replaces else None,
        )
    return ImportResult(shiryo=shiryo, rows=len(parsed), replaced=len(updated))


def _existing_keys(layout: Layout, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
    """Stored rows with one of these keys: key → pk."""
    atena_ids = {k[0] for k in keys}
    years = {k[1] for k in keys}
    rows = layout.model.objects.filter(atena_id__in=atena_ids, shotoku_year__in=years)
    wanted = set(keys)
    found: dict[tuple[Any, ...], int] = {}
    for pk, *key in rows.values_list("pk", *layout.key):
        if tuple(key) in wanted:
            found[tuple(key)] = pk
    return found
