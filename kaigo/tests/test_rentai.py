"""連帯納付義務 of the 第1号被保険者's 介護保険料 collected by 普通徴収 (介護保険法第132条
第2項: the 世帯主 of the insured's household; 第3項: the spouse), judged by the platform's
rule (tenants.rentai_rule, shared with 後期's 第108条) with 第132条's grounds.

Worked cases: the rule with 第132条's words (世帯主 = the insured's child with the other
parent taken as spouse by inference; a couple; nobody when alone); then the registry: a
three-generation household whose father pays by 普通徴収 after the 本算定, his 世帯分離 in
the middle of the 期 (no 連帯 after it), shown on the person's 介護保険料 page and on the
収納 ledger's 滞納 case view (through the platform's provider, kaigo.public), each read
logged with the persons named; 寒川町's couple is judged in its own schema and 寒川町 sees
none of 葉山町's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import three_generations
from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka
from kaigo.rules.fuka_kibetsu import FUTSU
from kaigo.rules.rentai import (
    KAIGO_KONKYO,
    KONKYO_HAIGUSHA,
    KONKYO_HAIGUSHA_SUITEI,
    KONKYO_SETAINUSHI,
)
from kaigo.selectors.rentai import rentai_of_fuka
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.rentai import KAIGO, KOKI, RentaiAsk, rentai_lookup
from tenants.rentai_rule import NOTE_NOT_RESIDENT, Member, rentai_of
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import grant_beta_shuno, kibetsu_rows

pytestmark = pytest.mark.django_db

FY = 2025
NONE = "住民記録から特定できる連帯納付義務者はいません。"


def _who(hihokensha: int, members: list[tuple[int, str]]) -> tuple[Any, ...]:
    r = rentai_of(hihokensha, [Member(a, z) for a, z in members], KAIGO_KONKYO)
    return tuple((s.atena_id, s.konkyo, s.suitei) for s in r.sha), r.notes


# --- the rule with 第132条's words ---------------------------------------------------------


def test_the_grounds_cite_article_132() -> None:
    assert KONKYO_SETAINUSHI == "世帯主（介護保険法第132条第2項）"
    assert KONKYO_HAIGUSHA == "配偶者（同法第132条第3項）"
    # 世帯主 一郎 (1), his 父 (2, insured) and 母 (3): 一郎 as 世帯主, 母 as presumed spouse
    assert _who(2, [(1, "01"), (2, "05"), (3, "06")]) == (
        ((1, (KONKYO_SETAINUSHI,), False), (3, (KONKYO_HAIGUSHA_SUITEI,), True)),
        (),
    )
    # a couple: the wife's premium is owed by her husband, 世帯主 and spouse; his by her
    assert _who(2, [(1, "01"), (2, "02")]) == (
        ((1, (KONKYO_SETAINUSHI, KONKYO_HAIGUSHA), False),),
        (),
    )
    assert _who(1, [(1, "01"), (2, "02")]) == (((2, (KONKYO_HAIGUSHA,), False),), ())
    # alone: nobody; not in the registry on the day: a note
    assert _who(1, [(1, "01")]) == ((), ())
    assert _who(9, [(1, "01")]) == ((), (NOTE_NOT_RESIDENT,))


# --- the registry, the screens and the ledger ----------------------------------------------


def _three_generations(cap: Any) -> list[Any]:
    members = three_generations()
    return tennyu(cap, members=members, day=date(2020, 4, 1))[1]


def _rentai(person: Any) -> list[tuple[str, list[int]]]:
    f = KaigoFuka.objects.get(atena_id=person.pk, fiscal_year=FY, is_current=True)
    return [
        (k["label"], [s.atena_id for s in r.sha]) for k, r in rentai_of_fuka(f.kibetsu, f.atena_id)
    ]


def test_rentai_on_the_person_page_and_the_taino_case_in_two_towns(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    # 寒川町: the 佐藤 couple both 65+, both 非課税 and 普通徴収
    connection.set_tenant(world.beta.municipality)
    set_table()
    _, (b_husband, b_wife, _b_son) = tennyu(
        cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1)
    )
    hikazei(b_husband.pk, FY, 900_000)
    hikazei(b_wife.pk, FY, 700_000)
    assert run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01").status == (
        JobStatus.SUCCEEDED
    )
    # 葉山町: 一郎 is 世帯主; his father 太郎 (普通徴収) and mother 松子 are 65+
    connection.set_tenant(world.alpha.municipality)
    set_table()
    ichiro, taro, matsuko = _three_generations(cap)
    hikazei(taro.pk, FY, 800_000)
    hikazei(matsuko.pk, FY, 600_000)
    assert run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01").status == (
        JobStatus.SUCCEEDED
    )
    f = KaigoFuka.objects.get(atena_id=taro.pk, fiscal_year=FY, is_current=True)
    futsu = [k for k in f.kibetsu if k["kind"] == FUTSU]
    # given 太郎's nine 普通徴収 期 (7月 … 3月), before the 世帯分離: every 期 is owed
    # also by 一郎 (世帯主) and 松子 (presumed spouse)
    assert [k["due"] for k in futsu][:2] == ["2025-07-31", "2025-09-01"]
    assert len(futsu) == 9
    assert _rentai(taro) == [(k["label"], [ichiro.pk, matsuko.pk]) for k in futsu]
    # when 太郎 leaves his son's household on 15 August 2025 (世帯分離)
    with cap(execute=True):
        jk.setai_bunri(taro, ido_date=date(2025, 8, 15))
    # then the 第1期 (納期限 31 July) keeps them, the later 期 have nobody: he is his own
    # 世帯主, and a spouse in another household is not on his 住民票
    assert _rentai(taro) == [
        (futsu[0]["label"], [ichiro.pk, matsuko.pk]),
        *[(k["label"], []) for k in futsu[1:]],
    ]
    connection.set_schema_to_public()

    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kaigo/fuka/person/{taro.pk}/").content.decode()
    table = page[page.index('data-testid="kaigo-rentai"') :]
    assert "山田　一郎" in table and "世帯主（介護保険法第132条第2項）" in table
    assert "山田　松子" in table and "配偶者と推定（同法第132条第3項" in table and "母" in table
    assert "令和7年7月31日" in table and NONE in table
    assert "介護保険法第132条第2項・第3項" in page
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="kaigo.fuka_person", record_id=str(taro.pk)).latest("id")
    assert sorted(row.detail["atena_ids"]) == sorted([taro.pk, ichiro.pk, matsuko.pk])
    connection.set_schema_to_public()
    # the ledger's 滞納 case (the 期 are past due and unpaid): the 連帯納付義務者 by 期
    page = clerk.get(f"/zeimu/shuno/taino/{taro.pk}/").content.decode()
    table = page[page.index('data-testid="taino-rentai"') :]
    assert "介護保険料 令和7年度 第1期" in table and "山田　一郎" in table
    assert "山田　松子" in table and "世帯主（介護保険法第132条第2項）" in table
    assert "令和7年9月1日" in table and NONE in table
    assert "普通徴収の介護保険料は" in page and "介護保険法第132条第2項・第3項" in page
    assert "高齢者の医療の確保に関する法律第108条" not in page  # no 後期 期別 in this case
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="zeimu.taino_case", record_id=str(taro.pk)).latest("id")
    assert sorted(row.detail["atena_ids"]) == sorted([taro.pk, ichiro.pk, matsuko.pk])
    connection.set_schema_to_public()

    # 寒川町: its wife's 期 are owed also by her husband, 世帯主 and spouse; 葉山町's
    # persons are not found there (no case, no names)
    grant_beta_shuno()
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get(f"/zeimu/shuno/taino/{b_wife.pk}/").content.decode()
    table = page[page.index('data-testid="taino-rentai"') :]
    assert "佐藤　一郎" in table and "同法第132条第3項" in table
    assert "山田　一郎" not in table and "松子" not in table
    page = other.get(f"/kaigo/fuka/person/{b_wife.pk}/").content.decode()
    assert "佐藤　一郎" in page[page.index('data-testid="kaigo-rentai"') :]
    for url in (f"/zeimu/shuno/taino/{taro.pk}/", f"/kaigo/fuka/person/{taro.pk}/"):
        # (ids are per town: the same number may be one of 寒川町's own people)
        text = other.get(url, follow=True).content.decode()
        assert "山田　一郎" not in text and "山田　松子" not in text
    # the provider, asked in 寒川町's schema, answers for 寒川町's 期別 only
    connection.set_tenant(world.beta.municipality)
    mine = kibetsu_rows("kaigo", b_wife.pk)
    asks = [RentaiAsk(pk, b_wife.pk, FY, ki, nouki) for pk, ki, nouki, _bango in mine]
    answers = rentai_lookup(KAIGO, asks)
    assert len(asks) == 9
    assert [[s.atena_id for s in answers[a.kibetsu_id].sha] for a in asks] == [[b_husband.pk]] * 9
    assert answers[asks[0].kibetsu_id].sha[0].zokugara == "世帯主"
    # 葉山町's 太郎 is nobody in 寒川町's registry
    stranger = RentaiAsk(10**9, taro.pk, FY, 1, date(2025, 7, 31))
    if taro.pk not in {b_husband.pk, b_wife.pk, _b_son.pk}:
        assert rentai_lookup(KAIGO, [stranger])[10**9].notes == (NOTE_NOT_RESIDENT,)


def test_kaigo_is_the_provider_of_the_kaigo_kind() -> None:
    from tenants.modules import registry

    owners = {
        kind: [s.app for s in registry.all_modules() if kind in s.rentai_providers]
        for kind in (KOKI, KAIGO)
    }
    assert owners == {KOKI: ["kokuho"], KAIGO: ["kaigo"]}
