"""税務's lookups by 宛名番号 go through 住民記録's one lookup: a 照会抑止 refuses them (and the
refusal is logged with the 宛名 id only), a 照会アラート lets them through with a warning.
The lock is set through 住民記録's own screen, as a 審査者 would."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.models import Gyomu, Subscription
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaKind, FukaStatus, KyuyoHokoku

pytestmark = pytest.mark.django_db

REFUSED = "照会抑止が設定されています。"


@pytest.fixture
def locked(alpha: Any, login: Any) -> dict[str, Any]:
    """葉山町: a family with a 給与支払報告書 and an assessment each; 照会抑止 (error) on the
    head, 照会アラート on the wife."""
    connection.set_tenant(alpha.municipality)
    _, (head, wife, _) = household_tennyu("hayama", members=family())
    for person in (head, wife):
        KyuyoHokoku.objects.create(
            atena_id=person.pk,
            shotoku_year=2024,
            employer_no="E1",
            employer_name="株式会社葉山",
            shiharai_kingaku=3_000_000,
        )
        Fuka.objects.create(
            fiscal_year=2025, atena_id=person.pk, kind=FukaKind.TOSHO, status=FukaStatus.KAZEI
        )
    connection.set_schema_to_public()
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    for person, level in ((head, "error"), (wife, "alert")):
        r = shinsa.post(
            "/juminkiroku/yokushi/",
            {"kind": "yokushi", "target": "atena", "atena_no": person.atena_no,
             "process": "shokai", "level": level, "reason": "照会の制限",
             "start_date": "令和6年1月1日"},
        )  # fmt: skip
        assert r.status_code == 302
    return {"head": head, "wife": wife}


def _denied(alpha: Any) -> list[tuple[str, str]]:
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(action="denied", gyomu=KOJIN_JUMINZEI).order_by("id")
    out = [(r.record_type, r.record_id) for r in rows]
    connection.set_schema_to_public()
    return out


def test_screens_refuse_a_locked_person_and_warn_on_an_alert(alpha, login, locked):
    head, wife = locked["head"], locked["wife"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    # 課税資料: refused, nothing of the person shown, the refusal logged by id
    r = clerk.post("/zeimu/kazei/", {"atena_no": head.atena_no, "shotoku_year": "2024"})
    body = r.content.decode()
    assert r.status_code == 200 and REFUSED in body and "株式会社葉山" not in body
    # 賦課: the same
    r = clerk.post("/zeimu/fuka/", {"atena_no": head.atena_no, "fiscal_year": "2025"}, follow=True)
    assert REFUSED in r.content.decode()
    assert _denied(alpha) == [("atena", str(head.pk)), ("atena", str(head.pk))]
    # an alert: through, with the warning on the next page
    r = clerk.post(
        "/zeimu/kazei/", {"atena_no": wife.atena_no, "shotoku_year": "2024"}, follow=True
    )
    body = r.content.decode()
    assert "株式会社葉山" in body and "照会アラートが設定されています" in body


def test_api_refuses_a_locked_person_with_403(alpha, locked):
    head, wife = locked["head"], locked["wife"]
    _, key = apiclient_create(
        municipality=alpha.municipality, name="連携", scopes=[f"{KOJIN_JUMINZEI}:read"]
    )
    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = api.post(
        "/api/v1/zeimu/kazei/lookup/",
        json.dumps({"atena_no": head.atena_no, "shotoku_year": 2024}),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json() == {"detail": REFUSED}
    r = api.post(
        "/api/v1/zeimu/fuka/lookup/",
        json.dumps({"atena_no": head.atena_no, "fiscal_year": 2025}),
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json() == {"detail": REFUSED}
    assert _denied(alpha) == [("atena", str(head.pk)), ("atena", str(head.pk))]
    r = api.post(
        "/api/v1/zeimu/fuka/lookup/",
        json.dumps({"atena_no": wife.atena_no, "fiscal_year": 2025}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["warning"].startswith("照会アラート")


def test_another_town_cannot_find_the_person_at_all(beta, locked, login):
    # given: 寒川町 subscribes to 個人住民税 too, so the answer comes from its own registry
    connection.set_schema_to_public()
    Subscription.objects.create(
        municipality=beta.municipality,
        gyomu=Gyomu.objects.get(code=KOJIN_JUMINZEI),
        start_month=date(2020, 4, 1),
    )
    # when: 寒川町's key asks for 葉山町's number; then: not found there, no refusal, no hint
    _, key = apiclient_create(
        municipality=beta.municipality, name="連携", scopes=[f"{KOJIN_JUMINZEI}:read"]
    )
    api = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = api.post(
        "/api/v1/zeimu/kazei/lookup/",
        json.dumps({"atena_no": locked["head"].atena_no, "shotoku_year": 2024}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert r.json() == {"detail": "この宛名番号の人はこの団体にいません。"}
