"""The 要介護認定 screens and API in two towns: a 申請 received on the screen, each step
posted in order (a step out of order refused with its Japanese message), the list with
its state filter, the 認定結果通知書 read back, the reminder list, the API by person and
by state — each logged, and 寒川町's clerk reaching none of it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from juminkiroku.tests.factories import actor_for
from kaigo.models import NinteiRireki, NinteiShinsei
from kaigo.rules.nintei import NinteiParameters
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.nintei_factories import decided
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)


@pytest.fixture
def takahashi(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, people = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    connection.set_schema_to_public()
    return people


def _log(town, **filters):
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(**filters).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_shinsei_and_every_step_on_the_screens(world, login, takahashi):
    husband, *_ = takahashi
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kaigo/person/{husband.pk}/").content.decode()
    assert f"/kaigo/nintei/person/{husband.pk}/" in page
    page = clerk.get(f"/kaigo/nintei/person/{husband.pk}/").content.decode()
    assert "申請はありません" in page and "申請を受け付ける" in page
    r = clerk.post(
        f"/kaigo/nintei/person/{husband.pk}/shinsei/",
        {
            "shinsei_kubun": "1",
            "shinsei_date": "令和7年4月15日",
            "daiko": "kyotaku",
            "daikosha_name": "はやま居宅介護支援",
        },
    )
    assert r.status_code == 302
    case = r["Location"]
    connection.set_tenant(world.alpha.municipality)
    row = NinteiShinsei.objects.get(atena_id=husband.pk)
    connection.set_schema_to_public()
    assert case == f"/kaigo/nintei/{row.pk}/"
    # the 審査会 before the 調査 and 意見書: refused with words, nothing written
    page = clerk.post(
        f"{case}shinsakai/",
        {"gogitai": "第1合議体", "kaisai_date": "R7.5.10", "hantei": "22"},
        follow=True,
    ).content.decode()
    assert "認定調査の結果と主治医意見書の受領がそろってから" in page
    assert "受付（調査・意見書待ち）" in page
    for url, body in (
        ("chosa/", {"chosa_date": "令和7年4月25日", "chosain": "認定調査員 山本"}),
        (
            "ikensho/irai/",
            {"irai_date": "R7.4.17", "ishi_name": "佐藤医師", "iryo_kikan": "葉山診療所"},
        ),
        ("ikensho/juryo/", {"juryo_date": "R7.5.1"}),
        ("shinsakai/", {"gogitai": "第1合議体", "kaisai_date": "R7.5.10", "hantei": "22"}),
        ("kettei/", {"kettei_date": "R7.5.12"}),
    ):
        r = clerk.post(f"{case}{url}", body)
        assert r.status_code == 302, url
    page = clerk.get(case).content.decode()
    assert "認定済" in page and "要介護2" in page
    assert "令和7年4月15日〜令和7年10月31日" in page and "期限内" in page
    assert 'target="_blank" rel="noopener"' in page
    # the 認定結果通知書, read back
    pdf = clerk.get(f"{case}kekka.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(pdf.content)
    assert "要介護認定等結果通知書" in text and "要介護2" in text and "高橋一郎" in text
    assert "令和7年4月15日から令和7年10月31日まで" in text
    assert _log(world.alpha, screen="kaigo.nintei_tsuchi_pdf", action="print")
    assert _log(world.alpha, screen="kaigo.nintei_case")
    # the list, filtered by state
    page = clerk.get("/kaigo/nintei/?status=kettei").content.decode()
    assert "高橋　一郎" in page and "新規申請" in page
    page = clerk.get("/kaigo/nintei/?status=uketsuke").content.decode()
    assert "高橋　一郎" not in page and "申請はありません" in page
    rows = _log(world.alpha, screen="kaigo.nintei_list")
    assert rows[0].detail["atena_ids"] == [husband.pk]
    # 寒川町's clerk: nothing of it, and no step on it
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(case).status_code == 404
    assert beta.get(f"{case}kekka.pdf").status_code == 404
    assert beta.post(f"{case}enki/", {"tsuchi_date": "R7.5.1", "riyu": "x"}).status_code == 404
    assert "高橋" not in beta.get("/kaigo/nintei/").content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert not NinteiRireki.objects.filter(step="enki").exists()


def test_a_reader_sees_but_cannot_post(world, login, takahashi):
    husband, *_ = takahashi
    reader = login("hayama-viewer", ALPHA_HOST)
    assert reader.get(f"/kaigo/nintei/person/{husband.pk}/").status_code == 200
    r = reader.post(
        f"/kaigo/nintei/person/{husband.pk}/shinsei/",
        {"shinsei_kubun": "1", "shinsei_date": "R7.4.15", "daiko": "honnin"},
    )
    assert r.status_code == 403
    connection.set_tenant(world.alpha.municipality)
    assert not NinteiShinsei.objects.exists()


def test_yokoku_list_and_api(world, login, takahashi):
    husband, wife, _son = takahashi
    connection.set_tenant(world.alpha.municipality)
    clerk_actor = actor_for("hayama-clerk")
    # a 認定 that ends within 60 days of today, and one that does not
    start = date.today() - timedelta(days=150)
    near = decided(husband, clerk_actor, day=start.replace(day=1), months=6)
    decided(wife, clerk_actor, day=date.today() - timedelta(days=40), months=12)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kaigo/nintei/yokoku/").content.decode()
    assert near.yuko_end is not None
    assert "高橋　一郎" in page and "高橋　和子" not in page and "未抽出" in page
    # the API: one person by 宛名番号 (POST), and the 申請 by state
    api = clerk.post(
        "/api/v1/kaigo/nintei/lookup/",
        data=json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    body = api.json()
    assert api.status_code == 200 and body["atena_id"] == husband.pk
    (s,) = body["shinsei"]
    assert (s["status"], s["nintei"]["yokaigo_kubun"], s["kigen_chouka"]) == ("kettei", "22", False)
    listed = clerk.get("/api/v1/kaigo/nintei/shinsei/?status=kettei").json()
    assert listed["count"] == 2 and {r["atena_id"] for r in listed["results"]} == {
        husband.pk,
        wife.pk,
    }
    assert clerk.get("/api/v1/kaigo/nintei/shinsei/?status=torisage").json()["count"] == 0
    assert clerk.get(f"/api/v1/kaigo/persons/{wife.pk}/nintei/").json()["shinsei"][0]["id"]
    assert _log(world.alpha, screen="api.kaigo.nintei")
    assert _log(world.alpha, screen="api.kaigo.nintei_shinsei_list")
    # 寒川町: nothing
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get("/api/v1/kaigo/nintei/shinsei/").json()["count"] == 0
    assert beta.get(f"/api/v1/kaigo/persons/{husband.pk}/nintei/").status_code == 404
    r = beta.post(
        "/api/v1/kaigo/nintei/lookup/",
        data=json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert "高橋" not in beta.get("/kaigo/nintei/yokoku/").content.decode()


def test_list_query_counts_do_not_grow_with_the_rows(
    world, login, takahashi, django_capture_on_commit_callbacks
):
    from tenants.testing.queries import SqlCount

    husband, wife, _son = takahashi
    connection.set_tenant(world.alpha.municipality)
    clerk_actor = actor_for("hayama-clerk")
    decided(husband, clerk_actor, day=date(2025, 4, 15))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)

    def counts() -> tuple[int, int]:
        with SqlCount() as api:
            assert clerk.get("/api/v1/kaigo/nintei/shinsei/").status_code == 200
        with SqlCount() as screen:
            assert clerk.get("/kaigo/nintei/").status_code == 200
        return api.count, screen.count

    before = counts()
    connection.set_tenant(world.alpha.municipality)
    _, (sato, *_rest) = tennyu(
        django_capture_on_commit_callbacks, members=elders("佐藤", "サトウ"), day=TENNYU
    )
    decided(wife, clerk_actor, day=date(2024, 4, 15), hantei="13")  # another 年度
    decided(sato, clerk_actor, day=date(2025, 5, 1), hantei="01")
    connection.set_schema_to_public()
    after = counts()
    # the second 年度's parameters are read once for the whole page, not per row
    connection.set_tenant(world.alpha.municipality)
    with SqlCount() as one_nendo:
        NinteiParameters.for_nendo(2024)
    connection.set_schema_to_public()
    assert after[0] - before[0] == after[1] - before[1] == one_nendo.count
    connection.set_tenant(world.alpha.municipality)
    decided(_rest[0], clerk_actor, day=date(2025, 6, 1))
    connection.set_schema_to_public()
    assert counts() == after
