"""Issue 12 item 6: reading a 個人番号 through the API needs its own scope.

An API key with ``juminkiroku:read`` (or ``:write``) reads the 住民票 items but never a
個人番号; ``juminkiroku:kojin_bango`` is asked for explicitly on the administrator's screen,
and each read with it is logged as 個人番号 seen. Staff sessions keep needing the grant.
Two towns: a scope given in one town opens nothing in the other.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tenants.models import ApiClient
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

KOJIN_BANGO = "12345678901" + str(kojin_bango_check_digit("12345678901"))
BETA_BANGO = "23456789012" + str(kojin_bango_check_digit("23456789012"))
BASE = "/api/v1/juminkiroku"


def key_client(town, scopes, name, host=ALPHA_HOST):
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=list(scopes))
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def mynumber_rows(town):
    with schema_context(town.schema):
        return list(AccessLog.objects.filter(mynumber_viewed=True).order_by("id"))


@pytest.fixture
def people(alpha, beta):
    """A household in each town, its head with a 個人番号."""
    out = {}
    for town, code, bango in ((alpha, "hayama", KOJIN_BANGO), (beta, "samukawa", BETA_BANGO)):
        connection.set_tenant(town.municipality)
        set_ninshosha()
        members = family()
        members[0]["kojin_bango"] = bango
        _, atenas = household_tennyu(code, members=members)
        out[code] = atenas
    connection.set_schema_to_public()
    return out


def test_read_scope_alone_never_receives_a_kojin_bango(world, people):
    # given a key with the read and write scopes of 住民記録, but not the 個人番号 one
    head = people["hayama"][0]
    reader = key_client(world.alpha, ["juminkiroku:read", "juminkiroku:write"], "税務システム")
    # when it asks for the number
    refused = post(reader, f"{BASE}/persons/{head.pk}/kojin-bango/")
    # then it is refused, the number is nowhere, the refusal is logged, nothing "seen"
    assert refused.status_code == 403
    assert KOJIN_BANGO not in refused.content.decode()
    assert "個人番号" in refused.json()["detail"]
    assert mynumber_rows(world.alpha) == []
    with schema_context(world.alpha.schema):
        denied = AccessLog.objects.get(action="denied", api_client="税務システム")
    assert denied.record_id == str(head.pk) and denied.detail.get("reason") == "no_scope"
    # and no other answer of the 住民記録 API carries it
    for response in (
        reader.get(f"{BASE}/persons/{head.pk}/"),
        reader.get(f"{BASE}/persons/{head.pk}/history/"),
        post(reader, f"{BASE}/search/", {"kana": "ヤマダ"}),
        reader.get(f"{BASE}/setai/{head.setai_id}/"),
        post(reader, f"{BASE}/residents-on/", {"date": date.today().isoformat()}),
    ):
        assert response.status_code == 200, response.content
        assert KOJIN_BANGO not in response.content.decode()


def test_certificate_with_kojin_bango_needs_the_scope(world, people):
    head = people["hayama"][0]
    body = {
        "kind": "juminhyo",
        "layout": "kojin",
        "atena_ids": [head.pk],
        "seikyusha": "honnin",
        "items": {"kojin_bango": True},
    }
    writer = key_client(world.alpha, ["juminkiroku:write"], "コンビニ交付")
    refused = post(writer, f"{BASE}/certificates/", body)
    assert refused.status_code == 403 and "個人番号" in refused.json()["detail"]
    with schema_context(world.alpha.schema):
        from juminkiroku.models import ShomeiKofu

        assert not ShomeiKofu.objects.exists()
    # without the item the same key still issues
    plain = post(writer, f"{BASE}/certificates/", {**body, "items": {}})
    assert plain.status_code == 200 and plain["Content-Type"] == "application/pdf"
    allowed = key_client(
        world.alpha, ["juminkiroku:write", "juminkiroku:kojin_bango"], "コンビニ交付（番号）"
    )
    printed = post(allowed, f"{BASE}/certificates/", body)
    assert printed.status_code == 200
    assert [r.api_client for r in mynumber_rows(world.alpha)] == ["コンビニ交付（番号）"]


def test_kojin_bango_scope_reads_and_is_logged_each_time(world, people):
    head = people["hayama"][0]
    client = key_client(world.alpha, ["juminkiroku:read", "juminkiroku:kojin_bango"], "番号連携")
    for _ in range(2):
        r = post(client, f"{BASE}/persons/{head.pk}/kojin-bango/")
        assert r.status_code == 200 and r.json() == {
            "atena_id": head.pk,
            "kojin_bango": KOJIN_BANGO,
        }
    rows = mynumber_rows(world.alpha)
    assert [(r.api_client, r.record_id) for r in rows] == [("番号連携", str(head.pk))] * 2
    # the scope alone, without read, opens nothing
    bare = key_client(world.alpha, ["juminkiroku:kojin_bango"], "番号のみ")
    assert post(bare, f"{BASE}/persons/{head.pk}/kojin-bango/").status_code == 403


def test_kojin_bango_scope_of_one_town_opens_nothing_in_the_other(world, people):
    beta_head = people["samukawa"][0]
    hayama = key_client(world.alpha, ["juminkiroku:read", "juminkiroku:kojin_bango"], "番号連携")
    on_beta = key_client(
        world.alpha, ["juminkiroku:read", "juminkiroku:kojin_bango"], "誤接続", host=BETA_HOST
    )
    # a hayama id in samukawa's host is refused at the key, and hayama's own host does
    # not know samukawa's person
    assert post(on_beta, f"{BASE}/persons/{beta_head.pk}/kojin-bango/").status_code == 401
    r = post(hayama, f"{BASE}/persons/{beta_head.pk}/kojin-bango/")
    assert BETA_BANGO not in r.content.decode()
    assert mynumber_rows(world.beta) == []


def test_staff_session_still_needs_the_grant(world, login, people):
    head = people["hayama"][0]
    refused = post(login("hayama-clerk", ALPHA_HOST), f"{BASE}/persons/{head.pk}/kojin-bango/")
    assert refused.status_code == 403 and KOJIN_BANGO not in refused.content.decode()
    allowed = post(login("hayama-shinsa", ALPHA_HOST), f"{BASE}/persons/{head.pk}/kojin-bango/")
    assert allowed.status_code == 200 and allowed.json()["kojin_bango"] == KOJIN_BANGO


def test_admin_screen_offers_the_scope_with_a_japanese_label(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.get("/settings/api-clients/").content.decode()
    assert 'value="juminkiroku:kojin_bango"' in page
    assert "住民基本台帳 個人番号の取得" in page
    assert 'value="jukinet_renkei:kojin_bango"' in page
    # a module whose API never answers with a 個人番号 offers no such scope
    assert "kojin_juminzei:kojin_bango" not in page
    issued = admin.post(
        "/settings/api-clients/",
        {"name": "番号連携", "scopes": ["juminkiroku:read", "juminkiroku:kojin_bango"]},
    )
    assert issued.status_code == 200 and 'data-testid="new-key"' in issued.content.decode()
    client = ApiClient.objects.get(name="番号連携")
    assert client.scopes == ["juminkiroku:read", "juminkiroku:kojin_bango"]
    # the list shows what the key may do in words, not codes
    listed = admin.get("/settings/api-clients/").content.decode()
    assert "住民基本台帳 個人番号の取得" in listed.split("<h1>")[1].split("新しいAPIキーの発行")[0]
    # the number scope without the module's read or write is refused, nothing issued
    refused = admin.post(
        "/settings/api-clients/", {"name": "番号のみ", "scopes": ["juminkiroku:kojin_bango"]}
    )
    assert "参照" in refused.content.decode()
    assert not ApiClient.objects.filter(name="番号のみ").exists()


def test_the_number_scope_does_not_lower_a_write_scope(world):
    # given: a key whose scopes list write before read and before the number scope
    from types import SimpleNamespace

    from juminkiroku.api.certificates import _levels

    client = ApiClient(
        scopes=[
            "inkan_toroku:write",
            "inkan_toroku:read",
            "juminkiroku:write",
            "juminkiroku:kojin_bango",
        ]
    )
    request = SimpleNamespace(_request=SimpleNamespace(api_client=client))
    # when / then: write stays write, whatever comes after it
    levels = _levels(request)  # type: ignore[arg-type]
    assert levels["inkan_toroku"] == 2 and levels["juminkiroku"] == 2
