"""保育料: the monthly fee of every enrolled 2号・3号 child, computed for the months of a 年度
(``hoikuryo_compute``: April–August on the 前年度's 市町村民税, September–March on the
当年度's — the September recompute is the same call for months 9–3 once the new 所得割 is
known), and the 試算 that computes one fee from figures typed in and saves nothing.

The table is the town's own (``HoikuryoKaiso`` of the 年度) or else the national one
(fukushi/params/hoiku.yaml); 多子軽減 and 無償化 follow ``fukushi.rules.hoiku``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fukushi.gyomu import HOIKURYO
from fukushi.models.hoiku import (
    HoikuKeigenNintei,
    HoikuNintei,
    HoikuNyusho,
    HoikuRireki,
    HoikuryoGetsugaku,
    HoikuryoKaiso,
    NinteiKubun,
)
from fukushi.rules import hoiku as rules
from fukushi.rules.hoiku_hiwari import HiwariHoho, enrolled_days, hiwari, is_kaishobi
from juminkiroku.public import households_of, person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.holidays import is_holiday, is_nenmatsu_nenshi
from tenants.params.services import ParameterMissing, param_value
from zeimu.public import KazeiJokyo, PersonKazei, person_kazei_many

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def month_first(nendo: int, month: int) -> date:
    return date(nendo if month >= 4 else nendo + 1, month, 1)


@dataclass(frozen=True)
class FeeParams:
    table: list[rules.Kaiso]
    own_table: bool  # the town's own table (else the national one)
    mushoka_sai: int
    dai2_percent: int
    dai3_percent: int
    zenin_kazoe_under: int
    kirikae_tsuki: int
    hitorioya: rules.HitorioyaRule | None  # None: a 年度 before the rule's figures


def fee_params(nendo: int) -> FeeParams:
    """The rules' figures of ``nendo`` in this town (ParameterMissing when the law has none)."""
    own = list(HoikuryoKaiso.objects.filter(nendo=nendo).order_by("no").values())
    if own:
        table = rules.kaiso_table(own)
    else:
        table = rules.kaiso_table(param_value("fukushi.hoiku.kokukijun.sangou", nendo)["kaiso"])
    try:
        hitorioya: rules.HitorioyaRule | None = rules.HitorioyaRule(
            under=int(param_value("fukushi.hoiku.hitorioya.under", nendo)),
            bands=rules.hitorioya_bands(
                param_value("fukushi.hoiku.hitorioya.sangou", nendo)["bands"]
            ),
        )
    except ParameterMissing:
        hitorioya = None
    return FeeParams(
        table=table,
        own_table=bool(own),
        mushoka_sai=int(param_value("fukushi.hoiku.mushoka_sai", nendo)),
        dai2_percent=int(param_value("fukushi.hoiku.tashi.dai2_percent", nendo)),
        dai3_percent=int(param_value("fukushi.hoiku.tashi.dai3_percent", nendo)),
        zenin_kazoe_under=int(param_value("fukushi.hoiku.tashi.zenin_kazoe_under", nendo)),
        kirikae_tsuki=int(param_value("fukushi.hoiku.kirikae_tsuki", nendo)),
        hitorioya=hitorioya,
    )


def keigen_on(day: date, hogosha_ids: Iterable[int]) -> dict[int, rules.Keigen]:
    """保護者 → the household's recognised status on ``day`` (recorded on any 支給認定 of a
    child of that 保護者: the status is the household's, so a sibling's 認定 carries it).
    要保護 wins over ひとり親世帯等 (one query)."""
    rows = HoikuKeigenNintei.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day),
        nintei__hogosha_atena_id__in=list(hogosha_ids),
        start_date__lte=day,
    ).values_list("nintei__hogosha_atena_id", "kind")
    out: dict[int, rules.Keigen] = {}
    for hogosha, kind in rows:
        k = rules.Keigen(kind)
        if out.get(hogosha) is not rules.Keigen.YOHOGO:
            out[hogosha] = k
    return out


def _setai(n: HoikuNintei, kazei: dict[int, PersonKazei]) -> rules.Setai | None:
    """The household as the 階層 sees it; None when a 保護者 has no assessment of the year
    (the fee waits for it: 未申告 is not guessed)."""
    parents = [p for p in (n.hogosha_atena_id, n.hogosha2_atena_id) if p]
    if any(p not in kazei or kazei[p].jokyo is KazeiJokyo.MISHINKOKU for p in parents):
        return None
    return rules.Setai(
        seiho=n.seiho,
        hikazei=all(kazei[p].jokyo is KazeiJokyo.HIKAZEI for p in parents),
        shotokuwari=sum(kazei[p].shotokuwari_shichoson for p in parents),
    )


@dataclass
class ComputeResult:
    months: list[date]
    computed: int = 0
    changed: int = 0
    removed: int = 0
    waiting: set[int] = field(default_factory=set)  # children whose 保護者 has no assessment
    changed_ids: set[int] = field(default_factory=set)  # children with a fee changed
    rireki_ids: list[int] = field(default_factory=list)  # the history rows of the changes


def _enrolled_on(day: date) -> dict[int, HoikuNintei]:
    """Child → their 2号・3号 認定 in force on ``day``, for every child enrolled that day
    (the 入所 and the 認定 are matched by child: a renewed 認定 keeps the same 入所)."""
    enrolled = HoikuNyusho.objects.filter(
        Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day)
    ).values_list("atena_id", flat=True)
    nintei = (
        HoikuNintei.objects.filter(
            atena_id__in=enrolled,
            kubun__in=[NinteiKubun.NI, NinteiKubun.SAN],
            start_date__lte=day,
            end_date__gte=day,
        )
        .filter(Q(shuryo_date__isnull=True) | Q(shuryo_date__gte=day))
        .order_by("atena_id", "-start_date")
    )
    out: dict[int, HoikuNintei] = {}
    for n in nintei:
        out.setdefault(n.atena_id, n)
    return out


@dataclass(frozen=True)
class HiwariParams:
    hoho: HiwariHoho
    bunbo: int
    hasu: int


def hiwari_params(nendo: int) -> HiwariParams:
    """The town's 日割 rule of ``nendo`` (fukushi/params/hoiku.yaml ``fukushi.hoiku.hiwari``)."""
    return HiwariParams(
        hoho=HiwariHoho(str(param_value("fukushi.hoiku.hiwari.hoho", nendo))),
        bunbo=int(param_value("fukushi.hoiku.hiwari.kaisho_bunbo", nendo)),
        hasu=int(param_value("fukushi.hoiku.hiwari.hasu", nendo)),
    )


def _kaishobi(d: date) -> bool:
    return is_kaishobi(d, is_holiday=is_holiday, is_nenmatsu=is_nenmatsu_nenshi)


def _enrolled_in_month(day: date) -> tuple[dict[int, HoikuNintei], dict[int, set[date]]]:
    """For a town that prorates: child → the 2号・3号 認定 in force on the first day of the
    month the child is enrolled, and child → the days of the month enrolled, for every
    child enrolled on some day of the month of ``day`` (two queries)."""
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for aid, s, e in HoikuNyusho.objects.filter(
        Q(start_date__lte=last), Q(end_date__isnull=True) | Q(end_date__gte=first)
    ).values_list("atena_id", "start_date", "end_date"):
        spans.setdefault(aid, []).append((s, e))
    days = {aid: enrolled_days(first, sp) for aid, sp in spans.items()}
    nintei = (
        HoikuNintei.objects.filter(
            atena_id__in=list(spans),
            kubun__in=[NinteiKubun.NI, NinteiKubun.SAN],
            start_date__lte=last,
            end_date__gte=first,
        )
        .filter(Q(shuryo_date__isnull=True) | Q(shuryo_date__gte=first))
        .order_by("atena_id", "-start_date")
    )
    out: dict[int, HoikuNintei] = {}
    for n in nintei:
        d0 = min(days[n.atena_id], default=None)
        end = n.shuryo_date or n.end_date
        if d0 is not None and n.start_date <= d0 <= end:
            out.setdefault(n.atena_id, n)
    return out, {aid: days[aid] for aid in out}


def hoikuryo_compute(
    *,
    nendo: int,
    months: Iterable[int] = FISCAL_MONTHS,
    actor: Actor,
    job_id: int | None = None,
) -> ComputeResult:
    """Compute (or recompute) the fee of every child enrolled on the first day of each of
    ``months`` of ``nendo``: one transaction per call, a history row per changed fee, the
    fee of a child no longer enrolled that month removed. Queries per month: enrolment,
    households (2), births, assessments, the month's rows. Run again with the same data it
    changes nothing (no history row, ``changed`` 0). From a job (``job_id``) it runs in the
    chunk's transaction and marks its history rows with the job."""
    p = fee_params(nendo)
    hw = hiwari_params(nendo)
    result = ComputeResult(months=[month_first(nendo, m) for m in months])
    now = timezone.now()
    with transaction.atomic(durable=job_id is None):
        for day in result.months:
            days_of: dict[int, set[date]] = {}
            if hw.hoho == HiwariHoho.NASHI:
                by_child = _enrolled_on(day)
            else:
                by_child, days_of = _enrolled_in_month(day)
            homes = households_of(by_child, day)
            births = {r.atena_id: r.birth_date for rs in homes.values() for r in rs}
            missing = set(by_child) - set(births)
            births.update({a: pi.birth_date for a, pi in person_identities(missing).items()})
            # 多子軽減 counts every child using a facility (1号 included)
            riyo = set(
                HoikuNyusho.objects.filter(
                    Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day)
                ).values_list("atena_id", flat=True)
            )
            parents = {
                x for n in by_child.values() for x in (n.hogosha_atena_id, n.hogosha2_atena_id) if x
            }
            kazei = person_kazei_many(
                parents, rules.kazei_nendo(day, kirikae_tsuki=p.kirikae_tsuki)
            )
            keigen = keigen_on(day, {n.hogosha_atena_id for n in by_child.values()})
            old = {g.atena_id: g for g in HoikuryoGetsugaku.objects.filter(month=day)}
            new_rows: list[HoikuryoGetsugaku] = []
            for aid, n in sorted(by_child.items()):
                setai = _setai(n, kazei)
                if setai is None:
                    result.waiting.add(aid)
                    continue
                parents_of = {n.hogosha_atena_id, n.hogosha2_atena_id}
                kyodai = [
                    rules.Kyodai(key=r.atena_id, birth=r.birth_date, riyo=r.atena_id in riyo)
                    for r in homes.get(aid, [])
                    if r.atena_id not in parents_of and age_on(r.birth_date, day) < 18
                ] or [rules.Kyodai(key=aid, birth=births[aid], riyo=True)]
                zenin = setai.shotokuwari < p.zenin_kazoe_under
                order = rules.tashi_order(aid, kyodai, day=day, zenin_kazoe=zenin)
                if zenin:
                    order += n.kyodai_kasan
                r = rules.fee(
                    rules.FeeInput(
                        birth=births[aid],
                        month=day,
                        hitsuyoryo=rules.Hitsuyoryo(n.hitsuyoryo),
                        setai=setai,
                        order=order,
                        keigen=keigen.get(n.hogosha_atena_id),
                    ),
                    table=p.table,
                    mushoka_sai=p.mushoka_sai,
                    dai2_percent=p.dai2_percent,
                    dai3_percent=p.dai3_percent,
                    hitorioya=p.hitorioya,
                )
                h = (
                    hiwari(
                        r.amount,
                        hoho=hw.hoho,
                        month=day,
                        days=days_of[aid],
                        kaishobi=_kaishobi,
                        bunbo=hw.bunbo,
                        hasu=hw.hasu,
                    )
                    if aid in days_of
                    else None
                )
                amount = h.amount if h else r.amount
                row = HoikuryoGetsugaku(
                    atena_id=aid,
                    nintei=n,
                    nendo=nendo,
                    month=day,
                    kazei_nendo=rules.kazei_nendo(day, kirikae_tsuki=p.kirikae_tsuki),
                    shotokuwari=setai.shotokuwari,
                    kaiso_no=r.kaiso.no if r.kaiso else None,
                    kaiso_label=r.kaiso.label if r.kaiso else "",
                    mushoka=r.mushoka,
                    tashi_order=order,
                    keigen=r.keigen.value if r.keigen else "",
                    kijun=r.kijun,
                    amount=amount,
                    hiwari_mae=r.amount if h else None,
                    hiwari_nissu=h.nissu if h else None,
                    hiwari_bunbo=h.bunbo if h else None,
                    computed_at=now,
                    computed_by=actor.username,
                )
                new_rows.append(row)
                before = old.get(aid)
                if before is None or before.amount != amount:
                    result.changed += 1
                    result.changed_ids.add(aid)
                    rireki = HoikuRireki.objects.create(
                        actor=actor.username,
                        action="hoikuryo_santei",
                        atena_id=aid,
                        detail={
                            "month": day.isoformat(),
                            "before": before.amount if before else None,
                            "after": amount,
                            **({"hiwari": [h.nissu, h.bunbo]} if h else {}),
                            "kaiso": row.kaiso_no,
                            "kazei_nendo": row.kazei_nendo,
                            **({"job_id": job_id} if job_id is not None else {}),
                        },
                        riyu="子ども・子育て支援法施行令第4条",
                    )
                    result.rireki_ids.append(rireki.pk)
            gone = set(old) - {r.atena_id for r in new_rows}
            result.removed += HoikuryoGetsugaku.objects.filter(
                month=day, atena_id__in=gone
            ).delete()[0]
            HoikuryoGetsugaku.objects.bulk_create(
                new_rows,
                update_conflicts=True,
                unique_fields=["atena_id", "month"],
                update_fields=[
                    "nintei",
                    "nendo",
                    "kazei_nendo",
                    "shotokuwari",
                    "kaiso_no",
                    "kaiso_label",
                    "mushoka",
                    "tashi_order",
                    "keigen",
                    "kijun",
                    "amount",
                    "hiwari_mae",
                    "hiwari_nissu",
                    "hiwari_bunbo",
                    "computed_at",
                    "computed_by",
                ],
            )
            result.computed += len(new_rows)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=HOIKURYO,
            screen="fukushi.hoikuryo_compute",
            record_type="fukushi.HoikuryoGetsugaku",
            record_count=result.computed,
            detail={"nendo": nendo, "months": [d.month for d in result.months]},
        )
    return result


# --- 試算 ---------------------------------------------------------------------------------


class ShisanRefused(ValueError):
    """Input the rules refuse (a 年度 without figures, a birth after the month …)."""


@dataclass(frozen=True)
class ShisanInput:
    nendo: int
    month: int  # 4..12, 1..3
    birth: date
    hitsuyoryo: str
    seiho: bool
    hikazei: bool
    shotokuwari: int
    kyodai_births: Sequence[date] = ()  # the other children counted (facility users, or all)
    zenin_kazoe: bool | None = None  # None: decided from the 所得割 (57,700円未満)


def shisan(inp: ShisanInput) -> dict[str, object]:
    """One child's monthly 保育料 from figures typed in (the town's table and values of
    the 年度); reads no person and saves nothing."""
    day = month_first(inp.nendo, inp.month)
    if inp.birth >= day:
        raise ShisanRefused("生年月日がその月より後です。")
    if any(b >= day or b.year < 1900 for b in (inp.birth, *inp.kyodai_births)):
        raise ShisanRefused("生年月日は、その月より前の日（1900年以後）で入力してください。")
    if not rules.shugakumae(inp.birth, day):
        raise ShisanRefused("その月には小学校就学前の子どもではありません。")
    try:
        p = fee_params(inp.nendo)
    except ParameterMissing as exc:
        raise ShisanRefused(f"{inp.nendo}年度の保育料の基準が登録されていません。") from exc
    zenin = (
        inp.zenin_kazoe
        if inp.zenin_kazoe is not None
        else (not inp.seiho and not inp.hikazei and inp.shotokuwari < p.zenin_kazoe_under)
    )
    kyodai = [rules.Kyodai(key=0, birth=inp.birth, riyo=True)] + [
        rules.Kyodai(key=i, birth=b, riyo=True) for i, b in enumerate(inp.kyodai_births, start=1)
    ]
    order = rules.tashi_order(0, kyodai, day=day, zenin_kazoe=zenin)
    r = rules.fee(
        rules.FeeInput(
            birth=inp.birth,
            month=day,
            hitsuyoryo=rules.Hitsuyoryo(inp.hitsuyoryo),
            setai=rules.Setai(seiho=inp.seiho, hikazei=inp.hikazei, shotokuwari=inp.shotokuwari),
            order=order,
        ),
        table=p.table,
        mushoka_sai=p.mushoka_sai,
        dai2_percent=p.dai2_percent,
        dai3_percent=p.dai3_percent,
    )
    return {
        "nendo": inp.nendo,
        "month": inp.month,
        "class_age": rules.class_age(inp.birth, inp.nendo),
        "kazei_nendo": rules.kazei_nendo(day, kirikae_tsuki=p.kirikae_tsuki),
        "mushoka": r.mushoka,
        "kaiso": r.kaiso.no if r.kaiso else None,
        "kaiso_label": r.kaiso.label if r.kaiso else "",
        "town_table": p.own_table,
        "tashi_order": order,
        "zenin_kazoe": zenin,
        "kijun": r.kijun,
        "amount": r.amount,
    }
