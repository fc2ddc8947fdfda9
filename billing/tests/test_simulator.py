"""The simulator (試算): worked examples, validation, the screen, the API and the walls."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from billing.models import AllocationRun, AllocationShare, CostPool, FormerCost
from billing.services.allocation import GUARANTEE_POOL, allocation_run
from billing.services.simulator import (
    JOINING_MEMBER_ID,
    Joining,
    PoolChange,
    Scenario,
    ScenarioError,
    apply_scenario,
    compare,
    current_inputs,
    percent_change,
    simulate,
)
from billing.tests.factories import UNEI, unei_pool
from billing.tests.test_rules_allocation import (
    KANAGAWA_4_6_COMBINED,
    KANAGAWA_POPULATION,
    KANAGAWA_TOTAL,
)
from tenants.api.authentication import apiclient_create
from tenants.models import Consortium, Gyomu, StaffUser, Subscription
from tests.personas import ALPHA_HOST, BETA_HOST, PERSONA_PASSWORD, PORTAL_HOST

HAYAMA, SAMUKAWA = "143014", "143219"
KANAGAWA_POOL = 120_000_000
THREE_SEVEN = {"type": "mix", "parts": [[3, {"type": "kintowari"}], [7, {"type": "jinkowari"}]]}


def kanagawa_inputs() -> dict[str, Any]:
    """The 14 神奈川 towns with the 4:6 組合運営費, as a snapshot (ids = names)."""
    return {
        "fiscal_year": 2025,
        "pools": [
            {
                "name": "組合運営費",
                "amount_yen": KANAGAWA_POOL,
                "rule": UNEI,
                "rounding_unit_yen": 1,
            }
        ],
        "members": {name: {"population": p} for name, p in KANAGAWA_POPULATION.items()},
        "names": {name: name for name in KANAGAWA_POPULATION},
        "former_cost": {},
        "min_saving": None,
    }


def run_pure(inputs: dict[str, Any], scenario: Scenario):
    return compare(
        inputs, apply_scenario(inputs, scenario, known_modules={"juminkiroku"}), scenario
    )


def by_id(result) -> dict[str, Any]:
    return {m.member_id: m for m in result.members}


def table_counts() -> tuple[int, int, int, int]:
    return (
        CostPool.objects.count(),
        FormerCost.objects.count(),
        AllocationRun.objects.count(),
        AllocationShare.objects.count(),
    )


# --- worked examples (pure) ------------------------------------------------------------


def test_a_15th_town_joining_lowers_every_other_share_and_keeps_the_pool():
    inputs = kanagawa_inputs()
    scenario = Scenario(join=Joining(name="試算町", population=10_000))
    # when
    result = run_pure(inputs, scenario)
    rows = by_id(result)
    # then: today is the seed table, to the yen
    assert {k: rows[k].current_total for k in KANAGAWA_POPULATION} == KANAGAWA_4_6_COMBINED
    # every one of the 14 pays less, the new town pays its 4:6 share of 15, the pool is kept
    for name in KANAGAWA_POPULATION:
        assert rows[name].scenario_total < rows[name].current_total, name
        assert rows[name].difference_yen < 0
        assert rows[name].difference_percent.startswith("-")
    new = rows[JOINING_MEMBER_ID]
    assert new.name == "試算町" and new.status == "joining" and new.current_total == 0
    pool = Fraction(KANAGAWA_POOL)
    exact = pool * Fraction(4, 10) / 15 + pool * Fraction(6, 10) * 10_000 / (
        KANAGAWA_TOTAL + 10_000
    )
    assert abs(new.scenario_total - exact) < 1
    assert result.scenario_total == result.current_total == KANAGAWA_POOL
    assert sum(m.scenario_total for m in result.members) == KANAGAWA_POOL
    assert result.difference_yen == 0 and result.difference_percent == "0.0"
    # 葉山町 by hand: its 4:6 share among 15
    hayama = pool * Fraction(4, 10) / 15 + pool * Fraction(6, 10) * 32_823 / (
        KANAGAWA_TOTAL + 10_000
    )
    assert abs(rows["葉山町"].scenario_total - hayama) < 1
    assert rows["葉山町"].scenario == {"組合運営費": rows["葉山町"].scenario_total}


def test_rule_change_to_3_7_moves_money_from_small_to_large_towns():
    inputs = kanagawa_inputs()
    scenario = Scenario(pools=(PoolChange(pool="組合運営費", rule=THREE_SEVEN),))
    # when
    rows = by_id(run_pure(inputs, scenario))
    # then: less 均等割, more 人口割 — a town above the average population gains
    average = Fraction(KANAGAWA_TOTAL, 14)
    for name, population in KANAGAWA_POPULATION.items():
        diff = rows[name].difference_yen
        # exact change: pool × 0.1 × (p/P − 1/14)
        exact = (
            KANAGAWA_POOL
            * Fraction(1, 10)
            * (Fraction(population, KANAGAWA_TOTAL) - Fraction(1, 14))
        )
        assert abs(diff - exact) < 2, name  # two roundings of < 1 yen each
        assert (diff > 0) == (population > average), name
    assert rows["寒川町"].difference_yen > 0  # the largest
    assert rows["清川村"].difference_yen < 0  # the smallest
    assert sum(r.difference_yen for r in rows.values()) == 0


def test_scenario_leaves_the_inputs_untouched():
    inputs = kanagawa_inputs()
    before = json.dumps(inputs, sort_keys=True)
    run_pure(
        inputs,
        Scenario(
            join=Joining(name="試算町", population=1),
            leave=("清川村",),
            pools=(PoolChange(pool="組合運営費", rule=THREE_SEVEN, amount_yen=1),),
            min_saving="0.3",
        ),
    )
    assert json.dumps(inputs, sort_keys=True) == before


def test_percent_change_is_exact_and_rounded_half_away_from_zero():
    assert percent_change(-1, 3) == "-33.3"
    assert percent_change(2, 3) == "+66.7"
    assert percent_change(1, 2000) == "+0.1"  # 0.05 → 0.1
    assert percent_change(-1, 2001) == "0.0"
    assert percent_change(5, 0) is None


# --- over the stored members -----------------------------------------------------------


@pytest.fixture
def office(world):
    return StaffUser.objects.get(username="office")


@pytest.fixture
def pools(world):
    unei_pool(world.consortium, 10_000_001)
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="システム利用料（住民記録）",
        amount_yen=None,
        rule={"type": "metered", "unit_price_yen": 100_000, "figure": "months:juminkiroku"},
        sort=1,
    )
    return world


def test_join_over_the_stored_members_prorates_modules_and_writes_nothing(pools):
    before = table_counts()
    scenario = Scenario(
        join=Joining(
            name="試算町",
            population=20_000,
            modules=("juminkiroku", "kojin_juminzei"),
            go_live_month=10,
        )
    )
    # when
    result = simulate(consortium=pools.consortium, fiscal_year=2025, scenario=scenario)
    rows = by_id(result)
    # then: both members pay less 組合運営費, the total of that pool stays
    for code in (HAYAMA, SAMUKAWA):
        assert rows[code].scenario["組合運営費"] < rows[code].current["組合運営費"]
        # the metered pool does not depend on the others
        assert rows[code].scenario["システム利用料（住民記録）"] == 1_200_000
    assert sum(m.scenario.get("組合運営費", 0) for m in result.members) == 10_000_001
    # October to March = 6 months × 100,000
    assert rows[JOINING_MEMBER_ID].scenario["システム利用料（住民記録）"] == 600_000
    assert result.scenario_total == 10_000_001 + 2 * 1_200_000 + 600_000
    assert result.saved is False
    assert table_counts() == before


@pytest.mark.parametrize(("month", "months"), [(4, 12), (10, 6), (1, 3), (3, 1)])
def test_go_live_month_counts_the_months_left_in_the_year(pools, month, months):
    inputs = current_inputs(consortium=pools.consortium, fiscal_year=2025)
    out = apply_scenario(
        inputs,
        Scenario(
            join=Joining(name="試算町", population=1, modules=("juminkiroku",), go_live_month=month)
        ),
        known_modules={"juminkiroku"},
    )
    assert out["members"][JOINING_MEMBER_ID]["months:juminkiroku"] == months
    assert out["members"][JOINING_MEMBER_ID]["population_registry"] == 1


def test_a_member_leaving_leaves_the_pool_to_the_others(pools):
    result = simulate(
        consortium=pools.consortium, fiscal_year=2025, scenario=Scenario(leave=(SAMUKAWA,))
    )
    rows = by_id(result)
    assert rows[HAYAMA].scenario["組合運営費"] == 10_000_001
    assert rows[SAMUKAWA].status == "leaving"
    assert rows[SAMUKAWA].scenario_total == 0
    assert rows[SAMUKAWA].difference_percent == "-100.0"
    assert result.scenario_pool_totals["組合運営費"] == 10_000_001


def test_today_matches_what_allocation_run_stores(pools, office):
    run = allocation_run(consortium=pools.consortium, fiscal_year=2025, acting_user=office)
    result = simulate(consortium=pools.consortium, fiscal_year=2025, scenario=Scenario())
    stored = {
        (s.municipality.dantai_code, s.pool_name): s.amount_yen
        for s in run.shares.select_related("municipality")
    }
    shown = {(m.member_id, p): a for m in result.members for p, a in m.current.items()}
    assert shown == stored
    assert all(m.difference_yen == 0 for m in result.members)


def test_a_different_minimum_saving_binds_the_guarantee(pools):
    FormerCost.objects.create(
        consortium=pools.consortium,
        fiscal_year=2025,
        municipality=pools.alpha.municipality,
        amount_yen=6_000_000,
    )
    result = simulate(
        consortium=pools.consortium, fiscal_year=2025, scenario=Scenario(min_saving="0.5")
    )
    rows = by_id(result)
    # 葉山町 (≈4,452,513 + 1,200,000 today) pays at most 6,000,000 × (1 − 0.5)
    assert result.current_min_saving is None and result.scenario_min_saving == "0.5"
    hayama_total = rows[HAYAMA].scenario_total
    assert hayama_total == 3_000_000
    assert GUARANTEE_POOL in result.pools
    assert rows[HAYAMA].scenario[GUARANTEE_POOL] == -rows[SAMUKAWA].scenario[GUARANTEE_POOL]
    assert result.scenario_total == result.current_total


def test_an_infeasible_guarantee_is_the_scenarios_error_not_an_exception(pools):
    for town in (pools.alpha, pools.beta):
        FormerCost.objects.create(
            consortium=pools.consortium,
            fiscal_year=2025,
            municipality=town.municipality,
            amount_yen=1_000_000,
        )
    result = simulate(
        consortium=pools.consortium, fiscal_year=2025, scenario=Scenario(min_saving="0.3")
    )
    assert result.error is not None and "削減保障を満たせません" in result.error
    assert result.scenario_total is None
    assert result.current_total == 10_000_001 + 2 * 1_200_000  # today still shown


@pytest.mark.parametrize(
    ("scenario", "field", "message"),
    [
        (
            Scenario(pools=(PoolChange(pool="存在しない費目", amount_yen=1),)),
            "pools",
            "費用区分「存在しない費目」は令和7年度にありません",
        ),
        (
            Scenario(pools=(PoolChange(pool="組合運営費", rule={"type": "warikan"}),)),
            "pools",
            "按分ルールが正しくありません: 按分ルールの種類が不明です",
        ),
        (
            Scenario(
                pools=(
                    PoolChange(
                        pool="組合運営費",
                        rule={"type": "mix", "parts": [[-1, {"type": "kintowari"}]]},
                    ),
                )
            ),
            "pools",
            "按分ルールが正しくありません",
        ),
        (Scenario(join=Joining(name="試算町", population=0)), "join.population", "人口は1以上"),
        (Scenario(join=Joining(name="試算町", population=-5)), "join.population", "人口は1以上"),
        (
            Scenario(join=Joining(name="試算町", population=1, go_live_month=13)),
            "join.go_live_month",
            "稼働開始月は1〜12",
        ),
        (
            Scenario(join=Joining(name="試算町", population=1, modules=("nosuch",))),
            "join.modules",
            "業務コードが不明です: nosuch",
        ),
        (
            Scenario(leave=("999999",)),
            "leave",
            "団体コード 999999 は令和7年度の構成団体ではありません",
        ),
        (Scenario(leave=(HAYAMA, SAMUKAWA)), "leave", "試算後の構成団体がありません"),
        (Scenario(min_saving="1.5"), "min_saving", "最低削減率は0以上1未満"),
        (Scenario(min_saving="abc"), "min_saving", "最低削減率は0以上1未満"),
    ],
)
def test_invalid_scenarios_are_refused_in_japanese(pools, scenario, field, message):
    before = table_counts()
    with pytest.raises(ScenarioError) as info:
        simulate(consortium=pools.consortium, fiscal_year=2025, scenario=scenario)
    fields = info.value.by_field()
    assert field in fields
    assert any(message in m for m in fields[field]), fields
    assert table_counts() == before


def test_a_year_without_pools_is_a_clear_error(pools):
    with pytest.raises(ScenarioError, match="令和12年度の費用区分が登録されていません"):
        simulate(consortium=pools.consortium, fiscal_year=2030, scenario=Scenario())


def test_scenario_json_shape_errors():
    with pytest.raises(ScenarioError) as info:
        Scenario.from_json({"join": {"name": "町", "population": "many"}, "pools": [{"rule": {}}]})
    fields = info.value.by_field()
    assert "join.population" in fields and "pools" in fields
    scenario = Scenario.from_json(
        {
            "join": {
                "name": "試算町",
                "population": 5000,
                "modules": ["juminkiroku"],
                "go_live_month": 7,
            },
            "leave": [SAMUKAWA],
            "pools": [{"pool": "組合運営費", "rule": THREE_SEVEN}],
            "min_saving": "0.3",
        }
    )
    assert Scenario.from_json(scenario.to_json()) == scenario


# --- the screen ------------------------------------------------------------------------


def test_office_simulates_a_join_on_the_screen(pools, login):
    client = login("office", PORTAL_HOST)
    before = table_counts()
    assert "試算です。保存されていません。" in client.get("/billing/simulate/").content.decode()
    # when
    response = client.post(
        "/billing/simulate/",
        {
            "fiscal_year": "2025",
            "join_name": "試算町",
            "join_population": "20000",
            "join_modules": ["juminkiroku"],
            "join_go_live_month": "10",
            "join_go_live_month_": "",
        },
    )
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "試算です。保存されていません。" in html
    assert 'data-testid="simulation-table"' in html
    for text in ("葉山町", "寒川町", "試算町（加入）", "現在", "試算", "差額", "増減率", "合計"):
        assert text in html, text
    result = simulate(
        consortium=pools.consortium,
        fiscal_year=2025,
        scenario=Scenario(
            join=Joining(
                name="試算町", population=20_000, modules=("juminkiroku",), go_live_month=10
            )
        ),
    )
    assert f"{result.scenario_total:,}円" in html
    assert f"{by_id(result)[HAYAMA].difference_yen:+,}円" in html
    assert table_counts() == before


def test_office_changes_the_rule_to_3_7_on_the_screen(pools, login):
    client = login("office", PORTAL_HOST)
    response = client.post(
        "/billing/simulate/",
        {
            "fiscal_year": "2025",
            "join_go_live_month": "4",
            "pool": "組合運営費",
            "kinto_weight": "3",
            "jinko_weight": "7",
            "jinko_figure": "population",
        },
    )
    html = response.content.decode()
    expected = by_id(
        simulate(
            consortium=pools.consortium,
            fiscal_year=2025,
            scenario=Scenario(pools=(PoolChange(pool="組合運営費", rule=THREE_SEVEN),)),
        )
    )
    # 寒川町 (47,478) is larger than 葉山町 (32,823): it pays more under 3:7
    assert expected[SAMUKAWA].difference_yen > 0 > expected[HAYAMA].difference_yen
    assert f"{expected[SAMUKAWA].difference_yen:+,}円" in html
    assert f"{expected[HAYAMA].difference_yen:+,}円" in html


def test_screen_shows_validation_and_infeasibility_as_messages(pools, login):
    client = login("office", PORTAL_HOST)
    bad = client.post(
        "/billing/simulate/",
        {
            "fiscal_year": "2025",
            "join_name": "試算町",
            "join_population": "0",
            "join_go_live_month": "13",
        },
    ).content.decode()
    assert "稼働開始月は1〜12の月から選んでください。" in bad
    zero = client.post(
        "/billing/simulate/",
        {
            "fiscal_year": "2025",
            "join_name": "試算町",
            "join_population": "0",
            "join_go_live_month": "4",
        },
    ).content.decode()
    assert "人口は1以上の整数で指定してください。" in zero
    for town in (pools.alpha, pools.beta):
        FormerCost.objects.create(
            consortium=pools.consortium,
            fiscal_year=2025,
            municipality=town.municipality,
            amount_yen=1,
        )
    infeasible = client.post(
        "/billing/simulate/",
        {"fiscal_year": "2025", "join_go_live_month": "4", "min_saving": "0.3"},
    )
    assert infeasible.status_code == 200
    assert "削減保障を満たせません" in infeasible.content.decode()


# --- walls -----------------------------------------------------------------------------


def test_the_simulator_is_the_offices_only(pools, login):
    # a town admin on its own host: the portal screen is not routable there
    for username, host in (("hayama-admin", ALPHA_HOST), ("samukawa-admin", BETA_HOST)):
        client = login(username, host)
        assert client.get("/billing/simulate/").status_code == 404
        assert client.post("/billing/simulate/", {"fiscal_year": "2025"}).status_code == 404
    # on the portal: anonymous goes to the login, a town's staff is refused
    anonymous = Client(HTTP_HOST=PORTAL_HOST)
    response = anonymous.get("/billing/simulate/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    # a town admin cannot log in on the portal at all ...
    refused = Client(HTTP_HOST=PORTAL_HOST).post(
        "/login/", {"username": "hayama-admin", "password": PERSONA_PASSWORD}
    )
    assert refused.status_code == 200  # the form again, no step to the one-time code
    # ... and a portal session of a non-office user (e.g. one no longer in the office) is 403
    town_admin = Client(HTTP_HOST=PORTAL_HOST)
    town_admin.force_login(StaffUser.objects.get(username="hayama-admin"))
    session = town_admin.session
    session["jc_host"] = PORTAL_HOST
    session.save()
    assert town_admin.get("/billing/simulate/").status_code == 403
    assert town_admin.post("/billing/simulate/", {"fiscal_year": "2025"}).status_code == 403


def test_another_consortiums_office_sees_none_of_our_members(pools, login):
    from tenants.services.staff import staff_create

    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    client = login("other-office", PORTAL_HOST)
    page = client.get("/billing/simulate/").content.decode()
    assert "葉山町" not in page and "寒川町" not in page
    response = client.post(
        "/billing/simulate/", {"fiscal_year": "2025", "join_go_live_month": "4", "leave": [HAYAMA]}
    )
    html = response.content.decode()
    assert "葉山町" not in html and "寒川町" not in html
    api = client.post(
        "/api/v1/portal/billing/simulate/",
        {"fiscal_year": 2025, "scenario": {"leave": [HAYAMA]}},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "葉山町" not in api.content.decode() and "寒川町" not in api.content.decode()


# --- API -------------------------------------------------------------------------------


def test_api_simulates_for_the_office_session(pools, login):
    client = login("office", PORTAL_HOST)
    before = table_counts()
    payload = {
        "fiscal_year": 2025,
        "scenario": {
            "join": {
                "name": "試算町",
                "population": 20000,
                "modules": ["juminkiroku"],
                "go_live_month": 10,
            },
            "pools": [{"pool": "組合運営費", "rule": THREE_SEVEN}],
        },
    }
    response = client.post(
        "/api/v1/portal/billing/simulate/", payload, content_type="application/json"
    )
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    assert data["saved"] is False and data["error"] is None
    members = {m["member_id"]: m for m in data["members"]}
    assert set(members) == {HAYAMA, SAMUKAWA, JOINING_MEMBER_ID}
    assert members[JOINING_MEMBER_ID]["name"] == "試算町"
    assert members[JOINING_MEMBER_ID]["scenario"]["システム利用料（住民記録）"] == 600_000
    assert sum(m["scenario"]["組合運営費"] for m in data["members"]) == 10_000_001
    expected = simulate(
        consortium=pools.consortium,
        fiscal_year=2025,
        scenario=Scenario.from_json(payload["scenario"]),
    )
    assert data == json.loads(json.dumps(expected.to_json()))
    assert table_counts() == before


def test_api_reports_errors_as_422_and_infeasibility_in_the_result(pools, login):
    client = login("office", PORTAL_HOST)
    url = "/api/v1/portal/billing/simulate/"
    bad = client.post(
        url,
        {
            "fiscal_year": 2025,
            "scenario": {"pools": [{"pool": "組合運営費", "rule": {"type": "?"}}]},
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "按分ルールの種類が不明です" in bad.json()["errors"]["pools"][0]
    assert client.post(url, {"scenario": {}}, content_type="application/json").status_code == 400
    for town in (pools.alpha, pools.beta):
        FormerCost.objects.create(
            consortium=pools.consortium,
            fiscal_year=2025,
            municipality=town.municipality,
            amount_yen=1,
        )
    infeasible = client.post(
        url,
        {"fiscal_year": 2025, "scenario": {"min_saving": "0.3"}},
        content_type="application/json",
    )
    assert infeasible.status_code == 200
    assert "削減保障を満たせません" in infeasible.json()["error"]


def test_api_is_not_routable_for_a_town_key_or_session(pools, login):
    payload = json.dumps({"fiscal_year": 2025, "scenario": {}})
    _, key = apiclient_create(
        municipality=pools.alpha.municipality,
        name="連携",
        scopes=["platform:read", "platform:write"],
    )
    town_key = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (
        town_key.post(
            "/api/v1/portal/billing/simulate/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    # the same key on the portal host is not valid there either
    on_portal = Client(HTTP_HOST=PORTAL_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = on_portal.post(
        "/api/v1/portal/billing/simulate/", payload, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    # a town admin's session on its own host
    admin = login("hayama-admin", ALPHA_HOST)
    assert (
        admin.post(
            "/api/v1/portal/billing/simulate/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    # anonymous on the portal
    anonymous = Client(HTTP_HOST=PORTAL_HOST)
    assert anonymous.post(
        "/api/v1/portal/billing/simulate/", payload, content_type="application/json"
    ).status_code in (401, 403)


def test_mid_year_subscription_of_a_member_is_taken_as_today(pools):
    # 寒川町 starts 個人住民税 in January 2026: today's figure is 3 months, as allocation_run
    Subscription.objects.create(
        municipality=pools.beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2026, 1, 1),
    )
    inputs = current_inputs(consortium=pools.consortium, fiscal_year=2025)
    assert inputs["members"][SAMUKAWA]["months:kojin_juminzei"] == 3
    out = apply_scenario(
        inputs, Scenario(join=Joining(name="試算町", population=1)), known_modules=set()
    )
    # a module the new town does not use counts 0 months for it
    assert out["members"][JOINING_MEMBER_ID]["months:kojin_juminzei"] == 0


def test_todays_guarantee_rate_is_the_latest_runs_and_can_be_dropped(pools, office):
    FormerCost.objects.create(
        consortium=pools.consortium,
        fiscal_year=2025,
        municipality=pools.alpha.municipality,
        amount_yen=6_000_000,
    )
    run = allocation_run(
        consortium=pools.consortium, fiscal_year=2025, acting_user=office, min_saving="0.5"
    )
    # when
    same = simulate(consortium=pools.consortium, fiscal_year=2025, scenario=Scenario())
    dropped = simulate(
        consortium=pools.consortium, fiscal_year=2025, scenario=Scenario(no_guarantee=True)
    )
    # then: today is the stored run, guarantee included
    stored = {
        (s.municipality.dantai_code, s.pool_name): s.amount_yen
        for s in run.shares.select_related("municipality")
    }
    assert {(m.member_id, p): a for m in same.members for p, a in m.current.items()} == stored
    assert same.current_min_saving == "0.5" and by_id(same)[HAYAMA].current_total == 3_000_000
    # without the guarantee 葉山町 pays its plain share again
    assert dropped.scenario_min_saving is None
    assert by_id(dropped)[HAYAMA].scenario_total > 3_000_000
    assert GUARANTEE_POOL not in by_id(dropped)[HAYAMA].scenario
