"""Restore a town backup into a NEW schema, then verify it against the manifest.

Never over a live town: the target schema must not exist and must not be any
municipality's. The structure is the template schema's (cloned without rows), which
must be at the backup's schema version. Tables are loaded with COPY … FREEZE while they
have no index and no key; then the indexes are built on several connections, the
primary/unique keys attached to their indexes, and the foreign keys added NOT VALID and
validated on several connections. Any failure drops the new schema and its files.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from psycopg import sql

from tenants.backup.dump import file_copy_hashed, files_walk, media_folder, schema_export
from tenants.backup.manifest import FILES_DIR, BackupError, Manifest, manifest_read
from tenants.backup.pg import pg_connect, schema_name_check, schema_present, schema_tables
from tenants.media import town_media_remove

COPY_BLOCK = 1 << 20
INDEX_SETUP = ("SET maintenance_work_mem = '256MB'", "SET max_parallel_maintenance_workers = 0")
#: the access log's guards (tenants.accesslog.sql), dropped on the empty clone so the load can
#: TRUNCATE and COPY, installed again on the log and its chain links after the load
ACCESSLOG_TRIGGERS = ("accesslog_append_only", "accesslog_no_delete", "accesslog_no_truncate")


@dataclass
class RestoreResult:
    schema: str
    manifest: Manifest
    seconds: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _parallel(tasks: Iterable[Any], work: Callable[[psycopg.Cursor[Any], Any], None], jobs: int,
              setup: Iterable[str] = ()) -> None:  # fmt: skip
    """Run ``work(cursor, task)`` for every task on ``jobs`` connections of their own."""
    todo: queue.Queue[Any] = queue.Queue()
    for task in tasks:
        todo.put(task)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with pg_connect() as conn, conn.cursor() as cur:
                for statement in setup:
                    cur.execute(statement)
                while not errors:
                    try:
                        task = todo.get_nowait()
                    except queue.Empty:
                        return
                    work(cur, task)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(max(1, min(jobs, todo.qsize())))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _template_migrations(cur: psycopg.Cursor[Any], template: str) -> list[list[str]]:
    cur.execute(
        sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY app, name").format(
            sql.Identifier(template)
        )
    )
    return [[app, name] for app, name in cur.fetchall()]


def _refuse_target(cur: psycopg.Cursor[Any], target: str) -> None:
    from tenants.services.schema_template import TEMPLATE_SCHEMA

    schema_name_check(target)
    if target in {"public", TEMPLATE_SCHEMA} or target.startswith("pg_"):
        raise BackupError(f"スキーマ {target} には復元できません。")
    if schema_present(cur, target):
        raise BackupError(f"スキーマ {target} は既にあります。復元は新しいスキーマにだけ行います。")
    cur.execute("SELECT 1 FROM public.tenants_municipality WHERE schema_name = %s", [target])
    if cur.fetchone():
        raise BackupError(f"スキーマ名 {target} は団体が使っています。復元先にはできません。")
    folder = media_folder(target)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"復元先のファイル置き場 {folder} が空ではありません。")


@dataclass(frozen=True)
class _Structure:
    """What the cloned schema had before it was stripped for loading."""

    index_builds: list[tuple[str, str]]  # (table, CREATE INDEX …), standalone and key indexes
    key_attach: list[str]  # ALTER TABLE … ADD CONSTRAINT … USING INDEX
    key_full: list[str]  # deferrable keys and exclusion constraints: ADD CONSTRAINT as is
    fk_add: list[str]  # ADD CONSTRAINT … NOT VALID
    fk_validate: list[tuple[str, str]]  # (table, ALTER TABLE … VALIDATE CONSTRAINT …)
    drops: list[str]


def _strip(cur: psycopg.Cursor[Any], schema: str, loaded: set[str]) -> _Structure:
    """Take the keys and indexes off the tables that get rows (``loaded``), and the
    foreign keys from or to them; empty tables keep theirs (nothing to load)."""
    s = sql.Identifier(schema)
    cur.execute(
        """
        SELECT c.conname, t.relname, r.relname, c.contype, pg_get_constraintdef(c.oid),
               c.convalidated,
               c.condeferrable,
               CASE WHEN c.contype IN ('p', 'u') THEN pg_get_indexdef(c.conindid) END
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_class r ON r.oid = c.confrelid
        WHERE n.nspname = %s AND c.contype IN ('p', 'u', 'f', 'x')
        ORDER BY t.relname, c.conname
        """,
        [schema],
    )
    constraints = cur.fetchall()
    cur.execute(
        """
        SELECT i.relname, t.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c
            WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid
              AND c.contype IN ('p', 'u', 'x'))
        ORDER BY t.relname, i.relname
        """,
        [schema],
    )
    indexes = cur.fetchall()
    index_builds: list[tuple[str, str]] = []
    key_attach: list[str] = []
    key_full: list[str] = []
    fk_add: list[str] = []
    fk_validate: list[tuple[str, str]] = []
    fk_drops: list[str] = []
    key_drops: list[str] = []
    for name, table, referenced, kind, definition, validated, deferrable, indexdef in constraints:
        if table not in loaded and referenced not in loaded:
            continue
        if kind != "f" and table not in loaded:
            continue
        alter = sql.SQL("ALTER TABLE {}.{} ").format(s, sql.Identifier(table)).as_string(cur)
        con = sql.Identifier(name).as_string(cur)
        drop = f"{alter}DROP CONSTRAINT {con}"
        if kind == "f":
            fk_drops.append(drop)
            fk_add.append(f"{alter}ADD CONSTRAINT {con} {definition} NOT VALID")
            if validated:
                fk_validate.append((table, f"{alter}VALIDATE CONSTRAINT {con}"))
            continue
        key_drops.append(drop)
        if kind in ("p", "u") and not deferrable:
            index_builds.append((table, indexdef))
            word = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            key_attach.append(f"{alter}ADD CONSTRAINT {con} {word} USING INDEX {con}")
        else:
            key_full.append(f"{alter}ADD CONSTRAINT {con} {definition}")
    index_drops = []
    for name, table, indexdef in indexes:
        if table not in loaded:
            continue
        index_builds.append((table, indexdef))
        index_drops.append(
            sql.SQL("DROP INDEX {}.{}").format(s, sql.Identifier(name)).as_string(cur)
        )
    return _Structure(
        index_builds=index_builds,
        key_attach=key_attach,
        key_full=key_full,
        fk_add=fk_add,
        fk_validate=fk_validate,
        drops=fk_drops + key_drops + index_drops,
    )


def _clone_empty(cur: psycopg.Cursor[Any], template: str, target: str) -> None:
    from django.conf import settings

    db_user = settings.DATABASES["default"].get("USER", None) or "postgres"
    cur.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))
    cur.execute("SELECT clone_schema(%s, %s, 'NODATA')", [template, target])
    from tenants.accesslog.sql import TABLES

    for table in TABLES:
        cur.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            [target, table],
        )
        if cur.fetchone() is None:
            continue
        for trigger in ACCESSLOG_TRIGGERS:
            cur.execute(
                sql.SQL("DROP TRIGGER IF EXISTS {} ON {}.{}").format(
                    sql.Identifier(trigger), sql.Identifier(target), sql.Identifier(table)
                )
            )


def _load_table(backup_dir: Path, target: str, manifest: Manifest) -> Callable[[Any, Any], None]:
    def load(cur: psycopg.Cursor[Any], entry: Any) -> None:
        table = sql.SQL("{}.{}").format(sql.Identifier(target), sql.Identifier(entry.name))
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in entry.columns)
        digest = hashlib.sha256()
        rows = size = 0
        cur.execute("BEGIN")
        cur.execute(sql.SQL("TRUNCATE {}").format(table))
        with (
            (backup_dir / entry.file).open("rb") as f,
            cur.copy(sql.SQL("COPY {} ({}) FROM STDIN FREEZE").format(table, columns)) as copy,
        ):
            while block := f.read(COPY_BLOCK):
                digest.update(block)
                rows += block.count(b"\n")
                size += len(block)
                copy.write(block)
        if digest.hexdigest() != entry.sha256 or rows != entry.rows or size != entry.bytes:
            cur.execute("ROLLBACK")
            raise BackupError(
                f"表 {entry.name} のバックアップファイルがマニフェストと一致しません"
                f"（{rows}行・{size}バイト、マニフェストは{entry.rows}行・{entry.bytes}バイト）。"
            )
        cur.execute("COMMIT")

    return load


def _execute_on(cur: psycopg.Cursor[Any], task: tuple[str, Any]) -> None:
    cur.execute(task[1])


def _by_size(tasks: list[tuple[str, str]], sizes: dict[str, int]) -> list[tuple[str, str]]:
    return sorted(tasks, key=lambda t: -sizes.get(t[0], 0))


def files_restore(backup_dir: Path, manifest: Manifest, target: str) -> list[str]:
    """Copy the backup's files into the target's media folder, checking each one."""
    problems = []
    folder = media_folder(target)
    for entry in manifest.files:
        out = folder / entry.path
        out.parent.mkdir(parents=True, exist_ok=True)
        size, digest = file_copy_hashed(backup_dir / FILES_DIR / entry.path, out)
        if size != entry.bytes or digest != entry.sha256:
            problems.append(f"ファイル {entry.path} のバックアップがマニフェストと一致しません。")
    return problems


def restore_verify(manifest: Manifest, schema: str, *, jobs: int = 2) -> list[str]:
    """Export ``schema`` again and compare every table's rows and checksum, every
    sequence and every file with the manifest. Returns the differences (Japanese)."""
    problems: list[str] = []
    _taken, migrations, tables, sequences = schema_export(schema, None, jobs=jobs)
    if migrations != manifest.migrations:
        problems.append("適用済みマイグレーション（スキーマの版）がマニフェストと一致しません。")
    have = {t.name: t for t in tables}
    for entry in manifest.tables:
        got = have.pop(entry.name, None)
        if got is None:
            problems.append(f"表 {entry.name} がありません。")
        elif got.rows != entry.rows:
            problems.append(
                f"表 {entry.name} の件数 {got.rows} がマニフェストの {entry.rows} と違います。"
            )
        elif got.sha256 != entry.sha256 or got.bytes != entry.bytes:
            problems.append(f"表 {entry.name} の内容（チェックサム）がマニフェストと違います。")
    problems.extend(f"表 {name} はマニフェストにありません。" for name in sorted(have))
    want_seq = {(s.name, s.last_value, s.is_called) for s in manifest.sequences}
    got_seq = {(s.name, s.last_value, s.is_called) for s in sequences}
    for name in sorted({s[0] for s in want_seq ^ got_seq}):
        problems.append(f"シーケンス {name} の値がマニフェストと違います。")
    folder = media_folder(schema)
    on_disk = set(files_walk(folder))
    for f in manifest.files:
        if f.path not in on_disk:
            problems.append(f"ファイル {f.path} がありません。")
            continue
        on_disk.discard(f.path)
        size, digest = file_copy_hashed(folder / f.path, None)
        if size != f.bytes or digest != f.sha256:
            problems.append(f"ファイル {f.path} の内容（チェックサム）がマニフェストと違います。")
    problems.extend(f"ファイル {p} はマニフェストにありません。" for p in sorted(on_disk))
    return problems


def town_restore(
    backup_dir: Path, target: str, *, jobs: int = 2, analyze: bool = False, verify: bool = True
) -> RestoreResult:
    """Restore the backup in ``backup_dir`` into the new schema ``target`` and (unless
    ``verify`` is False) verify it. Raises BackupError, leaving nothing behind, when the
    backup is damaged, of another schema version, or the target is taken; a verification
    that finds differences keeps the schema and lists them in ``problems``."""
    from tenants.accesslog.sql import install_append_only_trigger
    from tenants.services.schema_template import TEMPLATE_SCHEMA, schema_template_refresh

    manifest = manifest_read(backup_dir)
    for entry in manifest.tables:
        path = backup_dir / entry.file
        if not path.is_file() or path.stat().st_size != entry.bytes:
            raise BackupError(f"表 {entry.name} のバックアップファイルがないか、大きさが違います。")
    result = RestoreResult(schema=target, manifest=manifest)
    seconds = result.seconds
    schema_template_refresh()
    created = False
    conn = pg_connect()
    try:
        cur = conn.cursor()
        _refuse_target(cur, target)
        if _template_migrations(cur, TEMPLATE_SCHEMA) != manifest.migrations:
            raise BackupError(
                "バックアップのスキーマの版（適用済みマイグレーション）が現在のプログラムと"
                "一致しません。同じ版のプログラムで復元してください。"
            )
        t = time.perf_counter()
        created = True
        _clone_empty(cur, TEMPLATE_SCHEMA, target)
        names = {t.name for t in schema_tables(cur, target)}
        wanted = {e.name for e in manifest.tables}
        if names != wanted:
            raise BackupError("復元先の表の構成がバックアップと一致しません。")
        with conn.transaction():
            structure = _strip(cur, target, {e.name for e in manifest.tables if e.rows})
            for statement in structure.drops:
                cur.execute(statement)
        seconds["structure"] = time.perf_counter() - t
        t = time.perf_counter()
        entries = sorted((e for e in manifest.tables if e.rows), key=lambda e: -e.bytes)
        _parallel(entries, _load_table(backup_dir, target, manifest), jobs)
        seconds["load"] = time.perf_counter() - t
        sizes = {e.name: e.bytes for e in manifest.tables}
        t = time.perf_counter()
        _parallel(_by_size(structure.index_builds, sizes), _execute_on, jobs, setup=INDEX_SETUP)
        with conn.transaction():
            for statement in structure.key_attach + structure.key_full:
                cur.execute(statement)
        seconds["indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        with conn.transaction():
            for statement in structure.fk_add:
                cur.execute(statement)
        _parallel(_by_size(structure.fk_validate, sizes), _execute_on, jobs)
        seconds["foreign_keys"] = time.perf_counter() - t
        with conn.transaction():
            for seq in manifest.sequences:
                cur.execute(
                    "SELECT setval(%s, %s, %s)",
                    [
                        sql.SQL("{}.{}")
                        .format(sql.Identifier(target), sql.Identifier(seq.name))
                        .as_string(cur),
                        seq.last_value,
                        seq.is_called,
                    ],
                )
            install_append_only_trigger(cur, target)
        if analyze:
            t = time.perf_counter()
            analyze_sql = sql.SQL("ANALYZE {}.{}")
            analyses = [
                (e.name, analyze_sql.format(sql.Identifier(target), sql.Identifier(e.name)))
                for e in entries
            ]
            _parallel(analyses, _execute_on, jobs)
            seconds["analyze"] = time.perf_counter() - t
        t = time.perf_counter()
        problems = files_restore(backup_dir, manifest, target)
        if problems:
            raise BackupError(problems[0])
        seconds["files"] = time.perf_counter() - t
    except BaseException:
        if created:
            schema_drop(target, conn=conn)
        raise
    finally:
        conn.close()
    if verify:
        t = time.perf_counter()
        result.problems = restore_verify(manifest, target, jobs=jobs)
        seconds["verify"] = time.perf_counter() - t
    for key in seconds:
        seconds[key] = round(seconds[key], 3)
    return result


def schema_drop(schema: str, *, conn: psycopg.Connection[Any] | None = None) -> None:
    """Drop a restored (scratch) schema and its files; never a municipality's schema."""
    own = conn is None
    conn = conn or pg_connect()
    try:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        cur = conn.cursor()
        schema_name_check(schema)
        cur.execute("SELECT 1 FROM public.tenants_municipality WHERE schema_name = %s", [schema])
        if cur.fetchone():
            raise BackupError(f"スキーマ {schema} は団体のものです。削除しません。")
        cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    finally:
        if own:
            conn.close()
    town_media_remove(schema)
