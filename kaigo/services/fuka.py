"""Writes of the 第1号保険料 賦課: the 本算定 chunk, the 更正候補 sweep, and the 更正 a clerk
applies. One assessment path: every figure comes from ``kaigo.rules.hokenryo.
hokenryo_calculate`` on the input ``kaigo.services.fuka_inputs`` builds; the 期別 from
``kaigo.rules.fuka_kibetsu``.

徴収方法: 特別徴収 when the person is in the year's 特別徴収対象者 (the pension insurer's
通知, ``TokuchoTaisho``) and insured the whole 年度 (12 months); otherwise 普通徴収. A
person who becomes 第1号 mid-year pays by 普通徴収 in that 年度 (特別徴収 starts only after
the insurer's later 通知: 介護保険法第134条 — the 追加 notices are not modelled, 未実装).

Jobs write inside their chunk's transaction (the job framework's fence: a worker taken
for dead rolls back); a clerk's 更正 is one durable transaction with its access-log row.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    ChoshuHoho,
    FukaKoseiCause,
    FukaKoseiStatus,
    FukaSantei,
    KaigoFuka,
    KaigoKoseiKoho,
)
from kaigo.rules.fuka_kibetsu import (
    Ki,
    Kibetsu,
    futsu_ki,
    kibetsu_from_json,
    kibetsu_futsu,
    kibetsu_futsu_kirikae,
    kibetsu_kosei,
    kibetsu_tokucho,
)
from kaigo.rules.hokenryo import HokenryoResult, hasu_shori, hokenryo_calculate
from kaigo.rules.hokenryo_hogo import TsukiwariBubun, tsukiwari_gassan
from kaigo.rules.hokenryo_params import (
    HokenryoParameters,
    hokenryo_parameters_from_lookup,
    parameters_for,
)
from kaigo.rules.hokenryo_params import P as PARAM_PREFIX
from kaigo.services.fuka_inputs import (
    PersonInput,
    facts_changes,
    input_hash,
    input_text_and_hash,
    person_inputs,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value, param_values

RECORD_TYPE = "kaigo.KaigoFuka"
KOHO_RECORD_TYPE = "kaigo.KaigoKoseiKoho"


class KoseiRefused(Exception):
    """A 更正 that may not be applied; the message is Japanese, for the clerk."""


@dataclass(frozen=True)
class FukaYear:
    fiscal_year: int
    params: HokenryoParameters
    values: dict[tuple[str, int], Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, fiscal_year: int) -> FukaYear:
        """The year's 保険料 values, read in two queries (``param_values``); a key they
        do not hold is asked of ``param_value`` (which refuses a missing one)."""
        values: dict[tuple[str, int], Any] = {
            (k, fiscal_year): v for k, v in param_values(PARAM_PREFIX, fiscal_year).items()
        }

        def lookup(key: str, fy: int) -> Any:
            if (key, fy) not in values:
                values[(key, fy)] = param_value(key, fy)
            return values[(key, fy)]

        params = hokenryo_parameters_from_lookup(lookup, fiscal_year)
        return cls(fiscal_year=fiscal_year, params=params, values=values)

    def lookup(self, key: str, fiscal_year: int) -> Any:
        if (key, fiscal_year) not in self.values:
            self.values[(key, fiscal_year)] = param_value(key, fiscal_year)
        return self.values[(key, fiscal_year)]

    def futsu_ki(self) -> tuple[Ki, ...]:
        """The year's 普通徴収 期 and 納期限, computed once per chunk."""
        if ("futsu_ki", 0) not in self.values:
            self.values[("futsu_ki", 0)] = futsu_ki(self.fiscal_year, self.lookup)
        return tuple(self.values[("futsu_ki", 0)])


def _tsukiwari(r: HokenryoResult, n: int, params: HokenryoParameters) -> HokenryoResult:
    """``r`` charged for the ``n`` months ``kaigo.public`` owes (the same as the rule's own
    for one period; for two periods in a year the months of both)."""
    if n != r.tsukisu:
        hokenryo = (
            r.nengaku
            if n == 12
            else hasu_shori(Fraction(r.nengaku * n, 12), params.tsukiwari_hasu_tani, 1)
        )
        r = dataclasses.replace(r, tsukisu=n, hokenryo=hokenryo)
    return r


def calculate_parts(
    pi: PersonInput, params: HokenryoParameters
) -> tuple[HokenryoResult, tuple[TsukiwariBubun, ...]]:
    """The rules' result on the months owed, and — when 生活保護 puts only some of them at
    the 第1段階 — the two 月割 parts whose sum is the premium (kaigo.rules.hokenryo_hogo).
    The result then carries the 段階 of the last month owed and the summed premium."""
    n = len(pi.months)
    r = _tsukiwari(hokenryo_calculate(pi.inp, params), n, params)
    if not pi.seiho_months:
        return r, ()
    hogo = _tsukiwari(
        hokenryo_calculate(dataclasses.replace(pi.inp, seikatsu_hogo=True), params), n, params
    )
    if len(pi.seiho_months) == n:
        return hogo, ()
    other = tuple(m for m in pi.months if m not in pi.seiho_months)
    parts = tsukiwari_gassan([(other, r), (pi.seiho_months, hogo)], params)
    last = hogo if pi.months[-1] in pi.seiho_months else r
    return dataclasses.replace(last, hokenryo=sum(p.hokenryo for p in parts)), parts


def calculate(pi: PersonInput, params: HokenryoParameters) -> HokenryoResult:
    return calculate_parts(pi, params)[0]


def result_json(r: HokenryoResult, parts: tuple[TsukiwariBubun, ...] = ()) -> dict[str, Any]:
    h = r.hantei
    out: dict[str, Any] = {
        "ki": r.ki,
        "dankai": h.dankai,
        "riyu": h.riyu,
        "gokei_shotoku_kojogo": h.gokei_shotoku_kojogo,
        "kazei_nenkin_shunyu": h.kazei_nenkin_shunyu,
        "sonota_gokei_shotoku": h.sonota_gokei_shotoku,
        "nenkin_sonota_gokei": h.nenkin_sonota_gokei,
        "hantei_gokei_shotoku": h.hantei_gokei_shotoku,
        "kijungaku": r.kijungaku,
        "ritsu": str(r.ritsu),
        "keigengo_ritsu": str(r.keigengo_ritsu),
        "keigen_mae_nengaku": r.keigen_mae_nengaku,
        "keigengaku": r.keigengaku,
        "nengaku": r.nengaku,
        "tsukisu": r.tsukisu,
        "hokenryo": r.hokenryo,
    }
    if parts:  # 月割の合算 (生活保護の開始・廃止が年度の途中)
        out["tsukiwari"] = [
            {"dankai": p.result.dankai, "riyu": p.result.hantei.riyu, "months": list(p.months),
             "nengaku": p.result.nengaku, "hokenryo": p.hokenryo}
            for p in parts
        ]  # fmt: skip
    return out


def _kibetsu(
    year: FukaYear, hokenryo: int, months: tuple[int, ...], tokucho: bool, kari: int
) -> Kibetsu:
    fy = year.fiscal_year
    if tokucho and len(months) == 12:
        return kibetsu_tokucho(hokenryo, kari, fy, year.lookup)
    return kibetsu_futsu(hokenryo, fy, year.lookup, ki=year.futsu_ki())


#: ``json.dumps(x, ensure_ascii=False)`` without building an encoder per call (the same
#: text: the C encoder either way)
_ENCODER = json.JSONEncoder(ensure_ascii=False)


COPY_COLUMNS = [
    "fiscal_year", "atena_id", "hihokensha_no", "version", "santei", "is_current",
    "kijun_date", "job_id", "dankai", "kijungaku", "ritsu", "gokei_shotoku",
    "kazei_nenkin_shunyu", "honnin_jokyo", "setai_kazei", "nengaku", "keigengaku", "tsukisu",
    "hokenryo", "choshu_hoho", "kanou", "kibetsu", "detail", "input_hash", "reason", "cause",
    "created_by", "created_at",
]  # fmt: skip


def _copy_in(rows: list[tuple[Any, ...]]) -> None:
    """COPY the chunk's rows (values in ``COPY_COLUMNS`` order, JSON as text), in the
    caller's transaction."""
    if not rows:
        return
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in COPY_COLUMNS)
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(sql.SQL("COPY kaigo_kaigofuka ({}) FROM STDIN").format(cols)) as copy:
            for r in rows:
                copy.write_row(r)


def karichoshu_of(fiscal_year: int, atena_ids: list[int]) -> dict[int, int]:
    """仮徴収 per month: the February 本徴収 of the previous 年度's current 賦課 (the first
    such 期 of the 期別), taken out of the JSON by the database. One query."""
    if not atena_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT f.atena_id, feb.amount
            FROM kaigo_kaigofuka f
            CROSS JOIN LATERAL (
                SELECT (e.value ->> 'amount')::bigint AS amount
                FROM jsonb_array_elements(f.kibetsu) WITH ORDINALITY AS e(value, n)
                WHERE e.value ->> 'kind' = 'hon' AND (e.value ->> 'month')::int = 2
                ORDER BY e.n LIMIT 1
            ) feb
            WHERE f.fiscal_year = %s AND f.is_current AND f.choshu_hoho = %s
              AND f.atena_id = ANY(%s)
            """,
            [fiscal_year - 1, str(ChoshuHoho.TOKUCHO), list(atena_ids)],
        )
        return {int(a): int(amount) for a, amount in cur.fetchall()}


def tokucho_of(fiscal_year: int, atena_ids: list[int]) -> set[int]:
    """Those of ``atena_ids`` in the year's 特別徴収対象者 whose 特別徴収 was not stopped
    (依頼処理結果 不能, 各種異動). One query."""
    if not atena_ids:
        return set()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT atena_id FROM kaigo_tokuchotaisho"
            " WHERE fiscal_year = %s AND atena_id = ANY(%s) AND chushi_date IS NULL",
            [fiscal_year, list(atena_ids)],
        )
        return {int(a) for (a,) in cur.fetchall()}


#: one probe of the one-current index per person (the LATERAL subquery with its LIMIT and
#: lock is not flattened into a join): the planner cannot fall back to reading every row
#: of the 年度 and filtering the chunk's ids, which it chose while a 本算定 filled the table
#: (its row estimate stale, docs/profiles/ledger.md), each chunk slower than the last
_ASSESSED_LOCKED = """
    SELECT u.atena_id FROM unnest(%s::bigint[]) AS u(atena_id)
    CROSS JOIN LATERAL (
        SELECT 1 FROM kaigo_kaigofuka f
        WHERE f.fiscal_year = %s AND f.is_current AND f.atena_id = u.atena_id
        LIMIT 1 FOR UPDATE
    ) AS found
"""


def _assessed_locked(fiscal_year: int, atena_ids: list[int]) -> set[int]:
    """Those of ``atena_ids`` with a current 賦課 of the 年度, their rows locked."""
    with connection.cursor() as cur:
        cur.execute(_ASSESSED_LOCKED, [list(atena_ids), fiscal_year])
        return {int(a) for (a,) in cur.fetchall()}


@dataclass(frozen=True)
class ChunkWritten:
    written: int
    skipped: int


def honsantei_chunk(
    *, year: FukaYear, atena_ids: list[int], kijun: date, job_id: int, actor: Actor
) -> ChunkWritten:
    """本算定 of the planned persons, in the caller's (the chunk's) transaction. A person
    who already has a current 賦課 of the 年度 (this job's chunk ran before, or an earlier
    本算定 or 更正) is left alone and counted as skipped: a chunk run again writes nothing.

    Set-based: one query per input kind for the whole chunk (賦課済み, 特別徴収対象者,
    仮徴収, then ``person_inputs``), plain tuples to COPY (no model objects), each 内訳
    serialised once, and the 期別 of equal amounts computed and serialised once."""
    fy = year.fiscal_year
    current = _assessed_locked(fy, atena_ids) if atena_ids else set()
    todo = [a for a in atena_ids if a not in current]
    tokucho = tokucho_of(fy, todo)
    kari = karichoshu_of(fy, todo)
    name = actor.username or actor.api_client
    now = timezone.now()
    kibetsu_done: dict[tuple[bool, int, int], tuple[str, int, str]] = {}
    rows: list[tuple[Any, ...]] = []
    for pi in person_inputs(fy, todo):
        r, parts = calculate_parts(pi, year.params)
        toku = pi.atena_id in tokucho and len(pi.months) == 12
        key = (toku, r.hokenryo, kari.get(pi.atena_id, 0) if toku else 0)
        kib = kibetsu_done.get(key)
        if kib is None:
            k = _kibetsu(year, r.hokenryo, pi.months, toku, key[2])
            kib = kibetsu_done[key] = (k.hoho, k.kanou, _ENCODER.encode(k.as_json()))
        facts = pi.facts
        honnin = facts["honnin"]
        # the input encoded once, for the hash and inside the 内訳 (the column is jsonb:
        # PostgreSQL stores the same value whatever the order of the keys in the text)
        facts_text, facts_hash = input_text_and_hash(facts)
        detail = f'{{"input": {facts_text}, "result": {_ENCODER.encode(result_json(r, parts))}}}'
        rows.append(
            (fy, pi.atena_id, pi.hihokensha_no, 1, FukaSantei.HON.value, True, kijun, job_id,
             r.hantei.dankai, r.kijungaku, str(r.keigengo_ritsu), honnin["gokei_shotoku"],
             r.hantei.kazei_nenkin_shunyu, honnin["jokyo"], pi.inp.setai_kazei, r.nengaku,
             r.keigengaku, r.tsukisu, r.hokenryo, kib[0], kib[1], kib[2],
             detail, facts_hash,
             "", "", name, now)
        )  # fmt: skip
    _copy_in(rows)
    if rows:
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KAIGO_HOKEN,
            screen="job:kaigo_fuka_honsantei",
            record_type=RECORD_TYPE,
            record_count=len(rows),
            detail={"job_id": job_id, "atena_ids": [r[1] for r in rows]},
        )
    return ChunkWritten(written=len(rows), skipped=len(atena_ids) - len(todo))


# --- 更正候補 ---------------------------------------------------------------------------


def _cause(changes: list[dict[str, Any]]) -> str:
    kinds = {c["kind"] for c in changes}
    if "seiho" in kinds:
        return FukaKoseiCause.SEIHO
    if "rorei" in kinds:
        return FukaKoseiCause.ROREI
    if kinds == {"shikaku"}:
        return FukaKoseiCause.SHIKAKU
    if "shikaku" in kinds:
        return FukaKoseiCause.SHIKAKU_SHOTOKU
    if "shotoku" in kinds:
        return FukaKoseiCause.SHOTOKU
    return FukaKoseiCause.SETAI


KOHO_COLUMNS = [
    "fiscal_year", "atena_id", "fuka_id", "cause", "status", "hokenryo_before",
    "hokenryo_after", "detail", "input_hash", "changes", "job_id", "found_at", "decided_by",
]  # fmt: skip


def _koho_upsert(rows: list[tuple[Any, ...]]) -> None:
    """Write the open 更正候補 (values in ``KOHO_COLUMNS`` order, JSON as text): COPY into a
    temporary table, then one INSERT … ON CONFLICT on the one-open-candidate index that
    replaces a person's open candidate (its id kept), as ``update_or_create`` did one by one.
    In the caller's transaction."""
    if not rows:
        return
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in KOHO_COLUMNS)
    updates = sql.SQL(", ").join(
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
        for c in KOHO_COLUMNS
        if c not in {"fiscal_year", "atena_id", "status", "decided_by"}
    )
    with connection.cursor() as cur:
        raw = cur.cursor
        raw.execute("DROP TABLE IF EXISTS pg_temp.kaigo_koho_in")
        raw.execute(
            sql.SQL(
                "CREATE TEMP TABLE kaigo_koho_in ON COMMIT DROP AS"
                " SELECT {} FROM kaigo_kaigokoseikoho WITH NO DATA"
            ).format(cols)
        )
        with raw.copy(sql.SQL("COPY kaigo_koho_in ({}) FROM STDIN").format(cols)) as copy:
            for r in rows:
                copy.write_row(r)
        raw.execute(
            sql.SQL(
                "INSERT INTO kaigo_kaigokoseikoho ({}) SELECT {} FROM kaigo_koho_in"
                " ON CONFLICT (fiscal_year, atena_id) WHERE status = 'open' DO UPDATE SET {}"
            ).format(cols, cols, updates)
        )


def kosei_sweep_chunk(
    *, year: FukaYear, atena_ids: list[int], gone: list[int], job_id: int | None
) -> int:
    """Compare each person's current 賦課 with their input rebuilt today; a difference
    becomes (or replaces) their open 更正候補; none removes an open one. ``gone``: persons
    with a current 賦課 who are no longer 第1号 in the 年度 (a 取消). Returns the number of
    open candidates written. In the caller's transaction.

    Set-based: the current 賦課 in one query (their input JSON only for those whose hash
    differs), the candidates removed in one statement and written with one COPY."""
    fy = year.fiscal_year
    ids = list(atena_ids) + list(gone)
    current: dict[int, tuple[int, str, int]] = {}  # 宛名 id → (賦課 id, input_hash, 保険料)
    if ids:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT atena_id, id, input_hash, hokenryo FROM kaigo_kaigofuka"
                " WHERE fiscal_year = %s AND is_current AND atena_id = ANY(%s::bigint[])",
                [fy, ids],
            )
            current = {int(a): (int(pk), h, int(amt)) for a, pk, h, amt in cur.fetchall()}
    found: dict[int, tuple[str, int, dict[str, Any], str, list[dict[str, Any]]]] = {}
    seen: set[int] = set()
    changed: list[tuple[PersonInput, str]] = []
    for pi in person_inputs(fy, list(atena_ids)):
        seen.add(pi.atena_id)
        h = input_hash(pi.facts)
        before = current.get(pi.atena_id)
        if before is not None and before[1] == h:
            continue
        changed.append((pi, h))
    old_inputs = _inputs_of(
        [current[pi.atena_id][0] for pi, _ in changed if pi.atena_id in current]
    )
    for pi, h in changed:
        r, parts = calculate_parts(pi, year.params)
        before = current.get(pi.atena_id)
        if before is None:
            cause, changes = str(FukaKoseiCause.SHINKI), [{"kind": "shinki"}]
        else:
            changes = facts_changes(old_inputs.get(before[0]) or {}, pi.facts)
            cause = _cause(changes)
        detail = {
            "input": pi.facts,
            "result": result_json(r, parts),
            "hihokensha_no": pi.hihokensha_no,
        }
        found[pi.atena_id] = (cause, r.hokenryo, detail, h, changes)
    for a in [*gone, *(x for x in atena_ids if x not in seen)]:
        before = current.get(a)
        if before is not None and before[2]:
            found[a] = (FukaKoseiCause.SHOMETSU, 0, {"input": {}, "result": None}, "",
                        [{"kind": "shometsu"}])  # fmt: skip
    KaigoKoseiKoho.objects.filter(
        fiscal_year=fy, atena_id__in=[i for i in ids if i not in found],
        status=FukaKoseiStatus.OPEN,
    ).delete()  # fmt: skip
    now = timezone.now()
    rows = []
    for a, (cause, hokenryo, detail, h, changes) in found.items():
        before = current.get(a)
        rows.append(
            (fy, a, before[0] if before else None, str(cause), str(FukaKoseiStatus.OPEN),
             before[2] if before else 0, hokenryo, _ENCODER.encode(detail), h,
             _ENCODER.encode(changes), job_id, now, "")
        )  # fmt: skip
    _koho_upsert(rows)
    return len(found)


def _inputs_of(fuka_ids: list[int]) -> dict[int, dict[str, Any]]:
    """賦課 id → the input its 内訳 holds (one query)."""
    if not fuka_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, detail::jsonb -> 'input' FROM kaigo_kaigofuka WHERE id = ANY(%s::bigint[])",
            [fuka_ids],
        )
        # Django's connection hands jsonb over as text (JSONField decodes it itself)
        return {
            int(pk): (json.loads(value) if isinstance(value, str) else value) or {}
            for pk, value in cur.fetchall()
        }


def kosei_apply(*, koho_id: int, reason: str, actor: Actor, on: date | None = None) -> KaigoFuka:
    """Apply a 更正候補: a new version from the candidate's recomputed figures, the 期
    already due kept and the 差額 over the 期 to come; the old version points at it."""
    reason = reason.strip()
    if not reason:
        raise KoseiRefused("更正の理由を入力してください。")
    with transaction.atomic(durable=True):
        koho = KaigoKoseiKoho.objects.select_for_update().filter(pk=koho_id).first()
        if koho is None or koho.status != FukaKoseiStatus.OPEN:
            raise KoseiRefused("この更正候補は処理済みか、ありません。")
        return kosei_apply_locked(koho=koho, reason=reason, actor=actor, on=on)


def kosei_apply_locked(
    *, koho: KaigoKoseiKoho, reason: str, actor: Actor, on: date | None = None
) -> KaigoFuka:
    """:func:`kosei_apply` in the caller's transaction, ``koho`` open and locked by the
    caller (an event's delivery applies the candidate its sweep just wrote)."""
    on = on or timezone.localdate()
    fy = koho.fiscal_year
    before = (
        KaigoFuka.objects.select_for_update()
        .filter(fiscal_year=fy, atena_id=koho.atena_id, is_current=True)
        .first()
    )
    if (before.pk if before else None) != koho.fuka_id:
        raise KoseiRefused(
            "この方の賦課は候補を作った後に変わりました。更正候補の抽出をやり直してください。"
        )
    year = FukaYear(fiscal_year=fy, params=parameters_for(fy))
    base = (
        kibetsu_from_json(before.kibetsu)
        if before is not None
        else kibetsu_futsu(0, fy, year.lookup)
    )
    kib = kibetsu_kosei(koho.hokenryo_after, base, fy, year.lookup, on=on)
    res = koho.detail.get("result")
    facts = koho.detail.get("input") or {}
    if before is not None:
        before.is_current = False
        before.save(update_fields=["is_current"])
    if res is None:  # 消滅: the last input kept beside the zero
        assert before is not None
        detail = {"input": before.detail.get("input", {}), "result": None}
        res = {**before.detail.get("result", {}), "tsukisu": 0, "hokenryo": 0}
    else:
        detail = {"input": facts, "result": res}
    honnin = (detail["input"] or {}).get("honnin") or {}
    row = KaigoFuka.objects.create(
        fiscal_year=fy,
        atena_id=koho.atena_id,
        hihokensha_no=koho.detail.get("hihokensha_no") or (before.hihokensha_no if before else ""),
        version=(before.version + 1) if before else 1,
        santei=FukaSantei.KOSEI,
        is_current=True,
        kijun_date=on,
        dankai=int(res.get("dankai", 0)),
        kijungaku=int(res.get("kijungaku", 0)),
        ritsu=str(res.get("keigengo_ritsu", "0")),
        gokei_shotoku=int(honnin.get("gokei_shotoku", 0)),
        kazei_nenkin_shunyu=int(res.get("kazei_nenkin_shunyu", 0)),
        honnin_jokyo=str(honnin.get("jokyo", "")),
        setai_kazei=bool((detail["input"] or {}).get("setai_kazei", False)),
        nengaku=int(res.get("nengaku", 0)),
        keigengaku=int(res.get("keigengaku", 0)),
        tsukisu=int(res.get("tsukisu", 0)),
        hokenryo=koho.hokenryo_after,
        choshu_hoho=kib.hoho,
        kanou=kib.kanou,
        kibetsu=kib.as_json(),
        detail=detail,
        input_hash=koho.input_hash or (before.input_hash if before else ""),
        reason=reason[:200],
        cause=koho.cause,
        created_by=actor.username or actor.api_client,
    )
    if before is not None:
        before.superseded_by = row
        before.save(update_fields=["superseded_by"])
    # the 普通徴収 期別 into the 収納 ledger (the difference is written there)
    from kaigo.services.fuka_chotei import kaigo_chotei_post_kosei

    kaigo_chotei_post_kosei(new=row, old=before, on=on, actor=actor)
    koho.status = FukaKoseiStatus.APPLIED
    koho.applied = row
    koho.decided_by = actor.username or actor.api_client
    koho.decided_at = timezone.now()
    koho.save(update_fields=["status", "applied", "decided_by", "decided_at"])
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=KAIGO_HOKEN,
        screen="kaigo.fuka_kosei",
        record_type=RECORD_TYPE,
        record_id=row.pk,
        detail={"koho_id": koho.pk, "version": row.version, "cause": koho.cause},
    )
    return row


def futsu_kirikae_locked(*, before: KaigoFuka, on: date, reason: str, actor: Actor) -> KaigoFuka:
    """The 更正 that moves a 特別徴収 person to 普通徴収 from ``on`` (the pension insurer
    refused the 依頼 or stopped withholding), in the caller's transaction with ``before``
    (the current version) locked by the caller: a new version with the same 保険料 and
    every figure, the pension months withheld before ``on`` kept and the rest over the
    普通徴収 期 still to come (``kibetsu_futsu_kirikae``); the old version points at it and
    the 普通徴収 期 go into the 収納 ledger. The 保険料 itself (a 死亡's 月割) is the 更正
    sweep's business, as for any 資格 change."""
    fy = before.fiscal_year
    year = FukaYear(fiscal_year=fy, params=parameters_for(fy))
    kib = kibetsu_futsu_kirikae(
        before.hokenryo, kibetsu_from_json(before.kibetsu), fy, year.lookup, on=on
    )
    before.is_current = False
    before.save(update_fields=["is_current"])
    row = KaigoFuka.objects.create(
        fiscal_year=fy,
        atena_id=before.atena_id,
        hihokensha_no=before.hihokensha_no,
        version=before.version + 1,
        santei=FukaSantei.KOSEI,
        is_current=True,
        kijun_date=on,
        dankai=before.dankai,
        kijungaku=before.kijungaku,
        ritsu=before.ritsu,
        gokei_shotoku=before.gokei_shotoku,
        kazei_nenkin_shunyu=before.kazei_nenkin_shunyu,
        honnin_jokyo=before.honnin_jokyo,
        setai_kazei=before.setai_kazei,
        nengaku=before.nengaku,
        keigengaku=before.keigengaku,
        tsukisu=before.tsukisu,
        hokenryo=before.hokenryo,
        choshu_hoho=ChoshuHoho.FUTSU,
        kanou=kib.kanou,
        kibetsu=kib.as_json(),
        detail=before.detail,
        input_hash=before.input_hash,
        reason=reason[:200],
        cause=FukaKoseiCause.TOKUCHO_CHUSHI,
        created_by=actor.username or actor.api_client,
    )
    before.superseded_by = row
    before.save(update_fields=["superseded_by"])
    from kaigo.services.fuka_chotei import kaigo_chotei_post_kosei

    kaigo_chotei_post_kosei(new=row, old=before, on=on, actor=actor)
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=KAIGO_HOKEN,
        screen="kaigo.fuka_tokucho_kekka",
        record_type=RECORD_TYPE,
        record_id=row.pk,
        detail={"version": row.version, "cause": FukaKoseiCause.TOKUCHO_CHUSHI.value},
    )
    return row


def kosei_dismiss(*, koho_id: int, reason: str, actor: Actor) -> KaigoKoseiKoho:
    reason = reason.strip()
    if not reason:
        raise KoseiRefused("更正しない理由を入力してください。")
    with transaction.atomic(durable=True):
        koho = KaigoKoseiKoho.objects.select_for_update().filter(pk=koho_id).first()
        if koho is None or koho.status != FukaKoseiStatus.OPEN:
            raise KoseiRefused("この更正候補は処理済みか、ありません。")
        koho.status = FukaKoseiStatus.DISMISSED
        koho.decided_by = actor.username or actor.api_client
        koho.decided_at = timezone.now()
        koho.changes = [*koho.changes, {"kind": "dismissed", "reason": reason[:200]}]
        koho.save(update_fields=["status", "decided_by", "decided_at", "changes"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KAIGO_HOKEN,
            screen="kaigo.fuka_kosei",
            record_type=KOHO_RECORD_TYPE,
            record_id=koho.pk,
            detail={"dismissed": True},
        )
    return koho
