"""Load synthetic residents into the current town's schema with PostgreSQL COPY.

One transaction: the 住所辞書, one 異動 "データ移行" (K99, 本登録), the persons (宛名 and
their 住民票 versions), households, 支援措置 with their 抑止, the sequences moved past
the loaded numbers, and one access-log row. Generation and COPY overlap: the 住民票
versions stream to the server while Python builds the next households (the server works
on the other core); the 宛名 and 世帯 rows are buffered and sent next.

While the rows go in, the foreign keys from the three loaded tables and those of their
secondary indexes whose keys arrive in random order are dropped, then recreated exactly as
they were, in the same transaction (``synth.bulk``; the index builds use the server's
parallel workers); the indexes whose keys arrive in ascending order (``IN_ORDER``) stay
and are kept up to date by the server during the COPY.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import struct
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.db.models import ForeignKey
from django.utils import timezone
from psycopg import sql

from juminkiroku.codes import IdoJiyu, IdoStatus, YokushiLevel, YokushiProcess
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import (
    PERSON_FIELD_NAMES,
    Atena,
    AtenaRireki,
    Chiku,
    Ido,
    JushoJisho,
    Setai,
    ShienSochi,
    Yokushi,
)
from juminkiroku.services.numbering import ATENA_SEQ, SETAI_SEQ, next_ido_no
from juminkiroku.synth.bulk import Clock, drop_secondary, recreate
from juminkiroku.synth.generate import (
    ATENA_NO_CHECK,
    NULL,
    TownGenerator,
    town_generator,
    town_info,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.selectors.current import current_municipality

LOADER = "load_residents"
SYSTEM_ACTOR = Actor(user_id=None, username=LOADER, terminal="manage.py")
CHUNK_ROWS = 2000  # 住民票 versions a write while generating (≈ 0.7 MB)
BUFFERED_ROWS = 20000  # rows a write of the buffered tables afterwards
BLOCK_ROWS = 20000  # rows a block from the generating child (≈ 7 MB)
FORK_FROM = 20000  # residents from which a child process generates

# Index columns (leading key) whose values the load writes in ascending order, table by
# table: ids of rows generated in order (宛名 → 世帯, 履歴 → 宛名 / 世帯), the load's one
# 異動 (or NULL), links that are NULL in every loaded version (0020 indexes them only
# where set), and the numbers handed out in order (宛名番号, 世帯番号: zero-padded, so
# their text order is their number order). Their indexes stay during the COPY: each
# insert appends at the index's right edge, on the server's core, while the generating
# process works on the other; built after the COPY they would be sorted on the critical
# path. The other indexes (kana, names, dates, 住民票コード, 個人番号, …) get random keys
# and are built after the COPY, once each.
IN_ORDER: dict[str, frozenset[str]] = {
    Atena._meta.db_table: frozenset({"setai_id", "atena_no"}),
    AtenaRireki._meta.db_table: frozenset(
        {"atena_id", "setai_id", "ido_id", "closed_by_id", "superseded_by_id", "reopens_id"}
    ),
    Setai._meta.db_table: frozenset({"setai_no"}),
}

# 住民票の履歴's links to the 異動 that closed, superseded or reopened a version: NULL in
# nearly every loaded row, indexed only where set (0020). Sampled before their foreign
# keys are validated, so that each check reads the partial index, not the whole table.
LINK_COLUMNS: dict[str, tuple[str, ...]] = {
    AtenaRireki._meta.db_table: ("closed_by_id", "superseded_by_id", "reopens_id"),
}

# The resident data of a town (the staff's grants, tenants.grants, are not).
RESIDENT_MODELS: tuple[type[models.Model], ...] = (
    Atena,
    AtenaRireki,
    Setai,
    Ido,
    Chiku,
    JushoJisho,
    ShienSochi,
    Yokushi,
)


class SynthLoadError(Exception):
    """A refused load; the message is for the operator (Japanese)."""


@dataclass
class LoadResult:
    schema: str
    municipality: str
    population: int
    seed: int
    on: date
    residents: int
    johyo: int
    jutogai: int
    setai: int
    rireki: int
    chiku: int
    jisho: int
    shien: int
    yokushi: int
    ido_id: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def atena(self) -> int:
        return self.residents + self.johyo + self.jutogai

    @property
    def rows(self) -> int:
        """Rows written by COPY (宛名, 住民票の履歴, 世帯)."""
        return self.atena + self.rireki + self.setai


# --- checks -------------------------------------------------------------------------


def town_is_empty() -> bool:
    """No person, household or 住所辞書 row in the current schema."""
    return not (
        Atena.objects.exists()
        or Setai.objects.exists()
        or JushoJisho.objects.exists()
        or Chiku.objects.exists()
    )


def _tables_to_truncate() -> list[str]:
    """The resident tables plus every juminkiroku table that points at one of them."""
    chosen: list[type[models.Model]] = list(RESIDENT_MODELS)
    changed = True
    while changed:
        changed = False
        for model in apps.get_app_config("juminkiroku").get_models():
            if model in chosen:
                continue
            targets = {
                f.related_model for f in model._meta.concrete_fields if isinstance(f, ForeignKey)
            }
            if targets & set(chosen):
                chosen.append(model)
                changed = True
    # Other modules' tables that point at persons (課税資料, 賦課 …), and the tables that
    # point at those (a 期別's 分納 link …, many-to-many tables included), go too, but only
    # when they are empty: a town whose other modules hold data is never wiped by a reload.
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label == "juminkiroku" or model in chosen:
                continue
            targets = {
                f.related_model for f in model._meta.concrete_fields if isinstance(f, ForeignKey)
            }
            if targets & set(chosen):
                if model.objects.exists():  # type: ignore[attr-defined]
                    raise SynthLoadError(
                        f"{model._meta.verbose_name}のデータが住民を参照しているため、"
                        "住民記録を置き換えられません。"
                    )
                chosen.append(model)
                changed = True
    return [m._meta.db_table for m in chosen]


def _truncate(schema: str) -> None:
    tables = sql.SQL(", ").join(sql.Identifier(schema, t) for t in _tables_to_truncate())
    with connection.cursor() as cur:
        try:
            with transaction.atomic():
                # Pending deferred checks of earlier statements would block TRUNCATE.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(tables))
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
        except DatabaseError as exc:
            raise SynthLoadError(
                f"住民記録を削除できませんでした（他の業務のデータが参照しています）: {exc}"
            ) from exc


# --- column lists ---------------------------------------------------------------------

PERSON_COLUMNS = list(PERSON_FIELD_NAMES)
_person_text = itemgetter(*PERSON_COLUMNS)


def _columns(model: type[models.Model], known: list[str]) -> list[str]:
    """``known`` in order; refuses a model that gained a NOT NULL column we do not fill."""
    names = {f.column for f in model._meta.concrete_fields}
    missing = [
        f.column
        for f in model._meta.concrete_fields
        if f.column not in known and not f.null and f.db_default is models.NOT_PROVIDED
    ]
    if missing or not set(known) <= names:
        raise SynthLoadError(
            f"{model._meta.db_table} の列が合成データの生成と合っていません: {missing}"
        )
    return known


ATENA_COLUMNS = ["id", *PERSON_COLUMNS, "atena_no", "kana_key", "name_key", "version", "updated_at"]
RIREKI_COLUMNS = [
    "id",
    *PERSON_COLUMNS,
    "atena_id",
    "valid_from",
    "valid_to",
    "ido_id",
    "closed_by_id",
    "superseded",
    "superseded_by_id",
    "recorded_at",
]
SETAI_COLUMNS = ["id", "setai_no", "created_at"]


# --- the load ---------------------------------------------------------------------------


def _id_base(cur: Any, table: str) -> int:
    """The last id handed out by ``table``'s identity sequence (0 if none yet)."""
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cur.fetchone()[0]
    cur.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(seq)))
    last, called = cur.fetchone()
    return int(last) if called else int(last) - 1


def _setval(cur: Any, table: str, value: int) -> None:
    cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value])


def _advance(cur: Any, seq: str, value: int) -> None:
    """Move a numbering sequence to at least ``value`` (never back)."""
    cur.execute(
        sql.SQL(
            "SELECT setval({seq}::regclass, GREATEST(%s, (SELECT last_value FROM {tbl})))"
        ).format(seq=sql.Literal(seq), tbl=sql.Identifier(seq)),
        [value],
    )


class _Streamer:
    """COPY ... FROM STDIN into several tables, block by block, in the caller's thread.

    ``put(table, text)`` sends a block of rows: consecutive blocks of one table go in one
    COPY, and the next table's COPY starts when the table changes (one connection runs
    one COPY at a time; a change waits for the server to finish the data in flight). A
    write returns once the data is in the socket's buffers, so Python goes on generating
    while the server ingests on the other core. (A writer thread was tried: under load
    its hand-offs of the GIL left the generating thread idle half the time.) Rows of a
    table arrive in the order they were put. Use as a context manager."""

    def __init__(self, raw: Any, statements: Mapping[str, sql.Composable], clock: Clock):
        self.raw = raw
        self.statements = statements
        self.clock = clock
        self.cm: Any = None
        self.copy: Any = None
        self.current = ""

    def __enter__(self) -> _Streamer:
        return self

    def put(self, table: str, text: str | bytes) -> None:
        with self.clock("copy"):
            if table != self.current:
                self._end(None)
                self.cm = self.raw.copy(self.statements[table])
                self.copy = self.cm.__enter__()
                self.current = table
            self.copy.write(text)

    def _end(self, exc: BaseException | None) -> None:
        if self.cm is not None:
            cm, self.cm, self.copy, self.current = self.cm, None, None, ""
            if exc is None:
                cm.__exit__(None, None, None)
            else:
                cm.__exit__(type(exc), exc, exc.__traceback__)

    def __exit__(self, *exc: Any) -> None:
        with self.clock("copy"):
            self._end(exc[1])


def residents_load(
    *,
    population: int,
    seed: int,
    on: date,
    replace: bool = False,
    actor: Actor | None = None,
    drop_indexes: bool = True,
    drop_foreign_keys: bool = True,
    keep_in_order: bool = True,
    analyze: bool = False,
) -> LoadResult:
    """Generate ``population`` residents as of ``on`` and load them into the current
    town's schema, in one transaction.

    Refuses (``SynthLoadError``) when the town already has residents, unless
    ``replace``, which first empties this schema's resident tables (same transaction).
    ``drop_indexes`` / ``drop_foreign_keys`` (default on) rebuild them after the COPY
    instead of maintaining them row by row, except (``keep_in_order``, default on) the
    indexes whose keys arrive in ascending order (``IN_ORDER``), which the server keeps
    up to date during the COPY; ``analyze`` runs ANALYZE before commit (otherwise
    autovacuum does it within a minute of the commit).
    """
    municipality = current_municipality()
    schema = connection.schema_name
    if population < 1:
        raise SynthLoadError("人口は1以上を指定してください。")
    if on > timezone.localdate():
        raise SynthLoadError("基準日に未来の日付は指定できません。")
    actor = actor or SYSTEM_ACTOR
    clock = Clock()
    atena_t, rireki_t, setai_t = (m._meta.db_table for m in (Atena, AtenaRireki, Setai))
    with transaction.atomic(), connection.cursor() as cur:
        if replace:
            with clock("truncate"):
                _truncate(schema)
        cur.execute(
            sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
                sql.SQL(", ").join(
                    sql.Identifier(schema, m._meta.db_table) for m in RESIDENT_MODELS
                )
            )
        )
        if not town_is_empty():
            count = Atena.objects.count()
            raise SynthLoadError(
                f"{municipality.name}（{schema}）には既に住民記録があります"
                f"（宛名 {count:,} 件）。空の団体にだけ読み込めます。"
                "置き換える場合は --replace を指定してください（この団体の住民記録を"
                "すべて削除します）。"
            )
        dropped = None
        if drop_foreign_keys or drop_indexes:
            with clock("drop_indexes"):
                dropped = drop_secondary(
                    schema,
                    [atena_t, rireki_t, setai_t],
                    indexes=drop_indexes,
                    foreign_keys=drop_foreign_keys,
                    keep_leading=IN_ORDER if keep_in_order else None,
                )
        bases = {t: _id_base(cur, t) for t in (atena_t, rireki_t, setai_t)}
        town = town_info(
            dantai_code=municipality.dantai_code,
            prefecture=municipality.prefecture,
            name=municipality.name,
        )
        with clock("generate"):
            gen = town_generator(population=population, seed=seed, on=on, town=town)
        with clock("jisho"):
            chiku = {c.code: Chiku.objects.create(code=c.code, name=c.name) for c in gen.chiku}
            JushoJisho.objects.bulk_create(
                JushoJisho(
                    jusho_code=j.jusho_code,
                    postal_code=j.postal_code,
                    name=j.name,
                    kana=j.kana,
                    chiku=chiku[j.chiku_code],
                )
                for j in gen.jisho
            )
        now = timezone.now()
        ido = Ido.objects.create(
            ido_no=next_ido_no(),
            jiyu=IdoJiyu.IKO,
            ido_date=on,
            todoke_date=None,
            status=IdoStatus.HON,
            payload={
                "iko": {
                    "generator": "juminkiroku.synth",
                    "seed": seed,
                    "population": population,
                    "on": on.isoformat(),
                }
            },
            note="合成データの一括読込（データ移行）",
            entered_by_id=actor.user_id,
            entered_by=actor.username,
            entered_terminal=actor.terminal,
            approved_by_id=actor.user_id,
            approved_by=actor.username,
            approved_at=now,
        )
        counts = _copy_all(
            cur.cursor,
            schema=schema,
            gen=gen,
            bases=bases,
            ido_id=ido.pk,
            now=now.isoformat(),
            clock=clock,
        )
        if dropped is not None:
            with clock("recreate_indexes"):
                recreate(dropped, clock, schema=schema, analyze=LINK_COLUMNS)
        with clock("finish"):
            for t in (atena_t, rireki_t, setai_t):
                _setval(cur, t, bases[t] + counts[t])
            _advance(cur, ATENA_SEQ, counts[atena_t])
            _advance(cur, SETAI_SEQ, counts[setai_t])
            shien, yokushi = _shien(gen, atena_base=bases[atena_t], actor=actor)
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=JUMINKIROKU,
                screen="住民データ一括読込（合成データ）",
                record_type="ido",
                record_id=ido.pk,
                record_count=counts[atena_t],
                detail={"jiyu": IdoJiyu.IKO.value, "seed": seed, "population": population},
            )
        if analyze:
            with clock("analyze"):
                for t in (atena_t, rireki_t, setai_t):
                    cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(schema, t)))
        body_done = time.perf_counter()
    # Leaving atomic() committed (or, inside a caller's transaction, released the
    # savepoint): kept foreign keys are checked here, being INITIALLY DEFERRED.
    clock.spent["commit"] = time.perf_counter() - body_done
    timings = clock.result()
    seconds = round(time.perf_counter() - clock.started, 3)
    return LoadResult(
        schema=schema,
        municipality=municipality.name,
        population=population,
        seed=seed,
        on=on,
        residents=population,
        johyo=gen.johyo_count,
        jutogai=counts["jutogai"],
        setai=counts[setai_t],
        rireki=counts[rireki_t],
        chiku=len(gen.chiku),
        jisho=len(gen.jisho),
        shien=shien,
        yokushi=yokushi,
        ido_id=ido.pk,
        seconds=seconds,
        timings=timings,
    )


def _copy_all(
    raw: Any,
    *,
    schema: str,
    gen: TownGenerator,
    bases: dict[str, int],
    ido_id: int,
    now: str,
    clock: Clock,
    fork: bool | None = None,
) -> dict[str, int]:
    """Generate the town and COPY it.

    With ``fork`` (default: for towns of ``FORK_FROM`` residents or more, where
    ``os.fork`` exists) a child process generates and hands the rows over a pipe, block
    by block for all three tables, while this process sends them (``_from_child``): the
    server ingests everything while it is generated, each process on its own core, no
    GIL between them. Otherwise generation and COPY share this process: the 住民票
    versions stream to the server while Python generates, the 宛名 and 世帯 rows are
    buffered and sent next. The rows, and their order per table, are the same."""
    atena_t, rireki_t, setai_t = (m._meta.db_table for m in (Atena, AtenaRireki, Setai))
    statements = {
        table: sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        for table, columns in (
            (rireki_t, _columns(AtenaRireki, RIREKI_COLUMNS)),
            (atena_t, _columns(Atena, ATENA_COLUMNS)),
            (setai_t, _columns(Setai, SETAI_COLUMNS)),
        )
    }
    if fork is None:
        fork = gen.population >= FORK_FROM and hasattr(os, "fork")
    counts: dict[str, int] = {}
    with _Streamer(raw, statements, clock) as streamer:
        if fork:
            _from_child(streamer, gen, bases, ido_id, now, clock, counts)
            return counts
        started = time.perf_counter()
        copy_before = clock.spent.get("copy", 0.0)
        for table, text in _blocks(gen, bases, ido_id, now, counts, interleave=False):
            streamer.put(table, text)
        # Timed as a whole (a clock per household cost more than the rows' text): the
        # time spent sending is counted as "copy", the rest here.
        clock.spent["generate"] = (
            clock.spent.get("generate", 0.0)
            + time.perf_counter()
            - started
            - (clock.spent.get("copy", 0.0) - copy_before)
        )
    return counts


def _blocks(
    gen: TownGenerator,
    bases: dict[str, int],
    ido_id: int,
    now: str,
    counts: dict[str, int],
    *,
    interleave: bool,
) -> Iterator[tuple[str, str]]:
    """The town's rows as COPY text, in blocks ``(table, text)``; each table's rows in
    order. ``interleave``: every table's block as soon as it has ``BLOCK_ROWS`` rows;
    otherwise the 住民票 versions every ``CHUNK_ROWS`` rows (small enough to land in the
    socket's buffers at once) and the other tables at the end. ``counts`` is filled at
    the end (rows per table, 住登外 persons)."""
    atena_t, rireki_t, setai_t = (m._meta.db_table for m in (Atena, AtenaRireki, Setai))
    atena_id = bases[atena_t]
    rireki_id = bases[rireki_t]
    setai_id = bases[setai_t]
    setai_base = bases[setai_t]
    serial = 0
    ido = str(ido_id)
    atena_lines: list[str] = []
    rireki_lines: list[str] = []
    setai_lines: list[str] = []
    add_atena = atena_lines.append
    add_rireki = rireki_lines.append
    add_setai = setai_lines.append
    setai_no = ATENA_NO_CHECK.number
    atena_no = ATENA_NO_CHECK.number
    # ATENA_NO_CHECK.number(serial), inline for the 宛名番号 of every person.
    a_low, a_mid, a_high, a_fold = (
        ATENA_NO_CHECK.low,
        ATENA_NO_CHECK.mid,
        ATENA_NO_CHECK.high,
        ATENA_NO_CHECK.fold,
    )
    a_width = f"0{ATENA_NO_CHECK.length}d"
    person_text = _person_text
    iso = gen.iso
    join = "\t".join
    # The fixed ends of the rows (same text as field by field).
    open_tail = f"\t{NULL}\t{ido}\t{NULL}\tf\t{NULL}\t{now}\n"
    closed_tail = f"\t{ido}\t{ido}\tf\t{NULL}\t{now}\n"
    setai_tail = f"\t{now}\n"
    rireki_block = BLOCK_ROWS if interleave else CHUNK_ROWS
    others_block = BLOCK_ROWS if interleave else 1 << 62
    it: Iterator[list[dict[str, Any]]] = gen.stream()
    while True:
        members = next(it, None)
        if members is None:
            break
        setai_id += 1
        add_setai(f"{setai_id}\t{setai_no(setai_id - setai_base)}{setai_tail}")
        sid = str(setai_id)
        for p in members:
            atena_id += 1
            serial += 1
            p["setai_id"] = sid
            text = join(person_text(p))
            aid = str(atena_id)
            check = a_fold[
                (
                    a_low[serial % 100000]
                    + a_mid[serial // 100000 % 100000]
                    + a_high[serial // 10**10]
                )
                % 11
            ]
            rireki_id += 1
            if "_before" in p:
                before = join(person_text({**p, **p["_before"]}))
                shojo = p["shojo_date"]
                add_rireki(
                    f"{rireki_id}\t{before}\t{aid}\t{iso(p['_valid_from'])}\t{shojo}{closed_tail}"
                )
                rireki_id += 1
                add_rireki(f"{rireki_id}\t{text}\t{aid}\t{shojo}{open_tail}")
                version = "2"
            else:
                add_rireki(f"{rireki_id}\t{text}\t{aid}\t{iso(p['_valid_from'])}{open_tail}")
                version = "1"
            add_atena(
                f"{aid}\t{text}\t{serial:{a_width}}{check}\t{p['kana_key']}"
                f"\t{p['name_key']}\t{version}\t{now}\n"
            )
        if len(rireki_lines) >= rireki_block:
            yield rireki_t, "".join(rireki_lines)
            rireki_lines.clear()
        if len(atena_lines) >= others_block:
            yield atena_t, "".join(atena_lines)
            atena_lines.clear()
        if len(setai_lines) >= others_block:
            yield setai_t, "".join(setai_lines)
            setai_lines.clear()
    jutogai = 0
    for p in gen.jutogai_persons():
        atena_id += 1
        serial += 1
        jutogai += 1
        add_atena(
            f"{atena_id}\t{join(person_text(p))}\t{atena_no(serial)}"
            f"\t{p['kana_key']}\t{p['name_key']}\t1\t{now}\n"
        )
    for table, lines in ((rireki_t, rireki_lines), (atena_t, atena_lines), (setai_t, setai_lines)):
        for i in range(0, len(lines), BUFFERED_ROWS):
            yield table, "".join(lines[i : i + BUFFERED_ROWS])
    counts.update(
        {
            atena_t: atena_id - bases[atena_t],
            rireki_t: rireki_id - bases[rireki_t],
            setai_t: setai_id - bases[setai_t],
            "jutogai": jutogai,
        }
    )


_HEADER = struct.Struct("<BQ")  # table number (or _END / _FAILED), payload length
_END, _FAILED = 255, 254


def _from_child(
    streamer: _Streamer,
    gen: TownGenerator,
    bases: dict[str, int],
    ido_id: int,
    now: str,
    clock: Clock,
    counts: dict[str, int],
) -> None:
    """Fork a child that runs ``_blocks`` and writes them to a pipe; send what arrives.

    The child only generates (no database, no logging) and leaves with ``os._exit``;
    at the end it sends what the loader needs of the generator's state (支援措置, 除票
    count), or its error. This process's time waiting for the child counts as
    "generate", its time sending as "copy"; the child's CPU time as "generate_cpu"."""
    tables = [m._meta.db_table for m in (Atena, AtenaRireki, Setai)]
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # Linux: a bigger pipe
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb", buffering=1 << 20) as out:
                try:
                    child_counts: dict[str, int] = {}
                    for table, text in _blocks(
                        gen, bases, ido_id, now, child_counts, interleave=True
                    ):
                        data = text.encode()
                        out.write(_HEADER.pack(tables.index(table), len(data)))
                        out.write(data)
                    state = (child_counts, gen.johyo_count, gen.shien, gen.count, gen.households)
                    data = pickle.dumps(state)
                    out.write(_HEADER.pack(_END, len(data)))
                    out.write(data)
                except BaseException as exc:  # reported to the parent, which raises it
                    code = 1
                    data = pickle.dumps(f"{type(exc).__name__}: {exc}")
                    out.write(_HEADER.pack(_FAILED, len(data)))
                    out.write(data)
        finally:
            os._exit(code)
    os.close(write_fd)
    reaped = False
    try:
        with os.fdopen(read_fd, "rb", buffering=1 << 20) as pipe:
            while True:
                with clock("generate"):
                    header = pipe.read(_HEADER.size)
                    if len(header) < _HEADER.size:
                        raise SynthLoadError("合成データの生成が途中で終了しました。")
                    number, length = _HEADER.unpack(header)
                    payload = pipe.read(length)
                    if len(payload) < length:
                        raise SynthLoadError("合成データの生成が途中で終了しました。")
                if number == _END:
                    state = pickle.loads(payload)  # noqa: S301 (our own child's data)
                    counts.update(state[0])
                    gen.johyo_count, gen.shien, gen.count, gen.households = state[1:]
                    break
                if number == _FAILED:
                    raise SynthLoadError(
                        f"合成データの生成に失敗しました: {pickle.loads(payload)}"  # noqa: S301
                    )
                streamer.put(tables[number], payload)
        _pid, _status, usage = os.wait4(pid, 0)
        reaped = True
        clock.spent["generate_cpu"] = usage.ru_utime + usage.ru_stime
    finally:
        if not reaped:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def _shien(gen: TownGenerator, *, atena_base: int, actor: Actor) -> tuple[int, int]:
    """支援措置 for the chosen persons, each with an error-level 抑止 of 発行 and 照会."""
    shien = ShienSochi.objects.bulk_create(
        ShienSochi(
            atena_id=atena_base + row.person_index + 1,
            start_date=row.start,
            end_date=row.end,
            moshide_date=row.moshide,
            note="データ移行（合成データ）",
            created_by=actor.username,
        )
        for row in gen.shien
    )
    yokushi = Yokushi.objects.bulk_create(
        Yokushi(
            atena_id=s.atena_id,
            process=process,
            level=YokushiLevel.ERROR,
            start_date=s.start_date,
            reason="DV等支援措置",
            shien_sochi=s,
            created_by=actor.username,
        )
        for s in shien
        for process in (YokushiProcess.HAKKO, YokushiProcess.SHOKAI)
    )
    return len(shien), len(yokushi)
