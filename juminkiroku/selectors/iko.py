"""Everything the registry holds, as plain values, for a data hand-over (移行, 標準仕様書 10.6).

Four sets: 住登者 (住民 and 除票: the person index's current state), every version of
their 住民票 (superseded ones too: a 訂正 or 取消 is history), the 異動 that made them
(本登録 and 取消済; a 仮登録 changed nothing), and the households. Each set is read by
a range of its own ids, one query a chunk, as :class:`HeldRecord` (a dict of item name →
value, never a model). :data:`PERSON_ITEMS` and the other item tuples say what each
record holds, with the field's Japanese name and a kind, so that a layout can check it
has a place for every held item (the standard's 「中間標準レイアウト仕様以外で保有する
データ」 goes to an 独自項目 file).

住登外者 (宛名区分 2) are not here: they are the 住登外管理 layout's (a layout of their own
in the 中間標準レイアウト仕様, issue 19's next part).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from psycopg import sql

from juminkiroku.codes import AtenaKubun, IdoStatus, JuminJotai, Zokugara
from juminkiroku.models import PERSON_FIELD_NAMES, Atena, AtenaRireki, Ido, Setai

HeldKind = Literal["text", "date", "bool", "int", "datetime"]
HeldSet = Literal["persons", "versions", "idos", "households"]


@dataclass(frozen=True)
class HeldItem:
    """One item the registry holds: its name in the records, its Japanese name, its kind."""

    name: str
    label: str
    kind: HeldKind
    #: the most characters a text item holds (None: not text, or no limit)
    length: int | None = None


@dataclass(frozen=True)
class HeldRecord:
    """One record of a set: its id in that set (宛名 id, 履歴 id, 異動 id, 世帯 id) and its
    values by item name (str, date, bool, int, datetime or None)."""

    id: int
    values: dict[str, Any]


@dataclass(frozen=True)
class IdRange:
    """A chunk of a set: ids in [first_id, last_id], ``count`` records."""

    first_id: int
    last_id: int
    count: int


def _kind_of(field: Any) -> HeldKind:
    internal = field.get_internal_type()
    if internal == "DateField":
        return "date"
    if internal == "DateTimeField":
        return "datetime"
    if internal == "BooleanField":
        return "bool"
    if internal in {"PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"}:
        return "int"
    return "text"


def _person_items() -> tuple[HeldItem, ...]:
    fields = {f.attname: f for f in Atena._meta.concrete_fields}
    items = [
        HeldItem("atena_no", "宛名番号", "text", 10),
        HeldItem("setai_no", "世帯番号", "text", 10),
    ]
    for name in PERSON_FIELD_NAMES:
        if name == "setai_id":
            continue  # as 世帯番号 above
        field = fields[name]
        kind = _kind_of(field)
        length = field.max_length if kind == "text" else None
        items.append(HeldItem(name, str(field.verbose_name), kind, length))
    return tuple(items)


PERSON_ITEMS: tuple[HeldItem, ...] = _person_items()
"""The items of a 住登者 record: 宛名番号, 世帯番号 and every item of the 住民票."""

VERSION_ITEMS: tuple[HeldItem, ...] = (
    HeldItem("rireki_id", "履歴ID", "int"),
    HeldItem("valid_from", "有効開始日（異動日）", "date"),
    HeldItem("valid_to", "有効終了日（次の異動日）", "date"),
    HeldItem("ido_no", "作成した異動の異動番号", "text", 12),
    HeldItem("closed_by_ido_no", "終了させた異動の異動番号", "text", 12),
    HeldItem("superseded", "訂正・取消により無効", "bool"),
    HeldItem("superseded_by_ido_no", "無効にした異動の異動番号", "text", 12),
    HeldItem("reopens_rireki_id", "取消により戻した版の履歴ID", "int"),
    HeldItem("recorded_at", "記録日時", "datetime"),
    *PERSON_ITEMS,
)
"""The items of one version of a 住民票: its period, the 異動 that opened, closed or
superseded it, and the 住民票's items as they were."""

IDO_ITEMS: tuple[HeldItem, ...] = (
    HeldItem("ido_no", "異動番号", "text", 12),
    HeldItem("jiyu", "異動事由", "text", 3),
    HeldItem("ido_date", "異動日", "date"),
    HeldItem("todoke_date", "届出日", "date"),
    HeldItem("status", "状態", "text", 10),
    HeldItem("cancels_ido_no", "取り消した異動の異動番号", "text", 12),
    HeldItem("setai_no", "異動先世帯の世帯番号", "text", 10),
    HeldItem("note", "備考", "text", 200),
    HeldItem("entered_by", "入力者", "text", 150),
    HeldItem("entered_terminal", "入力端末", "text", 100),
    HeldItem("entered_at", "入力日時", "datetime"),
    HeldItem("approved_by", "本登録者", "text", 150),
    HeldItem("approved_at", "本登録日時", "datetime"),
)
"""The items of a 異動 that reached the registry (本登録, or 取消済 by a later 取消)."""

HOUSEHOLD_ITEMS: tuple[HeldItem, ...] = (
    HeldItem("setai_no", "世帯番号", "text", 10),
    HeldItem("setainushi_atena_no", "世帯主の宛名番号", "text", 10),
    HeldItem("member_count", "世帯員数（住民）", "int"),
    HeldItem("created_at", "作成日時", "datetime"),
)
"""The items of a household: its number, its current 世帯主 and member count (住民 only),
and when it was made."""

ITEMS_OF: dict[HeldSet, tuple[HeldItem, ...]] = {
    "persons": PERSON_ITEMS,
    "versions": VERSION_ITEMS,
    "idos": IDO_ITEMS,
    "households": HOUSEHOLD_ITEMS,
}

_HANDED_OVER = (IdoStatus.HON, IdoStatus.TORIKESHI)


def _base(held: HeldSet, using: str = DEFAULT_DB_ALIAS) -> Any:
    if held == "persons":
        return Atena.objects.using(using).filter(kubun=AtenaKubun.JUTOSHA)
    if held == "versions":
        return AtenaRireki.objects.using(using).filter(atena__kubun=AtenaKubun.JUTOSHA)
    if held == "idos":
        return Ido.objects.using(using).filter(status__in=_HANDED_OVER)
    return Setai.objects.using(using).all()


def held_ranges(held: HeldSet, chunk_size: int, *, using: str = DEFAULT_DB_ALIAS) -> list[IdRange]:
    """The set cut into ranges of ``chunk_size`` records by id (the last may be smaller):
    one query, whatever the size of the set. Versions are cut by 宛名 id (a person's
    history stays in one chunk); their count is the versions'. ``using`` names the
    database alias (a read-only replica for EUC, migration_io.euc.readonly)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    column = "atena_id" if held == "versions" else "id"
    inner = _base(held, using).values(column).query.sql_with_params()
    if held == "versions":
        # sizes by person (the cut), counts by version
        query = sql.SQL(
            "SELECT min(k), max(k), sum(n) FROM ("
            " SELECT k, n, (row_number() OVER (ORDER BY k) - 1) / {size} AS g"
            " FROM (SELECT {col} AS k, count(*) AS n FROM ({inner}) AS v GROUP BY {col}) AS p"
            ") AS c GROUP BY g ORDER BY g"
        )
    else:
        query = sql.SQL(
            "SELECT min(k), max(k), count(*) FROM ("
            " SELECT {col} AS k, (row_number() OVER (ORDER BY {col}) - 1) / {size} AS g"
            " FROM ({inner}) AS v"
            ") AS c GROUP BY g ORDER BY g"
        )
    statement = query.format(
        size=sql.Literal(chunk_size), col=sql.Identifier(column), inner=sql.SQL(inner[0])
    )
    with connections[using].cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection), inner[1])
        return [IdRange(int(lo), int(hi), int(n)) for lo, hi, n in cursor.fetchall()]


def _records(rows: Sequence[dict[str, Any]], id_key: str) -> list[HeldRecord]:
    return [HeldRecord(id=row.pop(id_key), values=row) for row in rows]


_PERSON_FIELDS = tuple(item.name for item in PERSON_ITEMS[2:])


def held_persons(first_id: int, last_id: int, using: str = DEFAULT_DB_ALIAS) -> list[HeldRecord]:
    """The 住登者 with 宛名 id in [first_id, last_id], by id: one query."""
    rows = (
        _base("persons", using)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .values("pk", "atena_no", *_PERSON_FIELDS, setai_no=F("setai__setai_no"))
    )
    return _records(list(rows), "pk")


def held_versions(first_id: int, last_id: int, using: str = DEFAULT_DB_ALIAS) -> list[HeldRecord]:
    """Every version of the 住民票 of the 住登者 with 宛名 id in [first_id, last_id], by
    person, then 有効開始日, then id: one query."""
    rows = (
        _base("versions", using)
        .filter(atena_id__gte=first_id, atena_id__lte=last_id)
        .order_by("atena_id", "valid_from", "pk")
        .values(
            "pk",
            "valid_from",
            "valid_to",
            "superseded",
            "recorded_at",
            *_PERSON_FIELDS,
            rireki_id=F("pk"),
            ido_no=F("ido__ido_no"),
            closed_by_ido_no=F("closed_by__ido_no"),
            superseded_by_ido_no=F("superseded_by__ido_no"),
            reopens_rireki_id=F("reopens_id"),
            atena_no=F("atena__atena_no"),
            setai_no=F("setai__setai_no"),
        )
    )
    return _records(list(rows), "pk")


def held_idos(first_id: int, last_id: int, using: str = DEFAULT_DB_ALIAS) -> list[HeldRecord]:
    """The 異動 (本登録 and 取消済) with id in [first_id, last_id], by id: one query."""
    rows = (
        _base("idos", using)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .values(
            "pk",
            "ido_no",
            "jiyu",
            "ido_date",
            "todoke_date",
            "status",
            "note",
            "entered_by",
            "entered_terminal",
            "entered_at",
            "approved_by",
            "approved_at",
            cancels_ido_no=F("cancels__ido_no"),
            setai_no=F("setai__setai_no"),
        )
    )
    return _records(list(rows), "pk")


def held_households(first_id: int, last_id: int, using: str = DEFAULT_DB_ALIAS) -> list[HeldRecord]:
    """The households with id in [first_id, last_id], by id, with the current 世帯主's
    宛名番号 and the number of members living in the town: one query."""
    members = Atena.objects.using(using).filter(
        setai_id=OuterRef("pk"), kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
    )
    head = members.filter(zokugara=Zokugara.HONNIN).order_by("pk").values("atena_no")[:1]
    count = members.order_by().values("setai_id").annotate(n=Count("pk")).values("n")[:1]
    rows = (
        _base("households", using)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .annotate(
            head_no=Subquery(head),
            members=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        )
        .values("pk", "setai_no", "created_at", "head_no", "members")
    )
    out = []
    for row in rows:
        out.append(
            {
                "pk": row["pk"],
                "setai_no": row["setai_no"],
                "setainushi_atena_no": row["head_no"] or "",
                "member_count": row["members"],
                "created_at": row["created_at"],
            }
        )
    return _records(out, "pk")


HELD_READERS = {
    "persons": held_persons,
    "versions": held_versions,
    "idos": held_idos,
    "households": held_households,
}


def held_read(
    held: HeldSet, first_id: int, last_id: int, *, using: str = DEFAULT_DB_ALIAS
) -> list[HeldRecord]:
    """The records of ``held`` in the id range (one query), from the database ``using``."""
    return HELD_READERS[held](first_id, last_id, using)
