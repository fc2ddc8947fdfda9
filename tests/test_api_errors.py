"""Under /api/ every refusal is JSON (``{"detail": …}``), never an HTML page: a URL that
does not exist, a 業務 the town does not use, an unknown host, an address outside the
allow-list, a missing role. Elsewhere the Japanese pages stay. Two towns."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.api.authentication import apiclient_create
from tenants.models import NetworkRange
from tenants.models.network import NetworkKind
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def _key(town: Any, host: str, scopes: list[str]) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name="連携", scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _json_refusal(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail"} and body["detail"]
    return body


def test_an_api_url_that_does_not_exist_answers_json_404(alpha):
    client = _key(alpha, ALPHA_HOST, ["juminkiroku:read"])
    body = _json_refusal(client.get("/api/v1/no-such-thing/"), 404)
    assert "存在しない" in body["detail"]


def test_a_gyomu_the_town_does_not_use_answers_json_404(beta):
    # 寒川町 does not use 個人住民税: its API is not there, in JSON
    client = _key(beta, BETA_HOST, ["kojin_juminzei:read"])
    _json_refusal(client.get("/api/v1/zeimu/fuka/"), 404)
    _json_refusal(
        client.post("/api/v1/zeimu/fuka/lookup/", {}, content_type="application/json"), 404
    )


def test_an_unknown_host_answers_json_404_under_api_and_html_elsewhere(world):
    other = Client(HTTP_HOST="nowhere.localhost")
    _json_refusal(other.get("/api/v1/juminkiroku/search/"), 404)
    page = other.get("/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "ページが見つかりません" in page.content.decode()


def test_an_address_outside_the_allow_list_answers_json_403_under_api(alpha):
    client = _key(alpha, ALPHA_HOST, ["juminkiroku:read"])
    NetworkRange.objects.filter(municipality=alpha.municipality).delete()
    NetworkRange.objects.create(
        municipality=alpha.municipality, cidr="10.9.9.0/24", kind=NetworkKind.LGWAN
    )
    _json_refusal(client.get("/api/v1/juminkiroku/search/"), 403)
    page = Client(HTTP_HOST=ALPHA_HOST).get("/login/")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_a_screen_without_the_role_keeps_its_html_page(alpha, login):
    # 閲覧者 may not open a write screen: the Japanese page, not JSON
    viewer = login("hayama-viewer", ALPHA_HOST)
    page = viewer.get("/settings/grants/")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
