"""Writes of the 国民健康保険税 賦課: the 本算定 (and 仮算定) chunk, the 更正候補 sweep, and
the 更正 a clerk applies. One assessment path: every figure comes from
``kokuho.rules.hokenzei.hokenzei_calculate`` on the input ``kokuho.selectors.fuka`` builds.

Jobs write inside their chunk's transaction (the job framework's fence: a worker taken
for dead rolls back); a clerk's 更正 is one durable transaction with its access-log row.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, KoseiCause, KoseiKoho, KoseiStatus, Santei, Tokucho
from kokuho.models.koki import ChoshuHoho
from kokuho.rules.fuka_kibetsu import (
    Kibetsu,
    kari_kisu,
    kibetsu_hon,
    kibetsu_kari,
    kibetsu_kosei,
    nouki,
)
from kokuho.rules.hokenzei import hokenzei_calculate
from kokuho.rules.hokenzei_inputs import HokenzeiResult
from kokuho.rules.hokenzei_params import HokenzeiParameters, parameters_from_lookup
from kokuho.rules.tokucho_kibetsu import is_tokucho, kibetsu_futsu_kirikae, kibetsu_tokucho_kosei
from kokuho.selectors.fuka import (
    SetaiInput,
    SetaiPlan,
    facts_changes,
    input_hash,
    setai_inputs,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value, param_values

RECORD_TYPE = "kokuho.KokuhoFuka"
#: every value the 賦課 reads (hokenzei rates and 期別) is under this prefix
PARAM_PREFIX = "kokuho."
KOHO_RECORD_TYPE = "kokuho.KoseiKoho"


class KoseiRefused(Exception):
    """A 更正 that may not be applied; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class FukaYear:
    """What one 年度's 賦課 needs, read once (per chunk)."""

    fiscal_year: int
    params: HokenzeiParameters
    nashi_age: int
    tokutei_nensu: dict[str, int]
    kari_kisu: int
    #: the 期別 parameters of the year, read once: ``lookup(key, year)``
    values: dict[tuple[str, int], Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, fiscal_year: int) -> FukaYear:
        """The year's 国保 values read in two queries (``param_values``: the same answers
        as ``param_value``); a key they do not hold is asked of ``param_value`` (which
        refuses a missing one). Each chunk builds its own: a chunk sees the values of
        the moment it runs, as before."""
        values: dict[tuple[str, int], Any] = {
            (k, fiscal_year): v for k, v in param_values(PARAM_PREFIX, fiscal_year).items()
        }

        def lookup(key: str, fy: int) -> Any:
            if (key, fy) not in values:
                values[(key, fy)] = param_value(key, fy)
            return values[(key, fy)]

        return cls(
            fiscal_year=fiscal_year,
            params=parameters_from_lookup(lookup, fiscal_year),
            nashi_age=int(lookup("kokuho.fuka.mishinkoku_shotoku_nashi_nenrei", fiscal_year)),
            tokutei_nensu=dict(lookup("kokuho.fuka.tokutei_setai_nensu", fiscal_year)),
            kari_kisu=kari_kisu(fiscal_year, lookup),
            values=values,
        )

    def lookup(self, key: str, fiscal_year: int) -> Any:
        """``param_value`` remembered for the chunk (a 期別 per household would otherwise
        cost three queries each)."""
        if (key, fiscal_year) not in self.values:
            self.values[(key, fiscal_year)] = param_value(key, fiscal_year)
        return self.values[(key, fiscal_year)]

    def inputs(self, plans: list[SetaiPlan], kijun: date) -> list[SetaiInput]:
        return setai_inputs(
            plans,
            self.fiscal_year,
            kijun,
            nashi_age=self.nashi_age,
            tokutei_nensu=self.tokutei_nensu,
        )


_PLAIN = (int, str, bool, float, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def jsonable(value: Any) -> Any:
    """The rules' frozen dataclasses as JSON values (Fraction → "a/b", date → ISO).
    Dispatches on the exact type: ≈300 values per household, so it matters in the job."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is tuple or t is list:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    names = _FIELDS.get(t)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {n: jsonable(getattr(value, n)) for n in names}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def detail_of(si: SetaiInput, result: HokenzeiResult) -> dict[str, Any]:
    return {"input": si.facts, "result": jsonable(result)}


#: types whose ``__dict__`` is exactly their fields in order (plain dataclasses of the
#: rules: no slots, nothing set besides the fields), so the encoder can take it as is
_DICT_OK: dict[type, bool] = {}


def _json_default(value: Any) -> Any:
    t = type(value)
    ok = _DICT_OK.get(t)
    if ok is None:
        ok = _DICT_OK[t] = bool(
            dataclasses.is_dataclass(value)
            and not isinstance(value, type)
            and hasattr(value, "__dict__")
            and tuple(vars(value)) == tuple(f.name for f in dataclasses.fields(value))
        )
    if ok:
        return value.__dict__
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"not JSON: {t.__name__}")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)


def detail_json(si: SetaiInput, result: HokenzeiResult) -> str:
    """``detail_of`` as JSON text in one pass of the C encoder: the same text as
    ``json.dumps(detail_of(...))`` (tested) at half the cost, for the 本算定's COPY."""
    return _ENCODER.encode({"input": si.facts, "result": result})


def _kubun(result: HokenzeiResult, code: str) -> int:
    return next((k.zeigaku for k in result.kubun if k.kubun == code), 0)


COPY_COLUMNS = [
    "fiscal_year", "setai_id", "version", "santei", "is_current", "nozei_gimusha_id", "gisei",
    "kijun_date", "job_id", "hihokensha_su", "keigen_wari", "hantei_shotoku", "iryo", "shien",
    "kaigo", "kodomo", "nengaku", "kanou", "kibetsu", "detail", "input_hash", "reason", "cause",
    "created_by", "created_at",
]  # fmt: skip


def _row(
    si: SetaiInput,
    result: HokenzeiResult,
    kibetsu: Kibetsu,
    kibetsu_json: str,
    *,
    nengaku: int,
    santei: str,
    version: int,
    job_id: int | None,
    actor: str,
    now: Any,
) -> tuple[Any, ...]:
    """The new 賦課 row as the values of ``COPY_COLUMNS`` (no model object: the 本算定
    writes a thousand a chunk), the 期別 and the 内訳 as JSON text."""
    k = {x.kubun: x.zeigaku for x in result.kubun}
    keigen = result.keigen
    return (
        si.inp.fiscal_year, si.setai_id, version, santei, True, si.nozei_gimusha_id, si.gisei,
        si.kijun, job_id, keigen.hihokensha_su, keigen.wari, keigen.hantei_shotoku,
        k.get("iryo", 0), k.get("shien", 0), k.get("kaigo", 0), k.get("kodomo", 0), nengaku,
        kibetsu.kanou, kibetsu_json, detail_json(si, result), input_hash(si.facts), "", "",
        actor, now,
    )  # fmt: skip


def _copy_in(rows: list[tuple[Any, ...]]) -> None:
    """COPY the chunk's rows (≈10× faster than bulk_create's parameterised INSERT for rows
    with a JSON 内訳 of every figure); in the caller's transaction."""
    if not rows:
        return
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in COPY_COLUMNS)
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(sql.SQL("COPY kokuho_kokuhofuka ({}) FROM STDIN").format(cols)) as copy:
            for r in rows:
                copy.write_row(r)


def _kibetsu_of(row: KokuhoFuka) -> list[int]:
    return [int(k["amount"]) for k in row.kibetsu]


def _kibetsu_json(kibetsu: Kibetsu) -> str:
    return json.dumps(kibetsu.as_json(), ensure_ascii=False)


@dataclass(frozen=True)
class ChunkWritten:
    written: int
    skipped: int
    kari_missing: int = 0


#: one probe of the one-current index per household (the LATERAL subquery with its LIMIT
#: and lock is not flattened into a join): the planner cannot fall back to reading every
#: row of the 年度 and filtering the chunk's ids, which it chose while a 本算定 filled the
#: table (its row estimate stale, docs/profiles/ledger.md), each chunk slower than the last
_CURRENT_LOCKED = """
    SELECT u.setai_id, f.id, f.version, f.santei,
        ARRAY(SELECT (e->>'amount')::bigint FROM jsonb_array_elements(f.kibetsu)
            WITH ORDINALITY AS x(e, n) ORDER BY n)
    FROM unnest(%s::bigint[]) AS u(setai_id)
    CROSS JOIN LATERAL (
        SELECT id, version, santei, kibetsu FROM kokuho_kokuhofuka
        WHERE fiscal_year = %s AND setai_id = u.setai_id AND is_current
        LIMIT 1 FOR UPDATE
    ) AS f
"""


def honsantei_chunk(
    *,
    year: FukaYear,
    plans: list[SetaiPlan],
    kijun: date,
    santei: str,
    job_id: int,
    actor: Actor,
) -> ChunkWritten:
    """本算定 (or 仮算定) of the planned households, in the caller's (the chunk's)
    transaction. Keyed: a household whose current 賦課 is this job's is left alone (the
    chunk ran before); one assessed by another 本算定 or 更正 is left alone too (counted
    as skipped: change it by 更正); a 仮算定 is followed by the 本算定 as its next version,
    its 期 kept."""
    fy = year.fiscal_year
    setai_ids = [p.setai_id for p in plans]
    # (id, version, santei, 期別 amounts) of the current 賦課, locked; a plain query (no
    # model object, no 内訳 decoded): the 本算定 mostly finds none
    current: dict[int, tuple[int, int, str, list[int]]] = {}
    with connection.cursor() as cur:
        cur.execute(_CURRENT_LOCKED, [setai_ids, fy])
        for setai_id, pk, version, cur_santei, amounts in cur.fetchall():
            current[setai_id] = (pk, version, cur_santei, [int(a) for a in amounts])
    todo = [
        p
        for p in plans
        if p.setai_id not in current
        or (santei == Santei.HON and current[p.setai_id][2] == Santei.KARI)
    ]
    skipped = len(plans) - len(todo)
    prev: dict[int, int] = {}
    if santei == Santei.KARI:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT setai_id, nengaku FROM kokuho_kokuhofuka WHERE fiscal_year = %s "
                "AND setai_id = ANY(%s) AND is_current",
                [fy - 1, [p.setai_id for p in todo]],
            )
            prev = {int(a): int(b) for a, b in cur.fetchall()}
    new_rows: list[tuple[Any, ...]] = []
    olds: list[int] = []
    kari_missing = 0
    who = actor.username or actor.api_client
    now = timezone.now()
    # a 本算定's 期別 depends on the 年税額 alone: computed and serialised once per amount
    hon: dict[int, tuple[Kibetsu, str]] = {}
    for si in year.inputs(todo, kijun):
        result = hokenzei_calculate(si.inp, year.params)
        before = current.get(si.setai_id)
        nengaku = result.nengaku
        if santei == Santei.KARI:
            if si.setai_id not in prev:
                kari_missing += 1  # no 前年度 税額: assessed at the 本算定
                continue
            kib = kibetsu_kari(prev[si.setai_id], fy, year.lookup)
            kib_json = _kibetsu_json(kib)
            nengaku = kib.total  # levied so far; the 年税額 is the 本算定's
        elif before is not None:  # the 仮算定 before it
            kari = Kibetsu(ki=(), amounts=tuple(before[3]))
            kib = kibetsu_hon(nengaku, fy, year.lookup, kari=_with_ki(kari, fy, year.lookup))
            kib_json = _kibetsu_json(kib)
        else:
            if nengaku not in hon:
                k = kibetsu_hon(nengaku, fy, year.lookup)
                hon[nengaku] = (k, _kibetsu_json(k))
            kib, kib_json = hon[nengaku]
        new_rows.append(
            _row(
                si,
                result,
                kib,
                kib_json,
                nengaku=nengaku,
                santei=santei,
                version=(before[1] + 1) if before else 1,
                job_id=job_id,
                actor=who,
                now=now,
            )
        )
        if before is not None:
            olds.append(before[0])
    if olds:
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE kokuho_kokuhofuka SET is_current = false WHERE id = ANY(%s)", [olds]
            )
    _copy_in(new_rows)
    if olds:
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE kokuho_kokuhofuka o SET superseded_by_id = n.id FROM kokuho_kokuhofuka n "
                "WHERE o.id = ANY(%s) AND n.fiscal_year = o.fiscal_year "
                "AND n.setai_id = o.setai_id AND n.is_current",
                [olds],
            )
    if new_rows:
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUHO_FUKA,
            screen=f"job:kokuho_fuka_{santei}",
            record_type=RECORD_TYPE,
            record_count=len(new_rows),
            detail={"job_id": job_id, "setai_ids": [r[1] for r in new_rows]},
        )
    return ChunkWritten(written=len(new_rows), skipped=skipped, kari_missing=kari_missing)


def _with_ki(kari: Kibetsu, fiscal_year: int, lookup: Any = param_value) -> Kibetsu:
    from kokuho.rules.fuka_kibetsu import nouki

    ki = nouki(fiscal_year, lookup)
    amounts = list(kari.amounts)[: len(ki)] + [0] * max(0, len(ki) - len(kari.amounts))
    return Kibetsu(ki=ki, amounts=tuple(amounts))


# --- 更正候補 ---------------------------------------------------------------------------


def _cause(changes: list[dict[str, Any]]) -> str:
    kinds = {c["kind"] for c in changes}
    shikaku = bool(kinds & {"shikaku", "tokutei"})
    shotoku = "shotoku" in kinds
    if shikaku and shotoku:
        return KoseiCause.SHIKAKU_SHOTOKU
    if shotoku and not kinds - {"shotoku"}:
        return KoseiCause.SHOTOKU
    if shikaku and not kinds - {"shikaku", "tokutei"}:
        return KoseiCause.SHIKAKU
    if "member" in kinds and kinds <= {"member", "shikaku", "tokutei"}:
        return KoseiCause.SHIKAKU
    return KoseiCause.SETAI


def kosei_sweep_chunk(
    *,
    year: FukaYear,
    plans: list[SetaiPlan],
    gone_setai: list[int],
    kijun: date,
    job_id: int | None,
) -> int:
    """Compare each household's current 賦課 with its input rebuilt today; a difference
    becomes (or replaces) its open 更正候補; no difference removes an open one. Returns
    the number of open candidates written. In the caller's transaction."""
    fy = year.fiscal_year
    ids = [p.setai_id for p in plans] + list(gone_setai)
    current = {
        f.setai_id: f
        for f in KokuhoFuka.objects.filter(fiscal_year=fy, setai_id__in=ids, is_current=True)
    }
    found: dict[int, tuple[str, int, dict[str, Any], str, list[dict[str, Any]]]] = {}
    for si in year.inputs(plans, kijun):
        h = input_hash(si.facts)
        before = current.get(si.setai_id)
        if before is not None and before.input_hash == h:
            continue
        result = hokenzei_calculate(si.inp, year.params)
        cause: str
        if before is None:
            cause, changes = KoseiCause.SHINKI, [{"kind": "shinki"}]
        else:
            changes = facts_changes(before.detail.get("input", {}), si.facts)
            cause = _cause(changes)
        found[si.setai_id] = (cause, result.nengaku, detail_of(si, result), h, changes)
    for setai_id in gone_setai:
        before = current.get(setai_id)
        if before is not None and before.nengaku:
            found[setai_id] = (
                KoseiCause.SHOMETSU,
                0,
                {"input": {}, "result": None},
                "",
                [{"kind": "shometsu"}],
            )
    KoseiKoho.objects.filter(
        fiscal_year=fy, setai_id__in=[i for i in ids if i not in found], status=KoseiStatus.OPEN
    ).delete()
    for setai_id, (cause, nengaku, detail, h, changes) in found.items():
        before = current.get(setai_id)
        KoseiKoho.objects.update_or_create(
            fiscal_year=fy,
            setai_id=setai_id,
            status=KoseiStatus.OPEN,
            defaults={
                "fuka": before,
                "cause": cause,
                "nengaku_before": before.nengaku if before else 0,
                "nengaku_after": nengaku,
                "detail": detail,
                "input_hash": h,
                "changes": changes,
                "job_id": job_id,
            },
        )
    return len(found)


def kosei_apply(*, koho_id: int, reason: str, actor: Actor, on: date | None = None) -> KokuhoFuka:
    """Apply a 更正候補: a new version of the household's 賦課 from the candidate's
    recomputed figures, the 期 already due kept and the 差額 over the 期 to come; the old
    version points at it. One durable transaction with its access-log row."""
    reason = reason.strip()
    if not reason:
        raise KoseiRefused("更正の理由を入力してください。")
    on = on or timezone.localdate()
    with transaction.atomic(durable=True):
        koho = KoseiKoho.objects.select_for_update().filter(pk=koho_id).first()
        if koho is None or koho.status != KoseiStatus.OPEN:
            raise KoseiRefused("この更正候補は処理済みか、ありません。")
        fy = koho.fiscal_year
        before = (
            KokuhoFuka.objects.select_for_update()
            .filter(fiscal_year=fy, setai_id=koho.setai_id, is_current=True)
            .first()
        )
        if (before.pk if before else None) != koho.fuka_id:
            raise KoseiRefused(
                "この世帯の賦課は候補を作った後に変わりました。更正候補の抽出をやり直してください。"
            )
        result = koho.detail.get("result")
        facts = koho.detail.get("input") or {}
        tokucho = before is not None and before.choshu_hoho == ChoshuHoho.TOKUBETSU
        kibetsu: list[dict[str, Any]]
        if before is not None and not tokucho and any(is_tokucho(k) for k in before.kibetsu):
            # 特別徴収 stopped earlier: its pension months stay beside the 普通徴収 期; the
            # 差額 goes over the 普通徴収 期 still to come, as at the stop
            recut = kibetsu_futsu_kirikae(
                nengaku=koho.nengaku_after, before=before.kibetsu,
                futsu_ki=nouki(fy, param_value),
                unit=int(param_value("kokuho.fuka.hasu_tani", fy)), on=on,
            )  # fmt: skip
            kibetsu, kanou = recut.kibetsu, recut.kanou
        elif before is not None and tokucho:
            # collected from the pension: a decrease stops 特別徴収, an increase goes to
            # 普通徴収 (kokuho.rules.tokucho_kibetsu, the town's zogaku_chushi)
            recut = kibetsu_tokucho_kosei(
                nengaku_after=koho.nengaku_after, nengaku_before=before.nengaku,
                before=before.kibetsu, futsu_ki=nouki(fy, param_value),
                unit=int(param_value("kokuho.fuka.hasu_tani", fy)), on=on,
                zogaku_chushi=bool(int(param_value("kokuho.fuka.tokucho.zogaku_chushi", fy))),
            )  # fmt: skip
            kibetsu, kanou, tokucho = recut.kibetsu, recut.kanou, recut.tokucho
        else:
            if before is not None:
                kib = kibetsu_kosei(koho.nengaku_after, _kibetsu_of(before), fy, param_value, on=on)
            else:
                kib = kibetsu_hon(koho.nengaku_after, fy, param_value)
            kibetsu, kanou = kib.as_json(), kib.kanou
        kubun = {k["kubun"]: int(k["zeigaku"]) for k in (result or {}).get("kubun", [])}
        keigen = (result or {}).get("keigen") or {}
        if before is not None:
            before.is_current = False
            before.save(update_fields=["is_current"])
        row = KokuhoFuka.objects.create(
            fiscal_year=fy,
            setai_id=koho.setai_id,
            version=(before.version + 1) if before else 1,
            santei=Santei.KOSEI,
            is_current=True,
            nozei_gimusha_id=int(
                facts.get("setainushi") or (before.nozei_gimusha_id if before else 0)
            ),
            gisei=bool(facts.get("gisei", before.gisei if before else False)),
            kijun_date=on,
            hihokensha_su=int(keigen.get("hihokensha_su", 0)),
            keigen_wari=int(keigen.get("wari", 0)),
            hantei_shotoku=int(keigen.get("hantei_shotoku", 0)),
            iryo=kubun.get("iryo", 0),
            shien=kubun.get("shien", 0),
            kaigo=kubun.get("kaigo", 0),
            kodomo=kubun.get("kodomo", 0),
            nengaku=koho.nengaku_after,
            kanou=kanou,
            choshu_hoho=ChoshuHoho.TOKUBETSU if tokucho else ChoshuHoho.FUTSU,
            kibetsu=kibetsu,
            # 消滅 (nobody insured any more): the last input is kept beside the zero
            detail=koho.detail
            if result is not None or before is None
            else {"input": before.detail.get("input", {}), "result": None},
            input_hash=koho.input_hash or (before.input_hash if before else ""),
            reason=reason[:200],
            cause=koho.cause,
            created_by=actor.username or actor.api_client,
        )
        if before is not None:
            before.superseded_by = row
            before.save(update_fields=["superseded_by"])
        # the 期別 into the 収納 ledger (the difference is written there)
        from kokuho.services.fuka_chotei import kokuho_chotei_post_kosei

        kokuho_chotei_post_kosei(new=row, old=before, on=on, actor=actor)
        if before is not None and before.choshu_hoho == ChoshuHoho.TOKUBETSU and not tokucho:
            Tokucho.objects.filter(
                fuka__fiscal_year=fy, fuka__setai_id=koho.setai_id, chushi_date__isnull=True
            ).update(chushi_date=on, chushi_riyu=f"更正（{row.get_cause_display()}）"[:100])
        koho.status = KoseiStatus.APPLIED
        koho.applied = row
        koho.decided_by = actor.username or actor.api_client
        koho.decided_at = timezone.now()
        koho.save(update_fields=["status", "applied", "decided_by", "decided_at"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKUHO_FUKA,
            screen="kokuho.fuka_kosei",
            record_type=RECORD_TYPE,
            record_id=row.pk,
            detail={
                "setai_id": koho.setai_id,
                "koho_id": koho.pk,
                "version": row.version,
                "cause": koho.cause,
            },
        )
    return row


def kosei_dismiss(*, koho_id: int, reason: str, actor: Actor) -> KoseiKoho:
    """Set a candidate aside (更正しない), with the reason; the 賦課 is not changed."""
    reason = reason.strip()
    if not reason:
        raise KoseiRefused("更正しない理由を入力してください。")
    with transaction.atomic(durable=True):
        koho = KoseiKoho.objects.select_for_update().filter(pk=koho_id).first()
        if koho is None or koho.status != KoseiStatus.OPEN:
            raise KoseiRefused("この更正候補は処理済みか、ありません。")
        koho.status = KoseiStatus.DISMISSED
        koho.decided_by = actor.username or actor.api_client
        koho.decided_at = timezone.now()
        koho.changes = [*koho.changes, {"kind": "dismissed", "reason": reason[:200]}]
        koho.save(update_fields=["status", "decided_by", "decided_at", "changes"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKUHO_FUKA,
            screen="kokuho.fuka_kosei",
            record_type=KOHO_RECORD_TYPE,
            record_id=koho.pk,
            detail={"setai_id": koho.setai_id, "dismissed": True},
        )
    return koho


def current_fuka_setai(fiscal_year: int) -> Iterable[int]:
    return KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True).values_list(
        "setai_id", flat=True
    )
