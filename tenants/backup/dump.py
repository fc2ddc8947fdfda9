"""Dump one town: its schema's tables in one snapshot, its files, the manifest."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from psycopg import sql

from tenants.backup.manifest import (
    FILES_DIR,
    TABLES_DIR,
    BackupError,
    FileEntry,
    Manifest,
    SequenceEntry,
    TableEntry,
    manifest_write,
)
from tenants.backup.pg import TableInfo, copy_out, pg_connect, schema_present, schema_tables

PARTIAL = ".partial"


def media_folder(schema: str) -> Path:
    """The town's files (TenantFileSystemStorage: MEDIA_ROOT/<schema>/)."""
    return Path(settings.MEDIA_ROOT) / schema


def file_copy_hashed(source: Path, target: Path | None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    out = target.open("wb") if target is not None else None
    try:
        with source.open("rb") as f:
            while block := f.read(FILE_BLOCK):
                digest.update(block)
                size += len(block)
                if out is not None:
                    out.write(block)
    finally:
        if out is not None:
            out.close()
    return size, digest.hexdigest()


FILE_BLOCK = 1 << 20


def files_walk(folder: Path) -> list[str]:
    """The files under ``folder``, relative and "/"-separated, sorted (symlinks are not
    followed: a town's folder holds plain files)."""
    if not folder.is_dir():
        return []
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def files_dump(folder: Path, target: Path | None) -> list[FileEntry]:
    entries = []
    for rel in files_walk(folder):
        out = None
        if target is not None:
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
        size, digest = file_copy_hashed(folder / rel, out)
        entries.append(FileEntry(path=rel, bytes=size, sha256=digest))
    return entries


def _tables_worker(
    snapshot: str, schema: str, work: queue.Queue[TableInfo], out_dir: Path | None,
    results: dict[str, TableEntry], errors: list[BaseException],
) -> None:  # fmt: skip
    try:
        with pg_connect() as conn, conn.cursor() as cur:
            # a table bigger than a quarter of shared_buffers would otherwise be read from
            # where another scan of it is (or stopped): the same rows in another order
            cur.execute("SET synchronize_seqscans = off")
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            while True:
                try:
                    table = work.get_nowait()
                except queue.Empty:
                    break
                if out_dir is None:
                    rows, size, digest = copy_out(cur, schema, table.name, table.columns, None)
                else:
                    with (out_dir / f"{table.name}.copy").open("wb") as sink:
                        rows, size, digest = copy_out(cur, schema, table.name, table.columns, sink)
                        sink.flush()
                        os.fsync(sink.fileno())
                results[table.name] = TableEntry(table.name, table.columns, rows, size, digest)
            cur.execute("COMMIT")
    except BaseException as exc:  # reported by the caller
        errors.append(exc)


def schema_export(
    schema: str, out_dir: Path | None, *, jobs: int = 2
) -> tuple[str, list[list[str]], list[TableEntry], list[SequenceEntry]]:
    """Every table of ``schema`` as COPY text (into ``out_dir``/<table>.copy, or only
    counted and hashed when ``out_dir`` is None), read by ``jobs`` connections in one
    snapshot. Returns (snapshot time, migrations, tables, sequences)."""
    with pg_connect() as conn, conn.cursor() as cur:
        if not schema_present(cur, schema):
            raise BackupError(f"スキーマ {schema} がありません。")
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur.execute("SELECT pg_export_snapshot(), now()")
        snapshot, taken_at = cur.fetchone()  # type: ignore[misc]
        tables = schema_tables(cur, schema)
        cur.execute(
            sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY app, name").format(
                sql.Identifier(schema)
            )
        )
        migrations = [[app, name] for app, name in cur.fetchall()]
        cur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY c.relname",
            [schema],
        )
        sequences = []
        for (name,) in cur.fetchall():
            cur.execute(
                sql.SQL("SELECT last_value, is_called FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(name)
                )
            )
            last_value, is_called = cur.fetchone()  # type: ignore[misc]
            sequences.append(SequenceEntry(name, int(last_value), bool(is_called)))
        work: queue.Queue[TableInfo] = queue.Queue()
        for table in tables:
            work.put(table)
        results: dict[str, TableEntry] = {}
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=_tables_worker,
                args=(snapshot, schema, work, out_dir, results, errors),
                name=f"backup-dump-{i}",
            )
            for i in range(max(1, min(jobs, len(tables))))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cur.execute("COMMIT")  # the snapshot lives until every worker has its own
    if errors:
        raise errors[0]
    entries = [results[name] for name in sorted(results)]
    return taken_at.isoformat(), migrations, entries, sequences


def _stamp() -> str:
    return datetime.now().astimezone().strftime("%Y%m%dT%H%M%S%f")


def town_dump(
    *, schema: str, dantai_code: str, town_name: str, root: Path, jobs: int = 2
) -> tuple[Path, Manifest]:
    """Dump the town of ``schema`` into a new directory ``root/<schema>/<stamp>/``
    (written as ``<stamp>.partial`` and renamed when complete). Returns it and the
    manifest. Callers write the access-log row (tenants.backup.services)."""
    town_root = root / schema
    town_root.mkdir(parents=True, exist_ok=True)
    stamp = _stamp()
    partial = town_root / f"{stamp}{PARTIAL}"
    final = town_root / stamp
    (partial / TABLES_DIR).mkdir(parents=True)
    try:
        t0 = time.perf_counter()
        taken_at, migrations, tables, sequences = schema_export(
            schema, partial / TABLES_DIR, jobs=jobs
        )
        t1 = time.perf_counter()
        files = files_dump(media_folder(schema), partial / FILES_DIR)
        t2 = time.perf_counter()
        manifest = Manifest(
            schema=schema,
            dantai_code=dantai_code,
            town_name=town_name,
            taken_at=taken_at,
            migrations=migrations,
            tables=tables,
            sequences=sequences,
            files=files,
            seconds={"tables": round(t1 - t0, 3), "files": round(t2 - t1, 3)},
        )
        manifest_write(partial, manifest)
        for path in (partial, partial / TABLES_DIR):
            _fsync_dir(path)
        partial.rename(final)
        _fsync_dir(town_root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final, manifest


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def dump_info(manifest: Manifest) -> dict[str, Any]:
    return {
        "tables": len(manifest.tables),
        "rows": manifest.total_rows,
        "files": len(manifest.files),
        "bytes": manifest.total_bytes,
    }
