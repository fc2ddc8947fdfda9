"""The REST API of 高額障害福祉サービス等給付費 (fukushi/api/kogaku.py, SG-87): apply (201, every
figure), the Japanese 400 without ``X-Purpose`` and 422 for what the rules refuse (nothing
written), list and one application, decide, pay (the town's 振込依頼人), every call logged with
its purpose; a clerk without the grant and 寒川町 get 404 and write nothing. The couple and the
figures are those of fukushi/tests/test_kogaku.py (56,200円 − 37,200円 = 19,000円)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import KogakuShiharai, KogakuShinsei
from fukushi.services.jiritsu_yogu import yogu_kettei
from fukushi.tests.test_furikomi_settings import HAYAMA, _set
from fukushi.tests.test_jiritsu_services import ACTOR, yogu
from fukushi.tests.test_kogaku import _couple
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/shogaisha-fukushi/kogaku/"
P = {"HTTP_X_PURPOSE": "高額の申請の受付"}
KOZA = {"kinyu_kikan": "0005", "shiten": "001", "yokin_shumoku": "1", "koza_bango": "1234567",
        "meigi_kana": "ｺｳｶﾞｸ ﾀﾛｳ"}  # fmt: skip


def test_kogaku_api_apply_decide_pay_purpose_and_wall(alpha, beta, login):
    # given: the couple of 葉山町 and the town's 振込依頼人
    connection.set_tenant(alpha.municipality)
    (otto, _tsuma, _ko), (k_otto, k_tsuma, k_ko) = _couple()
    y = yogu(otto.pk, "hosogu", "車椅子（普通型）", 100_000, kijun=100_000)
    yogu_kettei(pk=y.pk, kettei_date=date(2025, 8, 5), shikyu=True, riyu="", actor=ACTOR)
    connection.set_schema_to_public()
    _set(alpha, HAYAMA, fiscal_year=2025)
    connection.set_schema_to_public()
    body = {
        "shinseisha_atena_no": otto.atena_no,
        "taisho": "2025-08-15",
        "shinsei_date": "2025-09-10",
        "lines": [
            {"kubun": "service", "record_id": k_otto.pk, "gaku": 37200},
            {"kubun": "service", "record_id": k_tsuma.pk, "gaku": 9000},
            {"kubun": "hosogu", "record_id": y.pk},
        ],
        "koza": KOZA,
    }
    s = login("hayama-shinsa", alpha.host)

    # X-Purpose is required (400, Japanese); the rules' refusals are 422; nothing written
    r = s.post(API, body, content_type="application/json")
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    bad = {**body, "lines": [{"kubun": "service", "record_id": k_ko.pk, "gaku": 1000}]}
    r = s.post(API, bad, content_type="application/json", **P)
    assert r.status_code == 422
    assert r.json()["lines"] == [
        "1件目：市町村民税課税世帯（一般）でない世帯の基準額は確認できていないため、"
        "この申請は受け付けられません。"
    ]
    r = s.post(API, {**body, "taisho": "1999-08-01"}, content_type="application/json", **P)
    assert r.status_code == 422
    r = s.post(API, {**body, "koza": {**KOZA, "koza_bango": "12"}},
               content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 400
    connection.set_tenant(alpha.municipality)
    assert not KogakuShinsei.objects.exists()
    connection.set_schema_to_public()

    # when: the application
    r = s.post(API, body, content_type="application/json", **P)
    # then: 201 with every figure
    assert r.status_code == 201, r.json()
    a = r.json()
    assert (a["gassan"], a["kijungaku"], a["shikyu_gaku"], a["jotai"]) == (
        56_200, 37_200, 19_000, "uketsuke"
    )  # fmt: skip
    assert a["taisho"] == "令和7年8月" and a["shinseisha_atena_no"] == otto.atena_no
    assert [(m["kubun"], m["gaku"], m["gassan"]) for m in a["meisai"]] == [
        ("障害福祉サービス", 37_200, True), ("障害福祉サービス", 9_000, True),
        ("補装具費", 10_000, True),
    ]  # fmt: skip
    assert "支給額 = 合算額 56,200円 − 基準額 37,200円 = 19,000円" in a["konkyo"]
    assert "高額" not in str(a)  # no name in the answer

    # the list and the one
    r = s.get(API, {"jotai": "uketsuke", "taisho": "2025-08-01"}, **P)
    assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [a["id"]]
    assert s.get(API, {"taisho": "2025-07-01"}, **P).json()["count"] == 0
    assert s.get(f"{API}{a['id']}/", **P).json()["shikyu_gaku"] == 19_000

    # 決定: a 却下 without reason is 422; then 支給
    url = f"{API}{a['id']}/kettei/"
    r = s.post(url, {"kekka": "kyakka", "kettei_date": "2025-09-20"},
               content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 422 and r.json()["riyu"] == ["却下の理由を入力してください。"]
    r = s.post(url, {"kekka": "shikyu", "kettei_date": "2025-09-20"},
               content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 200 and r.json()["kettei"] == "支給 19,000円（令和7年9月20日決定）"

    # the payment: one run; a second finds nothing to pay (422)
    pay = f"{API}shiharai/"
    r = s.post(pay, {"shiharai_date": "2025-10-10"}, content_type="application/json", **P)
    assert r.status_code == 201, r.json()
    assert (r.json()["kensu"], r.json()["gokei"], r.json()["shinsei_ids"]) == (1, 19_000, [a["id"]])
    r = s.post(pay, {"shiharai_date": "2025-10-11"}, content_type="application/json", **P)
    assert r.status_code == 422

    # a clerk without the grant, and 寒川町: 404, nothing written
    c = login("hayama-clerk", alpha.host)
    assert c.get(f"{API}{a['id']}/", **P).status_code == 404
    assert c.post(API, body, content_type="application/json", **P).status_code == 404
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{API}{a['id']}/", **P).status_code == 404
    assert sb.get(API, **P).json()["count"] == 0
    r = sb.post(API, {**body, "shinseisha_atena_no": otto.atena_no},
                content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 422
    connection.set_tenant(beta.municipality)
    assert not KogakuShinsei.objects.exists() and not KogakuShiharai.objects.exists()

    # every call logged with its purpose
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(username="hayama-shinsa",
                                    record_type__in=["fukushi.KogakuShinsei"])  # fmt: skip
    assert {"api.fukushi.kogaku_list", "api.fukushi.kogaku", "fukushi.kogaku"} <= set(
        rows.values_list("screen", flat=True)
    )
    assert set(rows.values_list("purpose", flat=True)) == {"高額の申請の受付"}
    assert KogakuShinsei.objects.get().jotai == "shiharai"
    connection.set_schema_to_public()
