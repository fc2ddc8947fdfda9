"""滞納整理 screens and API in two towns: the clerk opens the list (filters, 宛名番号 by
POST), the case across 税目, records a 交渉, takes the case, prints one 催告書 (PDF read
back), registers a 分納誓約 and a 差押; the viewer reads but cannot write; 寒川町 reaches
none of 葉山町's cases (screens 404, API 404); every screen naming a person is logged."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Bunno, Saikoku, Shobun, TainoKeika, Zeimoku
from zeimu.services.shuno import chotei_post
from zeimu.services.shuno_tokusoku import tokusoku_issue_many
from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
TODAY = date(2025, 3, 3)


@pytest.fixture
def case(alpha: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2015, 4, 1))
    a = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="r6:1", atena_id=head.pk, nendo=2024, ki=1,
                    ki_label="第1期", nouki=date(2024, 6, 30), amount=65_000, ref="r6:1:t",
                    on=date(2024, 6, 1), actor=ACTOR)  # fmt: skip
    b = chotei_post(zeimoku=Zeimoku.KOKUHOZEI, key="k6:1", atena_id=head.pk, nendo=2024, ki=1,
                    ki_label="第1期", nouki=date(2024, 7, 31), amount=30_000, ref="k6:1:t",
                    on=date(2024, 6, 1), actor=ACTOR)  # fmt: skip
    tokusoku_issue_many([a.kibetsu_id, b.kibetsu_id], hakko_date=date(2024, 8, 15), job_id=None,
                        created_by="t")  # fmt: skip
    connection.set_schema_to_public()
    return {"head": head, "a": a, "b": b}


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The screens' 今日 (login needs the real clock, so only the views' day is moved)."""
    monkeypatch.setattr("zeimu.views.shuno_taino._today", lambda: TODAY)
    return TODAY


def test_list_case_and_acts(
    world: Any, login: Any, case: Any, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = case["head"]
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/zeimu/shuno/taino/").content.decode()
    assert "95,000円" in page and head.shimei in page and "国民健康保険税" in page
    assert "納期限を過ぎて未納" in page
    assert clerk.get("/zeimu/shuno/taino/?zeimoku=kaigo").content.decode().count(
        head.shimei) == 0  # fmt: skip
    # 宛名番号 by POST → the case (never in a URL)
    r = clerk.post("/zeimu/shuno/taino/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/zeimu/shuno/taino/{head.pk}/"
    url = r["Location"]
    body = clerk.get(url).content.decode()
    assert "滞納整理" in body and "65,000円" in body and "令和6年8月15日" in body  # 督促日
    # 時効: renewed by the 督促 (指定期限 令和6年8月25日 → 令和11年8月25日)
    assert "令和11年8月25日" in body
    # acts
    assert clerk.post(url, {"act": "tanto"}).status_code == 302
    assert clerk.post(url, {"act": "kosho", "kosho-on": "令和7年3月3日",
                            "kosho-memo": "電話で分納の相談"}).status_code == 302  # fmt: skip
    bad = clerk.post(url, {"act": "kosho", "kosho-on": "令和7年3月3日", "kosho-memo": "a\x00b"})
    assert bad.status_code == 400 and "制御文字" in bad.content.decode()
    r = clerk.post(url, {"act": "bunno", "bunno-seiyaku_date": "令和7年3月3日", "bunno-kaisu": "5",
                         "bunno-first": "令和7年4月10日", "bunno-total": "95000",
                         "bunno-kibetsu": [str(case["a"].kibetsu_id), str(case["b"].kibetsu_id)],
                         "bunno-memo": ""})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:3000]
    r = clerk.post(url, {"act": "shobun", "shobun-kind": "sashiosae", "shobun-zaisan": "kyuyo",
                         "shobun-shobun_date": "令和7年3月3日", "shobun-amount": "65000",
                         "shobun-kibetsu": [str(case["a"].kibetsu_id)],
                         "shobun-memo": "勤務先 ○○"})  # fmt: skip
    assert r.status_code == 302
    r = clerk.post(url, {"act": "saikoku", "saikoku-hakko_date": "令和7年3月3日"})
    assert r.status_code == 302 and r["Location"].endswith("/saikoku.pdf")
    pdf = clerk.get(r["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "催告書" in text and "95,000円" in text and "令和7年3月3日" in text
    page = clerk.get(url).content.decode()
    assert "電話で分納の相談" in page and "第5回" in page and "給与" in page
    connection.set_tenant(world.alpha.municipality)
    assert Bunno.objects.count() == 1 and Shobun.objects.count() == 1
    assert Saikoku.objects.count() == 1
    kinds = set(TainoKeika.objects.values_list("kind", flat=True))
    assert kinds == {"tanto", "kosho", "bunno", "sashiosae", "saikoku"}
    # every screen naming the person was logged by id
    assert AccessLog.objects.filter(screen="zeimu.taino_case", record_id=str(head.pk)).exists()
    listed = AccessLog.objects.filter(screen="zeimu.taino_list").first()
    assert listed is not None and head.pk in listed.detail["atena_ids"]
    assert AccessLog.objects.filter(screen="zeimu.saikoku_pdf", action=AccessAction.PRINT).exists()
    # the 分納 breaches: with the town's 10 days set, on 1 June 2025 the 回 of 10 April and
    # 10 May are unpaid: listed, and the list's row names the person
    from tenants.params.tenant.services import municipal_parameter_set

    municipal_parameter_set(key="zeimu.shuno.taino.bunno_ihan_nissu", fiscal_year=2024,
                            value_text="10", reason="要綱（テスト）", actor=ACTOR)  # fmt: skip
    connection.set_schema_to_public()
    monkeypatch.setattr("zeimu.views.shuno_taino._today", lambda: date(2025, 6, 1))
    ihan = clerk.get("/zeimu/shuno/taino/bunno-ihan/").content.decode()
    assert head.shimei in ihan and "第1回" in ihan and "第2回" in ihan and "第3回" not in ihan
    connection.set_tenant(world.alpha.municipality)
    row = AccessLog.objects.filter(screen="zeimu.taino_bunno_ihan").get()
    assert row.detail["atena_ids"] == [head.pk]
    connection.set_schema_to_public()
    # the other screens open
    for path in ("/zeimu/shuno/taino/saikoku/", "/zeimu/shuno/taino/bunno-ihan/",
                 "/zeimu/shuno/taino/kesson/"):  # fmt: skip
        assert clerk.get(path).status_code == 200, path


def test_viewer_reads_and_samukawa_sees_nothing(
    world: Any, login: Any, case: Any, today: date
) -> None:
    head = case["head"]
    url = f"/zeimu/shuno/taino/{head.pk}/"
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(url).status_code == 200
    r = viewer.post(url, {"act": "kosho", "kosho-on": "令和7年3月3日", "kosho-memo": "x"})
    assert r.status_code == 403
    grant_beta_shuno()
    other = login("samukawa-clerk", BETA_HOST)
    assert head.shimei not in other.get("/zeimu/shuno/taino/").content.decode()
    r = other.get(url)
    assert r.status_code == 302  # nothing of that id in 寒川町: back to its own list
    assert other.post(url, {"act": "tanto"}).status_code == 302
    connection.set_tenant(world.beta.municipality)
    assert not TainoKeika.objects.exists()
    connection.set_tenant(world.alpha.municipality)
    assert not TainoKeika.objects.exists()
    connection.set_schema_to_public()
    # API: 葉山町's key answers, 寒川町's does not find the person
    _, key = apiclient_create(municipality=world.alpha.municipality, name="滞納",
                              scopes=["shuno_kanri:read"])  # fmt: skip
    from django.test import Client

    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = api.post("/api/v1/zeimu/shuno/taino/case/", {"atena_no": head.atena_no},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["mino"] == 95_000 and len(r.json()["kibetsu"]) == 2
    assert r.json()["kibetsu"][0]["shometsu"] == "2029-08-25"
    _, key_b = apiclient_create(municipality=world.beta.municipality, name="滞納",
                                scopes=["shuno_kanri:read"])  # fmt: skip
    api_b = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {key_b}")
    r = api_b.post("/api/v1/zeimu/shuno/taino/case/", {"atena_no": head.atena_no},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 404
