"""REST API of 施設型給付費 (HK-13) in two towns (葉山町 = alpha, 寒川町 = beta): the month per
施設 (paged) and one 施設's month with each child's line, the figures of
test_hoiku_kyufuhi.py (葉山町 130,000 − 30,000 = 100,000円 in June; May's entry on 5/15: 15 of
25 開所日 → 78,000 − 18,000 = 60,000円; 寒川町 140,000 − 30,000 = 110,000円). A missing
公定価格 is 422 naming the 施設 and クラス; neither town reaches the other's 施設 (404) or
sees its 給付費."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import HoikuShisetsu
from fukushi.tests.test_hoiku_kyufuhi import AGE, _prices
from fukushi.tests.test_hoikuryo_hiwari import _town
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/hoiku/kyufuhi/"


def two_towns(alpha, beta, capture) -> tuple[int, int, int]:
    """Both towns' H01 and child; 寒川町's 施設 ids from 101 so no id is the other's. Returns
    (葉山町's H01, 寒川町's H01, 葉山町's child)."""
    connection.set_tenant(beta.municipality)
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('fukushi_hoikushisetsu', 'id'), 100)")
    _town(beta, "samukawa", "reki", capture)
    b_h01 = HoikuShisetsu.objects.get(code="H01").pk
    a_child = _town(alpha, "hayama", "kaisho", capture)[1]
    a_h01 = HoikuShisetsu.objects.get(code="H01").pk
    connection.set_schema_to_public()
    return a_h01, b_h01, a_child


def test_kyufuhi_api_per_shisetsu_and_month_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    a_h01, b_h01, a_child = two_towns(alpha, beta, django_capture_on_commit_callbacks)
    assert a_h01 != b_h01
    clerk = login("hayama-clerk", ALPHA_HOST)
    # no 公定価格 yet: 422 naming the 施設 and the クラス
    r = clerk.get(f"{API}?month=2025-06-01")
    assert r.status_code == 422
    assert f"堀内保育園：{AGE}歳児クラスの公定価格が登録されていません。" in r.json()["month"]
    assert clerk.get(API).status_code == 400  # the month is required
    assert clerk.get(f"{API}?month=2025-13-01").status_code == 400
    assert clerk.get(f"{API}?month=1999-04-01").status_code == 422
    connection.set_tenant(alpha.municipality)
    _prices(130_000)
    connection.set_schema_to_public()
    body = clerk.get(f"{API}?month=2025-06-15").json()
    assert (body["month"], body["count"], body["gokei"]) == ("2025-06-01", 1, 100_000)
    (row,) = body["results"]
    assert (row["shisetsu_id"], row["code"], row["name"], row["shubetsu"]) == (
        a_h01, "H01", "堀内保育園", "保育所")  # fmt: skip
    assert (row["ninzu"], row["kotei_gokei"], row["futan_gokei"], row["kyufuhi"]) == (
        1, 130_000, 30_000, 100_000)  # fmt: skip
    # May, one 施設: the child's line prorated (15 of 25 開所日)
    one = clerk.get(f"{API}{a_h01}/?month=2025-05-01").json()
    (line,) = one["lines"]
    assert (line["atena_id"], line["class_age"], line["hitsuyoryo"]) == (
        a_child, AGE, "保育標準時間")  # fmt: skip
    assert (line["kotei_getsugaku"], line["nissu"], line["bunbo"], line["kotei"],
            line["futan"], line["kyufu"]) == (130_000, 15, 25, 78_000, 18_000, 60_000)  # fmt: skip
    assert (one["tochu"], one["kyufuhi"]) == (1, 60_000)
    # a month before the entry: the 施設 with no child, nothing owed
    empty = clerk.get(f"{API}{a_h01}/?month=2025-04-01").json()
    assert (empty["lines"], empty["kyufuhi"]) == ([], 0)
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(username="hayama-clerk")
    assert rows.filter(screen="api.fukushi.hoiku_kyufuhi", record_type="atena").exists()
    assert rows.filter(screen="fukushi.hoiku_kyufuhi", action="read").count() >= 3
    connection.set_schema_to_public()
    # 寒川町: 葉山町's 施設 is not found, its 公定価格 does not reach here
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"{API}{a_h01}/?month=2025-06-01").status_code == 404
    r = other.get(f"{API}?month=2025-06-01")
    assert r.status_code == 422 and "公定価格が登録されていません" in str(r.json())
    connection.set_tenant(beta.municipality)
    _prices(140_000)
    connection.set_schema_to_public()
    body = other.get(f"{API}?month=2025-06-01").json()
    assert [(x["shisetsu_id"], x["kyufuhi"]) for x in body["results"]] == [(b_h01, 110_000)]
    assert clerk.get(f"{API}{b_h01}/?month=2025-06-01").status_code == 404
    assert clerk.get(f"{API}{2**63}/?month=2025-06-01").status_code == 404
    assert clerk.get(f"{API}?month=2025-06-01").json()["gokei"] == 100_000
    assert date(2025, 6, 1).isoformat() == body["month"]


def test_seikyu_and_shinsa_api_in_two_towns(alpha, beta, login, django_capture_on_commit_callbacks):
    """The 請求 received through the API (201), listed, judged by the month's 審査 run (一致
    and 差異あり, 422 with nothing to judge or an unknown 施設); a 閲覧者 may not write (403);
    寒川町 lists none of 葉山町's 請求 and cannot claim for its 施設."""
    a_h01, b_h01, _child = two_towns(alpha, beta, django_capture_on_commit_callbacks)
    connection.set_tenant(alpha.municipality)
    _prices(130_000)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    seikyu = {"shisetsu_id": a_h01, "month": "2025-06-01", "uketsuke_date": "2025-06-10",
              "ninzu": 1, "gaku": 100_000}  # fmt: skip
    shinsa = {"month": "2025-06-30", "shinsa_date": "2025-06-20"}
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(f"{API}seikyu/", seikyu, content_type="application/json").status_code == 403
    r = clerk.post(f"{API}shinsa/", shinsa, content_type="application/json")
    assert r.status_code == 422 and "審査する請求" in str(r.json())
    r = clerk.post(f"{API}seikyu/", {**seikyu, "ninzu": 0}, content_type="application/json")
    assert r.status_code == 422 and "児童数が0人" in str(r.json())
    r = clerk.post(f"{API}seikyu/", {**seikyu, "shisetsu_id": b_h01},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "その施設は見つかりません" in str(r.json())
    r = clerk.post(f"{API}seikyu/", {**seikyu, "month": "1999-06-01"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    r = clerk.post(f"{API}seikyu/", {**seikyu, "gaku": 90_000}, content_type="application/json")
    assert r.status_code == 201 and r.json()["jotai_label"] == "受付（未審査）"
    r = clerk.post(f"{API}shinsa/", shinsa, content_type="application/json")
    assert r.status_code == 200, r.content
    (q,) = r.json()["shinsa"]
    assert (q["jotai_label"], q["santei_ninzu"], q["santei_gaku"], q["sagaku"]) == (
        "審査済（差異あり）", 1, 100_000, -10_000)  # fmt: skip
    assert r.json()["mi_seikyu"] == []
    r = clerk.post(f"{API}seikyu/", seikyu, content_type="application/json")
    assert r.status_code == 201
    q = clerk.post(f"{API}shinsa/", shinsa, content_type="application/json").json()["shinsa"][0]
    assert (q["jotai"], q["sagaku"]) == ("itchi", 0)
    r = clerk.post(f"{API}seikyu/", seikyu, content_type="application/json")
    assert r.status_code == 422 and "審査済み（一致）" in str(r.json())
    body = clerk.get(f"{API}seikyu/?month=2025-06-01").json()
    assert body["count"] == 1 and body["results"][0]["shisetsu_id"] == a_h01
    assert clerk.get(f"{API}seikyu/?jotai=sai").json()["count"] == 0
    assert clerk.get(f"{API}seikyu/?jotai=x").status_code == 400
    # 寒川町: none of it; 葉山町's 施設 is not one of its own
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"{API}seikyu/").json()["count"] == 0
    r = other.post(f"{API}seikyu/", seikyu, content_type="application/json")
    assert r.status_code == 422 and "その施設は見つかりません" in str(r.json())
    r = other.post(f"{API}shinsa/", shinsa, content_type="application/json")
    assert r.status_code == 422
