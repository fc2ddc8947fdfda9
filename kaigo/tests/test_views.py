"""The 介護保険 資格 screens and API in two towns: the list and the lookup by 宛名番号
(POST), a person's 資格 with its history and the 住所地特例 届 on the screen, the
介護保険被保険者証 one at a time (PDF read back) — each logged, and 寒川町 reaching none
of 葉山町's people."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kaigo.models import JushochiTokurei, Shikaku, ShikakuRireki
from kaigo.tests.factories import elders, tennyu
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


def test_list_lookup_and_person_screens(world, login, takahashi):
    husband, wife, _son = takahashi
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the list shows the insured with words and 和暦, logged by ids
    page = clerk.get("/kaigo/").content.decode()
    assert "高橋　一郎" in page and "令和2年4月1日" in page and "第1号被保険者" in page
    assert "高橋　健太" not in page  # 45: not insured by the registry alone
    rows = _log(world.alpha, screen="kaigo.hihokensha_list")
    assert rows and set(rows[-1].detail["atena_ids"]) == {husband.pk, wife.pk}
    # the lookup by 宛名番号 is a POST and opens the person's page
    r = clerk.post("/kaigo/", {"atena_no": husband.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/kaigo/person/{husband.pk}/"
    page = clerk.get(r["Location"]).content.decode()
    assert "資格あり" in page and "住所地特例の届出" in page and "住民記録の異動" in page
    assert _log(world.alpha, screen="kaigo.person", record_id=str(husband.pk))
    # 寒川町's clerk: no such person, nothing about them
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/kaigo/person/{husband.pk}/").status_code == 404
    r = beta.post("/kaigo/", {"atena_no": husband.atena_no})
    assert r.status_code == 200 and "高橋" not in r.content.decode()
    page = beta.get("/kaigo/").content.decode()
    assert "高橋" not in page and "被保険者はいません" in page


def test_jutoku_todoke_on_the_screen_and_refused_for_the_other_town(world, login, takahashi):
    husband, *_ = takahashi
    clerk = login("hayama-clerk", ALPHA_HOST)
    body = {
        "kind": "nyusho",
        "shisetsu_shurui": "kaigo_shisetsu",
        "shisetsu_name": "特別養護老人ホーム藤沢の里",
        "shozai_dantai_code": "142051",
        "shozai_name": "藤沢市",
        "jiyu_date": "令和7年6月1日",
        "todoke_date": "R7.6.3",
    }
    r = clerk.post(f"/kaigo/person/{husband.pk}/jutoku/", body, follow=True)
    page = r.content.decode()
    assert "住所地特例を登録しました" in page and "藤沢市" in page and "令和7年6月1日" in page
    connection.set_tenant(world.alpha.municipality)
    assert JushochiTokurei.objects.filter(atena_id=husband.pk).count() == 1
    before = ShikakuRireki.objects.count()
    connection.set_schema_to_public()
    # a viewer may not; 寒川町's clerk posting for 葉山町's id: 404, nothing written
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(f"/kaigo/person/{husband.pk}/jutoku/", body).status_code == 403
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.post(f"/kaigo/person/{husband.pk}/jutoku/", body).status_code == 404
    connection.set_tenant(world.alpha.municipality)
    assert ShikakuRireki.objects.count() == before
    connection.set_tenant(world.beta.municipality)
    assert not JushochiTokurei.objects.exists() and not ShikakuRireki.objects.exists()


def test_one_hihokenshasho_as_pdf(world, login, takahashi):
    husband, *_ = takahashi
    connection.set_tenant(world.alpha.municipality)
    shikaku = Shikaku.objects.get(atena_id=husband.pk)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.get(f"/kaigo/shikaku/{shikaku.pk}/hihokenshasho.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "介護保険被保険者証" in text and "高橋一郎" in text
    assert "昭和25年6月15日" in text and "第1号被保険者" in text and "葉山町長" in text
    rows = _log(world.alpha, screen="kaigo.hihokenshasho_pdf", action="print")
    assert len(rows) == 1 and rows[0].detail["atena_ids"] == [husband.pk]
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/kaigo/shikaku/{shikaku.pk}/hihokenshasho.pdf").status_code == 404
    assert not _log(world.beta, screen="kaigo.hihokenshasho_pdf")


def test_api_lookup_list_and_person_in_two_towns(world, login, takahashi):
    husband, wife, son = takahashi
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/api/v1/kaigo/shikaku/lookup/",
        json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["insured_today"] is True and len(body["hihokensha_no"]) == 10
    assert body["periods"][0]["kubun"] == "1"
    assert body["periods"][0]["shutoku_date"] == "2020-04-01"
    assert body["tashi_jutoku"] is False and body["jushochi_tokurei"] == []
    r = clerk.get("/api/v1/kaigo/hihokensha/", {"date": "2021-01-01"})
    assert r.status_code == 200 and r.json()["count"] == 2
    assert {x["atena_no"] for x in r.json()["results"]} == {husband.atena_no, wife.atena_no}
    assert clerk.get("/api/v1/kaigo/hihokensha/", {"date": "2019-01-01"}).json()["count"] == 0
    assert clerk.get("/api/v1/kaigo/hihokensha/", {"kubun": "2"}).json()["count"] == 0
    assert clerk.get(f"/api/v1/kaigo/persons/{son.pk}/shikaku/").json()["periods"] == []
    assert len(_log(world.alpha, screen="api.kaigo.shikaku")) == 2
    beta = login("samukawa-clerk", BETA_HOST)
    r = beta.post(
        "/api/v1/kaigo/shikaku/lookup/",
        json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert beta.get(f"/api/v1/kaigo/persons/{husband.pk}/shikaku/").status_code == 404
    assert beta.get("/api/v1/kaigo/hihokensha/", {"date": "2021-01-01"}).json()["count"] == 0


def test_list_query_counts_do_not_grow_with_the_rows(
    world, login, takahashi, django_capture_on_commit_callbacks
):
    from tenants.testing.queries import SqlCount

    clerk = login("hayama-clerk", ALPHA_HOST)

    def counts() -> tuple[int, int]:
        with SqlCount() as api:
            assert clerk.get("/api/v1/kaigo/hihokensha/", {"date": "2021-01-01"}).status_code == 200
        with SqlCount() as screen:
            assert clerk.get("/kaigo/").status_code == 200
        return api.count, screen.count

    before = counts()
    connection.set_tenant(world.alpha.municipality)
    tennyu(django_capture_on_commit_callbacks, members=elders("佐藤", "サトウ"), day=TENNYU)
    tennyu(django_capture_on_commit_callbacks, members=elders("鈴木", "スズキ"), day=TENNYU)
    connection.set_schema_to_public()
    assert counts() == before


def test_the_registrys_tagyo_tab_shows_kaigo_in_its_town_only(world, login, takahashi):
    husband, *_ = takahashi
    # 住民記録's 他業務 tab (標準仕様書 7.2.2) asks 介護保険 at display time
    page = login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{husband.pk}/tagyo/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "介護保険（第1号被保険者）" in text and "令和2年4月1日" in text
    # 寒川町 has no such person
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/persons/{husband.pk}/tagyo/").status_code == 404
