"""Reads behind the person (住民照会) and household (世帯照会) screens and their API.

Nothing here logs: the views log, because only they know who asked and why.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone

from juminkiroku.codes import (
    AtenaKubun,
    IdoJiyu,
    JuminJotai,
    YokushiLevel,
    YokushiProcess,
)
from juminkiroku.models import (
    PERSON_FIELD_NAMES,
    Atena,
    AtenaRireki,
    Ido,
    PersonFields,
    Setai,
    ShienSochi,
    Yokushi,
)
from juminkiroku.selectors.asof import history_of, household_on
from juminkiroku.selectors.search import shokai_flags_for
from juminkiroku.selectors.yokushi import active_yokushi_q
from tenants.wareki import format_wareki

KOJIN_BANGO_MASK = "************"

# Not compared between versions: set on every 異動 and shown beside it anyway.
_NOT_DIFFED = {"todoke_date"}
# Never shown as a value, only as "changed".
_SECRET = {"kojin_bango"}


def status_label(person: PersonFields) -> str:
    """状態 as staff read it: 住民, 転出 (除票), 住登外."""
    if person.kubun == AtenaKubun.JUTOGAI:
        return "住登外"
    if person.jotai == JuminJotai.JUMIN:
        return "住民"
    return f"{person.get_jotai_display()}（除票）"


@dataclass
class PersonLocks:
    """Active 抑止 on the person or their household, and active 支援措置."""

    yokushi: list[Yokushi] = field(default_factory=list)
    shien: list[ShienSochi] = field(default_factory=list)

    @property
    def shokai_error(self) -> bool:
        return any(
            y.process == YokushiProcess.SHOKAI and y.level == YokushiLevel.ERROR
            for y in self.yokushi
        )

    @property
    def shokai_alert(self) -> bool:
        return any(
            y.process == YokushiProcess.SHOKAI and y.level == YokushiLevel.ALERT
            for y in self.yokushi
        )


# Sentinels standing for the arguments while the person query is compiled once per process.
_PK = -7_070_707
_TODAY = date(1901, 2, 3)
_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_ATENA_COLUMNS = tuple(f.attname for f in Atena._meta.concrete_fields)


def _person_queryset(pk: int, now: datetime, today: date) -> QuerySet[Atena, tuple[Any, ...]]:
    """The person with their 世帯番号 and, as JSON arrays, the active 抑止 (on the person or
    the household, by ``active_yokushi_q``) and 支援措置."""
    yokushi = (
        Yokushi.objects.filter(
            active_yokushi_q(now=now), Q(atena_id=OuterRef("pk")) | Q(setai_id=OuterRef("setai_id"))
        )
        .order_by("process", "id")
        .values(
            j=JSONObject(
                id="id", process="process", level="level", setai_id="setai_id", reason="reason"
            )
        )
    )
    shien = (
        # 申出者 or 併せて支援を求める者; in force past the 終了日 until ended (3.1, 3.4).
        ShienSochi.objects.filter(
            Q(atena_id=OuterRef("pk")) | Q(heisha__atena_id=OuterRef("pk")),
            start_date__lte=today,
            ended_at=None,
            extensions__isnull=True,
        )
        .order_by("start_date", "id")
        .values(j=JSONObject(id="id", start_date="start_date", end_date="end_date", kari="kari"))
    )
    return (
        Atena.objects.filter(pk=pk)
        .annotate(
            _setai_no=F("setai__setai_no"),
            _yokushi=ArraySubquery(yokushi),
            _shien=ArraySubquery(shien),
        )
        .values_list(*_ATENA_COLUMNS, "_setai_no", "_yokushi", "_shien")
    )


@functools.cache
def _person_sql() -> tuple[str, tuple[Any, ...]]:
    """Compiling that query costs ~5 ms of Python per call on the reference machine, more
    than everything else in a lookup; the SQL only differs in its parameters, so it is
    compiled once with sentinels that ``person_with_locks`` swaps for the real values.
    The SQL names no schema: it runs in whichever town the connection is set to."""
    sql, params = _person_queryset(_PK, _NOW, _TODAY).query.sql_with_params()
    return sql, tuple(params)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def person_with_locks(pk: int) -> tuple[Atena, PersonLocks]:
    """The person, their household row, active 抑止 and 支援措置, in one query (the
    screens and the API read a person at 100 a second; every round trip counts).
    Atena.DoesNotExist if not in this town."""
    now = timezone.now()
    today = timezone.localdate(now)
    sql, template = _person_sql()
    actual = {_PK: pk, _TODAY: today, _NOW: now}
    params: list[Any] = [actual.get(p, p) if isinstance(p, (int, date)) else p for p in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Atena.DoesNotExist(f"Atena {pk} not found")
    n = len(_ATENA_COLUMNS)
    atena = Atena.from_db(connection.alias, list(_ATENA_COLUMNS), row[:n])
    setai_no, yokushi_rows, shien_rows = row[n], row[n + 1] or [], row[n + 2] or []
    if atena.setai_id is not None:
        atena.setai = Setai(id=atena.setai_id, setai_no=setai_no)
    yokushi = []
    for raw in yokushi_rows:
        y = _json(raw)
        yokushi.append(
            Yokushi(
                id=y["id"],
                atena_id=None if y["setai_id"] else atena.pk,
                process=y["process"],
                level=y["level"],
                setai_id=y["setai_id"],
                reason=y["reason"],
            )
        )
    shien = []
    for raw in shien_rows:
        s = _json(raw)
        shien.append(
            ShienSochi(
                id=s["id"],
                atena_id=atena.pk,
                start_date=date.fromisoformat(s["start_date"]),
                end_date=date.fromisoformat(s["end_date"]),
                kari=bool(s.get("kari")),
            )
        )
    return atena, PersonLocks(yokushi=yokushi, shien=shien)


def setai_shokai_blocked(setai_id: int) -> bool:
    """A 照会抑止 (error) set on the household itself."""
    return Yokushi.objects.filter(
        active_yokushi_q(),
        setai_id=setai_id,
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
    ).exists()


# --- household -------------------------------------------------------------------


@dataclass
class MemberRow:
    atena_id: int
    person: PersonFields
    masked: bool = False
    alert: bool = False


def _flagged(rows: list[tuple[int, PersonFields]]) -> list[MemberRow]:
    flags = shokai_flags_for([(a, p.setai_id) for a, p in rows])
    return [
        MemberRow(atena_id=a, person=p, masked=a in flags.error, alert=a in flags.alert)
        for a, p in rows
    ]


def household_members(setai_id: int) -> list[MemberRow]:
    """Members now: the household's current residents in 世帯内の並び順."""
    members = list(
        Atena.objects.filter(
            setai_id=setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
        ).order_by("setai_order", "id")
    )
    return _flagged([(m.pk, m) for m in members])


def household_removed(setai_id: int) -> list[MemberRow]:
    """消除された世帯構成員 (標準仕様書 3.3): those who left the household's registry by
    転出・死亡・職権消除 etc. and still carry it as their last household (除票)."""
    gone = list(
        Atena.objects.filter(setai_id=setai_id, kubun=AtenaKubun.JUTOSHA)
        .exclude(jotai=JuminJotai.JUMIN)
        .order_by("shojo_date", "setai_order", "id")
    )
    return _flagged([(m.pk, m) for m in gone])


def household_members_on(setai_id: int, day: date) -> list[MemberRow]:
    """Members as they stood on ``day`` (their versions valid then)."""
    return _flagged([(v.atena_id, v) for v in household_on(setai_id, day)])


def setai_get(pk: int) -> Setai:
    return Setai.objects.get(pk=pk)


# --- history ---------------------------------------------------------------------


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    version: AtenaRireki
    jiyu: str
    jiyu_label: str
    ido_no: str
    ido_date: date
    todoke_date: date | None
    valid_from: date
    valid_to: date | None
    changes: list[Change]
    superseded: bool
    mark: str  # "訂正" or "取消" on a superseded version
    note: str = ""


def _label(name: str) -> str:
    f = Atena._meta.get_field(name[:-3] if name == "setai_id" else name)
    return str(getattr(f, "verbose_name", name))


def _display(obj: PersonFields, name: str, setai_nos: dict[int, str]) -> str:
    value: Any = getattr(obj, name)
    if value in (None, ""):
        return ""
    if name == "setai_id":
        return setai_nos.get(value, str(value))
    if isinstance(value, bool):
        return "済" if value else "未"
    if isinstance(value, date):
        try:
            return format_wareki(value)
        except ValueError:
            return value.isoformat()
    display = getattr(obj, f"get_{name}_display", None)
    return str(display()) if display is not None else str(value)


def diff_versions(
    before: PersonFields | None, after: PersonFields, setai_nos: dict[int, str]
) -> list[Change]:
    """What ``after`` changed compared with ``before`` (nothing for a first version)."""
    if before is None:
        return []
    changes: list[Change] = []
    for name in PERSON_FIELD_NAMES:
        if name in _NOT_DIFFED or getattr(before, name) == getattr(after, name):
            continue
        if name in _SECRET:
            changes.append(Change(name, _label(name), "", "（変更あり）"))
            continue
        changes.append(
            Change(
                name,
                _label(name),
                _display(before, name, setai_nos),
                _display(after, name, setai_nos),
            )
        )
    return changes


def history_entries(atena_id: int) -> list[HistoryEntry]:
    """Every version, oldest first, each with what it changed. Three queries."""
    versions = history_of(atena_id)
    superseding_ids = {v.superseded_by_id for v in versions if v.superseded_by_id}
    superseding = Ido.objects.in_bulk(superseding_ids) if superseding_ids else {}
    setai_ids = {v.setai_id for v in versions if v.setai_id}
    setai_nos = (
        dict(Setai.objects.filter(pk__in=setai_ids).values_list("pk", "setai_no"))
        if setai_ids
        else {}
    )
    entries: list[HistoryEntry] = []
    for i, v in enumerate(versions):
        earlier = versions[:i]
        live_earlier = [e for e in earlier if not e.superseded]
        previous: AtenaRireki | None = (live_earlier or earlier)[-1] if earlier else None
        mark = ""
        if v.superseded and v.superseded_by_id:
            by = superseding.get(v.superseded_by_id)
            mark = "取消" if by is not None and by.jiyu == IdoJiyu.TORIKESHI else "訂正"
        note = "" if previous is not None else "新規記載"
        if v.ido.jiyu == IdoJiyu.TORIKESHI:
            note = "異動の取消しにより復元"
        entries.append(
            HistoryEntry(
                version=v,
                jiyu=v.ido.jiyu,
                jiyu_label=v.ido.get_jiyu_display(),
                ido_no=v.ido.ido_no,
                ido_date=v.ido.ido_date,
                todoke_date=v.ido.todoke_date,
                valid_from=v.valid_from,
                valid_to=v.valid_to,
                changes=diff_versions(previous, v, setai_nos),
                superseded=v.superseded,
                mark=mark,
                note=note,
            )
        )
    return entries
