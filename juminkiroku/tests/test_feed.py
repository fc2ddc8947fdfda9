"""The linkage feed: a cursor never skips nor repeats a change; 個人番号 only by scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from juminkiroku.codes import IdoJiyu
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

KOJIN_BANGO = "123456789018"


def api(town, name: str, scopes: list[str], host: str = ALPHA_HOST) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def changes(client: Client, after: int, limit: int = 100) -> dict:
    r = client.get(f"/api/v1/juminkiroku/feed/changes/?after={after}&limit={limit}")
    assert r.status_code == 200, r.content
    return r.json()


def test_cursor_sees_each_change_once(alpha):
    client = api(alpha, "住基ネットCS", ["jukinet_renkei:read"])
    connection.set_tenant(alpha.municipality)
    first = changes(client, 0)
    assert first["results"] == [] and first["next_after"] == 0
    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = household_tennyu("hayama", members=family(), ido_date=date(2024, 4, 1))
    # Visible right after 本登録 commits.
    page = changes(client, first["next_after"])
    assert [c["atena_id"] for c in page["results"]] == [head.pk, wife.pk, child.pk]
    got = page["results"][0]
    assert got["jiyu"] == IdoJiyu.TENNYU and got["atena_no"] == head.atena_no
    assert got["version"]["shimei"] == "山田　太郎" and got["version"]["valid_from"] == "2024-04-01"
    assert "kojin_bango" not in got["version"]
    cursor = page["next_after"]
    # Two 本登録 between polls.
    connection.set_tenant(alpha.municipality)
    tenkyo = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2024, 6, 1),
        todoke_date=date(2024, 6, 1),
        changes=[PersonChange(head.pk, {"jusho": "神奈川県三浦郡葉山町一色"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(tenkyo, reviewer="hayama-shinsa")
    household_tennyu("hayama", members=[person_fields(shimei="次郎　二")])
    page = changes(client, cursor)
    assert [c["jiyu"] for c in page["results"]] == [IdoJiyu.TENKYO, IdoJiyu.TENNYU]
    assert page["results"][0]["version"]["jusho"] == "神奈川県三浦郡葉山町一色"
    seqs = [c["seq"] for c in page["results"]]
    assert seqs == sorted(seqs) and seqs[0] > cursor
    again = changes(client, page["next_after"])
    assert again["results"] == [] and again["next_after"] == page["next_after"]
    # Paging two at a time yields every change exactly once, in order.
    seen: list[int] = []
    after = 0
    while True:
        part = changes(client, after, limit=2)
        seen += [c["seq"] for c in part["results"]]
        after = part["next_after"]
        if not part["has_more"]:
            break
    assert len(seen) == 5 and seen == sorted(set(seen))
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(api_client="住基ネットCS", action="export")
    assert rows.count() == 4 + 3  # four polls, then three pages of two
    assert rows.filter(record_count=3, mynumber_viewed=False).exists()
    assert sorted(rows.get(detail__after=0, record_count=3).detail["atena_ids"]) == sorted(
        [head.pk, wife.pk, child.pk]
    )


def test_kojin_bango_only_with_its_own_scope(alpha):
    plain = api(alpha, "他業務", ["jukinet_renkei:write"])
    cs = api(alpha, "CS", ["jukinet_renkei:read", "jukinet_renkei:kojin_bango"])
    juki_only = api(alpha, "住記のみ", ["juminkiroku:read"])
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(kojin_bango=KOJIN_BANGO)])
    assert "kojin_bango" not in changes(plain, 0)["results"][0]["version"]
    assert changes(cs, 0)["results"][0]["version"]["kojin_bango"] == KOJIN_BANGO
    assert juki_only.get("/api/v1/juminkiroku/feed/changes/").status_code == 403
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.get(api_client="CS").mynumber_viewed is True


def test_full_feed_pages_and_walls(alpha, beta, login):
    client = api(alpha, "全件", ["jukinet_renkei:read"])
    beta_client = api(beta, "寒川CS", ["jukinet_renkei:read"], host=BETA_HOST)
    hayama_key_on_beta = api(alpha, "誤接続", ["jukinet_renkei:read"], host=BETA_HOST)
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family())
    body = {"page_after_id": 0, "limit": 2}
    r = client.post("/api/v1/juminkiroku/feed/full/", body, content_type="application/json")
    assert r.status_code == 200, r.content
    first = r.json()
    assert [a["atena_id"] for a in first["results"]] == [atenas[0].pk, atenas[1].pk]
    assert first["has_more"] and first["latest_seq"] > 0
    body = {"page_after_id": first["next_page_after_id"], "limit": 2}
    second = client.post(
        "/api/v1/juminkiroku/feed/full/", body, content_type="application/json"
    ).json()
    assert [a["atena_id"] for a in second["results"]] == [atenas[2].pk]
    assert not second["has_more"]
    assert "kojin_bango" not in second["results"][0]
    # 寒川町: its own key sees an empty registry; 葉山町's key is refused there.
    assert changes(beta_client, 0)["results"] == []
    r = beta_client.post("/api/v1/juminkiroku/feed/full/", {}, content_type="application/json")
    assert r.json()["results"] == []
    r = hayama_key_on_beta.get("/api/v1/juminkiroku/feed/changes/?after=0")
    assert r.status_code == 401
    # Staff session of 寒川町 on its own host: nothing of 葉山町.
    staff = login("samukawa-clerk", BETA_HOST)
    assert staff.get("/api/v1/juminkiroku/feed/changes/?after=0").json()["results"] == []
