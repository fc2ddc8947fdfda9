"""介護保険の試算 (screen and API, nothing saved) in two towns: 葉山町 with its 基準額 answers the
段階, 年額 and 月割 and the 負担割合; 寒川町 without one is refused with a body by field; each 試算
writes one access-log row with no person in it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kaigo.models import FutanWariai
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

ADMIN = Actor(user_id=None, username="hayama-admin")

# 本人課税: 合計所得230万円 (年金所得80万円, その他150万円), 課税年金収入190万円 — the same person
# as test_futan_hantei: 3割 alone, 2割 with a 第1号 spouse of 80万円
BODY: dict[str, Any] = {
    "fiscal_year": 2025,
    "honnin_kazei": True,
    "setai_kazei": True,
    "gokei_shotoku": 2_300_000,
    "nenkin_shotoku": 800_000,
    "kazei_nenkin_shunyu": 1_900_000,
}


@pytest.fixture
def kijungaku(alpha):
    connection.set_tenant(alpha.municipality)
    municipal_parameter_set(
        key="kaigo.hokenryo.kijungaku",
        fiscal_year=2024,
        value_text="72000",
        reason="葉山町介護保険条例（試験の値）",
        actor=ADMIN,
    )
    connection.set_schema_to_public()


def _post(client, body):
    return client.post("/api/v1/kaigo/shisan/", json.dumps(body), content_type="application/json")


def test_shisan_api_in_two_towns(world, login, kijungaku):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = _post(clerk, BODY)
    assert r.status_code == 200, r.content
    h, f = r.json()["result"]["hokenryo"], r.json()["result"]["futan"]
    # 第8段階 (合計所得 210万円以上320万円未満, 基準額×1.5 = 108,000円), 12 months
    assert (h["dankai"], h["nengaku"], h["tsukisu"], h["hokenryo"]) == (8, 108_000, 12, 108_000)
    assert (f["wari"], f["nenkin_sonota_gokei"]) == (3, 3_400_000)
    # with a 第1号 spouse (年金収入80万円): 2割; insured from 令和7年10月15日: 6 months
    spouse = {"kazei_nenkin_shunyu": 800_000, "gokei_shotoku": 200_000, "nenkin_shotoku": 200_000}
    r = _post(clerk, BODY | {"setai_dai1go": [spouse], "shutoku_date": "2025-10-15"})
    h, f = r.json()["result"]["hokenryo"], r.json()["result"]["futan"]
    assert (f["wari"], f["ninzu"], h["tsukisu"], h["hokenryo"]) == (2, 2, 6, 54_000)
    # a 第2号: no premium here, 1割
    r = _post(clerk, BODY | {"dai1go": False})
    assert r.json()["result"]["hokenryo"] is None and r.json()["result"]["futan"]["wari"] == 1
    # a rule across fields: 422 with a body by field
    r = _post(clerk, BODY | {"setai_kazei": False})
    assert r.status_code == 422 and "本人が課税のときは世帯も課税です。" in r.json()["input"]
    # logged as 試算s with no person; nothing saved
    rows = [r for r in _rows(world.alpha) if r.record_type == "kaigo.shisan"]
    assert len(rows) == 3 and all(r.record_count == 0 and r.record_id == "" for r in rows)
    assert all(set(r.detail) == {"nendo"} for r in rows)
    connection.set_tenant(world.alpha.municipality)
    assert not FutanWariai.objects.exists()
    connection.set_schema_to_public()
    # 寒川町 has set no 基準額: refused, nothing logged there as a 試算
    beta = login("samukawa-clerk", BETA_HOST)
    r = _post(beta, BODY)
    assert r.status_code == 422
    assert "介護保険料の基準額" in r.json()["input"][0]
    assert not [r for r in _rows(world.beta) if r.record_type == "kaigo.shisan"]


def _rows(town):
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_shisan_screen(world, login, kijungaku):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "介護保険料・負担割合の試算" in clerk.get("/kaigo/shisan/").content.decode()
    form = {
        "fiscal_year": "2025",
        "dai1go": "on",
        "honnin_kazei": "on",
        "setai_kazei": "on",
        "gokei_shotoku": "2300000",
        "nenkin_shotoku": "800000",
        "kazei_nenkin_shunyu": "1900000",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "4",
        "m-0-use": "on",
        "m-0-gokei_shotoku": "200000",
        "m-0-nenkin_shotoku": "200000",
        "m-0-kazei_nenkin_shunyu": "800000",
    }
    page = clerk.post("/kaigo/shisan/", form).content.decode()
    assert "第8段階" in page and "108,000円" in page and "2割" in page
    assert [r for r in _rows(world.alpha) if r.screen == "kaigo.shisan"]
    beta = login("samukawa-clerk", BETA_HOST)
    page = beta.post("/kaigo/shisan/", form).content.decode()
    assert "基準額（条例で定める値）が設定されていません" in page and "108,000円" not in page
