"""Demo 障害児通所支援 (fukushi/demo_tsusho.py): only resident children aged 1 to 17 get a 給付決定,
with an adult of their own household as 保護者, through the service (the 負担上限月額 judged from
the town's 住民税: all 非課税 here, so 低所得 0円; a household without 住民税 of the year stays
申請中, never guessed); the choice hangs on the names' reading and birth dates, not on the order
persons were loaded (the other town, loaded in reverse order, picks the same children); loaded
once, in its own town only."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from fukushi.demo_tsusho import load
from fukushi.models import TsushoKettei
from fukushi.rules.tsusho import mushoka_kikan
from fukushi.services.tsusho import kazei_nendo
from juminkiroku.public import households_of, person_identities
from juminkiroku.tests.factories import Zokugara, household_tennyu, person_fields
from tenants.age import age_on
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

N = 60


def _households(town: str, order: range) -> tuple[list[int], int]:
    """(adult ids, the 世帯主 id of household 0); each household: 父, 母, three children."""
    today = timezone.localdate()
    adults: list[int] = []
    first = 0
    for h in order:
        ages = (40, 38, 2 + h % 3, 8 + h % 5, 15 + h % 3)
        _, atenas = household_tennyu(
            town,
            members=[
                person_fields(
                    shimei=f"通所{h:02d}　{chr(0x4E00 + i)}",
                    shimei_kana=f"ツウショ{h:02d}　{chr(0x30A2 + 2 * i)}",
                    birth_date=date(today.year - age, 1 + (h % 12), 10).isoformat(),
                    setai_order=i + 1,
                    **({} if i == 0 else {"zokugara": Zokugara.KO if i >= 2 else Zokugara.TSUMA}),
                )
                for i, age in enumerate(ages)
            ],
            ido_date=today,
        )
        adults += [atenas[0].pk, atenas[1].pk]
        if h == 0:
            first = atenas[0].pk
    return adults, first


def _chosen() -> set[tuple[str, date]]:
    ids = list(TsushoKettei.objects.values_list("atena_id", flat=True))
    return {(p.shimei_kana, p.birth_date) for p in person_identities(ids).values()}


def test_demo_decisions_for_resident_children_once_in_its_own_town(alpha, beta):
    today = timezone.localdate()
    connection.set_tenant(alpha.municipality)
    adults, first = _households("hayama", range(N))
    nendo = kazei_nendo(today)
    no_kazei = {first, adults[1]}  # household 0: no 住民税 of the year
    for a in adults:
        if a not in no_kazei:
            kazei_set(a, nendo, status="hikazei")
    out = io.StringIO()
    load(out)
    rows = list(TsushoKettei.objects.all())
    decided = [k for k in rows if k.jotai == "yuko"]
    assert decided, "the demo town must show some 給付決定"
    people = person_identities(k.atena_id for k in rows)
    households: dict[int, Any] = households_of([k.atena_id for k in rows], today)
    for k in rows:
        assert 1 <= age_on(people[k.atena_id].birth_date, today) <= 17
        members = {m.atena_id: m for m in households[k.atena_id]}
        assert k.hogosha_atena_id in members and k.hogosha_atena_id != k.atena_id
        assert age_on(members[k.hogosha_atena_id].birth_date, today) >= 18
    for k in decided:
        assert (k.futan_kubun, k.futan_jogen, k.rireki.count()) == ("teishotoku", 0, 2)
        preschool = today <= mushoka_kikan(people[k.atena_id].birth_date)[1]
        assert [s.service for s in k.services.all()] == (
            ["jido_hattatsu"] if preschool else ["hokago_day"]
        )
        assert k.kikan_kaishi == today.replace(day=1)
    # household 0 (no 住民税): never decided, at most 申請中
    assert {k.jotai for k in rows if k.hogosha_atena_id == first} <= {"shinsei"}
    shinsei = len([k for k in rows if k.jotai == "shinsei"])
    assert (
        f"障害児通所支援 給付決定 {len(decided)}件（住民税の資料がなく申請中のまま {shinsei}件"
        in (out.getvalue())
    )
    total = len(rows)
    load(io.StringIO())  # a town that has its data is left alone
    assert TsushoKettei.objects.count() == total
    hayama = _chosen()

    # 寒川町: nothing of hayama's; the same persons loaded in reverse order pick the same children
    connection.set_tenant(beta.municipality)
    assert not TsushoKettei.objects.exists()
    adults_b, _ = _households("samukawa", range(N - 1, -1, -1))
    for a in adults_b:
        kazei_set(a, nendo, status="hikazei")
    load(io.StringIO())
    assert _chosen() == hayama
    assert TsushoKettei.objects.filter(jotai="yuko").count() == total
    connection.set_schema_to_public()
