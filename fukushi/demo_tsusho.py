"""Demo 障害児通所支援 for one town (run inside its schema; wired into ``manage.py fukushi_demo``
for a town using 障害者福祉, after the 自立支援給付 demo).

Only children who live in the town are decided: residents aged 1 to 17 today, three in a
hundred of them (a share of ours, no survey was read for it), chosen by a hash of the reading of
their name and their birth date (not by 宛名番号, so the choice does not depend on the order
persons were loaded). The 保護者 is the child's 世帯主 when an adult, else the oldest adult of the
household; a child with no adult in the household is left out. A child before school age gets
児童発達支援 10日/月, an older child 放課後等デイサービス 15日/月 (ours), from the first day of
this month for a year, cut by the service at the day before the 18th birthday. The 負担上限月額
is judged by the service from the town's real demo 住民税 and 生活保護 records; a household whose
住民税 of the year is missing stays 申請中 (the service refuses to guess).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.utils import timezone

from fukushi.models import TsushoKettei
from fukushi.rules.tsusho import mushoka_kikan
from fukushi.services.tsusho import KetteiInput, TsushoRefused, tsusho_kettei, tsusho_shinsei
from juminkiroku.public import households_of, person_identities, residents_on
from tenants.accesslog.services import Actor
from tenants.age import age_on

ACTOR = Actor(user_id=None, username="load_tsusho_demo")
#: children per 100 residents aged 1 to 17 who get a decision (ours)
PER_100 = 3


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _end_of_year(kaishi: date) -> date:
    """The day before the same day a year later (a 1年 給付決定期間)."""
    return date.fromordinal(date(kaishi.year + 1, kaishi.month, 1).toordinal() - 1)


def load(stdout: Any) -> None:
    if TsushoKettei.objects.exists():
        return
    today = timezone.localdate()
    kaishi = today.replace(day=1)
    shuryo = _end_of_year(kaishi)
    children = [r for r in residents_on(today) if 1 <= age_on(r.birth_date, today) <= 17]
    people = person_identities(r.atena_id for r in children)
    chosen = [
        r.atena_id
        for r in children
        if r.atena_id in people
        and _h(f"tsusho|{people[r.atena_id].shimei_kana}|{r.birth_date.isoformat()}") % 100
        < PER_100
    ]
    households = households_of(chosen, today)
    kettei = skipped = shinsei = 0
    for atena_id in sorted(chosen, key=lambda a: (people[a].shimei_kana, people[a].birth_date)):
        members = households.get(atena_id, [])
        adults = [
            m for m in members if m.atena_id != atena_id and age_on(m.birth_date, today) >= 18
        ]
        if not adults:
            skipped += 1
            continue
        heads = [m for m in adults if m.is_setainushi]
        hogosha = heads[0] if heads else min(adults, key=lambda m: (m.birth_date, m.atena_id))
        birth = people[atena_id].birth_date
        services = {"jido_hattatsu": 10} if today <= mushoka_kikan(birth)[1] else {"hokago_day": 15}
        k = tsusho_shinsei(atena_id=atena_id, hogosha_atena_id=hogosha.atena_id,
                           shinsei_date=kaishi, actor=ACTOR)  # fmt: skip
        try:
            tsusho_kettei(pk=k.pk, data=KetteiInput(kaishi, kaishi, shuryo, services), actor=ACTOR)
            kettei += 1
        except TsushoRefused:
            shinsei += 1  # no 住民税 of the year in the household: left 申請中
    stdout.write(
        f"障害児通所支援 給付決定 {kettei:,}件（住民税の資料がなく申請中のまま {shinsei:,}件、"
        f"世帯に成人がいないため対象外 {skipped:,}件）\n"
    )
