"""Billing REST API: the office's pools and runs on the portal, a member's own statements
on its host; the walls between members, hosts and credentials."""

from __future__ import annotations

import io

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from billing.models import AllocationRun, CostPool
from billing.services.allocation import allocation_run
from billing.tests.factories import UNEI, unei_pool
from tenants.api.authentication import apiclient_create
from tenants.models import Consortium, StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST

API = "/api/v1/portal/billing"
MY = "/api/v1/billing"


@pytest.fixture
def office(world):
    return StaffUser.objects.get(username="office")


@pytest.fixture
def run(world, office) -> AllocationRun:
    unei_pool(world.consortium, 10_000_001)
    return allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


# --- pools ------------------------------------------------------------------------------


def test_office_manages_pools_over_the_api(world, login):
    client = login("office", PORTAL_HOST)
    body = {
        "fiscal_year": 2025,
        "name": "組合運営費",
        "amount_yen": 10_000_000,
        "rule": UNEI,
        "rounding_unit_yen": 1000,
    }
    # create
    created = client.post(f"{API}/pools/", body, content_type="application/json")
    assert created.status_code == 201, created.content.decode()
    pool = created.json()
    assert pool["rule_description"] == "均等割:人口割 = 4:6（合算比率で端数処理、1,000円単位）"
    # list by year
    listed = client.get(f"{API}/pools/?fiscal_year=2025").json()
    assert [p["name"] for p in listed] == ["組合運営費"]
    assert client.get(f"{API}/pools/?fiscal_year=2024").json() == []
    # read, change, delete
    assert client.get(f"{API}/pools/{pool['id']}/").json()["amount_yen"] == 10_000_000
    changed = client.put(
        f"{API}/pools/{pool['id']}/",
        {**body, "amount_yen": 5, "rule": {"type": "kobetsu", "member_id": "143014"}},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["rule_description"] == "個別負担（葉山町が全額負担）"
    assert client.delete(f"{API}/pools/{pool['id']}/").status_code == 204
    assert not CostPool.objects.exists()


def test_pool_api_stores_and_describes_the_rounding_settings(world, login):
    client = login("office", PORTAL_HOST)
    body = {
        "fiscal_year": 2025,
        "name": "自治会館改修負担金",
        "amount_yen": 10_000_000,
        "rule": UNEI,
        "rounding_unit_yen": 1000,
        "remainder_method": "truncate",
    }
    created = client.post(f"{API}/pools/", body, content_type="application/json")
    assert created.status_code == 201, created.content.decode()
    pool = created.json()
    assert (pool["remainder_method"], pool["tie_break"]) == ("truncate", "share")
    assert pool["rule_description"] == (
        "均等割:人口割 = 4:6（合算比率で端数処理、1,000円未満切り捨て、端数は組合負担）"
    )
    bad = client.put(
        f"{API}/pools/{pool['id']}/",
        {**body, "tie_break": "random"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "tie_break" in bad.json()
    assert CostPool.objects.get().tie_break == "share"


def test_pool_api_returns_the_services_messages_by_field(world, login):
    client = login("office", PORTAL_HOST)
    unei_pool(world.consortium, 1)
    response = client.post(
        f"{API}/pools/",
        {
            "fiscal_year": 2025,
            "name": "組合運営費",
            "amount_yen": None,
            "rule": {"type": "jinkowari", "figure": "staff"},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()
    assert errors["name"] == ["令和7年度には同じ費目「組合運営費」が既にあります。"]
    assert "先に団体別の数値を入力してください" in errors["rule"][0]
    assert CostPool.objects.count() == 1


def test_another_consortiums_office_cannot_reach_the_pools(world, login):
    from tenants.services.staff import staff_create
    from tests.personas import PERSONA_PASSWORD

    pool = unei_pool(world.consortium, 1)
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    client = login("other-office", PORTAL_HOST)
    assert client.get(f"{API}/pools/").json() == []
    assert client.get(f"{API}/pools/{pool.pk}/").status_code == 404
    assert client.delete(f"{API}/pools/{pool.pk}/").status_code == 404
    assert CostPool.objects.filter(pk=pool.pk).exists()


# --- runs and statements (office) -------------------------------------------------------


def test_office_runs_and_reads_statements_over_the_api(world, login):
    client = login("office", PORTAL_HOST)
    unei_pool(world.consortium, 10_000_001)
    # run
    made = client.post(
        f"{API}/runs/", {"fiscal_year": 2025, "min_saving": None}, content_type="application/json"
    )
    assert made.status_code == 201, made.content.decode()
    run_id = made.json()["id"]
    # list: who, when, total
    (listed,) = client.get(f"{API}/runs/").json()
    assert listed["run_by"] == "office" and listed["total_yen"] == 10_000_001
    assert listed["run_at"]
    # members × pools
    table = client.get(f"{API}/runs/{run_id}/").json()
    assert table["pools"] == ["組合運営費"]
    assert [r["dantai_code"] for r in table["rows"]] == ["143014", "143219"]
    assert sum(r["total"] for r in table["rows"]) == 10_000_001
    # one member's statement, JSON and PDF
    statement = client.get(f"{API}/runs/{run_id}/statements/143014/").json()
    assert statement["name"] == "葉山町"
    assert statement["total_yen"] == table["rows"][0]["total"]
    assert statement["lines"][0]["steps"]
    assert statement["figures"]["population"] == 32823
    text = _pdf_text(client.get(f"{API}/runs/{run_id}/statements/143014/statement.pdf"))
    assert "葉山町" in text and "寒川町" not in text
    assert "負担金明細書" in text
    # a code that is not a member
    assert client.get(f"{API}/runs/{run_id}/statements/141003/").status_code == 404


def test_run_api_errors_are_japanese_and_store_nothing(world, login):
    client = login("office", PORTAL_HOST)
    response = client.post(f"{API}/runs/", {"fiscal_year": 2030}, content_type="application/json")
    assert response.status_code == 422
    assert "令和12年度の費用区分が登録されていません" in response.json()["detail"]
    unei_pool(world.consortium, 1)
    response = client.post(
        f"{API}/runs/", {"fiscal_year": 2025, "min_saving": "1"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not AllocationRun.objects.exists()


def test_run_list_query_count_does_not_grow(world, login, office):
    unei_pool(world.consortium, 1)
    client = login("office", PORTAL_HOST)
    allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)
    with CaptureQueriesContext(db_connection) as one:
        client.get(f"{API}/runs/")
    for _ in range(3):
        allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)
    with CaptureQueriesContext(db_connection) as four:
        assert len(client.get(f"{API}/runs/").json()) == 4
    assert len(four) == len(one)


def test_portal_api_refuses_non_office_users_and_is_not_on_a_town_host(world, login, run):
    # a town admin on its own host: the portal API is not routed there
    admin = login("samukawa-admin", BETA_HOST)
    for url in (
        f"{API}/pools/",
        f"{API}/runs/",
        f"{API}/runs/{run.pk}/",
        f"{API}/runs/{run.pk}/statements/143014/",
        f"{API}/runs/{run.pk}/statements/143014/statement.pdf",
    ):
        assert admin.get(url).status_code == 404, url
    # a portal session whose user has left the office
    client = login("office", PORTAL_HOST)
    StaffUser.objects.filter(username="office").update(consortium_office=None)
    assert client.get(f"{API}/pools/").status_code == 403
    assert client.get(f"{API}/runs/{run.pk}/statements/143014/").status_code == 403
    response = client.post(f"{API}/runs/", {"fiscal_year": 2025}, content_type="application/json")
    assert response.status_code == 403
    assert AllocationRun.objects.count() == 1
    # nobody logged in
    assert Client(HTTP_HOST=PORTAL_HOST).get(f"{API}/runs/").status_code in (401, 403)


# --- a member's own statements ------------------------------------------------------------


def test_town_admin_sees_only_its_own_statement(world, login, run):
    samukawa = login("samukawa-admin", BETA_HOST)
    hayama = login("hayama-admin", ALPHA_HOST)
    own = run.shares.get(municipality=world.beta.municipality).amount_yen
    theirs = run.shares.get(municipality=world.alpha.municipality).amount_yen
    # the list: runs of its consortium, its own total only
    (row,) = samukawa.get(f"{MY}/statements/").json()
    assert row == {
        "run_id": run.pk,
        "fiscal_year": 2025,
        "run_at": row["run_at"],
        "total_yen": own,
    }
    assert hayama.get(f"{MY}/statements/").json()[0]["total_yen"] == theirs
    # the statement: always the host's own town
    statement = samukawa.get(f"{MY}/statements/{run.pk}/").json()
    assert statement["dantai_code"] == "143219" and statement["total_yen"] == own
    assert "143014" not in str(statement) and "葉山町" not in str(statement)
    text = _pdf_text(samukawa.get(f"{MY}/statements/{run.pk}/statement.pdf"))
    assert "寒川町" in text and "葉山町" not in text
    # 葉山町's statement is not addressable from 寒川町's host in any form
    for url in (
        f"{MY}/statements/{run.pk}/143014/",
        f"{MY}/statements/{run.pk}/statements/143014/",
        f"{MY}/statements/{run.pk}/143014/statement.pdf",
        f"{MY}/statements/143014/",
        f"{MY}/runs/{run.pk}/statements/143014/",
        f"{API}/runs/{run.pk}/statements/143014/",
        f"{API}/runs/{run.pk}/statements/143014/statement.pdf",
        f"/billing/runs/{run.pk}/143014/statement.pdf",
    ):
        assert samukawa.get(url).status_code == 404, url


def test_statements_of_another_consortium_are_not_found(world, login, run, office):
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    foreign = AllocationRun.objects.create(
        consortium=other, fiscal_year=2025, run_by=office, inputs={"members": {}}, total_yen=0
    )
    samukawa = login("samukawa-admin", BETA_HOST)
    assert samukawa.get(f"{MY}/statements/{foreign.pk}/").status_code == 404
    assert samukawa.get(f"{MY}/statements/{foreign.pk}/statement.pdf").status_code == 404
    assert [r["run_id"] for r in samukawa.get(f"{MY}/statements/").json()] == [run.pk]


def test_member_statements_need_the_platform_admin_role(world, login, run):
    clerk = login("samukawa-clerk", BETA_HOST)
    assert clerk.get(f"{MY}/statements/").status_code == 403
    assert clerk.get(f"{MY}/statements/{run.pk}/").status_code == 403


def test_api_key_reads_only_its_own_towns_statement(world, run):
    _, key = apiclient_create(
        municipality=world.beta.municipality, name="財務会計", scopes=["platform:read"]
    )
    bearer = f"Bearer {key}"
    own_host = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=bearer)
    statement = own_host.get(f"{MY}/statements/{run.pk}/").json()
    assert statement["name"] == "寒川町"
    assert "葉山町" not in str(statement)
    assert "寒川町" in _pdf_text(own_host.get(f"{MY}/statements/{run.pk}/statement.pdf"))
    # the same key on 葉山町's host or on the portal is refused
    for host, url in [
        (ALPHA_HOST, f"{MY}/statements/{run.pk}/"),
        (ALPHA_HOST, f"{MY}/statements/{run.pk}/statement.pdf"),
        (ALPHA_HOST, f"{MY}/statements/"),
        (PORTAL_HOST, f"{API}/runs/{run.pk}/statements/143014/"),
        (PORTAL_HOST, f"{API}/runs/"),
    ]:
        response = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=bearer).get(url)
        assert response.status_code in (401, 403), (host, url, response.status_code)
        assert "葉山町" not in response.content.decode(errors="replace")
    # and on its own host there is no path to 葉山町's share
    assert own_host.get(f"{MY}/statements/{run.pk}/143014/").status_code == 404
    # a key without the platform scope gets nothing
    _, weak = apiclient_create(
        municipality=world.beta.municipality, name="別システム", scopes=["juminkiroku:read"]
    )
    response = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {weak}").get(
        f"{MY}/statements/{run.pk}/"
    )
    assert response.status_code == 403
