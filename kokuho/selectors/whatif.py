"""The households of the 税率の試算 and their inputs to the 国民健康保険税 rules (reads only).

**Who is counted.** Every 資格 period (``Shikaku``, not cancelled) that covers a day of the
年度 (4月1日 – 3月31日); a period still open runs to the end of the 年度 (a what-if of next
year projects today's insured forward; 75歳到達 and 40歳・65歳 are the rules' own 月割).

**Their household.** The registry's household (``juminkiroku.public``) on the period's
first day in the 年度 (4月1日, or its 取得日 when later): the 国保世帯 of the tax is the
registry's household with its insured members (``kokuho.selectors.setai``). Its 世帯主 is
the 納税義務者 also when not insured (擬制世帯主: counted for the 軽減判定 with no tax of
their own); its 特定同一世帯所属者 (the year's ``TokuteiDoitsu`` rows) count for the 判定
too. A household is computed once, as on its earliest such day (``hantei``); a member who
joined later is in it from their 取得日 (their own months).

**特定世帯 (ours, stated).** One insured member on the 判定日 and a 特定同一世帯所属者 who
moved to 後期高齢者医療 within the last 5 years → 特定世帯; 5 to 8 years → 特定継続世帯
(地方税法第703条の4; years as data would be better: the 5 and 8 are the law's terms and
sit in ``TOKUTEI_YEARS`` below until a YAML key holds them).

**所得** come from ``zeimu.public.person_kazei_many`` for the scenario's 所得の年度 (one
query a chunk). A person with no assessment, or assessed 未申告, has unknown income: the
rules then apply no 法定軽減 to the household. The 給与所得者等 of the 判定 are derived from
the 所得, since 税務's public face gives no 収入: 給与所得 > 0 (給与収入 above 55万円, the
給与所得控除's minimum) or 公的年金等所得 above 0 (under 65; 60万円 minimum deduction) /
above 15万円 (65 and over: the 125万円 threshold less the 110万円 minimum deduction). The
判定's 専従者控除 and 譲渡所得 adjustments (``hantei_chosei``) are not known here: 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q

from juminkiroku.public import Resident, households_of, residents_among
from kokuho.models import Shikaku, TokuteiDoitsu
from kokuho.rules.hokenzei_dates import age_reached_on
from kokuho.rules.hokenzei_inputs import HokenzeiInput, Member, Shotoku, TokuteiSetai
from zeimu.public import KazeiJokyo, PersonKazei, person_kazei_many

__all__ = ["PlannedSetai", "SetaiInput", "whatif_inputs", "whatif_plan"]

#: 特定世帯 for 5 years after the move to 後期高齢者医療, then 特定継続世帯 for 3 more
#: (地方税法第703条の4: 平成20年度・平成30年度の改正)
TOKUTEI_YEARS = (5, 8)
#: 65歳以上 (前年12月31日) and the 公的年金等所得 above which one is a 給与所得者等 (125万円
#: threshold less the 110万円 minimum 公的年金等控除), under 65 any 所得 (60万円 both)
NENKIN_KIJUN_65 = 150_000


def year_bounds(nendo: int) -> tuple[date, date]:
    return date(nendo, 4, 1), date(nendo + 1, 3, 31)


def _periods(nendo: int) -> Q:
    start, end = year_bounds(nendo)
    return (
        Q(torikeshi=False, shutoku_date__lte=end)
        & (Q(soshitsu_date__isnull=True) | Q(soshitsu_date__gt=start))
        & ~Q(soshitsu_date__lte=F("shutoku_date"))
    )


@dataclass(frozen=True)
class PlannedSetai:
    setai_id: int
    #: (資格 id, the day its household was read) of each insured period
    periods: tuple[tuple[int, str], ...]


def whatif_plan(nendo: int) -> tuple[list[PlannedSetai], int]:
    """The year's 国保世帯, by 世帯 id, and how many periods found no household (their
    person was not in the registry on that day). One query for the periods, two a
    distinct 判定日 (most are 4月1日)."""
    start, _ = year_bounds(nendo)
    rows = list(
        Shikaku.objects.filter(_periods(nendo))
        .order_by("id")
        .values_list("id", "atena_id", "shutoku_date")
    )
    by_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for sid, atena_id, shutoku in rows:
        by_day[max(start, shutoku)].append((sid, atena_id))
    setai: dict[int, list[tuple[int, str]]] = defaultdict(list)
    unplaced = 0
    for day in sorted(by_day):
        pairs = by_day[day]
        found = residents_among((a for _, a in pairs), day)
        for sid, atena_id in pairs:
            r = found.get(atena_id)
            if r is None or r.setai_id is None:
                unplaced += 1
                continue
            setai[r.setai_id].append((sid, day.isoformat()))
    return [PlannedSetai(k, tuple(setai[k])) for k in sorted(setai)], unplaced


@dataclass(frozen=True)
class SetaiInput:
    setai_id: int
    input: HokenzeiInput
    hihokensha_su: int


def _shotoku(k: PersonKazei | None, birth: date, nendo: int) -> tuple[Shotoku, bool]:
    if k is None or k.jokyo is KazeiJokyo.MISHINKOKU:
        return Shotoku(shinkoku=False), False
    s = k.shotoku
    over65 = age_reached_on(birth, 65) <= date(nendo - 1, 12, 31)
    kyuyo_sha = s.kyuyo_shotoku > 0 or s.nenkin_shotoku > (NENKIN_KIJUN_65 if over65 else 0)
    return (
        Shotoku(
            kyuyo=s.kyuyo_shotoku,
            nenkin=s.nenkin_shotoku,
            sonota=s.sonota_shotoku,
            gokei_shotoku=s.gokei_shotoku,
        ),
        kyuyo_sha,
    )


def _tokutei_setai(starts: Iterable[date], insured_on_day: int, day: date) -> TokuteiSetai:
    if insured_on_day != 1:
        return ""
    five, eight = TOKUTEI_YEARS
    latest = max(starts, default=None)
    if latest is None:
        return ""
    years = (day - latest).days / 365.25
    if years < five:
        return "tokutei"
    if years < eight:
        return "tokutei_keizoku"
    return ""


def whatif_inputs(
    chunk: Iterable[tuple[int, Iterable[tuple[int, str]]]], *, nendo: int, shotoku_nendo: int
) -> tuple[list[SetaiInput], int]:
    """The rules' inputs of the chunk's households ((世帯 id, periods) as planned), and how
    many planned periods are gone since (cancelled: not counted)."""
    planned = [(int(s), [(int(p), str(d)) for p, d in periods]) for s, periods in chunk]
    start, end = year_bounds(nendo)
    ids = [p for _, periods in planned for p, _ in periods]
    shikaku = {
        s.pk: s
        for s in Shikaku.objects.filter(pk__in=ids)
        .filter(_periods(nendo))
        .only("id", "atena_id", "shutoku_date", "soshitsu_date")
    }
    gone = len(ids) - len(shikaku)
    setai_ids = [s for s, _ in planned]
    tokutei: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for atena_id, setai_id, start_date in (
        TokuteiDoitsu.objects.filter(setai_id__in=setai_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        .values_list("atena_id", "setai_id", "start_date")
    ):
        tokutei[setai_id].append((atena_id, start_date))

    # the household of each, as on its 判定日 (one atena a household asks for all members)
    hantei: dict[int, date] = {}
    ask: dict[date, list[int]] = defaultdict(list)
    for setai_id, periods in planned:
        live = [(p, date.fromisoformat(d)) for p, d in periods if p in shikaku]
        if not live:
            continue
        first = min(live, key=lambda x: x[1])
        hantei[setai_id] = first[1]
        ask[first[1]].append(shikaku[first[0]].atena_id)
    members: dict[int, list[Resident]] = {}
    for day, atena_ids in ask.items():
        for got in households_of(atena_ids, day).values():
            if got and got[0].setai_id is not None:
                members[got[0].setai_id] = got
    # birth dates of members who joined after the 判定日 and of 特定同一世帯所属者
    births: dict[int, date] = {r.atena_id: r.birth_date for ms in members.values() for r in ms}
    later: dict[date, set[int]] = defaultdict(set)
    for setai_id, periods in planned:
        for p, d in periods:
            s = shikaku.get(p)
            if s is not None and s.atena_id not in births:
                later[date.fromisoformat(d)].add(s.atena_id)
        for atena_id, _ in tokutei.get(setai_id, []):
            if atena_id not in births:
                later[hantei.get(setai_id, start)].add(atena_id)
    for on, later_ids in later.items():
        for r in residents_among(later_ids, on).values():
            births.setdefault(r.atena_id, r.birth_date)

    everyone = set(births)
    kazei = person_kazei_many(everyone, shotoku_nendo)
    out: list[SetaiInput] = []
    for setai_id, periods in planned:
        found_day = hantei.get(setai_id)
        if found_day is None:
            continue
        day = found_day
        built: list[Member] = []
        insured_atena: dict[int, str] = {}
        for p, _ in periods:
            s = shikaku.get(p)
            if s is None or s.atena_id not in births:
                continue
            birth = births[s.atena_id]
            sh, kyuyo_sha = _shotoku(kazei.get(s.atena_id), birth, nendo)
            key = str(p)
            built.append(
                Member(
                    key=key,
                    birth_date=birth,
                    shotoku=sh,
                    shutoku_date=s.shutoku_date,
                    soshitsu_date=s.soshitsu_date,
                    kyuyo_shotokusha=kyuyo_sha,
                )
            )
            # the period covering the 判定日 names the person (else their first)
            covers = s.shutoku_date <= day and (s.soshitsu_date is None or s.soshitsu_date > day)
            if covers or s.atena_id not in insured_atena:
                insured_atena[s.atena_id] = key
        if not built:
            continue
        head = next((r for r in members.get(setai_id, []) if r.is_setainushi), None)
        if head is not None and head.atena_id in insured_atena:
            head_key = insured_atena[head.atena_id]
        elif head is not None:
            sh, kyuyo_sha = _shotoku(kazei.get(head.atena_id), head.birth_date, nendo)
            head_key = f"h{head.atena_id}"
            built.append(
                Member(
                    key=head_key,
                    birth_date=head.birth_date,
                    shotoku=sh,
                    insured=False,
                    kyuyo_shotokusha=kyuyo_sha,
                )
            )
        else:  # no 世帯主 on file that day: the first insured member answers for it
            head_key = built[0].key
        starts: list[date] = []
        for atena_id, start_date in tokutei.get(setai_id, []):
            if atena_id in insured_atena or atena_id not in births:
                continue
            starts.append(start_date)
            sh, kyuyo_sha = _shotoku(kazei.get(atena_id), births[atena_id], nendo)
            built.append(
                Member(
                    key=f"t{atena_id}",
                    birth_date=births[atena_id],
                    shotoku=sh,
                    insured=False,
                    tokutei_doitsu=True,
                    kyuyo_shotokusha=kyuyo_sha,
                )
            )
        insured_on_day = sum(
            1
            for m in built
            if m.insured
            and (m.shutoku_date or start) <= day
            and (m.soshitsu_date is None or m.soshitsu_date > day)
        )
        out.append(
            SetaiInput(
                setai_id=setai_id,
                input=HokenzeiInput(
                    fiscal_year=nendo,
                    members=tuple(built),
                    setainushi=head_key,
                    tokutei_setai=_tokutei_setai(starts, insured_on_day, day),
                ),
                hihokensha_su=len(insured_atena),
            )
        )
    return out, gone
