"""Import of the 後期高齢者医療 保険料 the 広域連合 assessed (its 保険料データ), all rows or
none.

The clerk uploads the file; :func:`koki_hokenryo_accept` stores it and starts the job
``kokuho_koki_hokenryo_import`` (``kokuho.jobkinds_koki``), whose one chunk runs
:func:`koki_hokenryo_import_run` in its transaction, so the answer to the upload is
immediate whatever the file's size and a killed worker leaves nothing (the chunk runs
again from the stored file).

Layout (ours, documented in ``docs/standard/koki.md``: the 広域連合電算処理システム's
interface specification was not found): CSV, UTF-8 (BOM allowed) or cp932 as the clerk
says, a header line exactly :data:`HEADER`, then one line per 期別:
被保険者番号, 宛名番号, 年度 (西暦4桁), 年額, 徴収方法 (1 特別徴収, 2 普通徴収), 期,
納期限, 期別額.

Reading: the file is read as a stream, each line checked cell by cell (text guard, form,
range) and COPYed into a temporary table in batches; persons are matched by 宛名番号
through 住民記録's one statement (``juminkiroku.public.atena_match_staged``); then SQL
finds what only the whole file shows (a 期 twice, 年額 or 被保険者番号 differing between
the lines of one person and 年度, Σ期別額 ≠ 年額, one 被保険者番号 for two people). Any
error refuses the whole file, every error reported by line and item (up to
:data:`MAX_ERRORS`), nothing written.

Idempotent: the same file (SHA-256) is imported once (a unique constraint decides; a
refused file may be sent again), and a person and 年度 whose 保険料 and 期別 are what is
stored already are left as they are; a changed one (the 広域連合's 更正) gets a new
current row, the old one kept (``is_current`` false).

Collection: each new current row's 普通徴収 期別 are posted to the 収納 ledger in the same
transaction (``kokuho.services.koki_chotei``: one 調定 per 期別, a 更正 as new entries), and
the 特別徴収 months a 特別徴収結果 already posted are restated; an unchanged person posts
nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import sql

from juminkiroku.public import atena_match_staged
from kokuho.gyomu import KOKI_IRYO
from kokuho.models import (
    ChoshuHoho,
    ImportStatus,
    KokiHokenryo,
    KokiHokenryoImport,
    KokiKibetsu,
    KokiShikaku,
)
from kokuho.services.koki_chotei import koki_chotei_post
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import CP932, UTF8_BOM, check_encoding
from tenants.text import text_problem

HEADER = ["被保険者番号", "宛名番号", "年度", "年額", "徴収方法", "期", "納期限", "期別額"]
CHOSHU_CODES = {"1": ChoshuHoho.TOKUBETSU, "2": ChoshuHoho.FUTSU}
MAX_ERRORS = 1000
BATCH = 5000
STAGING = "kokuho_koki_hokenryo_staging"
INBOX = "imports/koki_hokenryo"
IMPORT_JOB = "kokuho_koki_hokenryo_import"
SCREEN = "kokuho.koki_hokenryo_import"
MAX_KI = 12
NENGAKU_MAX = 10_000_000  # far above any 賦課限度額 (令和7年度 80万円): a typo guard
_DIGITS8 = re.compile(r"^[0-9]{8}$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.line}行目" + (f"「{self.field}」" if self.field else "") + f": {self.message}"
        )


class ImportRejected(Exception):
    def __init__(self, errors: list[LineError], truncated: bool = False) -> None:
        super().__init__("; ".join(str(e) for e in errors[:3]))
        self.errors = errors
        self.truncated = truncated


class AlreadyImported(ValueError):
    def __init__(self) -> None:
        super().__init__("このファイルは取り込み済みか、取り込み中です。")


@dataclass
class ImportResult:
    rows: int = 0
    persons: int = 0
    replaced: int = 0
    unchanged: int = 0
    #: 期別 stated to the 収納 ledger, and those of them it wrote an entry for
    posted: int = 0
    written: int = 0


def _parse_date(value: str) -> date | None:
    v = value.replace("/", "-")
    if re.fullmatch(r"[0-9]{8}", v):
        v = f"{v[:4]}-{v[4:6]}-{v[6:]}"
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _int(value: str, low: int, high: int) -> int | None:
    if not _DIGITS.match(value):
        return None
    n = int(value)
    return n if low <= n <= high else None


def parse_line(cells: list[str], report: Callable[[str, str], None]) -> list[Any] | None:
    """One line's cells → the staged values, or None (each problem reported by item)."""
    ok = True

    def bad(field: str, message: str) -> None:
        nonlocal ok
        ok = False
        report(field, message)

    for name, value in zip(HEADER, cells, strict=False):
        problem = text_problem(value, label=name)
        if problem:
            bad(name, problem)
    if not ok:
        return None
    bango, atena_no, nendo_s, nengaku_s, hoho_s, ki_s, nokigen_s, gaku_s = (
        c.strip() for c in cells
    )
    if not _DIGITS8.match(bango):
        bad("被保険者番号", "8桁の数字で書いてください。")
    if not atena_no:
        bad("宛名番号", "空です。")
    nendo = _int(nendo_s, 2008, 2100)
    if nendo is None:
        bad("年度", "西暦4桁（2008〜2100）で書いてください。")
    nengaku = _int(nengaku_s, 0, NENGAKU_MAX)
    if nengaku is None:
        bad("年額", f"0から{NENGAKU_MAX:,}までの整数（円）で書いてください。")
    hoho = CHOSHU_CODES.get(hoho_s)
    if hoho is None:
        bad("徴収方法", "1（特別徴収）か2（普通徴収）で書いてください。")
    ki = _int(ki_s, 1, MAX_KI)
    if ki is None:
        bad("期", f"1から{MAX_KI}までの整数で書いてください。")
    nokigen = _parse_date(nokigen_s)
    if nokigen is None:
        bad("納期限", "日付（2026-07-31 または 20260731）で書いてください。")
    gaku = _int(gaku_s, 0, NENGAKU_MAX)
    if gaku is None:
        bad("期別額", "0以上の整数（円）で書いてください。")
    if not ok:
        return None
    return [bango, atena_no, nendo, nengaku, str(hoho), ki, nokigen, gaku]


class _Errors:
    def __init__(self) -> None:
        self.items: list[LineError] = []
        self.truncated = False

    def add(self, line: int, field: str, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.truncated = True
            return
        self.items.append(LineError(line, field, message))

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda e: (e.line, e.field))
            raise ImportRejected(self.items, self.truncated)


def _staging_create(cur: Any) -> None:
    cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(STAGING)))
    cur.execute(
        sql.SQL(
            "CREATE TEMP TABLE {} (bango text, atena_no text, nendo int, nengaku bigint, "
            "hoho text, ki int, nokigen date, gaku bigint, line int, atena_id bigint) "
            "ON COMMIT DROP"
        ).format(sql.Identifier(STAGING))
    )


def _stage(cur: Any, batch: list[list[Any]]) -> None:
    if not batch:
        return
    copy_sql = sql.SQL(
        "COPY {} (bango, atena_no, nendo, nengaku, hoho, ki, nokigen, gaku, line) FROM STDIN"
    ).format(sql.Identifier(STAGING))
    with cur.copy(copy_sql) as copy:
        for row in batch:
            copy.write_row(row)


#: the checks only the whole file can make: (SQL over the staging table → lines, item,
#: message)
_WHOLE_FILE_CHECKS: list[tuple[str, str, str]] = [
    (
        "SELECT line FROM pg_temp.{t} WHERE atena_id IS NULL",
        "宛名番号",
        "この町の宛名番号ではありません。",
    ),
    (
        "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY atena_id, nendo, hoho, ki"
        " ORDER BY line) AS n FROM pg_temp.{t} WHERE atena_id IS NOT NULL) s WHERE n > 1",
        "期",
        "同じ人・同じ年度・同じ徴収方法の同じ期が前の行にもあります。",
    ),
    (
        "SELECT min(line) FROM pg_temp.{t} WHERE atena_id IS NOT NULL GROUP BY atena_id, nendo"
        " HAVING count(DISTINCT nengaku) > 1",
        "年額",
        "同じ人・同じ年度の行で年額が違います。",
    ),
    (
        "SELECT min(line) FROM pg_temp.{t} WHERE atena_id IS NOT NULL GROUP BY atena_id, nendo"
        " HAVING count(DISTINCT bango) > 1",
        "被保険者番号",
        "同じ人・同じ年度の行で被保険者番号が違います。",
    ),
    (
        "SELECT min(line) FROM pg_temp.{t} WHERE atena_id IS NOT NULL GROUP BY atena_id, nendo"
        " HAVING count(DISTINCT nengaku) = 1 AND sum(gaku) <> min(nengaku)",
        "期別額",
        "この人・この年度の期別額の合計が年額と一致しません。",
    ),
    (
        "SELECT min(line) FROM pg_temp.{t} GROUP BY bango HAVING count(DISTINCT atena_no) > 1",
        "被保険者番号",
        "同じ被保険者番号が別の宛名番号の行にもあります。",
    ),
]


def _choshu_words(hohos: set[str]) -> str:
    if hohos == {ChoshuHoho.TOKUBETSU}:
        return ChoshuHoho.TOKUBETSU.label
    if hohos == {ChoshuHoho.FUTSU}:
        return ChoshuHoho.FUTSU.label
    return "併用（特別徴収・普通徴収）"


def koki_hokenryo_import_run(
    *,
    imp: KokiHokenryoImport,
    source: IO[bytes],
    encoding: str,
    actor: Actor,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read, check and write the file, inside the caller's transaction (the job's chunk):
    a savepoint, so a refused file leaves nothing (not even the staging table).
    ImportRejected with every error found; the caller records them on the import."""
    with transaction.atomic():
        return _run(imp=imp, source=source, encoding=encoding, actor=actor, progress=progress)


def _run(
    *,
    imp: KokiHokenryoImport,
    source: IO[bytes],
    encoding: str,
    actor: Actor,
    progress: Callable[[int], None] | None,
) -> ImportResult:
    errors = _Errors()
    text = io.TextIOWrapper(
        source, encoding="utf-8-sig" if encoding == UTF8_BOM else CP932, newline=""
    )
    reader = csv.reader(text)
    staged = 0
    with connection.cursor() as cur:
        _staging_create(cur)
        try:
            header = next(reader, None)
        except UnicodeDecodeError:
            header = None
        if header is None or [h.strip() for h in header] != HEADER:
            errors.add(1, "", "1行目の見出しが違います: " + ",".join(HEADER))
            errors.raise_if_any()
        batch: list[list[Any]] = []
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:
                errors.add(line + 1, "", "文字コードが指定と違います。")
                break
            except csv.Error:
                errors.add(line + 1, "", 'CSVとして読めません（「"」の対応を確かめてください）。')
                break
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line (e.g. the last)
            if len(cells) != len(HEADER):
                errors.add(line, "", f"{len(HEADER)}列のはずが{len(cells)}列です。")
                continue
            at = line

            def report(field: str, message: str, at: int = at) -> None:
                errors.add(at, field, message)

            values = parse_line(cells, report)
            if values is not None and not errors.items:
                batch.append([*values, line])
            if len(batch) >= BATCH:
                _stage(cur, batch)
                staged += len(batch)
                batch = []
                if progress:
                    progress(staged)
        errors.raise_if_any()
        _stage(cur, batch)
        staged += len(batch)
        if staged == 0:
            errors.add(line, "", "取り込む行がありません。")
            errors.raise_if_any()
        atena_match_staged(table=STAGING, number_column="atena_no", id_column="atena_id")
        for query, field, message in _WHOLE_FILE_CHECKS:
            cur.execute(sql.SQL(query).format(t=sql.Identifier(STAGING)))
            for (n,) in cur.fetchall():
                errors.add(int(n), field, message)
        errors.raise_if_any()
        cur.execute(
            sql.SQL(
                "SELECT atena_id, nendo, min(bango), min(nengaku), hoho, ki, nokigen, gaku "
                "FROM pg_temp.{} GROUP BY atena_id, nendo, hoho, ki, nokigen, gaku "
                "ORDER BY atena_id, nendo, hoho, ki"
            ).format(sql.Identifier(STAGING))
        )
        groups: dict[tuple[int, int], dict[str, Any]] = {}
        for atena_id, nendo, bango, nengaku, hoho, ki, nokigen, gaku in cur.fetchall():
            g = groups.setdefault(
                (atena_id, nendo), {"bango": bango, "nengaku": int(nengaku), "kibetsu": []}
            )
            g["kibetsu"].append((hoho, int(ki), nokigen, int(gaku)))
    result = ImportResult(rows=staged)
    keys = list(groups)
    for start in range(0, len(keys), 2000):
        _write(imp, keys[start : start + 2000], groups, result, actor)
    imp.status = ImportStatus.DONE
    imp.rows, imp.persons, imp.replaced = result.rows, result.persons, result.replaced
    imp.save(update_fields=["status", "rows", "persons", "replaced"])
    ids = sorted({a for a, _ in keys})
    access_record(
        actor=actor,
        action=AccessAction.CREATE,
        gyomu=KOKI_IRYO,
        screen=SCREEN,
        record_type="kokuho.KokiHokenryoImport",
        record_id=imp.pk,
        record_count=len(ids),
        detail={
            "atena_ids": ids,
            "rows": result.rows,
            "replaced": result.replaced,
            "posted": result.posted,
            "written": result.written,
        },
    )
    return result


def _write(
    imp: KokiHokenryoImport,
    keys: list[tuple[int, int]],
    groups: dict[tuple[int, int], dict[str, Any]],
    result: ImportResult,
    actor: Actor,
) -> None:
    """One batch of persons: unchanged ones left alone, changed ones replaced and posted to
    the 収納 ledger (``kokuho.services.koki_chotei``) in the same transaction."""
    atena_ids = {a for a, _ in keys}
    current: dict[tuple[int, int], KokiHokenryo] = {
        (h.atena_id, h.nendo): h
        for h in KokiHokenryo.objects.select_for_update()
        .filter(atena_id__in=atena_ids, is_current=True)
        .prefetch_related("kibetsu")
    }
    new_rows: list[KokiHokenryo] = []
    new_kibetsu: list[list[tuple[str, int, date, int]]] = []
    ended: list[int] = []
    for key in keys:
        g = groups[key]
        kibetsu = sorted(g["kibetsu"])
        old = current.get(key)
        if old is not None:
            same = (
                old.hihokensha_bango == g["bango"]
                and old.nengaku == g["nengaku"]
                and sorted(
                    (k.choshu_hoho, k.ki, k.nokigen, k.chotei_gaku) for k in old.kibetsu.all()
                )
                == kibetsu
            )
            if same:
                result.unchanged += 1
                continue
            ended.append(old.pk)
            result.replaced += 1
        result.persons += 1
        new_rows.append(
            KokiHokenryo(
                atena_id=key[0],
                hihokensha_bango=g["bango"],
                nendo=key[1],
                nengaku=g["nengaku"],
                choshu=_choshu_words({k[0] for k in kibetsu}),
                source=imp,
            )
        )
        new_kibetsu.append(kibetsu)
    if ended:
        KokiHokenryo.objects.filter(pk__in=ended).update(is_current=False)
    made = KokiHokenryo.objects.bulk_create(new_rows)
    KokiKibetsu.objects.bulk_create(
        KokiKibetsu(hokenryo=h, choshu_hoho=hoho, ki=ki, nokigen=nokigen, chotei_gaku=gaku)
        for h, ks in zip(made, new_kibetsu, strict=True)
        for hoho, ki, nokigen, gaku in ks
    )
    # the 広域連合 gives the 被保険者番号: the town's record of the 資格 takes it (one
    # read and one bulk update a batch)
    bango = {h.atena_id: h.hihokensha_bango for h in made}
    blank = list(KokiShikaku.objects.filter(atena_id__in=list(bango), hihokensha_bango=""))
    for s in blank:
        s.hihokensha_bango = bango[s.atena_id]
    KokiShikaku.objects.bulk_update(blank, ["hihokensha_bango"], batch_size=2000)
    if not made:
        return
    ended_ids = set(ended)
    old_of = {key: current[key] for key in keys if key in current and current[key].pk in ended_ids}
    fresh = list(
        KokiHokenryo.objects.filter(pk__in=[h.pk for h in made]).prefetch_related("kibetsu")
    )
    before = {h.pk: old_of[(h.atena_id, h.nendo)] for h in fresh if (h.atena_id, h.nendo) in old_of}
    count = koki_chotei_post(fresh, before, on=timezone.localdate(), actor=actor)
    result.posted += count.posted
    result.written += count.written


# --- the upload ------------------------------------------------------------------------


def _sha256(upload: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    lines = 0
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
        lines += chunk.count(b"\n")
    upload.seek(0)
    return digest.hexdigest(), lines


def koki_hokenryo_accept(
    *, file_name: str, upload: IO[bytes], encoding: str, actor: Actor
) -> KokiHokenryoImport:
    """Store an uploaded file and start its import job; AlreadyImported when the same
    file is imported or on its way (the unique constraint decides)."""
    from tenants.jobs.services import job_start

    encoding = check_encoding(encoding)
    digest, lines = _sha256(upload)
    if (
        KokiHokenryoImport.objects.filter(sha256=digest)
        .exclude(status=ImportStatus.REJECTED)
        .exists()
    ):
        raise AlreadyImported()
    stored = default_storage.save(f"{INBOX}/{uuid.uuid4().hex}.csv", File(upload))
    params = {
        "file_name": file_name[:200],
        "sha256": digest,
        "path": stored,
        "lines": lines,
        "encoding": encoding,
        "actor": dataclasses.asdict(actor),
    }
    try:
        job = job_start(kind=IMPORT_JOB, params=params, actor=actor)
    except IntegrityError as exc:
        default_storage.delete(stored)
        raise AlreadyImported() from exc
    except BaseException:
        default_storage.delete(stored)
        raise
    return KokiHokenryoImport.objects.get(job_id=job.pk)


def koki_hokenryo_reject(*, imp: KokiHokenryoImport, rejected: ImportRejected) -> None:
    imp.status = ImportStatus.REJECTED
    imp.rows = 0
    imp.errors = [{"line": e.line, "field": e.field, "message": e.message} for e in rejected.errors]
    imp.errors_truncated = rejected.truncated
    imp.save(update_fields=["status", "rows", "errors", "errors_truncated"])
