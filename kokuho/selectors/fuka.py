"""Reads for the 国民健康保険税 賦課: who is assessed in which 国保世帯, and each
household's :class:`~kokuho.rules.hokenzei_inputs.HokenzeiInput` built from the stored
data — 資格 from kokuho's own periods, the household and 世帯主 from
``juminkiroku.public``, 所得 from ``zeimu.public`` — in a few queries per chunk.

**Which household.** The 国保世帯 of the 本算定 is the registry household on the 算定基準日
(``kijun``): its 世帯主 is the 納税義務者 (also when not insured: 擬制世帯主) and its members
who hold 国保 in the 年度 are assessed. A member who was insured in the 年度 but no longer
lives in the town on the 基準日 (died, moved out) is assessed with the household they were in
on their last insured day. A member who changed household inside the town during the 年度 is
assessed in the household of the 基準日 for all their months: splitting a member's months
between two households is not done (stated in docs/standard/kokuho.md).

**所得.** ``zeimu.public.person_kazei_many`` of the 年度 (the 所得 of the year before). A
person with no assessment, or one assessed 未申告, has no 所得 on record (no 法定軽減 for the
household, ``hokenzei``'s rule), except a child under
``kokuho.fuka.mishinkoku_shotoku_nashi_nenrei`` (our rule). zeimu's public face gives 所得,
not 収入: a 給与所得者等 (軽減判定's 給与・年金 count) is taken to be a person with 給与所得 or
公的年金等所得 above 0 (under the 給与所得控除 55万円 and the 公的年金等控除 60万円 minimums
this is the 収入 test for 給与 and for those under 65; for those 65 and over it counts 収入
over 110万円 where the 政令 says 125万円).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from juminkiroku import public as jk
from kokuho.models import Shikaku
from kokuho.rules.hokenzei_dates import age_reached_on
from kokuho.rules.hokenzei_inputs import HokenzeiInput, Member, Shotoku
from zeimu import public as zp

__all__ = [
    "SetaiInput",
    "SetaiPlan",
    "input_hash",
    "input_json",
    "plan_setai",
    "setai_inputs",
]


def fy_start(fiscal_year: int) -> date:
    return date(fiscal_year, 4, 1)


def fy_end(fiscal_year: int) -> date:
    return date(fiscal_year + 1, 3, 31)


def _periods(fiscal_year: int, kijun: date, atena_ids: Iterable[int] | None = None) -> Any:
    """Periods that overlap the 年度 and began by the 基準日."""
    qs = Shikaku.objects.filter(
        torikeshi=False, shutoku_date__lte=min(kijun, fy_end(fiscal_year))
    ).filter(Q(soshitsu_date__isnull=True) | Q(soshitsu_date__gt=fy_start(fiscal_year)))
    if atena_ids is not None:
        qs = qs.filter(atena_id__in=list(atena_ids))
    return qs


@dataclass
class SetaiPlan:
    """One household of the 本算定: its insured members living in the town on the 基準日
    (``ids``) and those gone (``gone``: [宛名 id, 世帯主 on their last day, 生年月日])."""

    setai_id: int
    ids: list[int] = field(default_factory=list)
    gone: list[list[Any]] = field(default_factory=list)

    def as_json(self) -> list[Any]:
        return [self.setai_id, self.ids, self.gone]

    @classmethod
    def from_json(cls, raw: list[Any]) -> SetaiPlan:
        return cls(setai_id=int(raw[0]), ids=list(raw[1]), gone=[list(g) for g in raw[2]])


def plan_setai(fiscal_year: int, kijun: date) -> tuple[list[SetaiPlan], int]:
    """Every 国保世帯 of the 年度 as of ``kijun``, by 世帯 id, and the number of insured
    persons who could not be placed in a household (not in the registry on the day). Two
    queries, and one more per distinct last day of those gone."""
    rows = list(_periods(fiscal_year, kijun).values_list("atena_id", "soshitsu_date"))
    last_day: dict[int, date | None] = {}
    for atena_id, soshitsu in rows:
        end = None if soshitsu is None else soshitsu - timedelta(days=1)
        prev = last_day.get(atena_id, date.min)
        last_day[atena_id] = None if end is None or prev is None else max(prev, end)
    on_kijun = jk.residents_among(last_day, kijun)
    plans: dict[int, SetaiPlan] = {}
    by_day: dict[date, list[int]] = defaultdict(list)
    for atena_id, end in last_day.items():
        r = on_kijun.get(atena_id)
        if r is not None and r.setai_id:
            plans.setdefault(r.setai_id, SetaiPlan(r.setai_id)).ids.append(atena_id)
        elif end is not None:
            by_day[min(end, kijun)].append(atena_id)
    lost = 0
    for day, ids in sorted(by_day.items()):
        found = jk.residents_among(ids, day)
        # a death or 転出 dated D ends the 住民票 on D (喪失 D+1): the day before it is
        # the last day in the household when the registry's version closed on D
        missing = [a for a in ids if a not in found]
        if missing:
            found.update(jk.residents_among(missing, day - timedelta(days=1)))
        for atena_id in ids:
            r = found.get(atena_id)
            if r is None or not r.setai_id:
                lost += 1
                continue
            plans.setdefault(r.setai_id, SetaiPlan(r.setai_id)).gone.append(
                [atena_id, r.is_setainushi, r.birth_date.isoformat()]
            )
    for p in plans.values():
        p.ids.sort()
        p.gone.sort()
    return [plans[k] for k in sorted(plans)], lost


@dataclass(frozen=True)
class SetaiInput:
    setai_id: int
    kijun: date
    nozei_gimusha_id: int
    gisei: bool
    inp: HokenzeiInput
    #: what the assessment rests on, as JSON (members, periods, 所得): stored and hashed
    facts: dict[str, Any]


def _shotoku(k: zp.PersonKazei | None, birth: date, fiscal_year: int, nashi_age: int) -> Shotoku:
    child = age_reached_on(birth, nashi_age) > date(fiscal_year - 1, 12, 31)
    if k is None or k.jokyo is zp.KazeiJokyo.MISHINKOKU:
        return Shotoku(shinkoku=child)
    s = k.shotoku
    # 分離課税の譲渡所得: in the 所得割's 総所得金額等 after its 特別控除, in the 軽減判定
    # before it (``Shotoku.hantei_chosei``); the 基礎控除 tier reads the 合計所得金額
    joto = max(0, s.joto_shotoku - s.joto_tokubetsu_kojo)
    return Shotoku(
        kyuyo=s.kyuyo_shotoku,
        nenkin=s.nenkin_shotoku,
        sonota=s.sonota_shotoku + joto,
        hantei_chosei=s.joto_shotoku - joto,
        gokei_shotoku=s.gokei_shotoku,
        shinkoku=True,
    )


def _kyuyo_shotokusha(s: Shotoku) -> bool:
    return s.kyuyo > 0 or s.nenkin > 0


def _tokutei_setai(
    tokutei_starts: list[date], insured_on_start: int, fiscal_year: int, nensu: dict[str, int]
) -> str:
    """特定世帯 / 特定継続世帯: a 特定同一世帯所属者 in the household and one insured
    member; by the years since the earliest 該当日 (years, not months: see fuka.yaml)."""
    if not tokutei_starts or insured_on_start != 1:
        return ""
    start = min(tokutei_starts)
    years = (fy_start(fiscal_year) - start).days // 365
    if years < int(nensu["tokutei"]):
        return "tokutei"
    if years < int(nensu["tokutei"]) + int(nensu["keizoku"]):
        return "tokutei_keizoku"
    return ""


def setai_inputs(
    plans: list[SetaiPlan],
    fiscal_year: int,
    kijun: date,
    *,
    nashi_age: int,
    tokutei_nensu: dict[str, int],
) -> list[SetaiInput]:
    """The input of each planned household: about five queries for the whole list."""
    resident_ids = [a for p in plans for a in p.ids]
    households = jk.households_of(resident_ids, kijun)
    members_of: dict[int, list[jk.Resident]] = {}
    for a in resident_ids:
        for r in households.get(a, []):
            if r.setai_id:
                members_of.setdefault(r.setai_id, households[a])
    # a household whose insured members are all gone: its 世帯主 on the 基準日, if any
    for p in plans:
        if p.setai_id not in members_of:
            members_of[p.setai_id] = jk.household_on(p.setai_id, kijun)
    everyone = {r.atena_id for ms in members_of.values() for r in ms}
    everyone.update(int(g[0]) for p in plans for g in p.gone)
    periods: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    tokutei: dict[int, list[tuple[int, date]]] = defaultdict(list)
    # kokuho's own two reads, plain queries with one array parameter (Django's IN of a
    # few thousand placeholders cost more to build and parse than the query to run)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT atena_id, shutoku_date, soshitsu_date FROM kokuho_shikaku "
            "WHERE NOT torikeshi AND shutoku_date <= %s "
            "AND (soshitsu_date IS NULL OR soshitsu_date > %s) AND atena_id = ANY(%s) "
            "ORDER BY atena_id, shutoku_date, id",
            [min(kijun, fy_end(fiscal_year)), fy_start(fiscal_year), list(everyone)],
        )
        for atena_id, shutoku, soshitsu in cur.fetchall():
            periods[atena_id].append((shutoku, soshitsu))
        cur.execute(
            "SELECT atena_id, setai_id, start_date FROM kokuho_tokuteidoitsu "
            "WHERE atena_id = ANY(%s) AND start_date <= %s "
            "AND (end_date IS NULL OR end_date > %s)",
            [list(everyone), kijun, fy_start(fiscal_year)],
        )
        for atena_id, setai_id, start in cur.fetchall():
            tokutei[setai_id].append((atena_id, start))
    kazei = zp.person_kazei_many(everyone, fiscal_year)
    fy0, fy1 = fy_start(fiscal_year), fy_end(fiscal_year)
    out: list[SetaiInput] = []
    for p in plans:
        residents = members_of.get(p.setai_id, [])
        head = next((r for r in residents if r.is_setainushi), None)
        gone_head = next((g for g in p.gone if g[1]), None)
        if head is not None:
            head_id, head_birth = head.atena_id, head.birth_date
        elif gone_head is not None:
            head_id, head_birth = int(gone_head[0]), date.fromisoformat(gone_head[2])
        elif p.gone or p.ids:
            first = p.gone[0] if p.gone else None
            head_id = int(first[0]) if first else p.ids[0]
            head_birth = (
                date.fromisoformat(first[2])
                if first
                else next(r.birth_date for r in residents if r.atena_id == head_id)
            )
        else:
            continue
        tokutei_ids = {a for a, _ in tokutei.get(p.setai_id, [])}
        people: list[tuple[int, date]] = []
        seen: set[int] = set()
        for r in residents:
            if r.atena_id in periods or r.atena_id == head_id or r.atena_id in tokutei_ids:
                people.append((r.atena_id, r.birth_date))
                seen.add(r.atena_id)
        for g in p.gone:
            if int(g[0]) not in seen:
                people.append((int(g[0]), date.fromisoformat(g[2])))
                seen.add(int(g[0]))
        if head_id not in seen:
            people.append((head_id, head_birth))
        members: list[Member] = []
        facts_members: list[dict[str, Any]] = []
        for atena_id, birth in people:
            sh = _shotoku(kazei.get(atena_id), birth, fiscal_year, nashi_age)
            kyuyo_sha = _kyuyo_shotokusha(sh)
            ps = periods.get(atena_id, [])
            # a person insured twice in the 年度 is two members (the months never overlap)
            spans: list[tuple[date | None, date | None, bool]] = [
                (None if s <= fy0 else s, None if e is None or e > fy1 else e, True) for s, e in ps
            ] or [(None, None, False)]
            for n, (s, e, insured) in enumerate(spans):
                key = str(atena_id) if n == 0 else f"{atena_id}#{n + 1}"
                members.append(
                    Member(
                        key=key,
                        birth_date=birth,
                        shotoku=sh,
                        insured=insured,
                        shutoku_date=s,
                        soshitsu_date=e,
                        tokutei_doitsu=(n == 0 and atena_id in tokutei_ids),
                        kyuyo_shotokusha=kyuyo_sha,
                    )
                )
            facts_members.append(
                {
                    "atena_id": atena_id,
                    "birth": birth.isoformat(),
                    "periods": [
                        [s.isoformat() if s else None, e.isoformat() if e else None]
                        for s, e, i in spans
                        if i
                    ],
                    "tokutei_doitsu": atena_id in tokutei_ids,
                    "shotoku": {
                        "kyuyo": sh.kyuyo,
                        "nenkin": sh.nenkin,
                        "sonota": sh.sonota,
                        "gokei": sh.gokei_shotoku,
                        "shinkoku": sh.shinkoku,
                    },
                }
            )
        insured_on_start = sum(
            1 for m in members if m.insured and (m.shutoku_date is None) and m.soshitsu_date is None
        )
        tokutei_setai = _tokutei_setai(
            [d for _, d in tokutei.get(p.setai_id, [])],
            insured_on_start,
            fiscal_year,
            tokutei_nensu,
        )
        gisei = not any(m.insured for m in members if m.key == str(head_id))
        inp = HokenzeiInput(
            fiscal_year=fiscal_year,
            members=tuple(members),
            setainushi=str(head_id),
            tokutei_setai=tokutei_setai,  # type: ignore[arg-type]
        )
        facts = {
            "setai_id": p.setai_id,
            "setainushi": head_id,
            "gisei": gisei,
            "tokutei_setai": tokutei_setai,
            "members": sorted(facts_members, key=lambda x: x["atena_id"]),
        }
        out.append(
            SetaiInput(
                setai_id=p.setai_id,
                kijun=kijun,
                nozei_gimusha_id=head_id,
                gisei=gisei,
                inp=inp,
                facts=facts,
            )
        )
    return out


def input_json(facts: dict[str, Any]) -> str:
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def input_hash(facts: dict[str, Any]) -> str:
    return hashlib.sha256(input_json(facts).encode()).hexdigest()


def facts_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two inputs, per person: 資格 (periods), 所得, 世帯."""
    out: list[dict[str, Any]] = []
    if before.get("setainushi") != after.get("setainushi"):
        out.append(
            {
                "kind": "setainushi",
                "before": before.get("setainushi"),
                "after": after.get("setainushi"),
            }
        )
    b = {m["atena_id"]: m for m in before.get("members", [])}
    a = {m["atena_id"]: m for m in after.get("members", [])}
    for atena_id in sorted(set(a) | set(b)):
        x, y = b.get(atena_id), a.get(atena_id)
        if x is None or y is None:
            out.append({"kind": "member", "atena_id": atena_id, "joined": x is None})
            continue
        if x["periods"] != y["periods"]:
            out.append(
                {
                    "kind": "shikaku",
                    "atena_id": atena_id,
                    "before": x["periods"],
                    "after": y["periods"],
                }
            )
        if x["shotoku"] != y["shotoku"]:
            out.append(
                {
                    "kind": "shotoku",
                    "atena_id": atena_id,
                    "before": x["shotoku"],
                    "after": y["shotoku"],
                }
            )
        if x["tokutei_doitsu"] != y["tokutei_doitsu"]:
            out.append({"kind": "tokutei", "atena_id": atena_id})
    if before.get("tokutei_setai") != after.get("tokutei_setai") and not out:
        out.append({"kind": "tokutei_setai"})
    return out
