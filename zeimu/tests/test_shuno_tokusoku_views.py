"""督促 screens and the 収納 API in two towns: the clerk starts the 督促 job from the screen,
the ledger shows each 期別's 督促日 with its 督促状 (one PDF, logged as PRINT); the 延滞金
試算 and the ledger lookup answer by POST and are access-logged; 寒川町 reaches none of
葉山町's 期別 (screens 404, API 404 for 葉山町's 納付番号 and 宛名番号)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Tokusoku, Zeimoku
from zeimu.services.shuno import chotei_post
from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno, remove_files

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
ENTAIKIN = "/api/v1/zeimu/shuno/entaikin/"
LOOKUP = "/api/v1/zeimu/shuno/lookup/"


@pytest.fixture
def ledger(alpha: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    old = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="r6:4", atena_id=head.pk, nendo=2024, ki=4,
                      ki_label="第4期", nouki=date(2025, 1, 31), amount=65_000, ref="r6:4:t",
                      on=date(2024, 6, 1), actor=ACTOR)  # fmt: skip
    connection.set_schema_to_public()
    return {"head": head, "old": old}


def _key(town: Any, host: str, scopes: list[str]) -> Client:
    _, key = apiclient_create(municipality=town.municipality, name="収納連携", scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_start_the_job_then_the_ledger_shows_the_tokusoku_and_reprints_it(
    world: Any, login: Any, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "督促状の発付" in clerk.get("/zeimu/shuno/tokusoku/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(
            "/zeimu/shuno/tokusoku/",
            {"hakko_date": "令和7年2月10日", "nouki": "", "print_data_encoding": "utf-8-sig"},
        )
    assert r.status_code == 302 and "/jobs/" in r["Location"], r.content.decode()[:500]
    connection.set_tenant(world.alpha.municipality)
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    t = Tokusoku.objects.get()
    assert (t.shitei_kigen, t.late) == (date(2025, 2, 20), False)
    connection.set_schema_to_public()
    # the screen lists the 発付 by day (counts only)
    listing = clerk.get("/zeimu/shuno/tokusoku/").content.decode()
    assert "令和7年2月10日" in listing and "65,000円" in listing
    # the ledger shows the 督促日 and a link to the 督促状 that opens in a new tab
    page = clerk.get(f"/zeimu/shuno/nozeisha/{ledger['head'].pk}/").content.decode()
    assert "令和7年2月10日" in page
    assert (
        f'href="/zeimu/shuno/tokusoku/{t.pk}/tokusoku.pdf" target="_blank" rel="noopener"' in page
    )
    pdf = clerk.get(f"/zeimu/shuno/tokusoku/{t.pk}/tokusoku.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "督促状" in text and "65,000円" in text and "令和7年2月20日" in text
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.get(screen="zeimu.shuno_tokusoku_pdf")
    assert row.action == AccessAction.PRINT and row.detail["atena_ids"] == [ledger["head"].pk]
    remove_files(job)
    connection.set_schema_to_public()
    # the viewer may read the ledger but not print; 寒川町 reaches nothing of it
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/shuno/tokusoku/{t.pk}/tokusoku.pdf").status_code == 403
    grant_beta_shuno()
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/zeimu/shuno/tokusoku/{t.pk}/tokusoku.pdf").status_code == 404
    assert "督促状の発付はまだありません" in beta.get("/zeimu/shuno/tokusoku/").content.decode()


def test_the_entaikin_api_gives_segments_and_saves_nothing(alpha: Any, ledger: Any) -> None:
    client = _key(alpha, ALPHA_HOST, [f"{'shuno_kanri'}:read"])
    # when: the 豊橋市-style case: 65,000円 due 31 January 2025, paid on 1 September 2025
    r = client.post(
        ENTAIKIN,
        {"nofu_bango": ledger["old"].nofu_bango, "paid_on": "2025-09-01"},
        content_type="application/json",
        HTTP_X_PURPOSE="延滞金の案内",
    )
    # then: 1 Feb – 28 Feb at 2.4%, then 1 Mar – 1 Sep at 8.7% on 65,000円
    assert r.status_code == 200, r.content
    body = r.json()
    assert [
        (s["start"], s["end"], s["days"], s["rate_man"], s["base"]) for s in body["segments"]
    ] == [
        ("2025-02-01", "2025-02-28", 28, 240, 65_000),
        ("2025-03-01", "2025-09-01", 185, 870, 65_000),
    ]
    # 65,000 × 2.4% × 28/365 = 119.67 → 119; 65,000 × 8.7% × 185/365 = 2,866.1 → 2,866
    assert [s["amount"] for s in body["segments"]] == [119, 2_866]
    assert (body["total_raw"], body["entaikin"], body["zan"]) == (2_985, 2_900, 65_000)
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(screen="api.zeimu.shuno_entaikin")
    assert row.record_id == str(ledger["old"].kibetsu_id)
    assert not Tokusoku.objects.exists()
    connection.set_schema_to_public()
    # refusals are dicts: a wrong check digit, an unknown number, a missing field
    no = ledger["old"].nofu_bango
    wrong = no[:19] + str((int(no[19]) + 1) % 10)
    for payload, status in (
        ({"nofu_bango": wrong, "paid_on": "2025-09-01"}, 422),  # the document allows it
        ({"nofu_bango": no, "paid_on": "1999-12-31"}, 422),
        ({"nofu_bango": no[:19], "paid_on": "2025-09-01"}, 400),
        ({"nofu_bango": "0" * 20, "paid_on": "2025-09-01"}, 404),
        ({"nofu_bango": no}, 400),
        ({"nofu_bango": no, "paid_on": "2013-01-01"}, 200),  # before the 納期限: none
    ):
        bad = client.post(ENTAIKIN, payload, content_type="application/json")
        assert bad.status_code == status, (payload, bad.content)
        assert isinstance(bad.json(), dict)


def test_the_lookup_api_lists_balances_by_atena_no_and_is_logged(alpha: Any, ledger: Any) -> None:
    client = _key(alpha, ALPHA_HOST, ["shuno_kanri:read"])
    r = client.post(LOOKUP, {"atena_no": ledger["head"].atena_no}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["mino"] == 65_000 and body["kagono"] == 0
    assert [(k["zeimoku_label"], k["nouki"], k["zan"]) for k in body["kibetsu"]] == [
        ("個人住民税（普通徴収）", "2025-01-31", 65_000)
    ]
    assert ledger["head"].atena_no not in r.request["PATH_INFO"]
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(screen="api.zeimu.shuno_lookup")
    assert row.record_id == str(ledger["head"].pk) and row.record_type == "atena"
    connection.set_schema_to_public()
    assert client.post(LOOKUP, {}, content_type="application/json").status_code == 400


def test_samukawa_cannot_reach_hayamas_kibetsu_by_api(alpha: Any, beta: Any, ledger: Any) -> None:
    grant_beta_shuno()
    client = _key(beta, BETA_HOST, ["shuno_kanri:read"])
    r = client.post(
        ENTAIKIN,
        {"nofu_bango": ledger["old"].nofu_bango, "paid_on": "2025-09-01"},
        content_type="application/json",
    )
    assert r.status_code == 404 and "期別はありません" in r.json()["detail"]
    r = client.post(LOOKUP, {"atena_no": ledger["head"].atena_no}, content_type="application/json")
    assert r.status_code == 404 and isinstance(r.json(), dict)
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(screen__startswith="api.zeimu.shuno").exists()
    connection.set_schema_to_public()
