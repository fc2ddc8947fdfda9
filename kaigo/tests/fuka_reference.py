"""The 本算定 chunk as it was before the set-based rewrite (commit 5500a71), kept verbatim
as the reference ``test_fuka_identical`` compares the job's rows with: the same persons
through both paths must give the same rows (amounts, 期別, 内訳 JSON, 入力の指紋).

Only the reading and writing are copied; the rules (``kaigo.rules``), ``kaigo.public``
and ``zeimu.public`` are the ones in use.

Extended for 生活保護 and 老齢福祉年金 (issue 16/21): read here person by person (福祉's
periods through ``fukushi.public``, the 老齢福祉年金 rows by the ORM), the months at the
第1段階 found by comparing dates with each month's next first day (not by the rule's month
arithmetic), and the 月割の合算 written out — so the set-based chunk and this path must
agree on every such row too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from psycopg import sql

from fukushi.public import hihogo_kikan_many
from kaigo.models import ChoshuHoho, KaigoFuka, RoreiFukushiNenkin, TokuchoTaisho
from kaigo.public import Dai1Nendo, dai1_of_nendo
from kaigo.rules.fuka_kibetsu import Kibetsu, futsu_ki, kibetsu_futsu, kibetsu_tokucho
from kaigo.rules.hokenryo import (
    HokenryoInput,
    HokenryoResult,
    Nenkin,
    Shotoku,
    hasu_shori,
    hokenryo_calculate,
)
from kaigo.rules.hokenryo_params import HokenryoParameters, parameters_for
from tenants.params.services import param_value
from zeimu import public as zp

KAZEI = (zp.KazeiJokyo.KAZEI, zp.KazeiJokyo.KINTOWARI_NOMI)


@dataclasses.dataclass(frozen=True)
class PersonInput:
    atena_id: int
    hihokensha_no: str
    inp: HokenryoInput
    months: tuple[int, ...]
    facts: dict[str, Any]
    seiho_months: tuple[int, ...] = ()


def input_hash(facts: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def _kijitsu(d1: Dai1Nendo, fiscal_year: int) -> date:
    first = min(s for s, _ in d1.periods)
    return max(first, date(fiscal_year, 4, 1))


def _person(p: zp.PersonKazei | None) -> dict[str, Any]:
    if p is None:
        return {"fumei": True, "jokyo": "", "gokei_shotoku": 0, "nenkin_shotoku": 0,
                "kyuyo_shotoku": 0, "nenkin_shunyu": 0}  # fmt: skip
    s = p.shotoku
    return {
        "fumei": p.jokyo is zp.KazeiJokyo.MISHINKOKU,
        "jokyo": str(p.jokyo),
        "gokei_shotoku": s.gokei_shotoku,
        "nenkin_shotoku": s.nenkin_shotoku,
        "kyuyo_shotoku": s.kyuyo_shotoku,
        "nenkin_shunyu": s.nenkin_shunyu,
    }


def person_inputs(fiscal_year: int, atena_ids: list[int]) -> list[PersonInput]:
    dai1 = [d for d in dai1_of_nendo(fiscal_year, atena_ids) if d.months]
    by_day: dict[date, list[int]] = defaultdict(list)
    for d in dai1:
        by_day[_kijitsu(d, fiscal_year)].append(d.atena_id)
    setai: dict[int, zp.HouseholdKazei] = {}
    for day, ids in by_day.items():
        setai.update(zp.household_kazei_many(ids, fiscal_year, on=day))
    kazei = {m.atena_id: m for h in setai.values() for m in h.members}
    kazei.update(zp.person_kazei_many([d.atena_id for d in dai1 if d.atena_id not in setai],
                                      fiscal_year))  # fmt: skip
    out: list[PersonInput] = []
    for d in sorted(dai1, key=lambda x: x.atena_id):
        p = kazei.get(d.atena_id)
        honnin = _person(p)
        honnin_kazei = p is not None and p.jokyo in KAZEI
        h = setai.get(d.atena_id)
        if h is not None:
            setai_kazei = honnin_kazei or not h.zenin_hikazei
            setai_facts: dict[str, Any] = {
                "setai_id": h.setai_id,
                "on": h.on.isoformat(),
                "jokyo": str(h.jokyo),
                "kazei_su": sum(1 for m in h.members if m.jokyo in KAZEI),
                "member_su": len(h.members) + len(h.unassessed),
                "unassessed_su": len(h.unassessed),
            }
        else:
            setai_kazei = honnin_kazei or p is None or p.jokyo is zp.KazeiJokyo.MISHINKOKU
            setai_facts = {"setai_id": None, "on": _kijitsu(d, fiscal_year).isoformat()}
        nenkin = (Nenkin("rorei", honnin["nenkin_shunyu"]),) if honnin["nenkin_shunyu"] else ()
        shotoku = Shotoku(
            gokei_shotoku=max(0, honnin["gokei_shotoku"]),
            nenkin_shotoku=max(0, honnin["nenkin_shotoku"]),
            kyuyo_shotoku=max(0, honnin["kyuyo_shotoku"]),
            nenkin=nenkin,
        )
        shutoku = min(s for s, _ in d.periods)
        ends = [e for _, e in d.periods]
        soshitsu = None if any(e is None for e in ends) else max(e for e in ends if e)
        kikan = hihogo_kikan_many([d.atena_id]).get(d.atena_id, ())
        seiho = []
        for m in d.months:
            y = fiscal_year if m >= 4 else fiscal_year + 1
            after = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
            if any(k.kaishi < after and (k.haishi is None or k.haishi >= after) for k in kikan):
                seiho.append(m)
        day = _kijitsu(d, fiscal_year)
        jukyu = (
            RoreiFukushiNenkin.objects.filter(
                atena_id=d.atena_id, torikeshi=False, kaishi_date__lte=day
            )
            .filter(Q(shuryo_date__isnull=True) | Q(shuryo_date__gte=day))
            .exists()
        )
        inp = HokenryoInput(
            fiscal_year=fiscal_year,
            shotoku=shotoku,
            honnin_kazei=honnin_kazei,
            setai_kazei=setai_kazei,
            rorei_fukushi_nenkin=jukyu,
            shutoku_date=shutoku if shutoku > date(fiscal_year, 4, 1) else None,
            soshitsu_date=soshitsu,
        )
        facts = {
            "atena_id": d.atena_id,
            "periods": [[s.isoformat(), e.isoformat() if e else None] for s, e in d.periods],
            "months": list(d.months),
            "honnin": honnin,
            "honnin_kazei": honnin_kazei,
            "setai": setai_facts,
            "setai_kazei": setai_kazei,
        }
        if seiho:
            facts["seiho_months"] = seiho
        if jukyu:
            facts["rorei_fukushi_nenkin"] = True
        out.append(
            PersonInput(d.atena_id, d.hihokensha_no, inp, tuple(d.months), facts, tuple(seiho))
        )
    return out


def _monthly(inp: HokenryoInput, n: int, params: HokenryoParameters) -> HokenryoResult:
    r = hokenryo_calculate(inp, params)
    if n != r.tsukisu:
        hokenryo = (
            r.nengaku
            if n == 12
            else hasu_shori(Fraction(r.nengaku * n, 12), params.tsukiwari_hasu_tani, 1)
        )
        r = dataclasses.replace(r, tsukisu=n, hokenryo=hokenryo)
    return r


def calculate(
    pi: PersonInput, params: HokenryoParameters
) -> tuple[HokenryoResult, list[dict[str, Any]]]:
    n = len(pi.months)
    r = _monthly(pi.inp, n, params)
    if not pi.seiho_months:
        return r, []
    hogo = _monthly(dataclasses.replace(pi.inp, seikatsu_hogo=True), n, params)
    if len(pi.seiho_months) == n:
        return hogo, []
    parts: list[dict[str, Any]] = []
    for months, x in (
        ([m for m in pi.months if m not in pi.seiho_months], r),
        (list(pi.seiho_months), hogo),
    ):
        amount = hasu_shori(Fraction(x.nengaku * len(months), 12), params.tsukiwari_hasu_tani, 1)
        parts.append(
            {"dankai": x.dankai, "riyu": x.hantei.riyu, "months": months,
             "nengaku": x.nengaku, "hokenryo": amount}
        )  # fmt: skip
    last = hogo if pi.months[-1] in pi.seiho_months else r
    return dataclasses.replace(last, hokenryo=sum(p["hokenryo"] for p in parts)), parts


def result_json(r: HokenryoResult, parts: list[dict[str, Any]]) -> dict[str, Any]:
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
    if parts:
        out["tsukiwari"] = parts
    return out


def _kibetsu(fy: int, hokenryo: int, months: tuple[int, ...], tokucho: bool, kari: int) -> Kibetsu:
    if tokucho and len(months) == 12:
        return kibetsu_tokucho(hokenryo, kari, fy, param_value)
    return kibetsu_futsu(hokenryo, fy, param_value, ki=futsu_ki(fy, param_value))


def karichoshu_of(fiscal_year: int, atena_ids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for a, kib in KaigoFuka.objects.filter(
        fiscal_year=fiscal_year - 1,
        atena_id__in=atena_ids,
        is_current=True,
        choshu_hoho=ChoshuHoho.TOKUCHO,
    ).values_list("atena_id", "kibetsu"):
        feb = [int(k["amount"]) for k in kib if k.get("kind") == "hon" and int(k["month"]) == 2]
        if feb:
            out[a] = feb[0]
    return out


COPY_COLUMNS = [
    "fiscal_year", "atena_id", "hihokensha_no", "version", "santei", "is_current",
    "kijun_date", "job_id", "dankai", "kijungaku", "ritsu", "gokei_shotoku",
    "kazei_nenkin_shunyu", "honnin_jokyo", "setai_kazei", "nengaku", "keigengaku", "tsukisu",
    "hokenryo", "choshu_hoho", "kanou", "kibetsu", "detail", "input_hash", "reason", "cause",
    "created_by", "created_at",
]  # fmt: skip


def reference_honsantei(
    *, fiscal_year: int, atena_ids: list[int], kijun: date, job_id: int, actor: str
) -> int:
    """Write the 本算定 rows of ``atena_ids`` (none assessed yet) as the old path did;
    returns the number written."""
    fy = fiscal_year
    params = parameters_for(fy)
    tokucho = set(
        TokuchoTaisho.objects.filter(fiscal_year=fy, atena_id__in=atena_ids).values_list(
            "atena_id", flat=True
        )
    )
    kari = karichoshu_of(fy, atena_ids)
    rows = []
    for pi in person_inputs(fy, atena_ids):
        r, parts = calculate(pi, params)
        kib = _kibetsu(fy, r.hokenryo, pi.months, pi.atena_id in tokucho, kari.get(pi.atena_id, 0))
        rows.append(
            (fy, pi.atena_id, pi.hihokensha_no, 1, "hon", True, kijun, job_id, r.dankai,
             r.kijungaku, str(r.keigengo_ritsu), pi.facts["honnin"]["gokei_shotoku"],
             r.hantei.kazei_nenkin_shunyu, pi.facts["honnin"]["jokyo"], pi.inp.setai_kazei,
             r.nengaku, r.keigengaku, r.tsukisu, r.hokenryo, kib.hoho, kib.kanou,
             json.dumps(kib.as_json(), ensure_ascii=False),
             json.dumps({"input": pi.facts, "result": result_json(r, parts)}, ensure_ascii=False),
             input_hash(pi.facts), "", "", actor, timezone.now())
        )  # fmt: skip
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in COPY_COLUMNS)
    copy_sql = sql.SQL("COPY kaigo_kaigofuka ({}) FROM STDIN").format(cols)
    with connection.cursor() as cur, cur.cursor.copy(copy_sql) as c:
        for row in rows:
            c.write_row(row)
    return len(rows)
