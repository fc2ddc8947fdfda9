"""The REST API of the 生活保護 給付金 (就労自立給付金・進学・就職準備給付金): the caseworker's
支給決定 and 支払 through the same rules as the screens (the figures of test_seiho_shuro.py),
the purpose on every call (none: 400 and nothing written) and on its access-log rows, the
grant wall (404 for every id, existing or not, and nothing written), bad input refused in
Japanese, two towns; and the demo loader of the 給付金."""

from __future__ import annotations

import io
from datetime import date

import pytest

from fukushi.models import (
    CaseStatus,
    SeihoCase,
    SeihoShingakuKyufukin,
    SeihoShuroKyufukin,
    ShuroStatus,
)
from fukushi.tests.factories import haishi
from fukushi.tests.test_seiho_cases import JUNE, household
from fukushi.tests.test_seiho_shuro import DECEMBER, _case
from juminkiroku.public import person_identities
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/seikatsu-hogo/cases"
SHURO = {
    "kettei_date": "2026-12-01",
    "shuro_jiyu": "常用雇用で就職し就労収入が最低生活費を上回った",
    "juto": [{"month": f"2026-{m:02d}-01", "gaku": 50_000} for m in range(6, 12)],
}


def test_kyufukin_api_decides_and_pays_behind_the_grant_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    (_a,), k = _case(cap, "hayama", [35], "就労", shuro=100_000)
    haishi(cap, k.case_id, day=DECEMBER)
    (_oya, ko), k2 = _case(cap, "hayama", [45, 17], "進学", shuro=0)
    child_no = person_identities([ko.pk])[ko.pk].atena_no
    case_no = k.case.case_no
    connection.set_schema_to_public()
    shuro, shingaku = f"{API}/{k.case_id}/shuro-kyufukin/", f"{API}/{k2.case_id}/shingaku-kyufukin/"
    shingaku_body = {
        "atena_no": child_no,
        "kind": "shingaku",
        "jitakugai": True,
        "saki": "県立大学",
        "shinsei_date": "2027-02-01",
        "kettei_date": "2027-02-10",
    }
    # a clerk without the grant: 404 for every id, existing or not, and nothing written
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        for url in (shuro, shingaku, f"{API}/{k.case_id + 999}/shuro-kyufukin/"):
            assert c.get(url, HTTP_X_PURPOSE="確認").status_code == 404, (who, url)
        assert c.post(shuro, SHURO, content_type="application/json",
                      HTTP_X_PURPOSE="決定").status_code in (403, 404)  # fmt: skip
        r = c.post(f"{shuro}shiharai/", {"shiharai_date": "2026-12-10"},
                   content_type="application/json", HTTP_X_PURPOSE="x")  # fmt: skip
        assert r.status_code in (403, 404)
        assert c.post(shingaku, shingaku_body, content_type="application/json",
                      HTTP_X_PURPOSE="決定").status_code in (403, 404)  # fmt: skip
    w = login("hayama-shinsa", alpha.host)
    # no purpose: refused before anything is written
    assert w.get(shuro).status_code == 400
    r = w.post(shuro, SHURO, content_type="application/json")
    assert r.status_code == 400 and "X-Purpose" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert not SeihoShuroKyufukin.objects.exists()
    assert (
        not AccessLog.objects.filter(
            username__in=["hayama-clerk", "hayama-viewer"], record_type="fukushi.SeihoCase"
        )
        .exclude(action="denied")
        .exists()
    )
    connection.set_schema_to_public()
    # 就労自立給付金: 6 × 50,000円 × 30% = 90,000円 (単身)
    r = w.post(shuro, SHURO, content_type="application/json", HTTP_X_PURPOSE="給付金の決定")
    assert r.status_code == 201, r.content.decode()
    got = r.json()
    assert got["case_no"] == case_no
    g = got["kyufukin"]
    assert (g["gokei"], g["santei"], g["amount"], g["setai"], g["status"]) == (
        300_000, 90_000, 90_000, "単身世帯", "支給決定",
    )  # fmt: skip
    r = w.post(shuro, SHURO, content_type="application/json", HTTP_X_PURPOSE="二度目")
    assert r.status_code == 422 and "すでに就労自立給付金の決定" in r.content.decode()
    r = w.post(f"{shuro}shiharai/", {"shiharai_date": "2026-11-30"},
               content_type="application/json", HTTP_X_PURPOSE="支払")  # fmt: skip
    assert r.status_code == 422 and "決定日より前" in r.content.decode()
    r = w.post(f"{shuro}shiharai/", {"shiharai_date": "2026-12-10"},
               content_type="application/json", HTTP_X_PURPOSE="支払")  # fmt: skip
    assert r.status_code == 200 and r.json()["kyufukin"]["status"] == "支払済"
    got = w.get(shuro, HTTP_X_PURPOSE="支払の確認").json()["kyufukin"]
    assert (got["shiharai_date"], got["shikyu_gaku"]) == ("2026-12-10", 90_000)
    # 進学・就職準備給付金: a 世帯員's 宛名番号; bad input in Japanese
    bad = dict(shingaku_body, atena_no="999999999999")
    r = w.post(shingaku, bad, content_type="application/json", HTTP_X_PURPOSE="決定")
    assert r.status_code == 422 and "世帯員の宛名番号ではありません" in r.content.decode()
    bad = dict(shingaku_body, saki="大学\x00")
    r = w.post(shingaku, bad, content_type="application/json", HTTP_X_PURPOSE="決定")
    assert r.status_code == 400
    bad = dict(shingaku_body, shinsei_date="2027-04-01", kettei_date="2027-04-02")
    r = w.post(shingaku, bad, content_type="application/json", HTTP_X_PURPOSE="決定")
    assert r.status_code == 422 and "3月31日を過ぎて" in r.content.decode()
    r = w.post(shingaku, shingaku_body, content_type="application/json",
               HTTP_X_PURPOSE="進学準備の決定")  # fmt: skip
    assert r.status_code == 201, r.content.decode()
    g = r.json()["kyufukin"]
    assert (g["atena_no"], g["amount"], g["kind"], g["uchiwake"]) == (
        child_no, 300_000, "進学", "進学（転居して通学・通勤）300,000円",
    )  # fmt: skip
    r = w.post(f"{shingaku}{g['id']}/shiharai/", {"shiharai_date": "2027-03-01"},
               content_type="application/json", HTTP_X_PURPOSE="支払")  # fmt: skip
    assert r.status_code == 200 and r.json()["kyufukin"]["status"] == "支払済"
    listed = w.get(shingaku, HTTP_X_PURPOSE="確認").json()["kyufukin"]
    assert [(x["atena_no"], x["shiharai_date"]) for x in listed] == [(child_no, "2027-03-01")]
    connection.set_tenant(alpha.municipality)
    assert SeihoShuroKyufukin.objects.get().status == ShuroStatus.SHIHARAI
    rows = set(
        AccessLog.objects.filter(
            username="hayama-shinsa", screen__startswith="api.fukushi.seiho_"
        ).values_list("screen", "action", "purpose", "record_id")
    )
    assert ("api.fukushi.seiho_shuro", "read", "給付金の決定", str(k.case_id)) in rows
    assert ("api.fukushi.seiho_shuro", "read", "支払", str(k.case_id)) in rows
    assert ("api.fukushi.seiho_shingaku", "read", "進学準備の決定", str(k2.case_id)) in rows
    # 寒川町: its caseworker reaches nothing of 葉山町's; its own case answers its own
    cb = login("samukawa-shinsa", beta.host)
    for url in (shuro, shingaku):
        assert cb.get(url, HTTP_X_PURPOSE="確認").status_code == 404
        r = cb.post(url, SHURO, content_type="application/json", HTTP_X_PURPOSE="決定")
        assert r.status_code == 404
    connection.set_tenant(beta.municipality)
    (_b,), kb = _case(cap, "samukawa", [35], "寒川", shuro=100_000)
    connection.set_schema_to_public()
    r = cb.get(f"{API}/{kb.case_id}/shuro-kyufukin/", HTTP_X_PURPOSE="確認")
    assert r.status_code == 200 and r.json()["kyufukin"] is None
    r = cb.post(f"{API}/{kb.case_id}/shuro-kyufukin/", SHURO, content_type="application/json",
                HTTP_X_PURPOSE="決定")  # fmt: skip
    assert r.status_code == 422 and "保護が廃止されていません" in r.content.decode()
    connection.set_tenant(beta.municipality)
    assert not SeihoShuroKyufukin.objects.exists() and not SeihoShingakuKyufukin.objects.exists()


def test_demo_kyufukin_once_in_its_own_town(alpha, beta):
    from fukushi.demo_seiho import load as load_cases
    from fukushi.demo_seiho_kyufukin import load

    connection.set_tenant(alpha.municipality)
    today = date.today()
    household("hayama", [80], JUNE.replace(year=today.year - 1), surname="高齢")
    household("hayama", [45, 17], JUNE.replace(year=today.year - 1), surname="家族")
    household("hayama", [35], JUNE.replace(year=today.year - 1), surname="就労")
    load_cases(io.StringIO())
    out = io.StringIO()
    load(out)
    assert "就労自立給付金 1件、進学・就職準備給付金" in out.getvalue()
    s = SeihoShuroKyufukin.objects.get()
    assert s.case.status == CaseStatus.HAISHI and s.amount > 0 and len(s.juto) == 6
    n = (SeihoShuroKyufukin.objects.count(), SeihoShingakuKyufukin.objects.count())
    load(io.StringIO())  # a town that has its data is left alone
    assert (SeihoShuroKyufukin.objects.count(), SeihoShingakuKyufukin.objects.count()) == n
    connection.set_tenant(beta.municipality)
    load(io.StringIO())
    assert not SeihoCase.objects.exists() and not SeihoShuroKyufukin.objects.exists()
