"""連帯納付義務 of the 後期高齢者医療保険料 collected by 普通徴収 (高齢者の医療の確保に関する
法律第108条第2項: the 世帯主 of the insured's household; 第3項: the spouse).

Worked cases: the rule alone on 続柄 (世帯主 = the insured's child, with the other parent
taken as spouse by inference; a couple both 75+; 子 ⇔ 子の妻 and its ambiguity; 妻（未届）;
nobody when the insured lives alone); then the registry: a three-generation household
whose father is insured, his 世帯分離 in the middle of the 期 (no 連帯 after it), shown
on the person's 後期 page and on the 収納 ledger's 滞納 case view (through the platform's
provider, kokuho.public), each read logged with the persons named; 寒川町's couple is
judged in its own schema and 寒川町 sees none of 葉山町's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import three_generations
from kokuho.models import KokiHokenryo
from kokuho.rules.koki_rentai import (
    KONKYO_HAIGUSHA,
    KONKYO_HAIGUSHA_SUITEI,
    KONKYO_SETAINUSHI,
    NOTE_AMBIGUOUS,
    NOTE_MITODOKE,
    NOTE_NOT_RESIDENT,
    Member,
    rentai_of,
    spouse_base,
)
from kokuho.selectors.koki_rentai import rentai_of_kibetsu
from kokuho.services.koki_iryo import koki_shikaku_due
from kokuho.tests.factories import setai_bunri, tennyu
from kokuho.tests.test_koki_hokenryo import HEAD, _accept, _couple
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.rentai import KOKI, RentaiAsk, rentai_lookup
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import grant_beta_shuno

pytestmark = pytest.mark.django_db


def _who(hihokensha: int, members: list[tuple[int, str]]) -> tuple[Any, ...]:
    r = rentai_of(hihokensha, [Member(a, z) for a, z in members])
    return tuple((s.atena_id, s.konkyo, s.suitei) for s in r.sha), r.notes


# --- the rule alone ---------------------------------------------------------------------


def test_spouse_base_reads_the_chain_of_zokugara() -> None:
    assert spouse_base("02") == "01"  # 妻 → 世帯主
    assert spouse_base("14") == "04"  # 子の妻 → 子
    assert spouse_base("0402") == "04"  # 子の妻 written as a chain
    assert spouse_base("0414") == "0404"  # 子の子の妻 → 子の子
    assert spouse_base("0502") == "05"  # 父の妻 → 父
    assert spouse_base("04") is None and spouse_base("") is None


def test_setainushi_is_the_insured_s_child_and_the_mother_is_the_presumed_spouse() -> None:
    # 世帯主 一郎 (1), his 父 (2) and 母 (3), both insured
    household = [(1, "01"), (2, "05"), (3, "06")]
    assert _who(2, household) == (
        ((1, (KONKYO_SETAINUSHI,), False), (3, (KONKYO_HAIGUSHA_SUITEI,), True)),
        (),
    )
    assert _who(3, household) == (
        ((1, (KONKYO_SETAINUSHI,), False), (2, (KONKYO_HAIGUSHA_SUITEI,), True)),
        (),
    )


def test_a_couple_both_75_each_liable_for_the_other() -> None:
    household = [(1, "01"), (2, "02")]
    # the wife's premium: her husband is 世帯主 and spouse
    assert _who(2, household) == (((1, (KONKYO_SETAINUSHI, KONKYO_HAIGUSHA), False),), ())
    # the husband's (the 世帯主 himself): his wife, as spouse only
    assert _who(1, household) == (((2, (KONKYO_HAIGUSHA,), False),), ())


def test_ko_and_ko_no_tsuma_and_when_two_ko_make_it_ambiguous() -> None:
    # 世帯主 (1) 75+, his 子 (2) and 子の妻 (3): the son's wife is the son's spouse
    assert _who(3, [(1, "01"), (2, "04"), (3, "14")]) == (
        ((1, (KONKYO_SETAINUSHI,), False), (2, (KONKYO_HAIGUSHA,), False)),
        (),
    )
    # two 子 and one 子の妻: whose wife she is is not on the 住民票
    assert _who(3, [(1, "01"), (2, "04"), (4, "04"), (3, "14")]) == (
        ((1, (KONKYO_SETAINUSHI,), False),),
        (NOTE_AMBIGUOUS,),
    )


def test_alone_nobody_mitodoke_noted_and_not_resident() -> None:
    assert _who(1, [(1, "01")]) == ((), ())
    assert _who(2, [(1, "01"), (2, "22")]) == (
        ((1, (KONKYO_SETAINUSHI,), False),),
        (NOTE_MITODOKE,),
    )
    assert _who(9, [(1, "01")]) == ((), (NOTE_NOT_RESIDENT,))


# --- the registry, the screens and the ledger ----------------------------------------------

FY = 2025
FUTSU = [("2025-07-31", 15000), ("2025-08-31", 15000), ("2025-09-30", 15000)]


def _three_generations(capture: Any) -> list[Any]:
    members = three_generations()
    people = tennyu(capture, members=members, day=date(2020, 4, 1))[1]
    koki_shikaku_due(today=date(2025, 4, 30))
    return people


def _futsu_file(rows: list[tuple[str, Any]]) -> str:
    lines = [HEAD]
    for bango, person in rows:
        for ki, (nokigen, gaku) in enumerate(FUTSU, start=1):
            lines.append(f"{bango},{person.atena_no},{FY},45000,2,{ki},{nokigen},{gaku}\n")
    return "".join(lines)


def _rentai(person: Any) -> list[tuple[int, list[int]]]:
    h = KokiHokenryo.objects.get(atena_id=person.pk, is_current=True)
    found = rentai_of_kibetsu(h.kibetsu.all(), person.pk)
    return sorted(
        (k.ki, [s.atena_id for s in found[k.pk].sha]) for k in h.kibetsu.all() if k.pk in found
    )


def test_rentai_on_the_person_page_and_the_taino_case_in_two_towns(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cap = django_capture_on_commit_callbacks
    # 寒川町: a couple both 75+, the wife 普通徴収
    connection.set_tenant(world.beta.municipality)
    b_husband, b_wife = _couple(cap, "samukawa")
    _accept(cap, _futsu_file([("98765432", b_wife)]))
    # 葉山町: 一郎 is 世帯主; his father 太郎 (普通徴収) and mother 松子 are insured
    connection.set_tenant(world.alpha.municipality)
    ichiro, taro, matsuko = _three_generations(cap)
    assert _accept(cap, _futsu_file([("12345678", taro)])).status == "done"
    # before the 世帯分離: every 期 is owed also by 一郎 (世帯主) and 松子 (presumed spouse)
    assert _rentai(taro) == [(k, [ichiro.pk, matsuko.pk]) for k in (1, 2, 3)]
    # when 太郎 leaves his son's household on 15 August 2025 (世帯分離)
    setai_bunri(cap, taro, day=date(2025, 8, 15))
    # then the 1期 (納期限 31 July) keeps them, the 2期 and 3期 have nobody: he is his own
    # 世帯主, and a spouse in another household is not on his 住民票
    assert _rentai(taro) == [(1, [ichiro.pk, matsuko.pk]), (2, []), (3, [])]
    connection.set_schema_to_public()

    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kokuho/koki/person/{taro.pk}/").content.decode()
    table = page[page.index('data-testid="koki-rentai"') :]
    assert "山田　一郎" in table and "世帯主（高齢者の医療の確保に関する法律第108条第2項）" in table
    assert "山田　松子" in table and "配偶者と推定" in table and "母" in table
    assert "令和7年7月31日" in table and "住民記録から特定できる連帯納付義務者はいません。" in table
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="kokuho.koki_person", record_id=str(taro.pk)).latest("id")
    assert sorted(row.detail["atena_ids"]) == sorted([taro.pk, ichiro.pk, matsuko.pk])
    # the ledger's 滞納 case (the 期 are past due and unpaid): the 連帯納付義務者 by 期
    connection.set_schema_to_public()
    page = clerk.get(f"/zeimu/shuno/taino/{taro.pk}/").content.decode()
    table = page[page.index('data-testid="taino-rentai"') :]
    assert "後期高齢者医療保険料 令和7年度 第1期" in table and "山田　一郎" in table
    assert "山田　松子" in table and "令和7年8月31日" in table
    assert "住民記録から特定できる連帯納付義務者はいません。" in table
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="zeimu.taino_case", record_id=str(taro.pk)).latest("id")
    assert sorted(row.detail["atena_ids"]) == sorted([taro.pk, ichiro.pk, matsuko.pk])
    # a case with no 後期 期別 shows no such table (一郎 owes nothing here)
    connection.set_schema_to_public()

    # 寒川町: its wife's 期 are owed also by its husband, 世帯主 and spouse; 葉山町's
    # persons are not found there (no case, no names)
    grant_beta_shuno()
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get(f"/zeimu/shuno/taino/{b_wife.pk}/").content.decode()
    table = page[page.index('data-testid="taino-rentai"') :]
    assert "同法第108条第3項" in table and "山田　一郎" not in table and "松子" not in table
    for url in (f"/zeimu/shuno/taino/{taro.pk}/", f"/kokuho/koki/person/{taro.pk}/"):
        # (ids are per town: the same number may be one of 寒川町's own people)
        text = other.get(url, follow=True).content.decode()
        assert "山田　一郎" not in text and "山田　松子" not in text
    connection.set_tenant(world.beta.municipality)
    h = KokiHokenryo.objects.get(atena_id=b_wife.pk, is_current=True)
    asks = [RentaiAsk(k.pk, b_wife.pk, FY, k.ki, k.nokigen) for k in h.kibetsu.order_by("ki")]
    answers = rentai_lookup(KOKI, asks)
    assert [[s.atena_id for s in answers[a.kibetsu_id].sha] for a in asks] == [[b_husband.pk]] * 3
    # a 特別徴収 期 of the ledger (期 above 100) is nobody else's
    tokucho = RentaiAsk(10**9, b_wife.pk, FY, 101, date(2025, 4, 15))
    assert rentai_lookup(KOKI, [tokucho]) == {}


def test_rentai_providers_are_checked_at_start_up() -> None:
    """One provider per 税目, and only 税目 the platform knows (tenants.rentai)."""
    from tenants.modules import registry
    from tenants.modules.spec import ModuleSpec

    unknown = ModuleSpec(app="x", verbose_name="x", gyomu=("x",), rentai_providers={"y": "x:f"})
    with pytest.raises(registry.ModuleDeclarationError, match="unknown"):
        registry._check([unknown])
    first = ModuleSpec(app="a", verbose_name="a", gyomu=("a",), rentai_providers={KOKI: "a:f"})
    second = ModuleSpec(app="b", verbose_name="b", gyomu=("b",), rentai_providers={KOKI: "b:f"})
    with pytest.raises(registry.ModuleDeclarationError, match="provided by both a and b"):
        registry._check([first, second])
    registry._check([first])
    # the installed modules: kokuho answers for the 後期 premium, nobody else
    owners = [s.app for s in registry.all_modules() if KOKI in s.rentai_providers]
    assert owners == ["kokuho"]
