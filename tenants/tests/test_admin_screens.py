"""Screens for administrators: API keys (town) and network allow-lists (office)."""

from __future__ import annotations

import re

from django.test import Client
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.models import ApiClient, NetworkRange
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST


def _new_key(page) -> str:
    found = re.search(r'data-testid="new-key">([^<]+)<', page.content.decode())
    assert found is not None
    return found.group(1)


def test_town_admin_issues_a_key_that_works_only_in_that_town(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    # when
    page = admin.post(
        "/settings/api-clients/",
        {"name": "税務連携", "scopes": ["platform:read", "kojin_juminzei:read"]},
    )
    # then
    key = _new_key(page)
    assert ApiClient.objects.get(name="税務連携").scopes == ["platform:read", "kojin_juminzei:read"]
    assert (
        Client(HTTP_HOST=ALPHA_HOST)
        .get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        .status_code
        == 200
    )
    assert (
        Client(HTTP_HOST=BETA_HOST)
        .get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        .status_code
        == 401
    )
    with schema_context(world.alpha.schema):
        assert AccessLog.objects.filter(screen="apiclient_create").exists()


def test_scopes_offered_are_only_subscribed_modules(world, login):
    admin = login("samukawa-admin", BETA_HOST)
    page = admin.get("/settings/api-clients/").content.decode()
    assert "kojin_juminzei:read" not in page
    response = admin.post(
        "/settings/api-clients/", {"name": "x", "scopes": ["kojin_juminzei:read"]}
    )
    assert (
        "有効な選択肢ではありません" in response.content.decode()
        or "kojin_juminzei" in response.content.decode()
    )
    assert not ApiClient.objects.filter(name="x").exists()


def test_deactivated_key_is_refused(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.post("/settings/api-clients/", {"name": "一時連携", "scopes": ["platform:read"]})
    key = _new_key(page)
    client = ApiClient.objects.get(name="一時連携")
    admin.post("/settings/api-clients/", {"deactivate": client.pk})
    assert (
        Client(HTTP_HOST=ALPHA_HOST)
        .get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        .status_code
        == 401
    )


def test_clerk_cannot_manage_keys(world, login):
    assert login("hayama-clerk", ALPHA_HOST).get("/settings/api-clients/").status_code == 403


def test_office_edits_a_members_network_list(world, login):
    office = login("office", PORTAL_HOST)
    # when
    office.post("/members/143014/", {"cidr": "10.50.0.0/16", "kind": "lgwan", "label": "庁舎LGWAN"})
    # then: the new network can reach the town
    assert NetworkRange.objects.filter(
        municipality=world.alpha.municipality, cidr="10.50.0.0/16"
    ).exists()
    assert Client(HTTP_HOST=ALPHA_HOST, REMOTE_ADDR="10.50.1.2").get("/login/").status_code == 200
    assert Client(HTTP_HOST=BETA_HOST, REMOTE_ADDR="10.50.1.2").get("/login/").status_code == 403
    # and bad input is explained
    page = office.post("/members/143014/", {"cidr": "0.0.0.0/0", "kind": "lgwan"}).content.decode()
    assert "すべてのアドレスを許可する指定はできません" in page
    page = office.post(
        "/members/143014/", {"cidr": "10.50.0.1/16", "kind": "lgwan"}
    ).content.decode()
    assert "CIDR の形式が正しくありません" in page
    with schema_context(world.alpha.schema):
        assert AccessLog.objects.filter(screen="network_range", record_id="10.50.0.0/16").exists()
