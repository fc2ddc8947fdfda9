"""The 住民記録 read API: search, person, 個人番号, history, household, residents on a
date; scopes, logging, 照会抑止, pinned query counts and the two-town wall."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection as dj_connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from juminkiroku.api import person as person_api
from juminkiroku.api import residents as residents_api
from juminkiroku.api import search as api
from juminkiroku.codes import IdoJiyu, YokushiLevel, YokushiProcess, Zokugara
from juminkiroku.models import Atena, Yokushi
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

KOJIN_BANGO = "98765432109" + str(kojin_bango_check_digit("98765432109"))
BASE = "/api/v1/juminkiroku"


def key_client(town, host, scopes=("juminkiroku:read",), name="税務システム"):
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=list(scopes))
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


READS = ("read", "search", "export", "denied")


def logs(town, **filters):
    """Rows of reads (the 異動 services' own create/update rows left aside)."""
    connection.set_tenant(town.municipality)
    rows = list(
        AccessLog.objects.filter(gyomu="juminkiroku", action__in=READS, **filters).order_by("id")
    )
    connection.set_schema_to_public()
    return rows


@pytest.fixture
def yamada(in_alpha):
    members = family()
    members[0]["kojin_bango"] = KOJIN_BANGO
    _, people = household_tennyu("hayama", members=members, ido_date=date(2020, 4, 1))
    child = people[2]
    out = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=date(2024, 12, 20),
        todoke_date=date(2024, 12, 10),
        changes=[PersonChange(child.pk, {"tenshutsu_saki_jusho": "東京都新宿区"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(out, reviewer="hayama-shinsa")
    connection.set_schema_to_public()
    return people


@pytest.fixture
def tax(world):
    client = key_client(world.alpha, ALPHA_HOST)
    # The key's first use stamps its last-used time (then at most once a minute), so the
    # pinned counts below are those of a key in use.
    client.get("/api/v1/me/")
    return client


# --- search -------------------------------------------------------------------------


def test_search_returns_paged_json_without_kojin_bango_and_logs(world, tax, yamada):
    response = post(tax, f"{BASE}/search/", {"kana": "ﾔﾏﾀﾞ", "birth_date": "S55.5.5"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 1 and data["page"] == 1 and data["page_size"] == 20
    (row,) = data["results"]
    assert row["atena_id"] == yamada[0].pk and row["birth_date_wareki"] == "昭和55年5月5日"
    assert row["status"] == "住民" and not row["masked"]
    assert set(row) == set(api.SearchRowSerializer().fields)
    assert set(data) == set(api.SearchResponseSerializer().fields)
    assert (
        "kojin_bango" not in response.content.decode()
        and KOJIN_BANGO not in response.content.decode()
    )
    (log,) = logs(world.alpha, action="search")
    assert log.api_client == "税務システム" and log.record_count == 1
    assert log.detail["kinds"] == ["kana", "birth_date"]
    loose = post(tax, f"{BASE}/search/", {"kana": "やま はな"}).json()
    assert loose["loose"] is True and [r["shimei"] for r in loose["results"]] == ["山田　花子"]


def test_search_johyo_only_when_asked_and_bad_criteria_are_422(world, tax, yamada):
    assert post(tax, f"{BASE}/search/", {"kana": "やまだ"}).json()["count"] == 2
    both = post(tax, f"{BASE}/search/", {"kana": "やまだ", "include_johyo": True}).json()
    assert both["count"] == 3
    assert {r["status"] for r in both["results"]} == {"住民", "転出（除票）"}
    bad = post(tax, f"{BASE}/search/", {"birth_date": "昭和65年1月1日"})
    assert bad.status_code == 422 and "birth_date" in bad.json()
    empty = post(tax, f"{BASE}/search/", {})
    assert empty.status_code == 422 and "non_field_errors" in empty.json()
    assert len(logs(world.alpha, action="search")) == 2


def test_search_is_post_only(world, tax, yamada):
    response = tax.get(f"{BASE}/search/", {"kana": "やまだ"})
    assert response.status_code == 405
    assert logs(world.alpha, action="search") == []


def test_search_by_atena_no_is_marked(world, tax, yamada):
    post(tax, f"{BASE}/search/", {"atena_no": yamada[0].atena_no})
    (log,) = logs(world.alpha, action="search")
    assert log.detail["by"] == "atena_no"


def _queries(call):
    with CaptureQueriesContext(dj_connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]


def test_search_query_count_is_pinned_and_independent_of_rows(world, tax, in_alpha):
    members = [person_fields(shimei="鈴木　一", shimei_kana="スズキ　ハジメ")]
    members += [
        person_fields(
            shimei=f"鈴木　{i:02d}",
            shimei_kana=f"スズキ　コ{i:02d}",
            zokugara=Zokugara.KO,
            setai_order=i + 2,
        )
        for i in range(29)
    ]
    household_tennyu("hayama", members=members)
    connection.set_schema_to_public()
    one = _queries(lambda: post(tax, f"{BASE}/search/", {"name": "鈴木一"}))
    many = _queries(lambda: post(tax, f"{BASE}/search/", {"kana": "すずき"}))
    # platform (domain, networks, subscription, key) 4 + COUNT (stopping at the limit)
    # + page + 抑止 + access log = 8, whatever the number of hits
    assert len(one) == len(many) == 8


def test_masked_rows_in_search(world, tax, yamada):
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.create(
        atena=yamada[1],
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
        start_date=timezone.localdate(),
        reason="支援措置",
        created_by="hayama-shinsa",
    )
    connection.set_schema_to_public()
    data = post(tax, f"{BASE}/search/", {"kana": "やまだ"}).json()
    masked = [r for r in data["results"] if r["masked"]]
    assert len(masked) == 1 and masked[0]["atena_id"] is None and masked[0]["shimei"] is None
    assert set(masked[0]) == set(api.SearchRowSerializer().fields)
    assert "花子" not in json.dumps(data, ensure_ascii=False)


# --- person, 個人番号, history -----------------------------------------------------------


def test_person_omits_kojin_bango_and_logs_a_read(world, tax, yamada):
    head = yamada[0]
    response = tax.get(f"{BASE}/persons/{head.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["person"]["shimei"] == "山田　太郎" and data["person"]["has_kojin_bango"] is True
    assert data["person"]["setai_no"] and data["yokushi"] == [] and data["shien_sochi"] is False
    assert KOJIN_BANGO not in response.content.decode()
    assert "kojin_bango" not in data["person"]
    # The hand-built body has exactly the documented fields.
    assert set(data["person"]) == set(person_api.PersonSerializer().fields)
    assert data["person"]["birth_date"] == "1980-05-05" and data["person"]["sex"] == "1"
    (log,) = logs(world.alpha, action="read")
    assert log.record_type == "atena" and log.record_id == str(head.pk) and not log.mynumber_viewed


def test_kojin_bango_reveal_by_api_client_is_logged(world, tax, yamada):
    # juminkiroku:read alone is refused (issue 12 item 6); the number scope opens it.
    head = yamada[0]
    assert tax.post(f"{BASE}/persons/{head.pk}/kojin-bango/").status_code == 403
    tax = key_client(
        world.alpha,
        ALPHA_HOST,
        scopes=("juminkiroku:read", "juminkiroku:kojin_bango"),
        name="税務システム（番号）",
    )
    response = tax.post(f"{BASE}/persons/{head.pk}/kojin-bango/", HTTP_X_PURPOSE="個人住民税の賦課")
    assert response.status_code == 200
    assert response.json() == {"atena_id": head.pk, "kojin_bango": KOJIN_BANGO}
    (log,) = logs(world.alpha, mynumber_viewed=True)
    assert log.api_client == "税務システム（番号）" and log.purpose == "個人住民税の賦課"
    assert tax.get(f"{BASE}/persons/{head.pk}/kojin-bango/").status_code == 405


def test_kojin_bango_reveal_by_session_needs_the_grant(world, login, yamada):
    head = yamada[0]
    refused = login("hayama-clerk", ALPHA_HOST).post(f"{BASE}/persons/{head.pk}/kojin-bango/")
    assert refused.status_code == 403 and KOJIN_BANGO not in refused.content.decode()
    assert logs(world.alpha, mynumber_viewed=True) == []
    assert len(logs(world.alpha, action="denied")) == 1
    allowed = login("hayama-shinsa", ALPHA_HOST).post(f"{BASE}/persons/{head.pk}/kojin-bango/")
    assert allowed.status_code == 200 and allowed.json()["kojin_bango"] == KOJIN_BANGO
    assert [r.username for r in logs(world.alpha, mynumber_viewed=True)] == ["hayama-shinsa"]


def test_scopes_decide(world, yamada):
    other = key_client(world.alpha, ALPHA_HOST, scopes=["kokuho_shikaku:read"], name="国保")
    head = yamada[0]
    assert other.get(f"{BASE}/persons/{head.pk}/").status_code == 403
    assert other.post(f"{BASE}/persons/{head.pk}/kojin-bango/").status_code == 403
    assert post(other, f"{BASE}/search/", {"kana": "やまだ"}).status_code == 403
    assert logs(world.alpha) == []


def test_history(world, tax, yamada):
    child = yamada[2]
    data = tax.get(f"{BASE}/persons/{child.pk}/history/").json()
    assert [e["jiyu_label"] for e in data] == ["転入", "転出"]
    assert data[0]["note"] == "新規記載" and data[0]["valid_to"] == "2024-12-20"
    changed = {c["name"]: c for c in data[1]["changes"]}
    assert changed["jotai"]["after"] == "転出"
    assert changed["tenshutsu_saki_jusho"]["after"] == "東京都新宿区"
    (log,) = logs(world.alpha, action="read")
    assert log.screen == "API 異動履歴" and log.record_id == str(child.pk)


def test_shokai_yokushi_is_403_everywhere(world, tax, yamada):
    head = yamada[0]
    connection.set_tenant(world.alpha.municipality)
    Yokushi.objects.create(
        setai_id=head.setai_id,
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
        start_date=timezone.localdate() - timedelta(days=3),
        reason="支援措置",
        created_by="hayama-shinsa",
    )
    connection.set_schema_to_public()
    for response in (
        tax.get(f"{BASE}/persons/{head.pk}/"),
        tax.post(f"{BASE}/persons/{head.pk}/kojin-bango/"),
        tax.get(f"{BASE}/persons/{head.pk}/history/"),
        tax.get(f"{BASE}/setai/{head.setai_id}/"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "照会抑止が設定されています"
    assert logs(world.alpha, action="read") == []
    assert len(logs(world.alpha, action="denied")) == 4


# --- household and residents on a date -----------------------------------------------


def test_setai_now_and_as_of(world, tax, yamada):
    head, wife, _child = yamada
    now = tax.get(f"{BASE}/setai/{head.setai_id}/").json()
    assert [m["atena_id"] for m in now["members"]] == [head.pk, wife.pk]
    assert now["as_of"] is None
    then = tax.get(f"{BASE}/setai/{head.setai_id}/", {"on": "R6.1.1"}).json()
    assert [m["zokugara_label"] for m in then["members"]] == ["世帯主", "妻", "子"]
    assert then["as_of"] == "2024-01-01"
    assert tax.get(f"{BASE}/setai/{head.setai_id}/", {"on": "R6.13.1"}).status_code == 422
    rows = logs(world.alpha, action="read", record_type="setai")
    assert [r.detail.get("as_of") for r in rows] == [None, "2024-01-01"]


def test_residents_on_is_paged_and_pinned(world, tax, yamada, monkeypatch):
    monkeypatch.setattr(residents_api, "RESIDENTS_PAGE_SIZE", 2)
    before = post(tax, f"{BASE}/residents-on/", {"date": "2024-12-19"}).json()
    after = post(tax, f"{BASE}/residents-on/", {"date": "令和7年1月1日"}).json()
    assert before["count"] == 3 and before["num_pages"] == 2 and len(before["results"]) == 2
    assert after["count"] == 2 and after["date"] == "2025-01-01"
    page2 = post(tax, f"{BASE}/residents-on/", {"date": "2024-12-19", "page": 2}).json()
    ids = [r["atena_id"] for r in before["results"] + page2["results"]]
    assert sorted(ids) == sorted(a.pk for a in yamada)
    assert "kojin_bango" not in json.dumps(before)
    assert post(tax, f"{BASE}/residents-on/", {"date": "x"}).status_code == 422
    monkeypatch.setattr(residents_api, "RESIDENTS_PAGE_SIZE", 500)
    small = _queries(lambda: post(tax, f"{BASE}/residents-on/", {"date": "2024-12-19"}))
    connection.set_tenant(world.alpha.municipality)
    household_tennyu("hayama", members=family("佐藤", "サトウ"), ido_date=date(2021, 1, 1))
    connection.set_schema_to_public()
    large = _queries(lambda: post(tax, f"{BASE}/residents-on/", {"date": "2024-12-19"}))
    assert len(small) == len(large) == 8  # as for search: 4 platform + 4
    rows = logs(world.alpha, action="export")
    shown = [r["atena_id"] for r in before["results"]]
    assert rows[0].detail == {"as_of": "2024-12-19", "page": 1, "atena_ids": shown}
    assert rows[0].record_count == 2


# --- two towns ----------------------------------------------------------------------


def test_samukawa_key_sees_nothing_of_hayama(world, yamada):
    head = yamada[0]
    samukawa = key_client(world.beta, BETA_HOST, name="寒川町税務")
    connection.set_tenant(world.beta.municipality)
    assert not Atena.objects.filter(pk=head.pk).exists()
    connection.set_schema_to_public()
    assert post(samukawa, f"{BASE}/search/", {"kana": "やまだ"}).json()["count"] == 0
    for response in (
        samukawa.get(f"{BASE}/persons/{head.pk}/"),
        samukawa.post(f"{BASE}/persons/{head.pk}/kojin-bango/"),
        samukawa.get(f"{BASE}/persons/{head.pk}/history/"),
        samukawa.get(f"{BASE}/setai/{head.setai_id}/"),
    ):
        assert response.status_code == 404
    assert post(samukawa, f"{BASE}/residents-on/", {"date": "2024-01-01"}).json()["count"] == 0
    # The samukawa key on 葉山町's host is refused before anything is read.
    wrong_host = Client(
        HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=samukawa.defaults["HTTP_AUTHORIZATION"]
    )
    assert wrong_host.get(f"{BASE}/persons/{head.pk}/").status_code == 401
    assert post(wrong_host, f"{BASE}/search/", {"kana": "やまだ"}).status_code == 401
    assert logs(world.alpha) == []
    assert [r.action for r in logs(world.beta)] == ["search", "export"]
