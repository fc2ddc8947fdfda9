"""Bulk import of 課税資料 from CSV: all rows or none.

Screens and the API do not import in the request: :func:`kazei_import_accept` stores the
uploaded file, registers the import (状態 受付済) and starts the job ``zeimu_kazei_import``
(``zeimu.jobkinds``), which runs :func:`kazei_import_run` with a progress bar; the answer
is at once, whatever the file's size. The command line imports directly
(:func:`kazei_import`, the same run in its own transaction).

The file is read as a stream and every row is validated before anything is written; a
file with any invalid row is refused as a whole with every error reported by file, line
and field (up to ``MAX_ERRORS``), and the database is left as it was (a job records the
errors on the import, 誤りあり). The same file (by its SHA-256) is not imported twice: a
unique constraint decides, so two identical uploads at the same moment give one import
and one refusal; a file refused for its errors may be sent again.

Two readings. A 給与・年金 file (a layout that does not replace) is first tried the fast way
(:meth:`_Importer.run_direct`): rows COPYed straight into the table as they are read,
persons matched by a dictionary of the town's numbers, the foreign key checked at once, so
the database writes while Python reads; the first error of any kind undoes it all. Then,
and for every 申告 file, the checking reading (:meth:`_Importer.run`) stages every row in a
temporary table, finds unknown persons, duplicates and stored rows with SQL and reports
every error, or writes with one INSERT … SELECT.

The layouts (columns, cells, rows) are in ``services.kazei_layouts``.

Persons are matched by the town's 宛名番号 (check digit verified) through 住民記録's one
lookup (juminkiroku.public.atena_resolve_many, three queries per batch of rows); error
messages name the line and the field, never the person. A person under a 照会抑止 or a
支援措置 is matched all the same: attaching a report to them shows nothing of them, and a
DV victim's tax must still be assessed.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import psycopg
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import sql

from juminkiroku.public import MESSAGE_NOT_FOUND, atena_match_staged, atena_number_index
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Shinkoku, ShiryoImport, ShiryoImportStatus
from zeimu.services.kazei_layouts import LAYOUTS, Layout, normalize

MAX_ERRORS = 1000
#: PostgreSQL's SQLSTATE for a unique constraint violated
UNIQUE_VIOLATION = "23505"
GYOMU = KOJIN_JUMINZEI


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
    return (
        ShiryoImport.objects.filter(kind=kind, sha256=digest)
        .exclude(status=ShiryoImportStatus.REJECTED)
        .exists()
    )


def _is_same_file(exc: IntegrityError) -> bool:
    """A unique violation on ShiryoImport: only its same-file constraint can be (the
    constraint's name is not checked: schemas cloned from the template rename it)."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    return (
        getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION
        and getattr(diag, "table_name", None) == ShiryoImport._meta.db_table
    )


@dataclass(frozen=True)
class ImportResult:
    shiryo: ShiryoImport
    rows: int
    #: rows that replaced one already stored (``shinkoku`` only)
    replaced: int = 0


NOT_UTF8 = "文字コードは UTF-8 にしてください。"
#: bytes read at a time (hashing, counting lines); the csv module reads line by line
CHUNK = 1024 * 1024
#: rows checked, matched to persons and sent to the staging table at a time: a batch of
#: 5,000 rows holds ≈5 MB of Python objects, whatever the size of the file
BATCH = 5000
#: the temporary table a file's rows wait in until every check has passed
STAGING = "kazei_in"


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    #: line breaks in the file: its data rows, give or take the header and a last line
    #: without a break (only for the progress bar)
    lines: int
    size: int


def file_facts(source: IO[bytes]) -> FileFacts:
    """SHA-256, line count and size of a binary file, read in chunks; rewound after."""
    digest = hashlib.sha256()
    lines = size = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        lines += chunk.count(b"\n")
        size += len(chunk)
    source.seek(0)
    return FileFacts(sha256=digest.hexdigest(), lines=lines, size=size)


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
        if cell.isprintable():  # the common case, in C: no control character at all
            continue
        column = names[i] if i < len(names) and names[i] else f"{i + 1}列目"
        problem = text_problem(cell, label="このセル")
        if problem is not None:
            report(column, problem)
            refused = True
    return refused


def kazei_import(
    *, kind: str, file_name: str, content: bytes | IO[bytes], actor: Actor
) -> ImportResult:
    """Validate the whole file, then write every row in one transaction (or nothing), here
    and now (the command line; screens and the API start :func:`kazei_import_accept`).

    ``content`` is the file's bytes or, better, the open (binary, seekable) file: it is
    then hashed in chunks and read line by line, never whole."""
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise ValueError(f"不明な資料の種類です: {kind}")
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    facts = file_facts(source)
    if _already_imported(kind=kind, digest=facts.sha256):
        raise AlreadyImported(file_name)
    try:
        with transaction.atomic(durable=True):
            shiryo = ShiryoImport.objects.create(
                kind=kind,
                file_name=file_name[:200],
                sha256=facts.sha256,
                status=ShiryoImportStatus.RUNNING,
                imported_by=actor.username,
            )
            return kazei_import_run(shiryo=shiryo, source=source, actor=actor)
    except IntegrityError as exc:
        if _is_same_file(exc):
            raise AlreadyImported(file_name) from exc
        raise


def kazei_import_run(
    *,
    shiryo: ShiryoImport,
    source: IO[bytes],
    actor: Actor,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the file of ``shiryo`` (already created, inside the caller's transaction):
    every row is checked and matched, and waits in a temporary table; only when the whole
    file is free of errors do its rows go into the tables (set-based SQL), ``shiryo``
    becomes 取込済 and one access-log row is written. Otherwise ImportRejected, and nothing
    of the file is left (the temporary table goes with the savepoint).

    Memory is flat in the file's size: rows are read, checked and copied in batches of
    :data:`BATCH`; duplicates and rows already stored are found by SQL. ``progress`` is
    called with the number of rows read after each batch."""
    layout = LAYOUTS[shiryo.kind]
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        with transaction.atomic():
            direct = None
            if not layout.replaces:
                fast = _Importer(layout=layout, file_name=shiryo.file_name, progress=progress)
                direct = fast.run_direct(text, shiryo=shiryo)
            if direct is not None:
                rows, replaced = direct, 0
            else:  # (a file with an error of any kind: read again, to say every one)
                text.seek(0)
                importer = _Importer(layout=layout, file_name=shiryo.file_name, progress=progress)
                rows, replaced = importer.run(text, shiryo=shiryo)
            shiryo.status = ShiryoImportStatus.DONE
            shiryo.rows = rows
            shiryo.replaced = replaced
            shiryo.save(update_fields=["status", "rows", "replaced"])
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=GYOMU,
                screen=f"{layout.label}の取込",
                record_type="shiryo_import",
                record_id=shiryo.pk,
                record_count=rows,
                detail={"replaced": replaced} if layout.replaces else None,
            )
    finally:
        text.detach()  # the caller's file stays open
    return ImportResult(shiryo=shiryo, rows=rows, replaced=replaced)


def _model_attrs(layout: Layout) -> list[str]:
    """The model fields a row of ``layout`` fills (``atena_id`` first), in a fixed order."""
    attrs = ["atena_id"]
    for col in layout.columns:
        if col.attr == "atena_no" or col.attr.startswith(("haigusha.", "shinzoku.")):
            continue
        attrs.append(col.attr)
    if layout.assemble is not None:
        attrs += ["haigusha", "shinzoku"]
    return attrs


#: fields stored as JSON (the 申告's 配偶者 and 扶養親族等)
JSON_ATTRS = frozenset({"haigusha", "shinzoku"})


def _cell_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


class _NotClean(Exception):
    """The fast path met an error: the checking path reads the file again to report it."""


class _Importer:
    """One run over one file: header, rows in batches to the staging table, the checks
    across rows in SQL, then the write."""

    def __init__(
        self, *, layout: Layout, file_name: str, progress: Callable[[int], None] | None
    ) -> None:
        self.layout = layout
        self.file_name = file_name
        self.progress = progress
        self.errors: list[ImportError_] = []
        self.truncated = False
        self.attrs = _model_attrs(layout)
        meta = layout.model._meta
        self.table = meta.db_table
        self.columns = [meta.get_field(a).column for a in self.attrs]
        self.key_columns = [meta.get_field(a).column for a in layout.key]
        self.staged = 0

    # --- errors -----------------------------------------------------------------------

    def err(self, line: int, col: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ImportError_(self.file_name, line, col, message))
        else:
            self.truncated = True

    def rejected(self) -> ImportRejected:
        # in line order (cell errors and unknown persons are found batch by batch, the
        # checks across rows at the end); a stable sort keeps a line's own order
        return ImportRejected(sorted(self.errors, key=lambda e: e.line), self.truncated)

    # --- the run ------------------------------------------------------------------------

    def run(self, text: io.TextIOWrapper, *, shiryo: ShiryoImport) -> tuple[int, int]:
        reader = csv.reader(text)
        header, index = self._header(reader)
        self._staging_create()
        batch: list[tuple[int, dict[str, Any]]] = []
        read = 0
        try:
            for line_no, row in enumerate(reader, start=2):
                read += 1
                values = self._row(line_no, row, header, index)
                if values is not None and "atena_no" in values:
                    batch.append((line_no, values))
                if len(batch) >= BATCH:
                    self._stage(batch)
                    batch = []
                    if self.progress is not None:
                        self.progress(read)
        except csv.Error as exc:
            self.err(0, "", f"CSVの形式が正しくありません: {exc}")
        except UnicodeDecodeError:
            # the decoder reads ahead: the line is where the reading stopped, near the byte
            self.err(reader.line_num + 1, "", NOT_UTF8)
        self._stage(batch)
        if self.progress is not None:
            self.progress(read)
        if not self.staged and not self.errors:
            self.err(2, "", "データ行がありません。")
        self._match()
        self._duplicates()
        if not self.errors and not self.layout.replaces:
            self._already_stored()
        if self.errors:
            raise self.rejected()
        return self._write(shiryo)

    def run_direct(self, text: io.TextIOWrapper, *, shiryo: ShiryoImport) -> int | None:
        """A clean file of a layout that does not replace, the fast way: persons matched
        by a dictionary of the town's numbers, every row COPYed straight into the table as
        it is read, so the database inserts, indexes and checks the foreign key (made
        immediate) while this reads on. At the first error of any kind (a cell, a person
        not found, a duplicate or stored row met by the unique constraint) everything is
        undone and None returned: :meth:`run` then reads the file again and reports every
        error. Returns the rows written."""
        reader = csv.reader(text)
        header, index = self._header(reader)
        numbers = atena_number_index()
        attrs = self.attrs[1:]
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in [*self.columns, "shiryo_id"])
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(self.table), cols)
        read = written = 0
        savepoint = transaction.savepoint()
        try:
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                with cur.copy(copy_sql) as copy:
                    for line_no, row in enumerate(reader, start=2):
                        read += 1
                        values = self._row(line_no, row, header, index)
                        if self.errors:
                            raise _NotClean
                        if values is None:
                            continue
                        atena_id = numbers.get(values["atena_no"])
                        if atena_id is None:
                            raise _NotClean
                        copy.write_row([atena_id, *[values[a] for a in attrs], shiryo.pk])
                        written += 1
                        if self.progress is not None and read % BATCH == 0:
                            self.progress(read)
        except (_NotClean, csv.Error, UnicodeDecodeError, psycopg.Error):
            transaction.savepoint_rollback(savepoint)
            written = 0
        else:
            transaction.savepoint_commit(savepoint)
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default, for what follows
        if not written:
            return None
        if self.progress is not None:
            self.progress(read)
        return written

    def _header(self, reader: Any) -> tuple[list[str], dict[str, int]]:
        layout, file_name = self.layout, self.file_name
        try:
            raw_header: list[str] = next(reader, [])
            header = [normalize(h) for h in raw_header]
        except UnicodeDecodeError as exc:
            raise ImportRejected([ImportError_(file_name, 1, "", NOT_UTF8)]) from exc
        except csv.Error as exc:
            raise ImportRejected([ImportError_(file_name, 1, "", str(exc))]) from exc
        header_refused: list[ImportError_] = []
        _refused_cells(
            raw_header,
            [f"{i}列目" for i in range(1, len(raw_header) + 1)],
            lambda col, message: header_refused.append(ImportError_(file_name, 1, col, message)),
        )
        if header_refused:
            raise ImportRejected(header_refused)
        known = {normalize(c.name): c for c in layout.columns}
        missing = [
            c.name for c in layout.columns if c.in_header and normalize(c.name) not in header
        ]
        unknown = [h for h in header if h and h not in known] if layout.strict_header else []
        doubled = sorted({h for h in header if h in known and header.count(h) > 1})
        if missing or unknown or doubled:
            raise ImportRejected(
                [ImportError_(file_name, 1, n, "見出しにこの列がありません。") for n in missing]
                + [ImportError_(file_name, 1, n, "この様式にない列名です。") for n in unknown]
                + [
                    ImportError_(file_name, 1, n, "見出しに同じ列名が2回あります。")
                    for n in doubled
                ]
            )
        index = {c.name: header.index(normalize(c.name)) for c in layout.columns
                 if normalize(c.name) in header}  # fmt: skip
        # what _row does per column, looked up once; a column the header leaves out is
        # empty in every row, read once here (a required one is refused by the header)
        self.plan = [(c.attr, c.parse, c.required, c.name, index.get(c.name))
                     for c in layout.columns if c.name in index]  # fmt: skip
        self.absent = {c.attr: c.parse("") for c in layout.columns if c.name not in index}
        return header, index

    def _row(
        self, line_no: int, row: list[str], header: list[str], index: dict[str, int]
    ) -> dict[str, Any] | None:
        """The row's model values, or None (an empty line, or refused as a whole). A row
        with errors in some cells gives the cells that were read and ``_bad``: it is still
        matched and checked against the other rows (a duplicate is said at once, not after
        the first errors are mended), never written."""
        joined = "".join(row)
        if not joined.isprintable() and _refused_cells(
            row, header, functools.partial(self.err, line_no)
        ):
            return None
        if not joined.strip():
            return None
        width = len(header)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            # never cut: most often an unquoted comma moved every later cell right
            # (empty cells past the header, a spreadsheet's habit, hold nothing)
            self.err(line_no, f"{width + 1}列目", _too_many_cells(width, len(row)))
            return None
        values: dict[str, Any] = dict(self.absent)
        bad = False
        cells = len(row)
        for attr, parse, required, name, at in self.plan:
            cell = row[at] if at is not None and at < cells else ""
            if required and not cell.strip():
                self.err(line_no, name, "必須の項目です。")
                bad = True
                continue
            try:
                values[attr] = parse(cell)
            except ValueError as exc:
                self.err(line_no, name, str(exc))
                bad = True
        if self.layout.assemble is not None:
            for col_name, message in self.layout.assemble(values):
                self.err(line_no, col_name, message)
                bad = True
        if bad:
            values["_bad"] = True
        return values

    # --- staging ------------------------------------------------------------------------

    def _staging_create(self) -> None:
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in self.columns)
        with connection.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(STAGING)))
            cur.execute(
                sql.SQL(
                    "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
                ).format(sql.Identifier(STAGING), cols, sql.Identifier(self.table))
            )
            cur.execute(
                sql.SQL(
                    "ALTER TABLE {} ADD COLUMN atena_no varchar(10) NOT NULL, "
                    "ADD COLUMN line_no integer NOT NULL"
                ).format(sql.Identifier(STAGING))
            )

    def _stage(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        """COPY the batch into the staging table (persons are matched later, all at once)."""
        if not batch:
            return
        cols = sql.SQL(", ").join(
            sql.Identifier(c) for c in [*self.columns[1:], "atena_no", "line_no"]
        )
        attrs = self.attrs[1:]
        json_at = [i for i, a in enumerate(attrs) if a in JSON_ATTRS]
        with connection.cursor() as cur:
            copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(STAGING), cols)
            with cur.copy(copy_sql) as copy:
                for line_no, values in batch:
                    cells = [values.get(a) for a in attrs]
                    for i in json_at:
                        cells[i] = _cell_value(cells[i])
                    copy.write_row([*cells, values["atena_no"], line_no])
        self.staged += len(batch)

    def _match(self) -> None:
        """Every staged row's person by its 宛名番号 (one statement through 住民記録's
        public face); a number of no one in this town is an error of its line."""
        atena_match_staged(table=STAGING, number_column="atena_no", id_column="atena_id")
        with connection.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT line_no FROM {} WHERE atena_id IS NULL ORDER BY line_no LIMIT %s"
                ).format(sql.Identifier(STAGING)),
                [MAX_ERRORS + 1],
            )
            for (line_no,) in cur.fetchall():
                self.err(line_no, "宛名番号", MESSAGE_NOT_FOUND)

    def _key_match(self, left: str, right: str) -> sql.Composable:
        return sql.SQL(" AND ").join(
            sql.SQL("{}.{} = {}.{}").format(
                sql.Identifier(left), sql.Identifier(c), sql.Identifier(right), sql.Identifier(c)
            )
            for c in self.key_columns
        )

    def _duplicates(self) -> None:
        """A key (person, year[, payer]) twice in the file: each later line is reported
        with the first."""
        keys = sql.SQL(", ").join(sql.Identifier(c) for c in self.key_columns)
        with connection.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT line_no, first FROM (SELECT line_no, min(line_no) OVER "
                    "(PARTITION BY {}) AS first FROM {} WHERE {}) AS x WHERE line_no <> first "
                    "ORDER BY line_no LIMIT %s"
                ).format(
                    keys,
                    sql.Identifier(STAGING),
                    # (a key not read from a row with errors is no duplicate)
                    sql.SQL(" AND ").join(
                        sql.SQL("{} IS NOT NULL").format(sql.Identifier(c))
                        for c in self.key_columns
                    ),
                ),
                [MAX_ERRORS + 1],
            )
            for line_no, first in cur.fetchall():
                self.err(
                    line_no, "", f"{first}行目と同じ{self.layout.key_words}の資料が重複しています。"
                )

    def _already_stored(self) -> None:
        with connection.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT s.line_no FROM {} AS s JOIN {} AS t ON {} ORDER BY s.line_no LIMIT %s"
                ).format(
                    sql.Identifier(STAGING), sql.Identifier(self.table), self._key_match("s", "t")
                ),
                [MAX_ERRORS + 1],
            )
            for (line_no,) in cur.fetchall():
                self.err(
                    line_no, "", f"同じ{self.layout.key_words}の資料が既に取り込まれています。"
                )

    def _write(self, shiryo: ShiryoImport) -> tuple[int, int]:
        """Staged rows into the table: new ones inserted; for a layout that replaces, a row
        already stored under the same key takes the file's values (the 申告 stays the same
        row: its id is what the access log has recorded). Returns (rows, replaced)."""
        extra: dict[str, Any] = {"shiryo_id": shiryo.pk}
        if self.layout.model is Shinkoku:
            extra["entered_by"] = shiryo.imported_by[:150]
            extra["updated_at"] = timezone.now()
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in [*self.columns, *extra])
        src = sql.SQL(", ").join(
            [*(sql.SQL("s.") + sql.Identifier(c) for c in self.columns)]
            + [sql.Placeholder() for _ in extra]
        )
        staging, table = sql.Identifier(STAGING), sql.Identifier(self.table)
        replaced = 0
        with connection.cursor() as cur:
            if self.layout.replaces:
                sets = sql.SQL(", ").join(
                    sql.SQL("{} = s.{}").format(sql.Identifier(c), sql.Identifier(c))
                    for c in self.columns
                    if c not in self.key_columns
                )
                sets_extra = sql.SQL(", ").join(
                    sql.SQL("{} = %s").format(sql.Identifier(c)) for c in extra
                )
                cur.execute(
                    sql.SQL("UPDATE {} AS t SET {}, {} FROM {} AS s WHERE {}").format(
                        table, sets, sets_extra, staging, self._key_match("t", "s")
                    ),
                    list(extra.values()),
                )
                replaced = cur.rowcount
            # (a layout that does not replace has been checked for stored rows already)
            new_only = (
                sql.SQL(" WHERE NOT EXISTS (SELECT 1 FROM {} AS t WHERE {})").format(
                    table, self._key_match("t", "s")
                )
                if self.layout.replaces
                else sql.SQL("")
            )
            cur.execute(
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} AS s{}").format(
                    table, cols, src, staging, new_only
                ),
                list(extra.values()),
            )
            inserted = cur.rowcount
        return inserted + replaced, replaced


#: where accepted uploads wait for their job (the town's own media folder): a random name,
#: nothing of the file's own name
INBOX = "imports/kazei"
IMPORT_JOB = "zeimu_kazei_import"


def kazei_import_accept(
    *, kind: str, file_name: str, upload: IO[bytes], actor: Actor
) -> ShiryoImport:
    """Store an uploaded file and start its import job; returns the import (受付済) with
    its job. Refused with AlreadyImported when the same file of this kind is imported or
    on its way (the unique constraint decides: two identical uploads at once give one
    import), ValueError for an unknown kind, JobRefused when the module may not run."""
    from tenants.jobs.services import job_start

    if kind not in LAYOUTS:
        raise ValueError(f"不明な資料の種類です: {kind}")
    facts = file_facts(upload)
    if _already_imported(kind=kind, digest=facts.sha256):
        raise AlreadyImported(file_name)
    stored = default_storage.save(f"{INBOX}/{uuid.uuid4().hex}.csv", File(upload))
    params = {
        "kind": kind,
        "file_name": file_name[:200],
        "sha256": facts.sha256,
        "path": stored,
        "lines": facts.lines,
        "size": facts.size,
        # the access-log row of the import names who sent the file, as the request would
        "actor": dataclasses.asdict(actor),
    }
    try:
        job = job_start(kind=IMPORT_JOB, params=params, actor=actor)
    except IntegrityError as exc:
        default_storage.delete(stored)
        if _is_same_file(exc):
            raise AlreadyImported(file_name) from exc
        raise
    except BaseException:
        default_storage.delete(stored)
        raise
    return ShiryoImport.objects.get(job=job)


def kazei_import_reject(*, shiryo: ShiryoImport, rejected: ImportRejected) -> None:
    """Record a file's errors on its import (誤りあり); nothing of the file is registered."""
    shiryo.status = ShiryoImportStatus.REJECTED
    shiryo.rows = 0
    shiryo.errors = [
        {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
        for e in rejected.errors
    ]
    shiryo.errors_truncated = rejected.truncated
    shiryo.save(update_fields=["status", "rows", "errors", "errors_truncated"])
