"""Demo 生活保護 給付金 for one town (run inside its schema, after ``fukushi.demo_seiho``):
one 就労自立給付金 and one 進学・就職準備給付金, decided through the services as a clerk would.

- 就労自立給付金: a single resident of working age (20〜64), not in a demo case, receives
  保護 from the 1st of the month 7 months ago with a work income of 100,000円 a month, and
  the case ends on this month's 1st by the clerk's decision (就労による自立); the 給付金 is
  decided on the months' 収入充当額 (each month's 収入認定額, the most the rule allows).
- 進学・就職準備給付金: a 17〜18-year-old member of a demo case going on to a 専門学校 from
  home (the amount of the year's data), applied for today.

Persons are chosen by a hash of カナ氏名 and 生年月日 (never by database ids). A town that
already has a 給付金, or no demo case, is left alone.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.utils import timezone

from fukushi.demo_seiho import DEMO_SETAI
from fukushi.models import (
    CaseStatus,
    Fujo,
    SeihoCase,
    SeihoMember,
    SeihoShingakuKyufukin,
    SeihoShuroKyufukin,
)
from fukushi.rules.seiho_shuro import Juto
from fukushi.services.seiho import MemberInput, SeihoRefused, seiho_haishi, seiho_kaishi
from fukushi.services.seiho_shingaku import shingaku_kettei
from fukushi.services.seiho_shuro import juto_months, shuro_kyufukin_kettei
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.services import Actor
from tenants.age import age_on

ACTOR = Actor(user_id=None, username="load_seiho_demo")
#: the demo's monthly work income of the 就労自立給付金 case (円)
SHURO_SHUNYU = 100_000
#: months of 保護 before the case ends by work
MONTHS_OF_HOGO = 7


def _key(kana: str, birth: date) -> str:
    return hashlib.sha256(f"{kana}|{birth.isoformat()}".encode()).hexdigest()


def _months_before(day: date, n: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return date(y, m + 1, 1)


def _shuro(today: date) -> bool:
    haishi_date = today.replace(day=1)
    kaishi_date = _months_before(haishi_date, MONTHS_OF_HOGO)
    taken = set(SeihoMember.objects.values_list("atena_id", flat=True))
    residents = [
        r
        for r in residents_on(kaishi_date)
        if r.atena_id not in taken and r.is_setainushi and 20 <= age_on(r.birth_date, today) <= 64
    ]
    sizes: dict[int | None, int] = {}
    for r in residents_on(kaishi_date):
        sizes[r.setai_id] = sizes.get(r.setai_id, 0) + 1
    singles = [r for r in residents if r.setai_id is not None and sizes[r.setai_id] == 1]
    kana = {i: p.shimei_kana for i, p in person_identities(r.atena_id for r in singles).items()}
    for r in sorted(singles, key=lambda r: _key(kana.get(r.atena_id, ""), r.birth_date)):
        try:
            k = seiho_kaishi(
                nushi_atena_id=r.atena_id,
                members=[MemberInput(atena_id=r.atena_id, shuro_shunyu=SHURO_SHUNYU)],
                setai=DEMO_SETAI,
                fujo=[Fujo.SEIKATSU, Fujo.JUTAKU, Fujo.IRYO],
                kaishi_date=kaishi_date,
                kettei_date=kaishi_date,
                riyu="生活困窮（デモデータ）",
                actor=ACTOR,
            )
        except SeihoRefused:
            continue  # this person does not fit (e.g. moved in later): the next one
        try:
            seiho_haishi(
                case_id=k.case_id,
                haishi_date=haishi_date,
                kettei_date=haishi_date,
                riyu="就労収入の増加による自立（デモデータ）",
                actor=ACTOR,
            )
            case = SeihoCase.objects.get(pk=k.case_id)
            juto = [Juto(month=m, gaku=k.shunyu_nintei) for m in juto_months(case)]
            shuro_kyufukin_kettei(
                case_id=k.case_id,
                kettei_date=max(today, haishi_date),
                shuro_jiyu="常用雇用で就職し、就労収入が最低生活費を上回った（デモデータ）",
                juto=juto,
                actor=ACTOR,
            )
        except SeihoRefused:
            return False  # the case stays as it is; no second case is opened for the demo
        return True
    return False


def _shingaku(today: date) -> bool:
    members = list(
        SeihoMember.objects.filter(to_date__isnull=True, case__status=CaseStatus.HOGO).values_list(
            "case_id", "atena_id"
        )
    )
    people = person_identities(a for _, a in members)
    candidates = [
        (c, a)
        for c, a in members
        if a in people and 17 <= age_on(people[a].birth_date, today) <= 18
    ]
    candidates.sort(key=lambda ca: _key(people[ca[1]].shimei_kana, people[ca[1]].birth_date))
    for case_id, atena_id in candidates:
        try:
            shingaku_kettei(
                case_id=case_id,
                atena_id=atena_id,
                kind="shingaku",
                jitakugai=False,
                saki="町内の専門学校（デモデータ）",
                shinsei_date=today,
                kettei_date=today,
                actor=ACTOR,
            )
        except SeihoRefused:
            continue
        return True
    return False


def load(stdout: Any) -> None:
    if SeihoShuroKyufukin.objects.exists() or SeihoShingakuKyufukin.objects.exists():
        return
    if not SeihoCase.objects.exists():
        return
    today = timezone.localdate()
    shuro = _shuro(today)
    shingaku = _shingaku(today)
    stdout.write(
        f"生活保護の給付金 就労自立給付金 {int(shuro)}件、進学・就職準備給付金 {int(shingaku)}件\n"
    )
