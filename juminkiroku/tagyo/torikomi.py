"""他業務連携ファイルの取込 (標準仕様書 7.2.1「ファイル連携…数分間隔」, our side).

Other business systems (国保, 年金, 児童手当, 後期高齢者医療, 介護保険, 選挙) drop CSV
files of their items into the town's folder ``<JC_TAGYO_INBOX>/<団体コード>/``; every few
minutes (beat, ``tasks.tagyo_torikomi_task``; by hand ``manage.py tagyo_torikomi``) each
file is read and taken in **whole or not at all**:

* encoding UTF-8 (BOM allowed) or cp932, as the sending system writes it;
* every cell checked (control characters: ``tenants.text``; the rules of
  ``juminkiroku.rules.tagyo``); errors are kept by file, line and item, never with the
  cell's value, and the file goes to ``error/``;
* a clean file is applied in one transaction (``TagyoJohoRireki`` per change, one
  access-log row for the file) and goes to ``done/``;
* idempotent: a file whose content (SHA-256) was taken in before is not applied again
  (recorded as 重複), and a row equal to what is stored writes nothing.

The layout is ours (``COLUMNS``, docs/standard/tagyo.md): the 地域情報プラットフォーム
標準仕様 (APPLIC) defines the 準拠 layouts of these items, but it is published to APPLIC's
members only and we could not read it; ours carries exactly the items of 7.2.2.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, TagyoTorikomi
from juminkiroku.models.tagyo import TagyoKind, TagyoKubun, TorikomiStatus
from juminkiroku.rules.tagyo import item_label, tagyo_check
from juminkiroku.services.tagyo import apply_in_transaction
from tenants import tagyo
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.atena_bango import is_valid_number
from tenants.db import connection
from tenants.text import text_problem
from tenants.wareki import parse_wareki

SYSTEM_ACTOR = Actor(user_id=None, username="tagyo_renkei")
"""The actor of the periodic intake: 「システム（他業務連携）」 on the screens."""

# (field, heading) in file order. 業務コード is the code of tenants.tagyo (kokuho …).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("atena_no", "宛名番号"),
    ("kind", "業務コード"),
    ("gaito", "該当の有無"),
    ("shutoku_date", "資格取得年月日"),
    ("soshitsu_date", "資格喪失年月日"),
    ("kiso_nenkin_no", "基礎年金番号"),
    ("nenkin_shubetsu", "被保険者種別"),
    ("shubetsu_henko_date", "種別変更年月日"),
    ("kaishi_ym", "受給開始年月"),
    ("shuryo_ym", "受給終了年月"),
    ("shutsusho", "送信元システム"),
)
HEADINGS = dict(COLUMNS)
MAX_ERRORS = 200
NOT_ENCODED = "文字コードは UTF-8 または Shift_JIS（cp932）にしてください。"
_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")


@dataclass(frozen=True)
class FileError:
    line: int
    item: str
    message: str


class FileRefused(Exception):
    def __init__(self, errors: list[FileError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def inbox() -> Path:
    """The current town's drop folder (created on first use)."""
    code = str(getattr(connection.tenant, "dantai_code", "") or "")
    if not code:
        raise RuntimeError("the intake runs inside a municipality schema only")
    folder = Path(settings.JC_TAGYO_INBOX) / code
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused([FileError(0, "", NOT_ENCODED)])


def _gaito(text: str) -> bool | None:
    if text == "":
        return None
    if text in ("1", "0"):
        return text == "1"
    raise ValueError("該当の有無は 1（あり）、0（なし）または空欄にしてください。")


def _date(text: str, label: str) -> date | None:
    if text == "":
        return None
    try:
        return parse_wareki(text)
    except ValueError:
        raise ValueError(f"{label}の日付が正しくありません。") from None


def _month(text: str, label: str) -> date | None:
    if text == "":
        return None
    found = _MONTH.fullmatch(text)
    try:
        if found:
            return date(int(found.group(1)), int(found.group(2)), 1)
        return parse_wareki(text if text.endswith("日") else f"{text}1日").replace(day=1)
    except ValueError:
        raise ValueError(f"{label}が正しくありません（例: 2025-04、令和7年4月）。") from None


@dataclass(frozen=True)
class Row:
    line: int
    atena_id: int
    kind: str
    clean: dict[str, Any]
    shutsusho: str


def parse_file(data: bytes) -> list[Row]:
    """The checked rows of a file, or ``FileRefused`` with every error found."""
    text = _decode(data)
    errors: list[FileError] = []

    def err(line: int, item: str, message: str) -> None:
        if len(errors) < MAX_ERRORS:
            errors.append(FileError(line, item, message))

    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FileRefused([FileError(0, "", f"CSVの形式が正しくありません（{exc}）。")]) from None
    header = [c.strip() for c in rows[0]] if rows else []
    if header != [h for _, h in COLUMNS]:
        raise FileRefused([FileError(1, "", "1行目の見出しが連携レイアウトと一致しません。")])
    numbers: dict[str, int] = {}
    wanted = {r[0].strip() for r in rows[1:] if r}
    for no, pk in Atena.objects.filter(atena_no__in=wanted).values_list("atena_no", "pk"):
        numbers[no] = pk
    seen: dict[tuple[int, str], int] = {}
    out: list[Row] = []
    for line, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(COLUMNS):
            err(line, "", f"項目の数が{len(COLUMNS)}ではありません。")
            continue
        cells = {name: value.strip() for (name, _), value in zip(COLUMNS, raw, strict=True)}
        bad = False
        for name, value in cells.items():
            problem = text_problem(value, label=HEADINGS[name])
            if problem is not None:
                err(line, HEADINGS[name], problem)
                bad = True
        if bad:
            continue
        kind = cells["kind"]
        if kind not in TagyoKind.values:
            err(line, HEADINGS["kind"], "業務コードが正しくありません。")
            continue
        atena_id = numbers.get(cells["atena_no"])
        if not is_valid_number(cells["atena_no"]):
            err(line, HEADINGS["atena_no"], "宛名番号が正しくありません（検査数字）。")
        elif atena_id is None:
            err(line, HEADINGS["atena_no"], "宛名番号に該当する宛名がありません。")
        if not cells["shutsusho"]:
            err(line, HEADINGS["shutsusho"], "送信元システムを入れてください。")
        elif len(cells["shutsusho"]) > 100:
            err(line, HEADINGS["shutsusho"], "送信元システムは100文字以内にしてください。")
        values: dict[str, Any] = {}
        for name in tagyo.ITEMS:
            label = item_label(kind, name)
            try:
                if name == "gaito":
                    values[name] = _gaito(cells[name])
                elif name in tagyo.DATE_ITEMS:
                    values[name] = _date(cells[name], label)
                elif name in tagyo.MONTH_ITEMS:
                    values[name] = _month(cells[name], label)
                else:
                    values[name] = cells[name]
            except ValueError as exc:
                err(line, label, str(exc))
                values[name] = None
        clean, problems = tagyo_check(kind, values)
        for name, messages in problems.items():
            label = item_label(kind, name) if name in tagyo.ITEMS else ""
            for message in messages:
                err(line, label, message)
        if atena_id is None:
            continue
        first = seen.setdefault((atena_id, kind), line)
        if first != line:
            err(line, "", f"{first}行目と同じ宛名・業務の行です。")
            continue
        out.append(Row(line, atena_id, kind, clean, cells["shutsusho"]))
    if not errors and not out:
        err(2, "", "データ行がありません。")
    if errors:
        raise FileRefused(errors)
    return out


def _record(name: str, digest: str, status: str, **fields: Any) -> TagyoTorikomi:
    return TagyoTorikomi.objects.create(
        file_name=name[:200], sha256=digest, status=status, **fields
    )


def tagyo_torikomi_file(*, name: str, data: bytes, actor: Actor) -> TagyoTorikomi:
    """Take one file in, whole or not at all; returns its record (done, rejected or
    duplicate)."""
    digest = hashlib.sha256(data).hexdigest()
    if TagyoTorikomi.objects.filter(sha256=digest, status=TorikomiStatus.DONE).exists():
        return _record(name, digest, TorikomiStatus.DUPLICATE)
    try:
        rows = parse_file(data)
    except FileRefused as exc:
        with transaction.atomic(durable=True):
            record = _record(
                name,
                digest,
                TorikomiStatus.REJECTED,
                errors=[{"line": e.line, "item": e.item, "message": e.message} for e in exc.errors],
            )
            access_record(
                actor=actor,
                action=AccessAction.JOB,
                gyomu=JUMINKIROKU,
                screen="他業務連携ファイルの取込",
                record_type="tagyo_torikomi",
                record_id=record.pk,
                record_count=0,
                detail={"status": record.status},
            )
        return record
    try:
        with transaction.atomic(durable=True):
            record = _record(name, digest, TorikomiStatus.DONE, rows=len(rows))
            changed: list[int] = []
            for row in rows:
                result = apply_in_transaction(
                    atena_id=row.atena_id,
                    kind=row.kind,
                    clean=row.clean,
                    shutsusho=row.shutsusho,
                    kubun=TagyoKubun.FILE,
                    reason="",
                    actor=actor,
                    torikomi=record,
                )
                if result.changed:
                    changed.append(row.atena_id)
            TagyoTorikomi.objects.filter(pk=record.pk).update(changed=len(changed))
            record.changed = len(changed)
            access_record(
                actor=actor,
                action=AccessAction.UPDATE,
                gyomu=JUMINKIROKU,
                screen="他業務連携ファイルの取込",
                record_type="tagyo_torikomi",
                record_id=record.pk,
                record_count=len(changed),
                detail={"atena_ids": sorted(set(changed)), "status": record.status},
            )
    except IntegrityError:
        # Another worker took the same content in meanwhile (tagyo_torikomi_once).
        return _record(name, digest, TorikomiStatus.DUPLICATE)
    return record


def tagyo_torikomi_round(*, actor: Actor = SYSTEM_ACTOR) -> list[TagyoTorikomi]:
    """Every ``*.csv`` file of the town's drop folder, in name order; each is moved to
    ``done/`` or ``error/`` (with the time it was taken, so names never collide)."""
    folder = inbox()
    done = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # another round (a clerk's 今すぐ取り込む) took it
            continue
        record = tagyo_torikomi_file(name=path.name, data=data, actor=actor)
        target = folder / ("error" if record.status == TorikomiStatus.REJECTED else "done")
        target.mkdir(exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
        # moved by another round meanwhile: its content is applied once all the same
        with contextlib.suppress(FileNotFoundError):
            path.replace(target / f"{stamp}_{record.pk}_{path.name}")
        done.append(record)
    return done
