"""負担割合 (1割・2割・3割) of the insured: who is judged, from what, and the write.

Who: every insured person (第1号 and 第2号) on the 判定基準日, from ``max(8月1日, 資格取得日)``
of the 年度 (the period 8月1日〜7月31日 is data: ``kaigo.futan.kikan``). The town issues the
負担割合証 only to those with a 要介護・要支援認定; 認定 is being built beside this module, so
the selection is one function over the set of person ids (:data:`TAISHOSHA_SENTAKU`), which today
keeps everyone (:func:`taishosha_all`) and, once 認定 exists, keeps those with one.

From what: 本人's 合計所得金額 and 課税状況 of the 年度's 住民税 (前年の所得; ``zeimu.public``),
and the 年金収入＋その他の合計所得金額 of every 第1号被保険者 of the household on the 判定基準日
(``zeimu.public.household_kazei_many``, ``kaigo.public.hihokensha_on``). 住民税非課税 → 1割
and a 被保護者 on the 判定基準日 (``fukushi.public.hihogosha_on``) → 1割 by the rule's 生活保護
branch, whatever the 住民税 data says. 第2号 → 1割 without reading 所得. A person with no
assessment (未申告, not resident on 1 January) is judged on 0円 and flagged ``shotoku_fumei``.
The 長期・短期譲渡所得の特別控除 is zeimu's (``Shotoku.joto_tokubetsu_kojo``, from the 申告's
分離課税の譲渡所得), taken off the 合計所得金額 by the rule.

The write (:func:`futan_hantei_many`): keyed on the one-current row per person and 年度 and on
the input's fingerprint, so a chunk run again writes nothing, and a changed 所得 or household
writes a new version (更正) that points back at the one it replaces. The 更正 covers the whole
period (the 証 is reissued from 8月1日); a change of household in the middle of the period
that should apply only from the next month is not modelled (the whole period is judged again).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from fukushi import public as fukushi_public
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FutanJiyu, FutanWariai
from kaigo.public import DAI1, hihokensha_on
from kaigo.rules.hokenryo import Nenkin, Shotoku
from kaigo.rules.hokenryo_futan import FutanInput, FutanMember, FutanResult, futan_wariai_hantei
from kaigo.rules.hokenryo_params import FutanParameters, futan_parameters_from_lookup
from kaigo.selectors.shikaku import periods_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from zeimu import public as zeimu_public

RECORD_TYPE = "kaigo.FutanWariai"

#: zeimu's 公的年金等の収入金額 holds only taxable pensions: 障害・遺族年金 are 非課税
#: (国民年金法第25条) and never reach a 住民税 assessment, so all of it is 老齢.
NENKIN_SHURUI = "rorei"

TaishoshaSentaku = Callable[[set[int]], set[int]]


def taishosha_all(atena_ids: set[int]) -> set[int]:
    """Everyone insured is judged: 認定 (which decides who gets a 証) does not exist yet."""
    return set(atena_ids)


#: who of the insured is judged and gets a 負担割合証 (see the module docstring)
TAISHOSHA_SENTAKU: TaishoshaSentaku = taishosha_all


def kikan(nendo: int) -> tuple[date, date]:
    """The 適用期間 of ``nendo``: 8月1日 to the day before 8月1日 of the next year."""
    k = param_value("kaigo.futan.kikan", nendo)
    start = date(nendo, int(k["kaishi_tsuki"]), int(k["kaishi_hi"]))
    return start, start.replace(year=nendo + 1) - timedelta(days=1)


def nendo_of(day: date) -> int:
    """The 年度 whose 適用期間 holds ``day``."""
    start, _ = kikan(day.year)
    return day.year if day >= start else day.year - 1


def futan_params(nendo: int) -> FutanParameters:
    return futan_parameters_from_lookup(param_value, nendo)


@dataclass(frozen=True)
class Taishosha:
    """One person to judge: their 区分 and the 判定基準日 (their 適用開始日)."""

    atena_id: int
    kubun: str
    kijun: str  # ISO date, so that a plan is plain JSON

    @property
    def kijun_date(self) -> date:
        return date.fromisoformat(self.kijun)


def futan_taishosha(
    nendo: int, kijun: date, *, sentaku: TaishoshaSentaku | None = None
) -> list[Taishosha]:
    """Every insured person on ``kijun`` (inside the 年度's period), 宛名 id order, kept by
    the selection; one query."""
    start, end = kikan(nendo)
    day = min(max(kijun, start), end)
    rows = list(
        periods_on(day).order_by("atena_id").values_list("atena_id", "kubun", "shutoku_date")
    )
    keep = (sentaku or TAISHOSHA_SENTAKU)({a for a, _, _ in rows})
    return [
        Taishosha(atena_id=a, kubun=k, kijun=max(start, s).isoformat())
        for a, k, s in rows
        if a in keep
    ]


def _shotoku(p: zeimu_public.PersonKazei | None) -> Shotoku:
    if p is None:
        return Shotoku()
    s = p.shotoku
    return Shotoku(
        gokei_shotoku=s.gokei_shotoku,
        joto_tokubetsu_kojo=s.joto_tokubetsu_kojo,
        nenkin_shotoku=s.nenkin_shotoku,
        kyuyo_shotoku=s.kyuyo_shotoku,
        nenkin=(Nenkin(NENKIN_SHURUI, s.nenkin_shunyu),) if s.nenkin_shunyu else (),
    )


@dataclass(frozen=True)
class Prepared:
    taishosha: Taishosha
    inp: FutanInput
    fumei: bool
    #: other 第1号 members of the household judged with 0円 (no assessment)
    members_fumei: int
    as_json: dict[str, Any]

    @property
    def input_hash(self) -> str:
        raw = json.dumps(self.as_json, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


def _jokyo_kazei(p: zeimu_public.PersonKazei | None) -> bool | None:
    """True 課税, False 非課税, None unknown (未申告 or no assessment)."""
    if p is None or p.jokyo is zeimu_public.KazeiJokyo.MISHINKOKU:
        return None
    return p.jokyo is not zeimu_public.KazeiJokyo.HIKAZEI


def futan_prepare(nendo: int, taishosha: Iterable[Taishosha]) -> list[Prepared]:
    """The rule's input of each person, from zeimu and the registry's household on each
    person's 判定基準日: per distinct day five queries for any number of persons."""
    by_day: dict[date, list[Taishosha]] = defaultdict(list)
    for t in taishosha:
        by_day[t.kijun_date].append(t)
    out: list[Prepared] = []
    for day, group in sorted(by_day.items()):
        dai1 = [t for t in group if t.kubun == DAI1]
        households = zeimu_public.household_kazei_many([t.atena_id for t in dai1], nendo, on=day)
        member_ids = {m.atena_id for h in households.values() for m in h.members}
        member_ids |= {u for h in households.values() for u in h.unassessed}
        alone = [t.atena_id for t in dai1 if t.atena_id not in households]
        kazei = zeimu_public.person_kazei_many([*member_ids, *alone], nendo)
        insured = hihokensha_on(member_ids, day)
        hogo = fukushi_public.hihogosha_on([t.atena_id for t in dai1], day) if dai1 else set()
        for t in group:
            if t.kubun != DAI1:
                inp = FutanInput(
                    fiscal_year=nendo, shotoku=Shotoku(), honnin_kazei=False, dai1go=False
                )
                out.append(Prepared(t, inp, False, 0, {"kubun": t.kubun, "kijun": t.kijun}))
                continue
            h = households.get(t.atena_id)
            others: list[int] = []
            if h is not None:
                ids = [m.atena_id for m in h.members] + list(h.unassessed)
                others = [
                    a for a in ids if a != t.atena_id and a in insured and insured[a].kubun == DAI1
                ]
            honnin = kazei.get(t.atena_id)
            state = _jokyo_kazei(honnin)
            members = tuple(FutanMember(shotoku=_shotoku(kazei.get(a))) for a in sorted(others))
            members_fumei = sum(1 for a in others if _jokyo_kazei(kazei.get(a)) is None)
            inp = FutanInput(
                fiscal_year=nendo,
                shotoku=_shotoku(honnin),
                honnin_kazei=state is not False,
                setai_dai1go=members,
                seikatsu_hogo=t.atena_id in hogo,
            )
            as_json = {
                "kubun": t.kubun,
                "kijun": t.kijun,
                "honnin": asdict(inp.shotoku),
                "honnin_jokyo": honnin.jokyo.value if honnin else "",
                "setai_id": h.setai_id if h else None,
                # the household counts only for a 課税 本人: a 非課税 one is 1割 whoever
                # lives with them, and a change of their 所得 is no 更正 of this person
                "dai1_members": [
                    {"atena_id": a, "shotoku": asdict(_shotoku(kazei.get(a)))}
                    for a in sorted(others)
                ]
                if state is True
                else [],
            }
            if inp.seikatsu_hogo:  # only when true: the others' fingerprints stay as they were
                as_json["hihogosha"] = True  # 生活保護の被保護者
            out.append(Prepared(t, inp, state is None, members_fumei, as_json))
    return out


def _riyu(p: Prepared, r: FutanResult) -> str:
    if p.fumei:
        return f"本人の所得が不明（未申告または課税資料なし）のため0円として判定：{r.riyu}"[:200]
    if p.members_fumei:
        return f"{r.riyu}（所得が不明の第1号被保険者{p.members_fumei}人を0円として計算）"[:200]
    return r.riyu[:200]


def futan_hantei(p: Prepared, params: FutanParameters) -> FutanResult:
    return futan_wariai_hantei(p.inp, params)


@dataclass(frozen=True)
class HanteiWritten:
    created: int
    kosei: int
    unchanged: int


def futan_hantei_many(
    *,
    nendo: int,
    taishosha: list[Taishosha],
    actor: Actor,
    job_id: int | None = None,
    screen: str = "",
) -> HanteiWritten:
    """Judge ``taishosha`` and write: a first judgement, a 更正 (a new version) where the input
    changed, nothing where it did not. Runs in the caller's transaction (a job chunk's,
    fenced by the framework) or its own."""
    params = futan_params(nendo)
    _, end = kikan(nendo)
    prepared = futan_prepare(nendo, taishosha)
    with transaction.atomic():
        current = {
            r.atena_id: r
            for r in FutanWariai.objects.select_for_update().filter(
                nendo=nendo, is_current=True, atena_id__in=[t.atena_id for t in taishosha]
            )
        }
        new_rows: list[FutanWariai] = []
        olds: list[FutanWariai] = []
        unchanged = 0
        for p in prepared:
            h = p.input_hash
            old = current.get(p.taishosha.atena_id)
            if old is not None and old.input_hash == h:
                unchanged += 1
                continue
            r = futan_hantei(p, params)
            result = asdict(r)
            result["params"] = asdict(params) | {"kazei_nenkin": sorted(params.kazei_nenkin)}
            new_rows.append(
                FutanWariai(
                    atena_id=p.taishosha.atena_id,
                    nendo=nendo,
                    version=(old.version + 1) if old else 1,
                    is_current=True,
                    kubun=p.taishosha.kubun,
                    wari=r.wari,
                    tekiyo_start=old.tekiyo_start if old else p.taishosha.kijun_date,
                    tekiyo_end=end,
                    honnin_gokei_shotoku=r.honnin_gokei_shotoku,
                    nenkin_sonota_gokei=r.nenkin_sonota_gokei,
                    ninzu=r.ninzu,
                    riyu=_riyu(p, r),
                    shotoku_fumei=p.fumei,
                    jiyu=FutanJiyu.KOSEI if old else FutanJiyu.NENJI,
                    hantei_input=p.as_json,
                    hantei_result=result,
                    input_hash=h,
                    job_id=job_id,
                    previous=old,
                    actor=actor.username,
                )
            )
            if old is not None:
                olds.append(old)
        if olds:
            FutanWariai.objects.filter(pk__in=[o.pk for o in olds]).update(is_current=False)
        FutanWariai.objects.bulk_create(new_rows)
        if prepared:
            access_record(
                actor=actor,
                action=AccessAction.JOB if job_id else AccessAction.UPDATE,
                gyomu=KAIGO_HOKEN,
                screen=screen or "kaigo.futan_hantei",
                record_type="atena",
                record_count=len(prepared),
                detail={
                    "job_id": job_id,
                    "nendo": nendo,
                    "atena_ids": [p.taishosha.atena_id for p in prepared],
                    "written": len(new_rows),
                },
            )
    return HanteiWritten(created=len(new_rows) - len(olds), kosei=len(olds), unchanged=unchanged)


def futan_saihantei(*, atena_id: int, nendo: int, actor: Actor) -> HanteiWritten:
    """Judge one person again now (the counter, after a 所得 更正 or a change of household):
    a new version only when the input changed."""
    start, end = kikan(nendo)
    insured = [
        t for t in futan_taishosha(nendo, start, sentaku=taishosha_all) if t.atena_id == atena_id
    ]
    if not insured:
        today = min(max(timezone.localdate(), start), end)
        on = hihokensha_on([atena_id], today).get(atena_id)
        if on is None:
            raise FutanRefused("この方はこの年度の適用期間に介護保険の資格がありません。")
        insured = [Taishosha(atena_id, on.kubun, max(start, on.shutoku_date).isoformat())]
    with transaction.atomic(durable=True):
        return futan_hantei_many(
            nendo=nendo, taishosha=insured, actor=actor, screen="kaigo.futan_saihantei"
        )


class FutanRefused(Exception):
    """A request the rules refuse; the message is Japanese, for the clerk."""


def futan_of(atena_id: int) -> list[FutanWariai]:
    """Every judgement of one person, newest 年度 and version first (the history)."""
    return list(FutanWariai.objects.filter(atena_id=atena_id).order_by("-nendo", "-version"))
