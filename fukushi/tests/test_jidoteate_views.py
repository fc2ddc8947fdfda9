"""児童手当 screens and API in two towns: the 受給者 list and the person's page with its
history (each read logged with the ids shown), 認定請求 through the screen, the births'
queue, the payment screen, the API list/detail (寒川町 gets 404 / nothing), and the 試算
(screen and API) that saves nothing and refuses a month without data with the declared
error body."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from fukushi.models import JidoteateJukyusha, JidoteateShiharai
from fukushi.services.jidoteate import JidoInput, nintei_register
from fukushi.tests.test_jidoteate_events import ACCOUNT, CLERK, _family, _tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_screens_and_api_in_two_towns(world, login, django_capture_on_commit_callbacks):
    connection.set_tenant(world.alpha.municipality)
    father, mother, kid = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    row = nintei_register(
        atena_id=father.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[JidoInput(birth_date=kid.birth_date, atena_id=kid.pk)],
        actor=CLERK,
        account=ACCOUNT,
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    # the list shows the 受給者 and logs its id
    r = clerk.get("/fukushi/jidoteate/")
    assert r.status_code == 200 and row.jukyusha_no in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    log = AccessLog.objects.filter(screen="fukushi.jidoteate_list").latest("id")
    assert father.pk in log.detail.get("atena_ids", []) or str(father.pk) == log.record_id
    connection.set_schema_to_public()
    # the person's page: 認定, 児童, 履歴 in words and 和暦
    page = clerk.get(f"/fukushi/jidoteate/persons/{father.pk}/").content.decode()
    assert (
        "受給者番号" in page
        and "令和7年4月分から" in page
        and "認定請求（請求の翌月分から）" in page
    )
    # 認定請求 through the screen for the mother refuses (she has no child of her own
    # 認定 here? she does: the same child) — a clean message, nothing written
    r = clerk.post(
        f"/fukushi/jidoteate/persons/{mother.pk}/nintei/",
        {
            "seikyu_date": "令和7年3月10日",
            "shotoku_kubun": "ika",
            "jido-TOTAL_FORMS": "1",
            "jido-INITIAL_FORMS": "0",
            "jido-0-birth_date": "",
        },
        follow=True,
    )
    assert "児童を1人以上入力してください。" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert JidoteateJukyusha.objects.count() == 1
    connection.set_schema_to_public()
    # the queue and the payment screen
    assert clerk.get("/fukushi/jidoteate/kouho/").status_code == 200
    r = clerk.post("/fukushi/jidoteate/shiharai/", {"shiharai_month": "令和7年8月1日"}, follow=True)
    assert r.status_code == 200 and "20,000円" in r.content.decode()
    # the API: list and detail
    body = clerk.get("/api/v1/fukushi/jidoteate/jukyusha/").json()
    assert [x["atena_id"] for x in body["results"]] == [father.pk]
    detail = clerk.get(f"/api/v1/fukushi/jidoteate/jukyusha/{row.pk}/").json()
    assert [j["atena_id"] for j in detail["jido"]] == [kid.pk]
    assert detail["rireki"][0]["kind"] == "nintei"
    # 寒川町: nothing listed, 404 for 葉山町's 受給者 and no run of 葉山町 visible
    assert other.get("/api/v1/fukushi/jidoteate/jukyusha/").json()["results"] == []
    assert other.get(f"/api/v1/fukushi/jidoteate/jukyusha/{row.pk}/").status_code == 404
    assert other.get(f"/fukushi/jidoteate/persons/{father.pk}/").status_code == 404
    assert "20,000円" not in other.get("/fukushi/jidoteate/shiharai/").content.decode()
    connection.set_tenant(world.beta.municipality)
    assert not JidoteateShiharai.objects.exists()


def test_shisan_api_and_screen_save_nothing(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    connection.set_tenant(world.alpha.municipality)
    before = AccessLog.objects.count()
    connection.set_schema_to_public()
    body: dict[str, Any] = {
        "month": "2024-10-01",
        "children": [
            {"birth_date": "2008-05-10"},
            {"birth_date": "2011-05-10"},
            {"birth_date": "2018-05-10"},
        ],
    }
    r = clerk.post(
        "/api/v1/fukushi/jidoteate/shisan/", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert (r.json()["total"], [c["amount"] for c in r.json()["children"]]) == (
        50_000,
        [10_000, 10_000, 30_000],
    )
    # 令和6年9月分, 所得 7,000,000円 扶養2人 (限度額 698万円以上): 特例給付 5,000円 × 2
    body.update(month="2024-09-01", shotoku=7_000_000, fuyo_su=2)
    r = clerk.post(
        "/api/v1/fukushi/jidoteate/shisan/", json.dumps(body), content_type="application/json"
    )
    assert (r.json()["shotoku_kubun"], r.json()["total"]) == ("tokurei", 10_000)
    # no data for the year: 422 with the declared body
    body.update(month="2019-05-01")
    r = clerk.post(
        "/api/v1/fukushi/jidoteate/shisan/", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422 and "制度の値が登録されていません" in r.json()["month"][0]
    # the screen
    r = clerk.post(
        "/fukushi/jidoteate/shisan/",
        {
            "month": "令和7年6月1日",
            "jido-TOTAL_FORMS": "2",
            "jido-INITIAL_FORMS": "0",
            "jido-0-birth_date": "平成28年6月1日",
            "jido-1-birth_date": "令和6年1月5日",
        },
    )
    assert r.status_code == 200 and "25,000円" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    new = AccessLog.objects.order_by("id")[before:]
    assert {x.screen for x in new} >= {"api.fukushi.jidoteate_shisan", "fukushi.jidoteate_shisan"}
    assert not JidoteateJukyusha.objects.exists()
