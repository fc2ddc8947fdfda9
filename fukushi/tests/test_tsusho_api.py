"""The read-only API of 障害児通所支援 (fukushi/api/tsusho.py): a child's 給付決定 with services,
支給量 and 負担上限月額, only for a staff session holding the grant with the purpose in
``X-Purpose`` (400 without it); a clerk without the grant and the other town's 審査者 get 404;
the read is logged with its purpose."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.services.tsusho import tsusho_shinsei
from fukushi.tests.test_tsusho_services import (
    ACTOR,
    WARI_39999,
    WARI_240000,
    family,
    kettei,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

API = "/api/v1/fukushi/shogaisha-fukushi/tsusho/{}/"


def test_tsusho_api_grant_purpose_and_towns_apart(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    father, mother, child = family("hayama", "2021-04-01")
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, shotokuwari=WARI_39999)
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 6, 10), actor=ACTOR)  # fmt: skip
    k = kettei(k, {"jido_hattatsu": 23, "hoikusho_homon": 2})
    connection.set_schema_to_public()
    url = API.format(k.pk)

    c = login("hayama-clerk", alpha.host)  # the 業務 role without the grant
    assert c.get(url, HTTP_X_PURPOSE="確認").status_code == 404
    sb = login("samukawa-shinsa", beta.host)  # no such decision in 寒川町
    assert sb.get(url, HTTP_X_PURPOSE="確認").status_code == 404
    s = login("hayama-shinsa", alpha.host)
    assert s.get(API.format(k.pk + 999)).status_code == 404
    r = s.get(url)
    assert r.status_code == 400 and "X-Purpose" in r.json()["detail"]
    body = s.get(url, HTTP_X_PURPOSE="受給者証の確認").json()
    assert body["jukyusha_bango"] == k.jukyusha_bango
    assert (body["atena_no"], body["hogosha_atena_no"]) == (child.atena_no, father.atena_no)
    assert (body["jotai"], body["kikan_kaishi"], body["kikan_shuryo"]) == (
        "支給決定", "2025-08-01", "2026-07-31",
    )  # fmt: skip
    assert (body["futan_jogen"], body["futan_kubun"]) == (
        4600, "一般1（市町村民税課税世帯・所得割28万円未満）",
    )  # fmt: skip
    assert (body["mushoka_kaishi"], body["mushoka_shuryo"]) == ("2024-04-01", "2027-03-31")
    assert body["services"] == [
        {"service": "児童発達支援", "shikyu_ryo": 23, "tani": "日/月"},
        {"service": "保育所等訪問支援", "shikyu_ryo": 2, "tani": "日/月"},
    ]
    assert "所得割の合計 279,999円（一般1 は 280,000円未満）" in body["futan_konkyo"]
    assert [r["naiyo"][:4] for r in body["rireki"]] == ["障害児通", "給付決定"]
    assert (body["shuryo_jiyu"], body["yokakunin"]) == (None, None)

    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(
        username="hayama-shinsa", screen="api.fukushi.tsusho_kettei", purpose="受給者証の確認",
        record_id=str(k.pk),
    ).exists()  # fmt: skip
    assert not AccessLog.objects.filter(
        username="hayama-clerk", screen="api.fukushi.tsusho_kettei"
    ).exists()
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(screen="api.fukushi.tsusho_kettei").exists()
    connection.set_schema_to_public()
