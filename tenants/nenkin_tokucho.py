"""The pension insurers' 特別徴収 notices that come back to the town (through the 経由機関:
国保中央会・国保連合会), read for any premium collected from a pension (介護保険料, 国保税,
後期高齢者医療保険料): the 特別徴収依頼処理結果の通知, the 特別徴収結果の通知 and the
各種異動の通知.

**Layouts: ours (当社定義), not the real ones.** The real notices are fixed-length records
defined in the 国保中央会's 「介護・国保・後期高齢者 保険料（税）の特別徴収」事務処理要領
(its chapter 2 names the notices; the record layouts were not obtained: searched
2026-12-07, only the table of contents and a 厚生労働省 note that reuses the 介護 特別徴収
header/trailer — レコード区分, 市町村コード, 特別徴収義務者コード, 通知内容コード,
特別徴収制度コード, 作成年月日, 合計件数 — were found, not the data records). Each file
here is a CSV (UTF-8, with or without BOM) with a header row and the items we understood
each notice to carry (未確認). The result codes, reasons and 異動 kinds are ours too.

The reading lives here (platform code both 介護 and 国保 may import), and so does the
driver of an import (``kekka_import``: the same file refused, the file row, dispatch,
errors, the access-log row); matching a row to a person and acting on it is the module's
business, passed in. A file that cannot be read at all
raises :class:`NoticeFileError`; a line that cannot be read is a :class:`LineError` (line
of the file — the header is line 1 —, the field, the reason; never the line's content,
which carries personal data) and the other lines are returned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenants.accesslog.services import Actor

__all__ = [
    "HOKENRYO_KINDS",
    "IDO_KUBUN",
    "IRAI_FUNO_RIYU",
    "KAIGO_HOKENRYO",
    "TAISHO_HEADER",
    "KekkaRefused",
    "KekkaResult",
    "LineError",
    "NoticeFileError",
    "NoticeKind",
    "NoticeRow",
    "TaishoRow",
    "TokuchoHokenryo",
    "chushi_apply",
    "header_of",
    "hokenryo_lookup",
    "kekka_import",
    "read_notice",
    "read_taisho",
]


class NoticeKind(StrEnum):
    IRAI_KEKKA = "irai_kekka"
    CHOSHU_KEKKA = "choshu_kekka"
    IDO = "ido"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    NoticeKind.IRAI_KEKKA: "特別徴収依頼処理結果の通知",
    NoticeKind.CHOSHU_KEKKA: "特別徴収結果の通知",
    NoticeKind.IDO: "各種異動の通知",
}

_COMMON = ["年金保険者コード", "基礎年金番号", "年金コード", "被保険者番号", "年度"]
_HEADERS = {
    # 処理結果: 0 受理 / 1 不能; 不能理由: IRAI_FUNO_RIYU; 処理年月日: from that day the
    # pension insurer does not withhold
    NoticeKind.IRAI_KEKKA: [*_COMMON, "処理結果", "不能理由", "処理年月日"],
    # one line per pension month withheld: 徴収月 (4, 6, 8, 10, 12, 2), 徴収済額, 徴収年月日
    NoticeKind.CHOSHU_KEKKA: [*_COMMON, "徴収月", "徴収済額", "徴収年月日"],
    # 異動区分: IDO_KUBUN; from 異動年月日 the insurer stops withholding
    NoticeKind.IDO: [*_COMMON, "異動区分", "異動年月日"],
}

#: 依頼処理結果 不能理由 (codes ours)
IRAI_FUNO_RIYU = {
    "01": "年金額が特別徴収の対象となる額に満たない",
    "02": "保険料（税）の額が年金額の2分の1を超える",
    "03": "年金の支払が差し止められている",
    "04": "該当する年金がない（受給権の消滅を含む）",
    "99": "その他",
}
#: 各種異動 異動区分 (codes ours)
IDO_KUBUN = {
    "1": "死亡",
    "2": "転出（住所地の変更）",
    "3": "年金の支払停止（差止・受給権の消滅）",
}
TOKUCHO_MONTHS = (4, 6, 8, 10, 12, 2)


class NoticeFileError(ValueError):
    """The file cannot be read at all; the message is Japanese; nothing was read."""


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class NoticeRow:
    line: int
    hokensha: str
    kiso_nenkin_no: str
    nenkin_code: str
    hihokensha_no: str
    nendo: int
    #: 依頼処理結果: "0" 受理 / "1" 不能; 各種異動: the 異動区分
    code: str = ""
    #: 依頼処理結果 不能: the 不能理由 code
    riyu: str = ""
    #: 特別徴収結果: the pension month
    month: int = 0
    #: 特別徴収結果: the amount withheld (円)
    amount: int = 0
    #: 処理年月日 / 徴収年月日 / 異動年月日
    on: date | None = None


def header_of(kind: NoticeKind) -> list[str]:
    return list(_HEADERS[kind])


def _date(raw: str) -> date:
    raw = raw.strip()
    if len(raw) == 8 and raw.isdigit():
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return date.fromisoformat(raw)


def _digits(value: str, lengths: tuple[int, ...]) -> bool:
    return value.isascii() and value.isdigit() and len(value) in lengths


def read_notice(
    kind: NoticeKind, data: bytes, *, fiscal_year: int
) -> tuple[list[NoticeRow], list[LineError]]:
    """Every readable line of ``data`` (a notice of ``kind`` for ``fiscal_year``) and the
    errors of the others. Blank lines are skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoticeFileError("ファイルはUTF-8のCSVで指定してください。") from exc
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise NoticeFileError("CSVとして読めません。") from exc
    header = _HEADERS[kind]
    if not lines or [c.strip() for c in lines[0]] != header:
        raise NoticeFileError(
            f"1行目の見出しが{kind.label}の様式（当社定義）と一致しません。"
            "取り込む通知の種類と年度を確かめてください。"
        )
    rows: list[NoticeRow] = []
    errors: list[LineError] = []
    for n, raw in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            errors.append(LineError(n, "（行全体）", f"項目の数が{len(header)}ではありません。"))
            continue
        row = _row(kind, n, [c.strip() for c in raw], fiscal_year, errors)
        if row is not None:
            rows.append(row)
    return rows, errors


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _day(raw: str, field: str) -> date:
    try:
        return _date(raw)
    except ValueError:
        raise _Bad(field, "日付（YYYYMMDD）ではありません。") from None


def _row(
    kind: NoticeKind, n: int, c: list[str], fiscal_year: int, errors: list[LineError]
) -> NoticeRow | None:
    try:
        return _parse(kind, n, c, fiscal_year)
    except _Bad as bad:
        errors.append(LineError(n, bad.field, bad.message))
        return None


def _parse(kind: NoticeKind, n: int, c: list[str], fiscal_year: int) -> NoticeRow:
    hokensha, kiso, code, hihokensha_no, nendo = c[:5]
    if not _digits(hokensha, (3,)):
        raise _Bad("年金保険者コード", "3桁の数字ではありません。")
    if not _digits(kiso, (10,)):
        raise _Bad("基礎年金番号", "10桁の数字ではありません。")
    if not _digits(code, (4,)):
        raise _Bad("年金コード", "4桁の数字ではありません。")
    if hihokensha_no and not _digits(hihokensha_no, tuple(range(1, 11))):
        raise _Bad("被保険者番号", "10桁以内の数字ではありません。")
    if nendo != str(fiscal_year):
        raise _Bad("年度", f"取り込む年度（{fiscal_year}年度）の行ではありません。")
    base = NoticeRow(
        line=n,
        hokensha=hokensha,
        kiso_nenkin_no=kiso,
        nenkin_code=code,
        hihokensha_no=hihokensha_no,
        nendo=fiscal_year,
    )
    if kind is NoticeKind.IRAI_KEKKA:
        kekka, riyu, on_raw = c[5:]
        if kekka not in ("0", "1"):
            raise _Bad("処理結果", "0（受理）または1（不能）ではありません。")
        if kekka == "1" and riyu not in IRAI_FUNO_RIYU:
            raise _Bad("不能理由", "不能理由のコードではありません。")
        on = _day(on_raw, "処理年月日")
        return replace(base, code=kekka, riyu=riyu if kekka == "1" else "", on=on)
    if kind is NoticeKind.CHOSHU_KEKKA:
        month_raw, amount_raw, on_raw = c[5:]
        if not _digits(month_raw, (1, 2)) or int(month_raw) not in TOKUCHO_MONTHS:
            raise _Bad("徴収月", "年金の支払月（4・6・8・10・12・2月）ではありません。")
        if not _digits(amount_raw, tuple(range(1, 10))) or int(amount_raw) <= 0:
            raise _Bad("徴収済額", "1円以上の金額（数字）ではありません。")
        on = _day(on_raw, "徴収年月日")
        return replace(base, month=int(month_raw), amount=int(amount_raw), on=on)
    kubun, on_raw = c[5:]
    if kubun not in IDO_KUBUN:
        raise _Bad("異動区分", "異動区分のコードではありません。")
    return replace(base, code=kubun, on=_day(on_raw, "異動年月日"))


# -- the 特別徴収対象者の通知 (年金保険者 → 市町村) ------------------------------------------
#
# Layout: ours (当社定義, 未確認 as above), the same columns kaigo's import reads
# (kaigo.services.fuka_tokucho.TAISHO_HEADER): one line per pension of a person 65 or over
# with a pension of the insurer. Read here for any premium (国保税 now; 介護 still reads its
# own copy of the layout).

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
TAISHO_SEX = {"1": "男", "2": "女"}


@dataclass(frozen=True)
class TaishoRow:
    line: int
    hokensha: str
    kiso_nenkin_no: str
    nenkin_code: str
    birth_date: date
    #: "男" / "女" (the registry's words)
    sex: str
    #: カナ氏名 without spaces
    kana: str
    nenkin_gaku: int
    tsuchi_month: int


def read_taisho(data: bytes) -> tuple[list[TaishoRow], list[LineError]]:
    """Every readable line of a 特別徴収対象者の通知 and the errors of the others (line of
    the file — the header is line 1 —, field, reason; never the content). Blank lines are
    skipped; a file that cannot be read at all raises :class:`NoticeFileError`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoticeFileError("ファイルはUTF-8のCSVで指定してください。") from exc
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise NoticeFileError("CSVとして読めません。") from exc
    if not lines or [c.strip() for c in lines[0]] != TAISHO_HEADER:
        raise NoticeFileError(
            "1行目の見出しが特別徴収対象者の通知の様式（当社定義）と一致しません。"
        )
    rows: list[TaishoRow] = []
    errors: list[LineError] = []
    for n, raw in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(TAISHO_HEADER):
            errors.append(
                LineError(n, "（行全体）", f"項目の数が{len(TAISHO_HEADER)}ではありません。")
            )
            continue
        try:
            rows.append(_taisho(n, [c.strip() for c in raw]))
        except _Bad as bad:
            errors.append(LineError(n, bad.field, bad.message))
    return rows, errors


def _taisho(n: int, c: list[str]) -> TaishoRow:
    hokensha, kiso, code, birth_raw, sex, kana, gaku, month = c
    if not _digits(hokensha, (3,)):
        raise _Bad("年金保険者コード", "3桁の数字ではありません。")
    if not _digits(kiso, (10,)):
        raise _Bad("基礎年金番号", "10桁の数字ではありません。")
    if not _digits(code, (4,)):
        raise _Bad("年金コード", "4桁の数字ではありません。")
    birth = _day(birth_raw, "生年月日")
    if sex not in TAISHO_SEX:
        raise _Bad("性別", "1（男）または2（女）ではありません。")
    name = "".join(kana.split())
    if not name or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise _Bad("カナ氏名", "空か、使えない文字を含みます。")
    if not _digits(gaku, tuple(range(1, 11))):
        raise _Bad("年金額", "金額（数字）ではありません。")
    if not _digits(month, (1, 2)) or not 1 <= int(month) <= 12:
        raise _Bad("通知月", "1〜12の月ではありません。")
    return TaishoRow(
        line=n, hokensha=hokensha, kiso_nenkin_no=kiso, nenkin_code=code, birth_date=birth,
        sex=TAISHO_SEX[sex], kana=name, nenkin_gaku=int(gaku), tsuchi_month=int(month),
    )  # fmt: skip


# -- a premium another module levies, for a 特別徴収 judgment ------------------------------
#
# 国保税 is collected from the 世帯主's pension only when the 世帯主's 介護保険料 is itself
# collected from it and the two together stay within half of the pension (地方税法第706条の2;
# municipal pages, e.g. 滝沢市「国民健康保険税の特別徴収」). 介護 and 国保 are one layer and
# import nothing of each other, so the question is asked here: a module that levies such a
# premium declares a provider in its ``module.py``::
#
#     MODULE = ModuleSpec(..., hokenryo_providers={KAIGO_HOKENRYO: "kaigo.public:..."})
#
# A provider is ``(fiscal_year, atena_ids) -> {atena_id: TokuchoHokenryo}``, answered in the
# current town's schema in one query; a person it levies nothing on is left out.

KAIGO_HOKENRYO = "kaigo_hokenryo"
HOKENRYO_KINDS: dict[str, str] = {KAIGO_HOKENRYO: "介護保険料"}


@dataclass(frozen=True)
class TokuchoHokenryo:
    """One person's premium of a 年度 as the levying module's current 賦課 holds it."""

    atena_id: int
    kind: str
    #: the 年度's premium (円) of the current 賦課
    hokenryo: int
    #: collected from a pension (特別徴収), as the current 賦課 says
    tokucho: bool
    #: where it comes from, in words (「介護保険料の賦課（第2版）」)
    shutsusho: str


def hokenryo_lookup(
    kind: str, fiscal_year: int, atena_ids: Iterable[int]
) -> dict[int, TokuchoHokenryo] | None:
    """{atena_id: premium} of ``kind`` from the module that provides it, when the current
    town subscribes to one of that module's 業務 today; None when no such module does (the
    caller then has no figure of the levying module at all). A status of another kind is a
    provider's bug and raises."""
    from django.utils import timezone

    from tenants.db import connection
    from tenants.modules.registry import all_modules, resolve
    from tenants.selectors.gyomu import subscribed_codes

    if kind not in HOKENRYO_KINDS:
        raise ValueError(f"unknown premium kind {kind!r}")
    subscribed = subscribed_codes(municipality=connection.tenant, on=timezone.localdate())
    for spec in all_modules():
        dotted = spec.hokenryo_providers.get(kind)
        if not dotted or not subscribed.intersection(spec.gyomu):
            continue
        provider: Callable[[int, list[int]], Mapping[int, TokuchoHokenryo]] = resolve(dotted)
        ids = sorted(set(atena_ids))
        answer = dict(provider(fiscal_year, ids)) if ids else {}
        for h in answer.values():
            if h.kind != kind:
                raise ValueError(f"{dotted} answered {h.kind!r} for {kind!r}")
        return answer
    return None


# -- importing a notice that comes back: the driver both modules use -----------------------
#
# What is the same for every premium: the file read, the same file (its SHA-256) refused a
# second time, the module's file row, its lines matched to the module's records, the matched
# lines handed to the module's appliers (特別徴収結果 → 収納; 依頼処理結果・各種異動 → 中止),
# the lines not used kept by line, field and reason, and one access-log row naming the
# persons changed — all in one durable transaction. The matching and what a line does are
# the module's.


def chushi_apply(
    kind: NoticeKind,
    matched: list[tuple[NoticeRow, Any, Any]],
    result: KekkaResult,
    errors: list[LineError],
    changed: list[int],
    *,
    key: Callable[[Any, Any], int],
    same_line: str,
    on_tokucho: Callable[[Any], bool],
    kirikae: Callable[[Any, date, str], int],
) -> None:
    """What a 依頼処理結果 or a 各種異動 line does, the same for every premium: one line per
    ``key(judgment, fuka)`` (a later one is reported with ``same_line``); a 受理 is recorded
    on the judgment and changes nothing else; a 不能 or an 異動 records its reason and the
    earliest day on the judgment (fields ``irai_kekka``, ``chushi_date``, ``chushi_riyu``)
    and, when the 賦課 is still ``on_tokucho``, ``kirikae(fuka, day, reason)`` moves it to
    普通徴収 from that day and returns the 宛名 id it changed."""
    seen: set[int] = set()
    for r, t, fuka in matched:
        assert r.on is not None
        k = key(t, fuka)
        if k in seen:
            errors.append(LineError(r.line, "基礎年金番号", same_line))
            continue
        seen.add(k)
        if kind is NoticeKind.IRAI_KEKKA:
            t.irai_kekka = r.code
            if r.code == "0":
                t.save(update_fields=["irai_kekka"])
                result.unchanged += 1
                continue
            why = f"特別徴収依頼 不能（{IRAI_FUNO_RIYU[r.riyu]}）"
        else:
            why = f"特別徴収の中止（{IDO_KUBUN[r.code]}）"
        if t.chushi_date is None or r.on < t.chushi_date:
            t.chushi_date, t.chushi_riyu = r.on, why[:100]
        t.save(update_fields=["irai_kekka", "chushi_date", "chushi_riyu"])
        if not on_tokucho(fuka):
            result.unchanged += 1
            continue
        changed.append(kirikae(fuka, r.on, f"{why}により普通徴収へ"))
        result.applied += 1


class KekkaRefused(ValueError):
    """The whole notice file is refused and nothing was written (Japanese message)."""


@dataclass
class KekkaResult:
    file_id: int
    kind: NoticeKind
    lines: int = 0
    applied: int = 0
    #: 依頼処理結果 受理, or a 不能/異動 for someone already on 普通徴収
    unchanged: int = 0
    #: 特別徴収結果: the sum posted to the ledger
    amount: int = 0
    errors: list[LineError] = field(default_factory=list)


def kekka_import(
    *,
    kind: NoticeKind,
    fiscal_year: int,
    data: bytes,
    file_name: str,
    actor: Actor,
    file_model: Any,
    match: Callable[[list[NoticeRow], int, list[LineError]], list[Any]],
    choshu: Callable[[Any, list[Any], KekkaResult, list[LineError], Actor, list[int]], None],
    chushi: Callable[[NoticeKind, list[Any], KekkaResult, list[LineError], Actor, list[int]], None],
    gyomu: str,
    screen: str,
    record_type: str,
) -> KekkaResult:
    """Import one notice of ``kind`` for ``fiscal_year`` into a module:

    - ``file_model``: the module's file model (fields ``kind``, ``fiscal_year``, ``name``,
      ``sha256``, ``created_by``, ``lines``, ``applied``, ``errors``, ``shuno_file_id``; a
      second import of the same ``(kind, sha256)`` is refused);
    - ``match(rows, fiscal_year, errors)``: the rows with the module's records (locked),
      an error appended for each row it cannot use;
    - ``choshu(file, matched, result, errors, actor, changed)`` for a 特別徴収結果,
      ``chushi(kind, matched, result, errors, actor, changed)`` for the others: act on the
      matched rows, fill ``result`` and append the 宛名 ids changed to ``changed``.

    Raises :class:`KekkaRefused` (nothing written) for a file that cannot be read, the same
    file a second time, or an applier's refusal of the whole file."""
    import hashlib

    from django.db import transaction

    from tenants.accesslog.models import AccessAction
    from tenants.accesslog.services import access_record

    try:
        rows, errors = read_notice(kind, data, fiscal_year=fiscal_year)
    except NoticeFileError as exc:
        raise KekkaRefused(str(exc)) from exc
    sha = hashlib.sha256(data).hexdigest()
    who = actor.username or actor.api_client or "system"
    with transaction.atomic(durable=True):
        if file_model.objects.filter(kind=kind.value, sha256=sha).exists():
            raise KekkaRefused(
                "このファイルは取込済みです（同じ内容のファイルが既に取り込まれています）。"
            )
        f = file_model.objects.create(
            kind=kind.value, fiscal_year=fiscal_year, name=file_name[:200], sha256=sha,
            created_by=who,
        )  # fmt: skip
        result = KekkaResult(file_id=f.pk, kind=kind, lines=len(rows) + len(errors))
        matched = match(rows, fiscal_year, errors)
        changed: list[int] = []
        if kind is NoticeKind.CHOSHU_KEKKA:
            choshu(f, matched, result, errors, actor, changed)
        else:
            chushi(kind, matched, result, errors, actor, changed)
        result.errors = sorted(errors, key=lambda e: e.line)
        f.lines, f.applied = result.lines, result.applied
        f.errors = [e.as_json() for e in result.errors]
        f.save(update_fields=["lines", "applied", "errors", "shuno_file_id"])
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=gyomu,
            screen=screen,
            record_type=record_type,
            record_id=f.pk,
            record_count=result.applied,
            detail={"kind": kind.value, "fiscal_year": fiscal_year, "atena_ids": changed},
        )
    return result
