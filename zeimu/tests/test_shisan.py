"""試算 (screen and API): the engine's figures, nothing saved, only where 個人住民税 is used."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Fuka
from zeimu.rules.inputs import JuminzeiInput
from zeimu.rules.juminzei import juminzei_compute
from zeimu.rules.parameters import parameters_for

pytestmark = pytest.mark.django_db


def _key(town: Any, host: str, scopes: list[str]) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name="試算", scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_returns_every_figure_of_the_engine_and_saves_nothing(world):
    client = _key(world.alpha, ALPHA_HOST, ["kojin_juminzei:read"])
    body = {"fiscal_year": 2024, "age": 40, "kyuyo_shunyu": 3_000_000, "shakai_hokenryo": 450_000}
    r = client.post("/api/v1/zeimu/shisan/", body, content_type="application/json")
    assert r.status_code == 200, r.content
    result = r.json()["result"]
    connection.set_tenant(world.alpha.municipality)
    expected = juminzei_compute(
        JuminzeiInput(age=40, kyuyo_shunyu=3_000_000, shakai_hokenryo=450_000, kyuchi=1),
        parameters_for(2024),
    )
    assert result["gokei_zeigaku"] == expected.gokei_zeigaku
    assert result["kyuyo"] and result["kojo"]["kiso"] == expected.kojo.kiso
    assert result["explanation"] == list(expected.explanation)
    assert Fuka.objects.count() == 0


def test_api_validation_and_unsubscribed_town(world):
    client = _key(world.alpha, ALPHA_HOST, ["kojin_juminzei:read"])
    r = client.post(
        "/api/v1/zeimu/shisan/", {"fiscal_year": 2019, "age": 40}, content_type="application/json"
    )
    assert r.status_code == 400 and "令和6年度から" in r.json()["fiscal_year"][0]
    # 寒川町 has no 個人住民税 subscription in the test world: not there at all.
    other = _key(world.beta, BETA_HOST, ["kojin_juminzei:read"])
    body = {"fiscal_year": 2025, "age": 40}
    assert (
        other.post("/api/v1/zeimu/shisan/", body, content_type="application/json").status_code
        == 404
    )


def test_screen_shows_the_tax_and_its_explanation(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/zeimu/shisan/",
        {"fiscal_year": 2025, "age": 40, "kyuyo_shunyu": 5_000_000, "nenkin_shunyu": 0,
         "sonota_shotoku": 0, "shakai_hokenryo": 700_000, "iryohi_kojo": 0,
         "shogai": "なし", "kafu_hitorioya": "なし", "fuyo_ages": "17,20"},
    )  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="shisan-total"' in body
    assert "給与所得" in body
    assert login("samukawa-clerk", BETA_HOST).get("/zeimu/shisan/").status_code == 404


def test_the_module_page_leads_a_clerk_to_the_screens(login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/m/kojin_juminzei/").content.decode()
    page = page[page.index("<main") :]  # (the side menu lists the town's 画面準備中 業務)
    assert 'href="/zeimu/entry/kojin_juminzei/"' in page and "準備中" not in page
    assert "一部の画面を先行して提供" not in page
    r = clerk.get("/zeimu/entry/kojin_juminzei/")
    assert r.status_code == 302 and r["Location"] == "/zeimu/fuka/"
    home = clerk.get("/zeimu/fuka/").content.decode()
    assert 'href="/zeimu/shisan/"' in home and 'href="/zeimu/tosho-fuka/"' in home
