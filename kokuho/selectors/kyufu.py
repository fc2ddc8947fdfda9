"""Reads the 給付 need: a household's 所得区分 for a month (the registry household, who
holds 国保 that month, and each one's 所得 from ``zeimu.public``), and the months a
household was already paid 高額療養費 (for 多数回該当).

A read of personal data: the calling view or service writes the access-log row.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from juminkiroku.public import households_of
from kokuho.models import KijunShunyu, KyufuKind, KyufuStatus, Shikaku
from kokuho.models import Kyufu as KyufuRow
from kokuho.rules.kyufu import (
    Income,
    KubunMember,
    KubunResult,
    KyufuParameters,
    is_koreisha,
    parameters_for,
    shotoku_kubun,
    shotoku_nendo,
)
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of
from zeimu.public import KazeiJokyo, PersonKazei, person_kazei_many


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def insured_in_month(atena_ids: list[int], year: int, month: int) -> set[int]:
    """Who held 国保 on at least one day of the month (one query)."""
    first, last = date(year, month, 1), month_end(year, month)
    rows = (
        Shikaku.objects.filter(atena_id__in=atena_ids, torikeshi=False, shutoku_date__lte=last)
        .exclude(soshitsu_date__lte=first)
        .values_list("atena_id", flat=True)
    )
    return set(rows)


def kyufu_parameters(year: int, month: int) -> KyufuParameters:
    fy = fiscal_year_of(date(year, month, 1))
    kirikae = int(param_value("kokuho.kyufu.shotoku_kirikae_tsuki", fy))
    return parameters_for(fy, kiso_year=shotoku_nendo(year, month, kirikae))


@dataclass(frozen=True)
class HouseholdKubun:
    setai_id: int | None
    setainushi_id: int | None
    member_ids: tuple[int, ...]
    insured_ids: tuple[int, ...]
    koreisha_ids: tuple[int, ...]
    result: KubunResult
    params: KyufuParameters

    def kubun_of(self, atena_id: int) -> str | None:
        """The 区分 that applies to one person: 70歳以上 or not."""
        return self.result.over70 if atena_id in self.koreisha_ids else self.result.under70


def _income(k: PersonKazei | None) -> Income | None:
    if k is None:
        return None
    s = k.shotoku
    return Income(
        hikazei=k.jokyo is KazeiJokyo.HIKAZEI,
        kyuyo=s.kyuyo_shotoku,
        nenkin=s.nenkin_shotoku,
        # 旧ただし書所得: 分離課税の譲渡所得 after its 特別控除
        sonota=s.sonota_shotoku + max(0, s.joto_shotoku - s.joto_tokubetsu_kojo),
        gokei=s.gokei_shotoku,
        kazei_shotoku=s.kazei_shotoku,
        nenkin_shunyu=s.nenkin_shunyu,
        shinkoku=k.jokyo is not KazeiJokyo.MISHINKOKU,
    )


def kijun_shunyu_on(setai_id: int | None, year: int, month: int) -> bool:
    """An approved 基準収入額適用 of the household covers 診療月 ``year``/``month``."""
    if setai_id is None:
        return False
    first = date(year, month, 1)
    return KijunShunyu.objects.filter(
        setai_id=setai_id, gaito=True, tekiyo_from__lte=first, tekiyo_to__gte=first
    ).exists()


def household_kubun(atena_id: int, year: int, month: int, *, day: date) -> HouseholdKubun | None:
    """The 所得区分 of the household ``atena_id`` lives in on ``day``, for 診療月
    ``year``/``month``; None when the person did not live in the town that day."""
    p = kyufu_parameters(year, month)
    members = households_of([atena_id], day).get(atena_id)
    if not members:
        return None
    ids = [m.atena_id for m in members]
    insured = insured_in_month(ids, year, month)
    nendo = shotoku_nendo(year, month, p.kirikae_tsuki)
    kazei = person_kazei_many(ids, nendo)
    kubun_members = [
        KubunMember(
            key=m.atena_id,
            birth_date=m.birth_date,
            insured=m.atena_id in insured,
            setainushi=m.is_setainushi,
            income=_income(kazei.get(m.atena_id)),
        )
        for m in members
    ]
    setai_id = members[0].setai_id
    result = shotoku_kubun(
        kubun_members, year, month, p, kijun_shunyu=kijun_shunyu_on(setai_id, year, month)
    )
    head = next((m.atena_id for m in members if m.is_setainushi), None)
    return HouseholdKubun(
        setai_id=members[0].setai_id,
        setainushi_id=head,
        member_ids=tuple(ids),
        insured_ids=tuple(i for i in ids if i in insured),
        koreisha_ids=tuple(
            m.atena_id
            for m in members
            if m.atena_id in insured and is_koreisha(m.birth_date, year, month, p.koreisha_nenrei)
        ),
        result=result,
        params=p,
    )


def kogaku_paid_months(setai_id: int | None, *, before: date) -> list[tuple[int, int]]:
    """The 診療月 before ``before`` in which the household was paid 高額療養費 at the
    household level (the 70歳以上 外来（個人） alone does not count)."""
    if setai_id is None:
        return []
    rows = KyufuRow.objects.filter(
        setai_id=setai_id,
        kind=KyufuKind.KOGAKU,
        status__in=[KyufuStatus.KETTEI, KyufuStatus.SHIHARAI],
        jiyu_date__lt=before,
        detail__setai_shikyu__gt=0,
    ).values_list("jiyu_date", flat=True)
    return sorted({(d.year, d.month) for d in rows})
