"""初期データ移行: a whole registry handed over by a former system, loaded as this town's own
data (標準仕様書 10.6, the receiving side). The counterpart of ``selectors.iko``: the same
four sets (住登者, 住民票の版, 異動, 世帯) and the same item names (``ITEMS_OF``), so what
``held_read`` gives out, :func:`iko_begin` takes in.

The caller (the 中間標準レイアウト import of ``migration_io``) opens one transaction,
calls :func:`iko_begin` with the items each of its files carries (a set may come in
several parts: a layout file and its 独自項目 file), streams the records into temporary
staging tables by COPY (:meth:`IkoStaging.part`), asks for the registry's own checks
(:meth:`IkoStaging.problems`: keys, references between the sets, 世帯主 and 世帯員数, one
open version per person) and, when there are none, loads everything set-based
(:meth:`IkoStaging.load`): ids given in file order, references resolved by joins, the
numbering sequences moved past the loaded numbers, one access-log row and the event
``juminkiroku.iko_load`` for the other modules. A failure anywhere rolls the caller's
transaction back and leaves the town as it was.

Only a town whose registry is empty takes a load (an 初期データ移行): the 履歴番号 of the
file are kept as the versions' ids, and the 異動番号, 宛名番号 and 世帯番号 as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from psycopg import sql

from juminkiroku.codes import AtenaKubun, JuminJotai, Zokugara
from juminkiroku.events import IKO_LOAD, IkoLoadPayload
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, AtenaRireki, Ido, Setai
from juminkiroku.rules.kana import kana_key, kana_key_tail, name_key
from juminkiroku.selectors.iko import ITEMS_OF, HeldItem, HeldSet
from juminkiroku.services.numbering import ATENA_SEQ, IDO_SEQ, SETAI_SEQ
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.events.services import event_publish

#: the key of each set (unique in a load)
KEYS: dict[HeldSet, str] = {
    "persons": "atena_no",
    "versions": "rireki_id",
    "idos": "ido_no",
    "households": "setai_no",
}
#: references between the sets: (set, item) → (set, item)
REFERENCES: tuple[tuple[HeldSet, str, HeldSet, str], ...] = (
    ("persons", "setai_no", "households", "setai_no"),
    ("versions", "atena_no", "persons", "atena_no"),
    ("versions", "ido_no", "idos", "ido_no"),
    ("versions", "closed_by_ido_no", "idos", "ido_no"),
    ("versions", "superseded_by_ido_no", "idos", "ido_no"),
    ("versions", "reopens_rireki_id", "versions", "rireki_id"),
    ("versions", "setai_no", "households", "setai_no"),
    ("idos", "cancels_ido_no", "idos", "ido_no"),
    ("idos", "setai_no", "households", "setai_no"),
    ("households", "setainushi_atena_no", "persons", "atena_no"),
)
#: items derived from the other sets when exported: checked, never stored
DERIVED = {"households": ("setainushi_atena_no", "member_count")}
#: problems listed at most (the file is refused at the first anyway)
MAX_PROBLEMS = 1000

_SQL_TYPE = {
    "text": "text",
    "date": "date",
    "bool": "boolean",
    "int": "bigint",
    "datetime": "timestamptz",
}
_SEARCH_KEYS = ("kana_key", "name_key")


class IkoRefused(Exception):
    """A load refused before anything was written (Japanese message, nothing personal)."""


@dataclass(frozen=True)
class IkoProblem:
    """One finding of the registry's checks: the set and part the record came in, its
    line there, the held item (empty for the record as a whole) and a Japanese message
    that names no value. ``warning`` findings do not stop the load."""

    set: HeldSet
    part: int
    line: int
    item: str
    message: str
    warning: bool = False
    #: the record's place in its part (1 = the first record), beside the line (a file
    #: may hold several records on one line, as an XML written without line breaks does)
    record: int = 0


@dataclass(frozen=True)
class IkoResult:
    persons: int
    versions: int
    idos: int
    households: int
    first_atena_id: int | None
    last_atena_id: int | None


def _joined_columns(held: HeldSet) -> list[str]:
    """The columns of a set that the checks and the load join or filter on: only they are
    ANALYZEd, in each part that carries them (statistics of every column of a 60-column
    table took longer than the checks themselves: 7 of 30 s for 100,000 records)."""
    columns = {KEYS[held]}
    for src, item, dst, target in REFERENCES:
        if src == held:
            columns.add(item)
        if dst == held:
            columns.add(target)
    columns |= set(_FILTERED.get(held, ()))
    return sorted(columns)


#: columns the checks filter or group on beside the references
_FILTERED: dict[HeldSet, tuple[str, ...]] = {
    "persons": ("jotai", "kubun", "zokugara"),
    "versions": ("valid_to", "superseded"),
}


#: the statistics target of the staging tables' ANALYZE: a sample of 300 × 10 rows tells
#: the planner a key from a flag (all it needs for the checks' joins) at a tenth of the
#: default's reading
_STATISTICS_TARGET = "10"


def _analyze(cur: Any, table: sql.Identifier, columns: Sequence[str]) -> None:
    cur.execute("SELECT current_setting('default_statistics_target')")
    default = cur.fetchone()[0]
    cur.execute("SELECT set_config('default_statistics_target', %s, true)", [_STATISTICS_TARGET])
    cur.execute(
        sql.SQL("ANALYZE {} ({})").format(table, sql.SQL(", ").join(map(sql.Identifier, columns)))
    )
    cur.execute("SELECT set_config('default_statistics_target', %s, true)", [default])


def registry_is_empty() -> bool:
    """No person, version, household or 本登録 of any kind: a town that can take a load."""
    return not (
        Atena.objects.exists()
        or Setai.objects.exists()
        or AtenaRireki.objects.exists()
        or Ido.objects.exists()
    )


def _items(held: HeldSet) -> dict[str, HeldItem]:
    return {i.name: i for i in ITEMS_OF[held]}


def _part_table(held: HeldSet, part: int) -> str:
    return f"iko_{held}_{part}"


def _merged(held: HeldSet) -> str:
    return f"iko_{held}"


#: what COPY's text format escapes in a value (a checked text has none but ``\\``)
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
#: distinct readings whose search key is remembered in one part (bounded: flat memory)
_KEY_MEMO = 10_000


def _copy_value(value: Any) -> str | None:
    """A held value as PostgreSQL input text (None: NULL)."""
    if value is None:
        return None
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _copy_column(values: Sequence[str | None]) -> Sequence[str]:
    """A column of input texts as COPY text fields (NULL as ``\\N``, specials escaped)."""
    if None in values:
        return [
            "\\N" if v is None else v.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(v) else v
            for v in values
        ]
    if _COPY_SPECIAL.search("".join(values)):  # type: ignore[arg-type]
        return [v.translate(_COPY_ESCAPES) for v in values]  # type: ignore[union-attr]
    return values  # type: ignore[return-value]


class IkoPartWriter:
    """Rows of one staging part, sent as COPY text: one record (:meth:`write`) or a batch
    given column by column (:meth:`write_columns`, the bulk import's path)."""

    def __init__(
        self, copy: Any, columns: list[str], search_keys: bool, texts: Sequence[str] = ()
    ) -> None:
        self.copy = copy
        self.columns = columns
        #: the text columns: an absent value is staged as the empty text, never NULL
        self.texts = frozenset(texts)
        self.search_keys = search_keys
        self.rows = 0
        self._keys: dict[str, tuple[str, str]] = {}
        self._kana_left: dict[str, str] = {}
        self._kana_tail: dict[tuple[str, str], str] = {}

    def write(self, line: int, values: dict[str, Any]) -> None:
        """One record, its values by held item name (Python values)."""
        self.write_columns([line], {c: [_copy_value(values.get(c))] for c in self.columns})

    def write_columns(
        self, lines: Sequence[int], columns: Mapping[str, Sequence[str | None]]
    ) -> None:
        """A batch of records: ``lines`` (where each starts in its file) and, for every held
        item of the part, the records' values as PostgreSQL input text of the item's kind
        (``2025-10-01`` or ``20251001``, ``t``/``f``, digits, ISO 8601; None for NULL)."""
        count = len(lines)
        if not count:
            return
        fields: list[Sequence[str]] = [
            list(map(str, lines)),
            list(map(str, range(self.rows + 1, self.rows + count + 1))),
        ]
        for c in self.columns:
            values = columns[c]
            if len(values) != count:
                raise ValueError(f"column {c}: {len(values)} values for {count} records")
            if c in self.texts and None in values:
                values = ["" if v is None else v for v in values]
            fields.append(_copy_column(values))
        if self.search_keys:
            kana = columns.get("shimei_kana") or [""] * count
            shimei = columns.get("shimei") or [""] * count
            keys = list(map(self._search_keys, kana, shimei))
            fields.append(_copy_column([k[0] for k in keys]))
            fields.append(_copy_column([k[1] for k in keys]))
        self.copy.write("\n".join(map("\t".join, zip(*fields, strict=True))) + "\n")
        self.rows += count

    def write_text(self, text: bytes, rows: int) -> None:
        """COPY text made by another writer of this part (:meth:`IkoStaging.part_writer`,
        in the process that checked the file), ``rows`` records of it, in order."""
        self.copy.write(text)
        self.rows += rows

    def _search_keys(self, kana: str | None, shimei: str | None) -> tuple[str, str]:
        pair = (kana or "") + "\x00" + (shimei or "")
        found = self._keys.get(pair)
        if found is None:
            if len(self._keys) >= _KEY_MEMO:
                self._keys.clear()
            found = self._keys[pair] = (self._kana_key(kana or ""), name_key(shimei or ""))
        return found

    def _kana_key(self, kana: str) -> str:
        """``kana_key(kana)``, with 姓 and 名 (the parts before and after the last space)
        folded once each: ``kana_key_tail`` continues the key of the part before, and
        only its last character matters, so a family name is folded once for all who
        bear it and a given name once per last character of the family names before it.
        A reading whose 名 starts with a kana joined to the one before (``ァ``, a voicing
        mark, a half-width kana …) is folded whole. Readings are mostly distinct pairs
        of common parts: 40,480 readings of the synthetic town took a third of the CPU
        of folding each whole (0.11 against 0.33 s), the same keys."""
        cut = max(kana.rfind("\u3000"), kana.rfind(" "))
        if cut <= 0:
            return kana_key(kana)
        left, tail = kana[: cut + 1], kana[cut + 1 :]
        lefts, tails = self._kana_left, self._kana_tail
        left_key = lefts.get(left)
        if left_key is None:
            if len(lefts) >= _KEY_MEMO:
                lefts.clear()
            left_key = lefts[left] = kana_key(left)
        place = (left_key[-1:], tail)
        tail_key = tails.get(place)
        if tail_key is None:
            found = kana_key_tail(left_key, tail)
            if found is None:
                return kana_key(kana)
            if len(tails) >= _KEY_MEMO:
                tails.clear()
            tail_key = tails[place] = found
        return left_key + tail_key


class IkoStaging:
    """The staging tables of one load (temporary, dropped at the end of the transaction)."""

    def __init__(self, parts: dict[HeldSet, list[list[str]]]) -> None:
        self.parts = parts
        self.columns_of: dict[tuple[HeldSet, int], list[str]] = {}
        self.part_of: dict[tuple[HeldSet, str], int] = {}
        for held, lists in parts.items():
            known = _items(held)
            for index, columns in enumerate(lists):
                unknown = [c for c in columns if c not in known]
                if unknown:
                    raise ValueError(f"{held}: items not held: {unknown}")
                if KEYS[held] not in columns:
                    raise ValueError(f"{held} part {index} lacks the key {KEYS[held]}")
                self.columns_of[(held, index)] = list(columns)
                for c in columns:
                    if c != KEYS[held]:
                        self.part_of.setdefault((held, c), index)
            self.part_of[(held, KEYS[held])] = 0
        missing = [s for s in KEYS if s not in parts]
        if missing:
            raise ValueError(f"sets missing: {missing}")
        self.merged = False
        #: why this staging may not load (a town that already has a registry), or None
        self.refused: str | None = None

    # --- staging ---------------------------------------------------------------------

    def _create(self) -> None:
        with connection.cursor() as cur:
            for held in KEYS:  # a view left by an earlier load of this session
                cur.execute(
                    sql.SQL("DROP VIEW IF EXISTS pg_temp.{}").format(sql.Identifier(_merged(held)))
                )
            for (held, index), columns in self.columns_of.items():
                items = _items(held)
                defs: list[sql.Composable] = [
                    sql.SQL("line integer NOT NULL"),
                    sql.SQL("seq integer NOT NULL"),
                ]
                defs += [
                    sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_SQL_TYPE[items[c].kind]))
                    for c in columns
                ]
                if self._search_keys(held, index):
                    defs += [sql.SQL("{} text").format(sql.Identifier(k)) for k in _SEARCH_KEYS]
                table = sql.Identifier(_part_table(held, index))
                cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(table))
                cur.execute(
                    sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
                        table, sql.SQL(", ").join(defs)
                    )
                )

    def _analyzed(self, held: HeldSet, index: int) -> list[str]:
        """The columns of a part whose statistics the checks' plans need: its key and those
        of :func:`_joined_columns` it carries."""
        carried = set(self.columns_of[(held, index)])
        return [c for c in _joined_columns(held) if c in carried]

    def _search_keys(self, held: HeldSet, index: int) -> bool:
        return held == "persons" and self.part_of.get(("persons", "shimei")) == index

    @contextmanager
    def part(self, held: HeldSet, index: int) -> Iterator[IkoPartWriter]:
        """COPY the records of one part (once per part): ``writer.write(line, values)``
        per record, the values by held item name (the caller has checked and decoded
        them); the writer numbers the records 1, 2, … (``seq``) in the order given."""
        columns = self.columns_of[(held, index)]
        names = ["line", "seq", *columns]
        if self._search_keys(held, index):
            names += list(_SEARCH_KEYS)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(_part_table(held, index)),
            sql.SQL(", ").join(map(sql.Identifier, names)),
        )
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(statement) as copy:
            yield self.part_writer(held, index, copy)

    def part_writer(self, held: HeldSet, index: int, out: Any) -> IkoPartWriter:
        """A writer of the part's COPY text into ``out`` (anything with ``write(str)``):
        what :meth:`part` gives, without the database, for a process that checks one file
        while this one loads another; the text is sent later by :meth:`part` and
        :meth:`IkoPartWriter.write_text`."""
        columns = self.columns_of[(held, index)]
        return IkoPartWriter(
            out,
            columns,
            self._search_keys(held, index),
            texts=[c for c in columns if _items(held)[c].kind == "text"],
        )

    def _merge(self) -> None:
        """One view per set with every held item (from the part that carries it, or its
        empty value), the line of each part and ``n``, the record's place in the file: the
        parts joined by their key where a query reads them (a view, not a table: a copy of
        every wide row cost a quarter of the checks, and the load reads each row once)."""
        if self.merged:
            return
        with connection.cursor() as cur:
            for held in KEYS:
                key = KEYS[held]
                items = _items(held)
                count = len(self.parts[held])
                # n: part 0's seq, which its writer numbers 1, 2, … in file order (no
                # window over the wide rows: its sort was a third of the merge)
                selects: list[sql.Composable] = [sql.SQL("p0.seq::bigint AS n")]
                for i in range(count):
                    for column in ("line", "seq"):
                        selects.append(
                            sql.SQL("p{}.{} AS {}").format(
                                sql.SQL(str(i)),
                                sql.Identifier(column),
                                sql.Identifier(f"{column}_{i}"),
                            )
                        )
                for name, item in items.items():
                    index = self.part_of.get((held, name))
                    if index is None:
                        expr: sql.Composable = sql.SQL("NULL::{}").format(
                            sql.SQL(_SQL_TYPE[item.kind])
                        )
                    else:
                        expr = sql.SQL("p{}.{}").format(sql.SQL(str(index)), sql.Identifier(name))
                    if item.kind == "text" and index != 0:
                        # (part 0 has every record, and its writer stages no NULL text:
                        # its column as it is, so the planner knows its statistics)
                        expr = sql.SQL("COALESCE({}, '')").format(expr)
                    elif item.kind == "bool":
                        expr = sql.SQL("COALESCE({}, false)").format(expr)
                    selects.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(name)))
                if held == "persons":
                    index = self.part_of.get(("persons", "shimei"), 0)
                    for k in _SEARCH_KEYS:
                        selects.append(
                            sql.SQL("COALESCE(p{}.{}, '') AS {}").format(
                                sql.SQL(str(index)), sql.Identifier(k), sql.Identifier(k)
                            )
                        )
                joins: list[sql.Composable] = [
                    sql.SQL("{} p0").format(sql.Identifier(_part_table(held, 0)))
                ]
                for i in range(1, count):
                    joins.append(
                        sql.SQL("LEFT JOIN {t} p{i} ON p{i}.{k} = p0.{k}").format(
                            t=sql.Identifier(_part_table(held, i)),
                            i=sql.SQL(str(i)),
                            k=sql.Identifier(key),
                        )
                    )
                # every part's key is unique (the checks said so): with a unique index
                # on it, the planner leaves out the join of a part none of whose columns
                # a query reads, and finds a record by its key
                for i in range(count):
                    cur.execute(
                        sql.SQL("CREATE UNIQUE INDEX ON {} ({})").format(
                            sql.Identifier(_part_table(held, i)), sql.Identifier(key)
                        )
                    )
                merged = sql.Identifier(_merged(held))
                cur.execute(sql.SQL("DROP VIEW IF EXISTS pg_temp.{}").format(merged))
                cur.execute(
                    sql.SQL("CREATE TEMP VIEW {} AS SELECT {} FROM {}").format(
                        merged, sql.SQL(", ").join(selects), sql.SQL(" ").join(joins)
                    )
                )
        self.merged = True

    # --- checks ------------------------------------------------------------------------

    def problems(self) -> list[IkoProblem]:
        """The registry's checks over everything staged (set-based, a few queries a set);
        at most :data:`MAX_PROBLEMS`. Warnings (世帯主不在, 標準仕様書 4.0.4) come last."""
        found: list[IkoProblem] = []
        with connection.cursor() as cur:
            for held in KEYS:
                key = KEYS[held]
                for index in range(len(self.parts[held])):
                    table = sql.Identifier(_part_table(held, index))
                    _analyze(cur, table, self._analyzed(held, index))
                    cur.execute(
                        sql.SQL(
                            "SELECT line, seq FROM (SELECT line, seq,"
                            " count(*) OVER (PARTITION BY {k}) AS c"
                            " FROM {t}) AS d WHERE c > 1 ORDER BY seq LIMIT %s"
                        ).format(k=sql.Identifier(key), t=table),
                        [MAX_PROBLEMS],
                    )
                    for line, seq in cur.fetchall():
                        found.append(
                            IkoProblem(
                                held,
                                index,
                                line,
                                key,
                                "同じキーの行がほかにもあります。",
                                record=seq,
                            )
                        )
                    if index:
                        cur.execute(
                            sql.SQL(
                                "SELECT line, seq FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM {m} m"
                                " WHERE m.{k} = x.{k}) ORDER BY seq LIMIT %s"
                            ).format(
                                t=table,
                                m=sql.Identifier(_part_table(held, 0)),
                                k=sql.Identifier(key),
                            ),
                            [MAX_PROBLEMS],
                        )
                        for line, seq in cur.fetchall():
                            found.append(
                                IkoProblem(
                                    held,
                                    index,
                                    line,
                                    key,
                                    "対応する本体のレコードがありません。",
                                    record=seq,
                                )
                            )
            if self.refused:
                found += self._held_already(cur)
            if found:
                return found[:MAX_PROBLEMS]
            self._merge()
            for src, item, dst, target in REFERENCES:
                carried = self.part_of.get((src, item))
                if carried is None:
                    continue
                index = carried
                kind = _items(src)[item].kind
                present = (
                    sql.SQL("s.{} <> ''") if kind == "text" else sql.SQL("s.{} IS NOT NULL")
                ).format(sql.Identifier(item))
                cur.execute(
                    sql.SQL(
                        "SELECT s.{line}, s.{seq} FROM {s} s WHERE {present} AND NOT EXISTS"
                        " (SELECT 1 FROM {d} d WHERE d.{t} = s.{i}) ORDER BY 2 LIMIT %s"
                    ).format(
                        line=sql.Identifier(f"line_{index}"),
                        seq=sql.Identifier(f"seq_{index}"),
                        s=sql.Identifier(_merged(src)),
                        present=present,
                        d=sql.Identifier(_merged(dst)),
                        t=sql.Identifier(target),
                        i=sql.Identifier(item),
                    ),
                    [MAX_PROBLEMS],
                )
                for line, seq in cur.fetchall():
                    found.append(
                        IkoProblem(
                            src, index, line, item, "参照先のレコードがありません。", record=seq
                        )
                    )
            found += self._version_problems(cur)
            found += self._household_problems(cur)
        errors = [p for p in found if not p.warning]
        warnings = [p for p in found if p.warning]
        return (errors + warnings)[:MAX_PROBLEMS]

    def _held_already(self, cur: Any) -> list[IkoProblem]:
        """A 追加 import (the town already has a registry): each record whose key, or
        住民票コード, the town already holds, by line (the load is refused as a whole)."""
        out: list[IkoProblem] = []
        for held, item, table, column, word in _HELD_ALREADY:
            index = self.part_of.get((held, item))
            if index is None:
                continue
            cur.execute(
                sql.SQL(
                    "SELECT s.line, s.seq FROM {s} s WHERE s.{i} IS NOT NULL AND s.{i}::text <> ''"
                    " AND EXISTS (SELECT 1 FROM {t} x WHERE x.{c} = s.{i}) ORDER BY s.seq LIMIT %s"
                ).format(
                    s=sql.Identifier(_part_table(held, index)),
                    i=sql.Identifier(item),
                    t=sql.Identifier(table),
                    c=sql.Identifier(column),
                ),
                [MAX_PROBLEMS],
            )
            out += [
                IkoProblem(
                    held,
                    index,
                    line,
                    item,
                    f"この団体に既にある{word}です（取込は空の団体への初期データ移行だけです）。",
                    record=seq,
                )
                for line, seq in cur.fetchall()
            ]
        return out

    def _line(self, held: HeldSet, item: str) -> tuple[int, sql.Composable]:
        """The part that carries ``item`` and the SQL of its (line, record) columns."""
        index = self.part_of.get((held, item), 0)
        return index, sql.SQL("{}, {}").format(
            sql.Identifier(f"line_{index}"), sql.Identifier(f"seq_{index}")
        )

    def _version_problems(self, cur: Any) -> list[IkoProblem]:
        out: list[IkoProblem] = []
        index, line = self._line("versions", "valid_to")
        cur.execute(
            sql.SQL(
                "SELECT {l} FROM iko_versions WHERE valid_to < valid_from ORDER BY 2 LIMIT %s"
            ).format(l=line),
            [MAX_PROBLEMS],
        )
        out += [
            IkoProblem(
                "versions",
                index,
                r[0],
                "valid_to",
                "有効終了日が有効開始日より前です。",
                record=r[1],
            )
            for r in cur.fetchall()
        ]
        index, _ = self._line("versions", "atena_no")
        cur.execute(
            sql.SQL(
                "SELECT max({l}), max({q}) FROM iko_versions"
                " WHERE valid_to IS NULL AND NOT superseded"
                " GROUP BY atena_no HAVING count(*) > 1 ORDER BY 2 LIMIT %s"
            ).format(l=sql.Identifier(f"line_{index}"), q=sql.Identifier(f"seq_{index}")),
            [MAX_PROBLEMS],
        )
        out += [
            IkoProblem(
                "versions",
                index,
                r[0],
                "valid_to",
                "同じ人に現在有効な版が2つ以上あります。",
                record=r[1],
            )
            for r in cur.fetchall()
        ]
        return out

    def _household_problems(self, cur: Any) -> list[IkoProblem]:
        """世帯主 and 世帯員数 (標準仕様書 1.1.10): a household's residents have one 世帯主; none
        only when two or more are left without one (4.0.4, a warning); the 世帯主 the 世帯
        record names is that resident; the 世帯員数 is the number of its residents."""
        out: list[IkoProblem] = []
        index, line = self._line("households", "setainushi_atena_no")
        cur.execute(
            sql.SQL(
                "WITH r AS (SELECT setai_no, count(*) AS n,"
                " count(*) FILTER (WHERE zokugara = %(head)s) AS heads,"
                " min(atena_no) FILTER (WHERE zokugara = %(head)s) AS head_no"
                " FROM iko_persons WHERE jotai = %(jumin)s AND kubun = %(jutosha)s"
                " AND setai_no <> '' GROUP BY setai_no)"
                " SELECT h.{l}, COALESCE(r.n, 0), COALESCE(r.heads, 0), r.head_no,"
                " h.setainushi_atena_no, h.member_count"
                " FROM iko_households h LEFT JOIN r ON r.setai_no = h.setai_no"
                " WHERE COALESCE(r.heads, 0) <> 1 OR COALESCE(r.n, 0) <> h.member_count"
                " OR h.setainushi_atena_no IS DISTINCT FROM COALESCE(r.head_no, '')"
                " ORDER BY 2 LIMIT %(limit)s"
            ).format(l=line),
            {
                "head": Zokugara.HONNIN.value,
                "jumin": JuminJotai.JUMIN.value,
                "jutosha": AtenaKubun.JUTOSHA.value,
                "limit": MAX_PROBLEMS,
            },
        )
        for at, seq, n, heads, head_no, named, count in cur.fetchall():
            if heads > 1:
                out.append(
                    IkoProblem(
                        "households",
                        index,
                        at,
                        "",
                        "世帯主（続柄 世帯主）が2人以上います。",
                        record=seq,
                    )
                )
            elif named and named != (head_no or ""):
                out.append(
                    IkoProblem(
                        "households",
                        index,
                        at,
                        "setainushi_atena_no",
                        "世帯主の宛名番号が、この世帯の住民で続柄が世帯主の人ではありません。",
                        record=seq,
                    )
                )
            elif heads == 0 and n == 1:
                out.append(
                    IkoProblem(
                        "households",
                        index,
                        at,
                        "",
                        "世帯員が1人なのに世帯主がいません。",
                        record=seq,
                    )
                )
            elif heads == 0 and n >= 2 and not named:
                out.append(
                    IkoProblem(
                        "households",
                        index,
                        at,
                        "",
                        "世帯主のいない世帯です（標準仕様書4.0.4の世帯主不在として読み込みます）。",
                        warning=True,
                        record=seq,
                    )
                )
            if n != (count or 0):
                mindex, mline = index, at
                out.append(
                    IkoProblem(
                        "households",
                        mindex,
                        mline,
                        "member_count",
                        f"世帯員数が住民情報の住民の数（{n}人）と一致しません。",
                        record=seq,
                    )
                )
        index, line = self._line("persons", "setai_no")
        cur.execute(
            sql.SQL(
                "SELECT {l} FROM iko_persons WHERE jotai = %s AND kubun = %s AND setai_no = ''"
                " ORDER BY 2 LIMIT %s"
            ).format(l=line),
            [JuminJotai.JUMIN.value, AtenaKubun.JUTOSHA.value, MAX_PROBLEMS],
        )
        out += [
            IkoProblem(
                "persons", index, r[0], "setai_no", "住民なのに世帯番号がありません。", record=r[1]
            )
            for r in cur.fetchall()
        ]
        return out

    # --- the load ----------------------------------------------------------------------

    def load(self, *, actor: Actor, note: str = "") -> IkoResult:
        """Insert everything staged (call after :meth:`problems` found no error)."""
        if self.refused:
            raise IkoRefused(self.refused)
        self._merge()
        tables = {
            "persons": Atena._meta.db_table,
            "versions": AtenaRireki._meta.db_table,
            "idos": Ido._meta.db_table,
            "households": Setai._meta.db_table,
        }
        with connection.cursor() as cur:
            # ACCESS EXCLUSIVE: the load drops and rebuilds the tables' own indexes and
            # foreign keys (below); the registry is empty, so only readers of an empty
            # registry wait, and only until the import's commit
            cur.execute(
                sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in tables.values())
                )
            )
            if not registry_is_empty():
                raise IkoRefused(REFUSED_NOT_EMPTY)
            base: dict[str, int] = {}
            for name, table in tables.items():
                cur.execute(
                    sql.SQL("SELECT COALESCE(max(id), 0) FROM {}").format(sql.Identifier(table))
                )
                base[name] = int(cur.fetchone()[0])
            with _bulk_inserts(cur, list(tables.values())):
                self._insert_households(cur, tables["households"], base["households"])
                self._insert_idos(cur, tables["idos"], base, note)
                self._insert_persons(cur, tables["persons"], base)
                self._insert_versions(cur, tables["versions"], base)
            counts: dict[str, int] = {}
            for name, table in tables.items():
                cur.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(f"iko_{name}"))
                )
                counts[name] = int(cur.fetchone()[0])
                cur.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                        " GREATEST((SELECT COALESCE(max(id), 0) FROM {}), 1))"
                    ).format(sql.Identifier(table)),
                    [table],
                )
            for seq, merged, column in (
                (ATENA_SEQ, "iko_persons", "atena_no"),
                (SETAI_SEQ, "iko_households", "setai_no"),
            ):
                cur.execute(
                    sql.SQL(
                        "SELECT max(left({c}, 9)::bigint) FROM {m} WHERE {c} ~ '^[0-9]{{10}}$'"
                    ).format(c=sql.Identifier(column), m=sql.Identifier(merged))
                )
                self._advance(cur, seq, cur.fetchone()[0])
            cur.execute("SELECT max(ido_no::bigint) FROM iko_idos WHERE ido_no ~ '^[0-9]{1,15}$'")
            self._advance(cur, IDO_SEQ, cur.fetchone()[0])
        first = base["persons"] + 1 if counts["persons"] else None
        last = base["persons"] + counts["persons"] if counts["persons"] else None
        detail = {"counts": counts, "first_atena_id": first, "last_atena_id": last}
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=JUMINKIROKU,
            screen="初期データ移行（住民記録の読込）",
            record_type="atena",
            record_count=max(counts["persons"], 1),
            detail=detail,
        )
        event_publish(
            event=IKO_LOAD,
            payload=IkoLoadPayload(
                first_atena_id=first or 0,
                last_atena_id=last or 0,
                jumin_count=counts["persons"],
                setai_count=counts["households"],
            ),
            acting_user_id=actor.user_id,
        )
        return IkoResult(
            persons=counts["persons"],
            versions=counts["versions"],
            idos=counts["idos"],
            households=counts["households"],
            first_atena_id=first,
            last_atena_id=last,
        )

    @staticmethod
    def _advance(cur: Any, seq: str, value: int | None) -> None:
        if value:
            cur.execute(
                sql.SQL(
                    "SELECT setval({s}::regclass, GREATEST(%s, (SELECT last_value FROM {t})))"
                ).format(s=sql.Literal(seq), t=sql.Identifier(seq)),
                [int(value)],
            )

    def _insert_households(self, cur: Any, table: str, base: int) -> None:
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (id, setai_no, created_at)"
                " SELECT %s + n, setai_no, COALESCE(created_at, now()) FROM iko_households"
            ).format(sql.Identifier(table)),
            [base],
        )

    def _insert_idos(self, cur: Any, table: str, base: dict[str, int], note: str) -> None:
        payload = json.dumps({"iko": {"note": note}}, ensure_ascii=False)
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (id, ido_no, jiyu, ido_date, todoke_date, status, payload, note,"
                " entered_by_id, entered_by, entered_terminal, entered_at, approved_by_id,"
                " approved_by, approved_at, rejected_reason, cancels_id, setai_id)"
                " SELECT %(ido)s + i.n, i.ido_no, i.jiyu, i.ido_date, i.todoke_date, i.status,"
                " %(payload)s::jsonb, i.note, NULL, i.entered_by, i.entered_terminal,"
                " COALESCE(i.entered_at, now()), NULL, i.approved_by, i.approved_at, '',"
                " %(ido)s + c.n, %(setai)s + h.n"
                " FROM iko_idos i LEFT JOIN iko_idos c ON c.ido_no = i.cancels_ido_no"
                " LEFT JOIN iko_households h ON h.setai_no = i.setai_no"
            ).format(sql.Identifier(table)),
            {"ido": base["idos"], "setai": base["households"], "payload": payload},
        )

    def _person_columns(self) -> list[str]:
        return [i.name for i in ITEMS_OF["persons"] if i.name not in ("atena_no", "setai_no")]

    def _insert_persons(self, cur: Any, table: str, base: dict[str, int]) -> None:
        columns = self._person_columns()
        cur.execute(
            sql.SQL(
                "INSERT INTO {t} (id, {cols}, setai_id, atena_no, kana_key, name_key, version,"
                " updated_at)"
                " SELECT %(atena)s + p.n, {pcols}, %(setai)s + h.n, p.atena_no, p.kana_key,"
                " p.name_key, 1, now()"
                " FROM iko_persons p LEFT JOIN iko_households h ON h.setai_no = p.setai_no"
            ).format(
                t=sql.Identifier(table),
                cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
                pcols=sql.SQL(", ").join(
                    sql.SQL("p.{}").format(sql.Identifier(c)) for c in columns
                ),
            ),
            {"atena": base["persons"], "setai": base["households"]},
        )

    def _insert_versions(self, cur: Any, table: str, base: dict[str, int]) -> None:
        columns = self._person_columns()
        cur.execute(
            sql.SQL(
                "INSERT INTO {t} (id, {cols}, setai_id, atena_id, valid_from, valid_to, ido_id,"
                " closed_by_id, superseded, superseded_by_id, reopens_id, recorded_at)"
                " SELECT v.rireki_id, {vcols}, %(setai)s + h.n, %(atena)s + p.n, v.valid_from,"
                " v.valid_to, %(ido)s + i.n, %(ido)s + c.n, v.superseded, %(ido)s + s.n,"
                " v.reopens_rireki_id, COALESCE(v.recorded_at, now())"
                " FROM iko_versions v JOIN iko_persons p ON p.atena_no = v.atena_no"
                " JOIN iko_idos i ON i.ido_no = v.ido_no"
                " LEFT JOIN iko_idos c ON c.ido_no = v.closed_by_ido_no"
                " LEFT JOIN iko_idos s ON s.ido_no = v.superseded_by_ido_no"
                " LEFT JOIN iko_households h ON h.setai_no = v.setai_no"
            ).format(
                t=sql.Identifier(table),
                cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
                vcols=sql.SQL(", ").join(
                    sql.SQL("v.{}").format(sql.Identifier(c)) for c in columns
                ),
            ),
            {"atena": base["persons"], "setai": base["households"], "ido": base["idos"]},
        )


@contextmanager
def _bulk_inserts(cur: Any, tables: list[str]) -> Iterator[None]:
    """The load's INSERT … SELECT into ``tables`` (empty, locked ACCESS EXCLUSIVE) without
    their secondary indexes and their foreign keys, both put back as they were after:
    every index built once from the rows (a sort) instead of one entry per row in each of
    a dozen indexes, every foreign key checked once by one join of the two tables (what
    ``ALTER TABLE … ADD CONSTRAINT`` does) instead of one deferred trigger check per row
    at the commit. A rebuilt unique index or a foreign key that does not hold fails the
    load as the row would have (the registry's checks have proved both before).

    The definitions are read from the catalogue (``pg_get_indexdef``,
    ``pg_get_constraintdef``): the same names, columns, operator classes, predicates and
    ``DEFERRABLE INITIALLY DEFERRED``. The indexes and keys that back a constraint (primary
    keys, ``unique=True``) stay: other tables' keys depend on them. When the transaction
    already has deferred checks queued on these tables (PostgreSQL then refuses ALTER
    TABLE), the load runs with everything in place, as before."""
    oids = sql.SQL(", ").join(sql.Literal(t) for t in tables)
    cur.execute(
        sql.SQL(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
            " FROM pg_constraint c WHERE c.contype = 'f'"
            " AND c.conrelid = ANY(ARRAY[{}]::regclass[]) ORDER BY c.conrelid, c.conname"
        ).format(oids)
    )
    keys = cur.fetchall()
    cur.execute(
        sql.SQL(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i WHERE i.indrelid = ANY(ARRAY[{}]::regclass[])"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY i.indrelid, i.indexrelid"
        ).format(oids)
    )
    indexes = cur.fetchall()
    try:
        with transaction.atomic():
            for table, name, _ in keys:
                cur.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.SQL(table), sql.Identifier(name)
                    )
                )
            for name, _ in indexes:
                cur.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != _PENDING_TRIGGER_EVENTS:
            raise
        yield
        return
    yield
    cur.execute("SELECT current_setting('max_parallel_maintenance_workers')")
    workers = cur.fetchone()[0]
    # a build of a few ten thousand rows: parallel workers cost more than they give
    cur.execute("SELECT set_config('max_parallel_maintenance_workers', '0', true)")
    for _, definition in indexes:
        cur.execute(definition)
    cur.execute("SELECT set_config('max_parallel_maintenance_workers', %s, true)", [workers])
    for table, name, definition in keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
            )
        )


#: SQLSTATE of "cannot ALTER TABLE … because it has pending trigger events"
_PENDING_TRIGGER_EVENTS = "55006"

#: what a 追加 import is checked against: (set, item, table, column, its Japanese name)
_HELD_ALREADY: tuple[tuple[HeldSet, str, str, str, str], ...] = (
    ("persons", "juminhyo_code", Atena._meta.db_table, "juminhyo_code", "住民票コード"),
    ("persons", "atena_no", Atena._meta.db_table, "atena_no", "宛名番号"),
    ("households", "setai_no", Setai._meta.db_table, "setai_no", "世帯番号"),
    ("idos", "ido_no", Ido._meta.db_table, "ido_no", "異動番号"),
    ("versions", "rireki_id", AtenaRireki._meta.db_table, "id", "履歴番号"),
)
#: why a town with a registry takes no load
REFUSED_NOT_EMPTY = "この団体には既に住民記録があります。初期データ移行は空の団体にだけ行えます。"


def iko_begin(parts: dict[HeldSet, list[list[str]]], *, report_held: bool = False) -> IkoStaging:
    """Open a load inside the caller's transaction: ``parts`` names, for each set, the
    held items of each part (part 0 carries the set's key and its main items). Refuses
    (:class:`IkoRefused`) a town whose registry is not empty; with ``report_held`` such a
    town gets a staging that checks everything and reports (:meth:`IkoStaging.problems`)
    each record whose 住民票コード, 宛名番号, 世帯番号, 異動番号 or 履歴番号 it already
    holds, by line, and never loads (``refused`` says why)."""
    if not connection.in_atomic_block:
        raise RuntimeError("iko_begin runs inside the caller's transaction")
    refused = None if registry_is_empty() else REFUSED_NOT_EMPTY
    if refused and not report_held:
        raise IkoRefused(refused)
    staging = IkoStaging(parts)
    staging.refused = refused
    staging._create()
    return staging
