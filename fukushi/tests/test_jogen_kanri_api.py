"""The REST API of 利用者負担の上限額管理 (fukushi/api/jogen_kanri.py, SG-83〜SG-86): the
上限額管理事業所 entered, a month's figures → the result (一般1 4,600円: 30,000円・40,000円
（申出4,000円）・10,000円 → 結果3, 3,000円・1,600円・0円), the months read back, the 結果票 PDF
read back (pdftotext), a file import (201; refused by line with nothing written: 422), the
Japanese 400 without ``X-Purpose`` and 422 for what the rules refuse, every call logged with
its purpose; a clerk without the grant and the other town get 404 and write nothing.
Households and incomes as in fukushi/tests/test_jogen_kanri_services.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fukushi.models import JogenKanriJigyosho, JogenKanriKekka
from fukushi.tests.test_jogen_kanri_services import A, B, C, _child, _csv
from fukushi.tests.test_tsusho_services import WARI_280000
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/shogaisha-fukushi/tsusho"
P = {"HTTP_X_PURPOSE": "上限額管理の登録"}
MONTH = {
    "teikyo": "2025-08-20",
    "rows": [
        {"jigyosho_bango": A, "jigyosho_mei": "はやまキッズ", "sohiyo": 30000},
        {"jigyosho_bango": B, "jigyosho_mei": "みどり療育", "sohiyo": 40000, "futan": 4000},
        {"jigyosho_bango": C, "jigyosho_mei": "さくら", "sohiyo": 10000, "futan": None},
    ],
}


def test_jogen_kanri_api_month_pdf_import_and_wall(alpha, beta, login):
    # given: a child of 一般1 (負担上限月額 4,600円) in 葉山町, another in 寒川町
    connection.set_tenant(alpha.municipality)
    k = _child("hayama")
    k2 = _child("hayama", wari=WARI_280000, shimei="一般二")
    connection.set_tenant(beta.municipality)
    kb = _child("samukawa", shimei="寒川")
    connection.set_schema_to_public()
    url = f"{API}/{k.pk}/jogen-kanri/"
    s = login("hayama-shinsa", alpha.host)

    # X-Purpose is required, reads and writes alike (400, Japanese)
    r = s.get(url)
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    r = s.post(f"{url}getsugaku/", MONTH, content_type="application/json")
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    # no 管理事業所 yet: 422 in Japanese, nothing written
    r = s.post(f"{url}getsugaku/", MONTH, content_type="application/json", **P)
    assert r.status_code == 422
    assert r.json() == {"teikyo_ym": ["令和7年8月の上限額管理事業所が登録されていません。"]}
    # a 事業所番号 of 9 digits: 400 (the document's pattern), a control character: 400 (the
    # platform); a month outside the period: 422
    bad = {"kaishi": "2025-08-01", "jigyosho_bango": "141000000", "jigyosho_mei": "はやま"}
    assert s.post(f"{url}jigyosho/", bad, content_type="application/json", **P).status_code == 400
    r = s.post(f"{url}jigyosho/", bad | {"jigyosho_bango": A, "kaishi": "2025-07-31"},
               content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 422
    assert r.json() == {"kaishi": ["令和7年7月は支給決定期間に含まれていません。"]}
    r = s.post(f"{url}jigyosho/", bad | {"jigyosho_bango": A, "jigyosho_mei": "はやま\x07"},
               content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 400
    connection.set_tenant(alpha.municipality)
    assert not JogenKanriJigyosho.objects.exists() and not JogenKanriKekka.objects.exists()
    connection.set_schema_to_public()

    # when: the 管理事業所 from 令和7年8月, then the month
    r = s.post(f"{url}jigyosho/", {"kaishi": "2025-08-10", "jigyosho_bango": A,
               "jigyosho_mei": "はやまキッズ"}, content_type="application/json", **P)  # fmt: skip
    assert r.status_code == 201
    assert r.json() == {"kaishi_ym": "2025-08-01", "jigyosho_bango": A,
                        "jigyosho_mei": "はやまキッズ", "created_by": "hayama-shinsa"}  # fmt: skip
    r = s.post(f"{url}getsugaku/", MONTH, content_type="application/json", **P)

    # then: 結果3, the 上限 filled 管理事業所 first
    assert r.status_code == 201
    body = r.json()
    assert (body["kekka"], body["jogen"], body["futan_ritsu"]) == (3, 4600, 10)
    assert body["kekka_label"] == "利用者負担額の合算額が負担上限月額を超過するため、調整した"
    assert [(m["jigyosho_bango"], m["kanri"], m["futan_santei"], m["futan_kettei"])
            for m in body["meisai"]] == [
        (A, True, 3000, 3000), (B, False, 4000, 1600), (C, False, 1000, 0)
    ]  # fmt: skip
    assert (body["gokei_sohiyo"], body["gokei_kettei"]) == (80000, 4600)
    assert "利用者負担額の合算額 8,000円 ＞ 負担上限月額 4,600円: " \
           "上限額管理事業所から順に負担上限月額まで充当" in body["konkyo"]  # fmt: skip
    kekka_id = body["id"]
    assert body["kekkahyo_pdf"] == f"{url}{kekka_id}/kekkahyo.pdf"

    # the months read back
    got = s.get(url, **P).json()
    assert (got["seido"], got["jukyusha_bango"], got["futan_jogen"]) == (
        "障害児通所支援", k.jukyusha_bango, 4600,
    )  # fmt: skip
    assert [j["jigyosho_bango"] for j in got["jigyosho"]] == [A]
    assert [(x["id"], x["teikyo_ym"], x["kekka"], x["gokei_kettei"]) for x in got["kekka"]] == [
        (kekka_id, "2025-08-01", 3, 4600)
    ]
    assert s.get(f"{url}{kekka_id}/", **P).json()["meisai"] == body["meisai"]

    # the 結果票 PDF, read back
    pdf = s.get(body["kekkahyo_pdf"], **P)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(pdf.content)
    text = squash(page)
    for t in ("利用者負担上限額管理結果票", "令和7年8月", k.jukyusha_bango, "4,600円",
              "3利用者負担額の合算額が負担上限月額を超過するため、調整した", "みどり療育",
              "1,600円", "80,000円"):  # fmt: skip
        assert squash(t) in text, t

    # the import: k2 has no 管理事業所 → 422 by line, nothing written; then 201
    b2 = k2.jukyusha_bango
    data = _csv(f"{b2},202509,{A},はやまキッズ,400000,", f"{b2},202509,{B},みどり,100000,")
    t_url = f"{API}/jogen-kanri/torikomi/"
    r = s.post(t_url, {"file": SimpleUploadedFile("jogen.csv", data)}, **P)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"file": "jogen.csv", "line": 2, "field": "",
         "message": "2・3行目：令和7年9月の上限額管理事業所が登録されていません。"}
    ]  # fmt: skip
    r = s.post(t_url, {"file": SimpleUploadedFile("jogen.csv", b"a,b\n")}, **P)
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 1  # the header line
    s.post(f"{API}/{k2.pk}/jogen-kanri/jigyosho/", {"kaishi": "2025-09-01",
           "jigyosho_bango": A, "jigyosho_mei": "はやまキッズ"},
           content_type="application/json", **P)  # fmt: skip
    r = s.post(t_url, {"file": SimpleUploadedFile("jogen.csv", data)}, **P)
    assert r.status_code == 201
    (row,) = r.json()["results"]
    assert (row["jukyusha_bango"], row["teikyo_ym"], row["kekka"]) == (b2, "2025-09-01", 1)

    # without the grant: 404 everywhere and nothing written; the other town: 404
    c = login("hayama-clerk", alpha.host)
    for u in (url, f"{url}{kekka_id}/", f"{url}{kekka_id}/kekkahyo.pdf"):
        assert c.get(u, **P).status_code == 404, u
    assert c.post(f"{url}getsugaku/", MONTH, content_type="application/json",
                  **P).status_code == 404  # fmt: skip
    r = c.post(t_url, {"file": SimpleUploadedFile("jogen.csv", data)}, **P)
    assert r.status_code == 404
    # 寒川町: its own child only (ids are per town: 葉山町's ids name nothing, or its own)
    sb = login("samukawa-shinsa", beta.host)
    b_url = f"{API}/{kb.pk}/jogen-kanri/"
    got_b = sb.get(b_url, **P).json()
    assert (got_b["jukyusha_bango"], got_b["jigyosho"], got_b["kekka"]) == (
        kb.jukyusha_bango,
        [],
        [],
    )
    for u in (f"{b_url}{kekka_id}/", f"{b_url}{kekka_id}/kekkahyo.pdf",
              f"{API}/{k2.pk}/jogen-kanri/"):  # fmt: skip
        assert sb.get(u, **P).status_code == 404, u
    # 寒川町's clerk sends 葉山町's file to 寒川町: no such 受給者証番号 there
    r = sb.post(t_url, {"file": SimpleUploadedFile("jogen.csv", data)}, **P)
    assert r.status_code == 422 and "受給者証番号" in r.json()["errors"][0]["message"]
    assert sb.get(b_url, **P).json()["kekka"] == []

    connection.set_tenant(beta.municipality)
    assert not JogenKanriKekka.objects.exists() and not JogenKanriJigyosho.objects.exists()
    assert not AccessLog.objects.filter(record_type="fukushi.JogenKanriKekka").exists()
    connection.set_tenant(alpha.municipality)
    assert JogenKanriKekka.objects.count() == 2
    logged = AccessLog.objects.filter(username="hayama-shinsa", purpose="上限額管理の登録")
    screens = set(logged.values_list("screen", flat=True))
    assert {
        "fukushi.jogen_kanri",
        "api.fukushi.tsusho_jogen_kanri",
        "api.fukushi.tsusho_jogen_kekka",
        "api.fukushi.tsusho_jogen_pdf",
    } <= screens
    assert logged.filter(action="print", record_id=str(kekka_id)).exists()
    assert not AccessLog.objects.filter(username="hayama-clerk", screen__startswith="api.").exists()
    connection.set_schema_to_public()
