"""REST API of 医療費助成の現物給付 (IR-11) in two towns (葉山町 = alpha, 寒川町 = beta): the
請求 file imported by upload (a bad file 422 with its file, line and field, nothing written; a
閲覧者 403), the list, one 請求 with its totals per 医療機関, its lines (the purpose required,
logged with the 受給者' 宛名 ids), the other 業務's prefix 404, and 寒川町 reaching none of it.

Figures as test_iryo_genbutsu.py: 葉山町's file of 5 件 → 3 accepted for 7,000円 (1,500 + 0 +
5,500), 2 返戻 (a 診療月 before the 受給者証, an unknown 受給者番号)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fukushi.models import IryoGenbutsu
from fukushi.tests.test_iryo_genbutsu import (
    HEAD,
    _file,
    towns,  # noqa: F401  (the fixture)
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/kodomo-iryo/genbutsu/"
FORM = {"shinsa_kikan": "kokuhoren", "seikyu_tsuki": "2025-10-01"}


def test_genbutsu_api_upload_list_lines_and_two_towns(world, towns, login):  # noqa: F811
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    assert viewer.post(API, {**FORM, "file": up}).status_code == 403
    # a bad file: each error with the file, its line and its fields; nothing written
    bad = HEAD + "2025-09,1410000001,,1,10000,2000\n202509,1410000001,森戸,1,100,200\n"
    r = clerk.post(API, {**FORM, "file": SimpleUploadedFile("bad.csv", bad.encode())})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert [(e["file"], e["line"], e["field"]) for e in errors] == [
        ("bad.csv", 2, "診療月・医療機関名"), ("bad.csv", 3, "一部負担金相当額")]  # fmt: skip
    assert errors[1]["message"] == "3行目：一部負担金相当額（医療費総額以下）が正しくありません。"
    r = clerk.post(API, {**FORM, "file": SimpleUploadedFile("x.csv", b"a,b\n")})
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 1
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    r = clerk.post(API, {**FORM, "seikyu_tsuki": "1999-10-01", "file": up})
    assert r.status_code == 422
    assert clerk.post(API, {"shinsa_kikan": "x", "seikyu_tsuki": "2025-10-01"}).status_code == 400
    connection.set_tenant(world.alpha.municipality)
    assert IryoGenbutsu.objects.count() == 0
    connection.set_schema_to_public()
    # the import
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    r = clerk.post(API, {**FORM, "file": up})
    assert r.status_code == 201, r.content
    g = r.json()
    assert (g["kensu"], g["henrei_kensu"], g["josei_gokei"], g["shiharai_date"]) == (
        5, 2, 7_000, None)  # fmt: skip
    assert [(k["kikan_mei"], k["kensu"], k["josei"]) for k in g["kikan"]] == [
        ("葉山こどもクリニック", 2, 1_500), ("森戸歯科", 1, 5_500)]  # fmt: skip
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    r = clerk.post(API, {**FORM, "file": up})
    assert r.status_code == 422 and "取り込み済み" in r.json()["detail"]
    # the list, one 請求, its lines
    body = clerk.get(API).json()
    assert (body["count"], body["results"][0]["id"]) == (1, g["id"])
    assert clerk.get(f"{API}?shinsa_kikan=shiharai_kikin").json()["count"] == 0
    assert clerk.get(f"{API}?seikyu_tsuki=2025-10-20").json()["count"] == 1
    assert clerk.get(f"{API}?shinsa_kikan=x").status_code == 400
    assert clerk.get(f"{API}{g['id']}/").json()["josei_gokei"] == 7_000
    meisai = f"{API}{g['id']}/meisai/"
    assert clerk.get(meisai).status_code == 400  # no purpose
    body = clerk.get(meisai, HTTP_X_PURPOSE="現物給付の審査").json()
    assert body["count"] == 5 and [x["josei_gaku"] for x in body["results"]] == [
        1_500, 0, 5_500, 0, 0]  # fmt: skip
    body = clerk.get(meisai + "?henrei=true", HTTP_X_PURPOSE="返戻の確認").json()
    assert [x["henrei_riyu"] for x in body["results"]] == [
        "診療月に有効な受給者証ではありません。",
        "受給者番号がこの助成の受給者証にありません。",
    ]
    assert clerk.get(meisai + "?henrei=1", HTTP_X_PURPOSE="x").status_code == 400
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.get(screen="api.fukushi.kodomo_iryo_genbutsu_meisai",
                                purpose="現物給付の審査")  # fmt: skip
    assert len(row.detail["atena_ids"]) == 1
    assert AccessLog.objects.filter(screen="fukushi.iryo_genbutsu", action="create").count() == 1
    connection.set_schema_to_public()
    # the other 業務's prefix does not open it
    hitorioya = "/api/v1/fukushi/hitorioya-iryo/genbutsu/"
    assert clerk.get(f"{hitorioya}{g['id']}/").status_code == 404
    assert clerk.get(hitorioya).json()["count"] == 0
    # 寒川町 reaches none of it
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"{API}{g['id']}/").status_code == 404
    assert other.get(f"{API}{g['id']}/meisai/", HTTP_X_PURPOSE="x").status_code == 404
    assert other.get(API).json()["count"] == 0


def test_genbutsu_api_shiharai_once_and_two_towns(world, towns, login):  # noqa: F811
    """The payment of an imported 請求 by the API (POST <id>/shiharai/): refused (422) while
    the town has no 振込依頼人 (fukushi.furikomi.*) and for a malformed account, 400 without a
    支払日, 403 for a 閲覧者, 404 for 寒川町 — nothing written; then paid once (7,000円 to the
    審査支払機関's account, the 全銀 file read back with the town as 依頼人), a second payment
    422."""
    from datetime import date

    from fukushi.services.iryo_genbutsu import genbutsu_file
    from fukushi.tests.test_furikomi_settings import HAYAMA, _set
    from tenants import zengin

    clerk = login("hayama-clerk", ALPHA_HOST)
    up = SimpleUploadedFile("seikyu.csv", _file(towns["hayama"]))
    g = clerk.post(API, {**FORM, "file": up}).json()
    pay = f"{API}{g['id']}/shiharai/"
    body = {"shiharai_date": "2025-11-20", "kinyu_kikan": "0005", "shiten": "001",
            "yokin_shumoku": "1", "koza_bango": "1234567", "meigi_kana": "ｺｸﾎﾚﾝ"}  # fmt: skip
    r = clerk.post(pay, body, content_type="application/json")
    assert r.status_code == 422 and "振込依頼人の設定" in str(r.json())
    _set(world.alpha, HAYAMA, fiscal_year=2025)
    connection.set_schema_to_public()
    r = clerk.post(pay, {**body, "koza_bango": "12"}, content_type="application/json")
    assert r.status_code == 422 and "口座番号" in str(r.json())
    r = clerk.post(pay, {k: v for k, v in body.items() if k != "shiharai_date"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and "shiharai_date" in r.json()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(pay, body, content_type="application/json").status_code == 403
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(pay, body, content_type="application/json").status_code == 404
    connection.set_tenant(world.alpha.municipality)
    assert IryoGenbutsu.objects.get().shiharai_date is None
    connection.set_schema_to_public()
    # paid once
    r = clerk.post(pay, body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert (r.json()["shiharai_date"], r.json()["josei_gokei"]) == ("2025-11-20", 7_000)
    r = clerk.post(pay, body, content_type="application/json")
    assert r.status_code == 422 and "支払済み" in str(r.json())
    connection.set_tenant(world.alpha.municipality)
    paid = IryoGenbutsu.objects.get()
    assert paid.shiharai_date == date(2025, 11, 20)
    records = zengin.read_sogo_furikomi(genbutsu_file(paid))
    head = next(x for x in records if x.kind == "header")
    data = [x for x in records if x.kind == "data"]
    assert [(x.fields["amount"], x.fields["koza_bango"]) for x in data] == [(7_000, "1234567")]
    assert head.fields["irainin_code"] == "1234567890"
    logged = AccessLog.objects.filter(screen="fukushi.iryo_genbutsu", action="update")
    assert logged.count() == 1
    connection.set_tenant(world.beta.municipality)
    assert IryoGenbutsu.objects.count() == 0
    connection.set_schema_to_public()
