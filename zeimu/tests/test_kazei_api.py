"""課税資料 API: lookup by a posted 宛名番号, CSV import (counts or the error list), scopes,
access-log rows, the committed OpenAPI document, and the wall between towns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.models import Gyomu, Subscription
from tenants.openapi import OPENAPI_FILES
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShiryoImport

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/zeimu/kazei/lookup/"
IMPORT = "/api/v1/zeimu/kazei/import/"
STATUS = "/api/v1/zeimu/kazei/imports/"


def _key(town: Any, host: str, scopes: list[str], name: str = "課税資料連携") -> Client:
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def _csv(*lines: str) -> SimpleUploadedFile:
    content = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    return SimpleUploadedFile("data.csv", content, content_type="text/csv")


def test_lookup_returns_reports_and_shinkoku_and_is_logged(alpha, people):
    # given
    head, _, _ = people
    connection.set_tenant(alpha.municipality)
    k = KyuyoHokoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        employer_no="0001234567",
        employer_name="株式会社葉山",
        shiharai_kingaku=5_200_000,
        shakai_hoken=760_000,
    )
    NenkinHokoku.objects.create(
        atena_id=head.pk, shotoku_year=2023, payer_no="NP1", payer_name="X", shiharai_kingaku=1
    )
    s = Shinkoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        kind="kakutei",
        haigusha={"age": 45, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "妻"},
        shinzoku=[],
    )
    connection.set_schema_to_public()
    client = _key(alpha, ALPHA_HOST, ["kojin_juminzei:read"])
    # when
    r = client.post(
        LOOKUP,
        {"atena_no": head.atena_no, "shotoku_year": 2024},
        content_type="application/json",
        HTTP_X_PURPOSE="国保税の所得確認",
    )
    # then
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["atena_id"], body["shotoku_year"], body["nenkin"]) == (head.pk, 2024, [])
    assert body["kyuyo"] == [
        {
            "id": k.pk,
            "employer_no": "0001234567",
            "employer_name": "株式会社葉山",
            "shiharai_kingaku": 5_200_000,
            "shakai_hoken": 760_000,
            "seimei_hoken_kojo": 0,
            "jishin_hoken_kojo": 0,
            "seimei_ippan_shin": 0,
            "seimei_ippan_kyu": 0,
            "seimei_kaigo_iryo": 0,
            "seimei_nenkin_shin": 0,
            "seimei_nenkin_kyu": 0,
            "tokubetsu_choshu": True,
            "shiryo_id": None,
        }
    ]
    assert body["shinkoku"]["id"] == s.pk and body["shinkoku"]["kind"] == "kakutei"
    assert body["shinkoku"]["haigusha"]["zokugara"] == "妻"
    # the documented shape is the answered shape
    schema = yaml.safe_load(OPENAPI_FILES["tenant"][1].read_text(encoding="utf-8"))
    components = schema["components"]["schemas"]
    assert set(components["LookupResponse"]["properties"]) == set(body)
    assert set(components["Shinkoku"]["properties"]) == set(body["shinkoku"])
    assert set(components["Kyuyo"]["properties"]) == set(body["kyuyo"][0])
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.get(screen="API 課税資料照会")
    assert (log.action, log.record_id, log.purpose, log.api_client, log.detail) == (
        "read",
        str(head.pk),
        "国保税の所得確認",
        "課税資料連携",
        {"shotoku_year": 2024},
    )


def test_lookup_errors(people, alpha):
    client = _key(alpha, ALPHA_HOST, ["kojin_juminzei:read"])
    r = client.post(
        LOOKUP, {"atena_no": "12-34", "shotoku_year": 2024}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["atena_no"] == ["宛名番号は10桁の数字で指定してください。"]
    r = client.post(
        LOOKUP, {"atena_no": "9999999999", "shotoku_year": 2024}, content_type="application/json"
    )
    assert r.status_code == 404 and r.json()["detail"] == "この宛名番号の人はこの団体にいません。"
    head = people[0]
    r = client.post(
        LOOKUP, {"atena_no": head.atena_no, "shotoku_year": 2999}, content_type="application/json"
    )
    assert r.status_code == 422 and "将来の年" in r.json()["shotoku_year"][0]


def test_import_returns_counts_or_the_error_list(alpha, people, django_capture_on_commit_callbacks):
    head, wife, _ = people
    client = _key(alpha, ALPHA_HOST, ["kojin_juminzei:write"])
    connection.set_tenant(alpha.municipality)
    Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2024, kind="juminzei")
    connection.set_schema_to_public()
    header = "宛名番号,所得年,申告の種類,給与収入,配偶者の年齢"
    # when: one bad row (the job runs when the request commits)
    bad = _csv(header, f"{head.atena_no},2024,確定申告,100,", f"{wife.atena_no},2024,確定,x,40")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(IMPORT, {"kind": "shinkoku", "file": bad})
    # then: 202 at once, and the import's state says every error by file, line and field
    assert r.status_code == 202, r.content
    accepted = r.json()
    assert accepted["status"] == "queued" and accepted["job_id"] and accepted["rows"] == 0
    body = client.get(f"{STATUS}{accepted['import_id']}/").json()
    assert body["status"] == "rejected" and body["status_label"] == "誤りあり（登録なし）"
    assert body["truncated"] is False and body["progress"]["status"] == "failed"
    assert body["errors"] == [
        {"file": "data.csv", "line": 3, "field": "申告の種類",
         "message": "「住民税申告」「確定申告」のいずれかを入力してください。"},
        {"file": "data.csv", "line": 3, "field": "給与収入",
         "message": "0以上の整数（円）で入力してください。"},
    ]  # fmt: skip
    connection.set_tenant(alpha.municipality)
    assert Shinkoku.objects.get().kind == "juminzei"  # nothing written
    connection.set_schema_to_public()
    # when: a good file
    good = _csv(header, f"{head.atena_no},2024,確定申告,100,", f"{wife.atena_no},2024,確定申告,0,")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(IMPORT, {"kind": "shinkoku", "file": good})
    # then
    assert r.status_code == 202, r.content
    import_id = r.json()["import_id"]
    body = client.get(f"{STATUS}{import_id}/").json()
    assert (body["status"], body["rows"], body["replaced"]) == ("done", 2, 1)
    assert body["progress"] == {"status": "succeeded", "done": 2, "total": 2, "percent": 100}
    connection.set_tenant(alpha.municipality)
    assert Shinkoku.objects.filter(kind="kakutei").count() == 2
    log = AccessLog.objects.get(screen="住民税申告・確定申告の取込")
    assert log.api_client == "課税資料連携" and log.record_id == str(import_id)
    assert Shinkoku.objects.filter(shiryo_id=import_id).count() == 2


def test_import_needs_the_write_scope_and_a_valid_request(alpha, people, monkeypatch):
    head = people[0]
    reader = _key(alpha, ALPHA_HOST, ["kojin_juminzei:read"])
    f = _csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,確定申告")
    assert reader.post(IMPORT, {"kind": "shinkoku", "file": f}).status_code == 403
    writer = _key(alpha, ALPHA_HOST, ["kojin_juminzei:write"], name="取込")
    r = writer.post(IMPORT, {"kind": "zeimu"})
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"kind", "file"}
    import zeimu.api.kazei as api_module

    monkeypatch.setattr(api_module, "MAX_UPLOAD_BYTES", 5)
    r = writer.post(IMPORT, {"kind": "shinkoku", "file": _csv("宛名番号,所得年,申告の種類")})
    assert r.status_code == 400 and r.json()["detail"].startswith("ファイルが大きすぎます")
    connection.set_tenant(alpha.municipality)
    assert ShiryoImport.objects.count() == 0 and Shinkoku.objects.count() == 0


def test_walls_between_towns(alpha, beta, people, django_capture_on_commit_callbacks):
    # given 寒川町 subscribes to 個人住民税 and has its own key
    head = people[0]
    connection.set_tenant(alpha.municipality)
    KyuyoHokoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        employer_no="1",
        employer_name="株式会社葉山",
        shiharai_kingaku=100,
    )
    connection.set_schema_to_public()
    Subscription.objects.create(
        municipality=beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2011, 10, 1),
    )
    scopes = ["kojin_juminzei:read", "kojin_juminzei:write"]
    _, beta_key = apiclient_create(municipality=beta.municipality, name="寒川", scopes=scopes)
    body = {"atena_no": head.atena_no, "shotoku_year": 2024}
    # when / then: 寒川町's key on 葉山町's host is not a key at all
    on_alpha = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {beta_key}")
    assert on_alpha.post(LOOKUP, body, content_type="application/json").status_code == 401
    f = _csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,確定申告")
    assert on_alpha.post(IMPORT, {"kind": "shinkoku", "file": f}).status_code == 401
    # on its own host it finds no 葉山町 person, and cannot import for one
    on_beta = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {beta_key}")
    assert on_beta.post(LOOKUP, body, content_type="application/json").status_code == 404
    f = _csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,確定申告")
    with django_capture_on_commit_callbacks(execute=True):
        r = on_beta.post(IMPORT, {"kind": "shinkoku", "file": f})
    assert r.status_code == 202, r.content
    status_url = f"{STATUS}{r.json()['import_id']}/"
    assert on_beta.get(status_url).json()["errors"][0]["field"] == "宛名番号"
    # and 葉山町's own key does not see 寒川町's import
    hayama = _key(alpha, ALPHA_HOST, ["kojin_juminzei:read"], name="葉山の照会")
    assert hayama.get(status_url).status_code == 404
    connection.set_tenant(beta.municipality)
    assert Shinkoku.objects.count() == 0  # only the refused import
    assert list(ShiryoImport.objects.values_list("status", flat=True)) == ["rejected"]
    assert not AccessLog.objects.filter(screen="API 課税資料照会").exists()
    connection.set_tenant(alpha.municipality)
    assert Shinkoku.objects.count() == 0 and ShiryoImport.objects.count() == 0
    assert not AccessLog.objects.filter(screen="API 課税資料照会").exists()


def test_a_town_without_the_module_has_no_kazei_api(beta):
    client = _key(beta, BETA_HOST, ["kojin_juminzei:read"])
    r = client.post(
        LOOKUP, {"atena_no": "0000000010", "shotoku_year": 2024}, content_type="application/json"
    )
    assert r.status_code == 404
