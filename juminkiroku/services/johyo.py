"""除票用データベースへの移行 (住民記録システム標準仕様書 9.3) and the purge past 保存期限.

A 除票 whose 消除 is ``juminkiroku.johyo.ikou_nensu`` years old (5) moves, one person at a
time, in a savepoint of the job chunk's transaction (``juminkiroku.jobkinds``):

1. **Checks** (:func:`refusals`): a person something still needs stays, with the reasons
   (仮登録中の異動, an active 抑止, a 支援措置 in force, a mention in another person's
   支援措置, an 印鑑登録, a 転出予定, a record not yet sent to the 住基ネット).
2. **Snapshot**: the 宛名's items and every 住民記録 row that hangs from the person — the
   rows with a foreign key to the 宛名 (履歴 of every version, 異動対象, 転出, 抑止, 連携,
   CS records …) and, transitively, the rows hanging from those (the 転出証明書 of a 転出,
   the 記載 history …) — found from the models' own foreign keys, so a table added
   tomorrow moves too. The 異動 rows themselves stay (an 異動 is the journal of every
   person it touched); the snapshot keeps the 異動番号 and 事由 each version names.
3. **Copy and verify**: the ``JohyoArchive`` row is written, read back, and its snapshot
   must equal the one built from the registry (and its SHA-256) before anything is deleted.
4. **Delete and clear**: the snapshot's rows are deleted by id (plain SQL: Django's
   Python-side cascades would delete what was not snapshotted; the database's foreign keys
   refuse that instead), the 宛名 keeps its number, 宛名区分, 生年月日 and 性別 (required
   columns; alone they name nobody) with every other item cleared and 住民状態 「除票移行済」.
   The foreign keys are then checked at once (``SET CONSTRAINTS ALL IMMEDIATE``): a row we
   did not know of that still points at a deleted one rolls this person back, listed with
   its table.

A moved person stays findable and certifiable: ``selectors.johyo`` rebuilds the 宛名 and
its versions from the snapshot for the search, the 除票の写し and the public face.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from psycopg import sql

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    CsSoshin,
    Ido,
    IdoTarget,
    IkouKekka,
    InkanToroku,
    JohyoArchive,
    JohyoIkouKekka,
    PersonFields,
    ShienHeisha,
    ShienKagaisha,
    Tenshutsu,
    TenshutsuStatus,
    Yokushi,
)
from juminkiroku.selectors.yokushi import active_yokushi_q, shien_covered_ids
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of

IKOU_NENSU_KEY = "juminkiroku.johyo.ikou_nensu"
HOZON_NENSU_KEY = "juminkiroku.johyo.hozon_nensu"
HANBOUKI_KEY = "juminkiroku.johyo.hanbouki_months"
SNAPSHOT_FORMAT = 1

# 除票: a 住登者 whose 住民状態 says why they left (not yet moved).
JOHYO_JOTAI = (
    JuminJotai.TENSHUTSU,
    JuminJotai.KOKUGAI_TENSHUTSU,
    JuminJotai.SHIBO,
    JuminJotai.SHOKKEN_SHOJO,
)

# Why a person stays in the registry (the job's result screen shows the words).
REASONS: dict[str, str] = {
    "not_candidate": (
        "移行の対象ではありません（除票でない、又は消除から定められた年数を経過していません）"
    ),
    "already_moved": "既に除票用データベースへ移行済みです",
    "ido_pending": "仮登録中の異動があります",
    "yokushi": "有効な抑止が設定されています",
    "shien_sochi": "支援措置の対象です",
    "shien_other": "他の方の支援措置に記録されています（併せて支援を求める者又は加害者）",
    "inkan": "印鑑登録が廃止されていません",
    "tenshutsu_yotei": "確定していない転出予定があります",
    "cs_unsent": "住基ネットへ未送信又は送信を拒否された記録があります",
    "referenced": "他の記録から参照されています",
    "verify_failed": "移行先への書込みを確認できませんでした",
}

# Models whose rows are never moved with a person: the 宛名 itself (kept as the key),
# the 異動 journal and households (shared by everyone they name), the archive.
_KEPT = {"atena", "ido", "setai", "johyoarchive", "johyoikoukekka"}


class JohyoRefused(Exception):
    """A job that may not start (繁忙期, a date in the future); the message is for the clerk."""


# --- parameters --------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 2月29日
        return day.replace(year=day.year + years, day=28)


def ikou_nensu(day: date) -> int:
    return int(param_value(IKOU_NENSU_KEY, fiscal_year_of(day)))


def hozon_kigen(shojo_date: date, day: date) -> date:
    """The last day the 除票 is kept (施行令第34条: 消除の日から150年)."""
    return _add_years(shojo_date, int(param_value(HOZON_NENSU_KEY, fiscal_year_of(day))))


def hanbouki_months(day: date) -> list[int]:
    """The town's 繁忙期 (months in which the move does not run); none when not set."""
    try:
        value = param_value(HANBOUKI_KEY, fiscal_year_of(day))
    except ParameterMissing:
        return []
    return [int(m) for m in (value or [])]


def shojo_limit(day: date) -> date:
    """A 除票 消除 on or before this day is moved on ``day``."""
    return _add_years(day, -ikou_nensu(day))


# --- snapshot ------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    return {f.attname: _jsonable(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


@cache
def _hanging_fields() -> tuple[tuple[type[models.Model], tuple[Any, ...]], ...]:
    """The 住民記録 models that hang from a 宛名, directly or through another such model,
    each with its foreign keys into that set (worked out once from the models)."""
    candidates = [
        m
        for m in apps.get_app_config("juminkiroku").get_models()
        if m._meta.model_name not in _KEPT and not m._meta.proxy
    ]
    reached: set[type[models.Model]] = {Atena}
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model not in reached and any(
                f.is_relation and f.related_model in reached for f in model._meta.concrete_fields
            ):
                reached.add(model)
                changed = True
    return tuple(
        (
            m,
            tuple(
                f for f in m._meta.concrete_fields if f.is_relation and f.related_model in reached
            ),
        )
        for m in candidates
        if m in reached
    )


def _person_rows(atena_id: int) -> dict[str, list[models.Model]]:
    """Every 住民記録 row hanging from the person: a foreign key to the 宛名, or to a row
    already found (to a fixed point). Keyed by model label, rows ordered by id."""
    found: dict[type[models.Model], set[int]] = {Atena: {atena_id}}
    changed = True
    while changed:
        changed = False
        for model, fks in _hanging_fields():
            q = models.Q(pk__in=[])
            for f in fks:
                if found.get(f.related_model):
                    q |= models.Q(**{f"{f.attname}__in": sorted(found[f.related_model])})
            have = found.get(model, set())
            ids = set(
                model._base_manager.filter(q).exclude(pk__in=have).values_list("pk", flat=True)
            )
            if ids:
                found[model] = have | ids
                changed = True
    out: dict[str, list[models.Model]] = {}
    for model, ids in found.items():
        if model is Atena or not ids:
            continue
        out[model._meta.label_lower] = list(model._base_manager.filter(pk__in=ids).order_by("pk"))
    return out


def _canonical(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _snapshot(atena: Atena, rows: dict[str, list[models.Model]], head_name: str) -> dict[str, Any]:
    versions = [
        v for v in rows.get(AtenaRireki._meta.label_lower, []) if isinstance(v, AtenaRireki)
    ]
    ido_ids = {v.ido_id for v in versions} | {v.closed_by_id for v in versions if v.closed_by_id}
    ido = {
        str(pk): {"ido_no": no, "jiyu": jiyu}
        for pk, no, jiyu in Ido.objects.filter(pk__in=ido_ids).values_list("pk", "ido_no", "jiyu")
    }
    return {
        "format": SNAPSHOT_FORMAT,
        "atena": _row(atena),
        "head_name": head_name,
        "ido": ido,
        "rows": {label: [_row(o) for o in objs] for label, objs in sorted(rows.items())},
    }


# --- checks ---------------------------------------------------------------------------


def refusals(atena: Atena, day: date) -> list[str]:
    """Reason codes (REASONS) that keep the person in the registry; [] when they may move."""
    if atena.jotai == JuminJotai.IKOZUMI:
        return ["already_moved"]
    if (
        atena.kubun != AtenaKubun.JUTOSHA
        or atena.jotai not in JOHYO_JOTAI
        or atena.shojo_date is None
        or atena.shojo_date > shojo_limit(day)
    ):
        return ["not_candidate"]
    pk = atena.pk
    out: list[str] = []
    if IdoTarget.objects.filter(atena_id=pk, pending=True).exists():
        out.append("ido_pending")
    if Yokushi.objects.filter(active_yokushi_q(), atena_id=pk).exists():
        out.append("yokushi")
    if shien_covered_ids([pk], day):
        out.append("shien_sochi")
    if (
        ShienHeisha.objects.filter(atena_id=pk).exclude(shien__atena_id=pk).exists()
        or ShienKagaisha.objects.filter(atena_id=pk).exclude(shien__atena_id=pk).exists()
    ):
        out.append("shien_other")
    if InkanToroku.objects.filter(atena_id=pk, status="toroku").exists():
        out.append("inkan")
    if Tenshutsu.objects.filter(atena_id=pk, status=TenshutsuStatus.YOTEI).exists():
        out.append("tenshutsu_yotei")
    if CsSoshin.objects.filter(atena_id=pk, status__in=["pending", "retry", "rejected"]).exists():
        out.append("cs_unsent")
    return out


# --- the move of one person -------------------------------------------------------------


@dataclass
class IkouResult:
    atena_id: int
    moved: bool
    reasons: list[str] = field(default_factory=list)
    table: str = ""  # the table that still referred to a deleted row ("referenced")


def _delete(rows: dict[str, list[models.Model]]) -> None:
    with connection.cursor() as cur:
        for label, objs in rows.items():
            model = apps.get_model(label)
            cur.execute(
                sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                    sql.Identifier(model._meta.db_table), sql.Identifier(model._meta.pk.column)
                ),
                [[o.pk for o in objs]],
            )


def _clear(atena: Atena) -> None:
    """The 宛名 as a key: number, 宛名区分, 生年月日, 性別; everything else to its default."""
    keep = {"kubun", "birth_date", "sex"}
    for f in PersonFields._meta.local_fields:
        if f.name in keep:
            continue
        setattr(atena, f.attname, f.get_default())
    atena.jotai = JuminJotai.IKOZUMI
    atena.kana_key = ""
    atena.name_key = ""
    atena.version += 1
    atena.save()


def _head_name(atena: Atena) -> str:
    from juminkiroku.forms.sheets import head_names

    return head_names([atena]).get(atena.setai_id or 0, "") if atena.setai_id else ""


def johyo_ikou_one(*, atena_id: int, day: date, job_id: int | None, actor: Actor) -> IkouResult:
    """Move one person (see the module's docstring). Runs in a savepoint of the caller's
    transaction (a job chunk's): a refusal or a failed check leaves nothing behind. The
    caller writes the access-log row of the chunk (:func:`johyo_ikou_chunk`)."""
    try:
        with transaction.atomic():
            atena = Atena.objects.select_for_update().filter(pk=atena_id).first()
            if atena is None:
                return IkouResult(atena_id, False, ["not_candidate"])
            reasons = refusals(atena, day)
            if reasons:
                return IkouResult(atena_id, False, reasons)
            rows = _person_rows(atena_id)
            snapshot = _snapshot(atena, rows, _head_name(atena))
            text = _canonical(snapshot)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert atena.shojo_date is not None  # refusals() checked it
            archive = JohyoArchive.objects.create(
                atena_id=atena.pk,
                atena_no=atena.atena_no,
                juminhyo_code=atena.juminhyo_code,
                kana_key=atena.kana_key,
                name_key=atena.name_key,
                birth_date=atena.birth_date,
                sex=atena.sex,
                shojo_date=atena.shojo_date,
                shojo_jiyu=atena.shojo_jiyu,
                hozon_kigen=hozon_kigen(atena.shojo_date, day),
                snapshot=snapshot,
                snapshot_sha256=digest,
                job_id=job_id,
                moved_by=actor.username,
            )
            stored = JohyoArchive.objects.get(pk=archive.pk)
            read_back = _canonical(stored.snapshot)
            if (
                read_back != text
                or hashlib.sha256(read_back.encode("utf-8")).hexdigest() != stored.snapshot_sha256
            ):
                raise _VerifyFailed
            _delete(rows)
            _clear(atena)
            try:
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cur.execute("SET CONSTRAINTS ALL DEFERRED")
            except IntegrityError as exc:
                raise _Referenced(_table_of(exc)) from exc
            return IkouResult(atena_id, True)
    except _VerifyFailed:
        return IkouResult(atena_id, False, ["verify_failed"])
    except _Referenced as exc:
        return IkouResult(atena_id, False, ["referenced"], table=exc.table)


class _VerifyFailed(Exception):
    pass


class _Referenced(Exception):
    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


def _table_of(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    table = str(getattr(diag, "table_name", "") or "")
    for model in apps.get_models():
        if model._meta.db_table == table:
            return str(model._meta.verbose_name)
    return table


def johyo_ikou_chunk(
    *, atena_ids: Iterable[int], day: date, job_id: int, actor: Actor
) -> list[IkouResult]:
    """Move each person in turn (one savepoint each) and record the outcome per (job, 宛名)
    and one access-log row naming the persons moved. Runs in the chunk's transaction; a
    chunk run again finds the moved ones 「除票移行済」 and rewrites the same result rows."""
    results = [johyo_ikou_one(atena_id=pk, day=day, job_id=job_id, actor=actor) for pk in atena_ids]
    numbers = dict(
        Atena.objects.filter(pk__in=[r.atena_id for r in results]).values_list("pk", "atena_no")
    )
    for r in results:
        previous = JohyoIkouKekka.objects.filter(job_id=job_id, atena_id=r.atena_id).first()
        if previous is not None and previous.kekka == IkouKekka.MOVED and not r.moved:
            continue  # moved by an earlier attempt of this job: keep that result
        reasons = [
            REASONS[c] + (f"（{r.table}）" if c == "referenced" and r.table else "")
            for c in r.reasons
        ]
        JohyoIkouKekka.objects.update_or_create(
            job_id=job_id,
            atena_id=r.atena_id,
            defaults={
                "atena_no": numbers.get(r.atena_id, ""),
                "kekka": IkouKekka.MOVED if r.moved else IkouKekka.REFUSED,
                "reasons": reasons,
            },
        )
    moved = [r.atena_id for r in results if r.moved]
    access_record(
        action=AccessAction.JOB,
        actor=actor,
        gyomu=JUMINKIROKU,
        screen="johyo_ikou",
        record_type="johyo_archive",
        record_id=job_id,
        record_count=len(moved),
        detail={"atena_ids": moved, "refused_ids": [r.atena_id for r in results if not r.moved]},
    )
    return results


# --- purge past 保存期限 ---------------------------------------------------------------


def johyo_purge(*, today: date | None = None, actor: Actor) -> list[int]:
    """Delete the archived 除票 whose 保存期限 has passed (施行令第34条); the 宛名 key rows
    stay (宛名番号 are never reused). One durable transaction and one access-log row with
    the 宛名 ids. Returns them."""
    day = today or timezone.localdate()
    with transaction.atomic(durable=True):
        gone = list(
            JohyoArchive.objects.select_for_update()
            .filter(hozon_kigen__lt=day)
            .order_by("atena_id")
            .values_list("atena_id", flat=True)
        )
        if gone:
            JohyoArchive.objects.filter(atena_id__in=gone).delete()
        access_record(
            action=AccessAction.DELETE,
            actor=actor,
            gyomu=JUMINKIROKU,
            screen="johyo_purge",
            record_type="johyo_archive",
            record_count=len(gone),
            detail={"atena_ids": gone, "kijun": day.isoformat()},
        )
    return gone
