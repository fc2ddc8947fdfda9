"""The 国保 資格 screens and API in two towns: the list and the lookup by 宛名番号 (POST),
a person's 資格 and the 届出 with 遡及, the household with its 擬制世帯主, the 資格確認書 /
資格情報のお知らせ one at a time (PDF read back) — each logged, and 寒川町 reaching none
of 葉山町's people."""

from __future__ import annotations

import json
from datetime import date

import pytest

from juminkiroku.tests.factories import family
from kokuho.models import Shikaku, ShikakuRireki
from kokuho.tests.factories import hokensha_bango_set, tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)


@pytest.fixture
def yamada(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, people = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    connection.set_schema_to_public()
    return people


def _log(town, **filters):
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(**filters).order_by("id"))
    connection.set_schema_to_public()
    return rows


def test_list_lookup_person_and_household_screens(world, login, yamada):
    head, wife, child = yamada
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the list shows the insured with words and 和暦, logged by ids
    page = clerk.get("/kokuho/").content.decode()
    assert "山田　太郎" in page and "令和2年4月1日" in page and "転入" in page
    rows = _log(world.alpha, screen="kokuho.hihokensha_list")
    assert rows and set(rows[-1].detail["atena_ids"]) == {head.pk, wife.pk, child.pk}
    # the lookup by 宛名番号 is a POST and opens the person's page
    r = clerk.post("/kokuho/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/kokuho/person/{head.pk}/"
    page = clerk.get(r["Location"]).content.decode()
    assert "資格あり" in page and "社会保険の加入・離脱の届出" in page
    # the household: members, the 納税義務者, the history with its cause
    page = clerk.get(f"/kokuho/setai/{head.setai_id}/").content.decode()
    assert "納税義務者（世帯主）" in page and "住民記録の異動" in page
    assert "擬制世帯主" not in page
    assert _log(world.alpha, screen="kokuho.setai", record_id=str(head.setai_id))
    # 寒川町's clerk: no such person nor household there, nothing logged about them
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/kokuho/person/{head.pk}/").status_code == 404
    assert beta.get(f"/kokuho/setai/{head.setai_id}/").status_code == 404
    r = beta.post("/kokuho/", {"atena_no": head.atena_no})
    assert r.status_code == 200 and "山田" not in r.content.decode()
    page = beta.get("/kokuho/").content.decode()
    assert "山田" not in page and "被保険者はいません" in page


def test_shaho_todoke_on_the_screen_with_sokyu_and_gisei(world, login, yamada):
    head, wife, _child = yamada
    clerk = login("hayama-clerk", ALPHA_HOST)
    # when the 世帯主's 社会保険加入 (令和6年5月1日) is reported on 6月15日
    r = clerk.post(
        f"/kokuho/person/{head.pk}/shaho/",
        {"kind": "kanyu", "jiyu_date": "令和6年5月1日", "todoke_date": "R6.6.15"},
        follow=True,
    )
    page = r.content.decode()
    # then 国保 ends 5月2日, said as 遡及
    assert "45日後の届出のため、遡って適用しました" in page
    assert "令和6年5月2日" in page and "社会保険加入" in page
    # and the household shows the 世帯主 as 擬制世帯主
    page = clerk.get(f"/kokuho/setai/{head.setai_id}/").content.decode()
    assert "擬制世帯主" in page
    # a 閲覧者 cannot enter a 届出 (403, nothing written)
    viewer = login("hayama-viewer", ALPHA_HOST)
    r = viewer.post(
        f"/kokuho/person/{wife.pk}/seiho/", {"kind": "kaishi", "jiyu_date": "令和6年5月1日"}
    )
    assert r.status_code == 403
    connection.set_tenant(world.alpha.municipality)
    assert Shikaku.objects.get(atena_id=wife.pk).soshitsu_date is None
    # 寒川町's clerk posting for 葉山町's id: 404, nothing written in either town
    before = ShikakuRireki.objects.count()
    connection.set_schema_to_public()
    beta = login("samukawa-clerk", BETA_HOST)
    r = beta.post(
        f"/kokuho/person/{wife.pk}/shaho/",
        {"kind": "kanyu", "jiyu_date": "令和6年5月1日", "todoke_date": "R6.6.15"},
    )
    assert r.status_code == 404
    connection.set_tenant(world.alpha.municipality)
    assert ShikakuRireki.objects.count() == before
    connection.set_tenant(world.beta.municipality)
    assert not ShikakuRireki.objects.exists()


def test_one_kakuninsho_and_one_oshirase_as_pdf(world, login, yamada):
    head, *_ = yamada
    connection.set_tenant(world.alpha.municipality)
    shikaku = Shikaku.objects.get(atena_id=head.pk)
    hokensha_bango_set("149997")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # each is issued (recorded) from the person's page, then its PDF opens
    data = {"form": "kakuninsho", "riyu": "shikaku_shutoku", "kofu_date": "令和8年8月1日"}
    r = clerk.post(f"/kokuho/shikaku/{shikaku.pk}/kofu/", data)
    r = clerk.get(r["Location"])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "国民健康保険資格確認書" in text and "山田太郎" in text
    assert "令和2年4月1日" in text and "有効期限" in text and "葉山町長" in text
    r = clerk.post(f"/kokuho/shikaku/{shikaku.pk}/kofu/", {**data, "form": "oshirase"})
    (text,) = pdf_pages(clerk.get(r["Location"]).content)
    assert "資格情報のお知らせ" in text and "有効期限" not in text
    assert "マイナ保険証と一緒に" in text
    rows = _log(world.alpha, screen="kokuho.kofu_pdf", action="print")
    assert len(rows) == 2 and rows[0].detail["atena_ids"] == [head.pk]
    # 寒川町 cannot issue for 葉山町's period (none of its own: 404) nor print its issues
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.post(f"/kokuho/shikaku/{shikaku.pk}/kofu/", data).status_code == 404
    first = _log(world.alpha, screen="kokuho.kofu_pdf")[0].record_id
    assert beta.get(f"/kokuho/kofu/{first}.pdf").status_code == 404
    assert not _log(world.beta, screen="kokuho.kofu_pdf")


def test_api_lookup_list_and_person_in_two_towns(world, login, yamada):
    head, wife, child = yamada
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        "/api/v1/kokuho/shikaku/lookup/",
        json.dumps({"atena_no": head.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["insured_today"] is True
    assert body["periods"][0]["shutoku_date"] == "2020-04-01"
    assert body["periods"][0]["shutoku_jiyu"] == "tennyu"
    assert body["setai"]["nozei_gimusha_atena_no"] == head.atena_no
    assert sorted(body["setai"]["hihokensha_atena_nos"]) == sorted(
        a.atena_no for a in (head, wife, child)
    )
    r = clerk.get("/api/v1/kokuho/hihokensha/", {"date": "2021-01-01"})
    assert r.status_code == 200 and r.json()["count"] == 3
    assert clerk.get("/api/v1/kokuho/hihokensha/", {"date": "2019-01-01"}).json()["count"] == 0
    assert clerk.get(f"/api/v1/kokuho/persons/{head.pk}/shikaku/").status_code == 200
    logged = _log(world.alpha, screen="api.kokuho.shikaku")
    assert len(logged) == 2
    # 寒川町: nobody by that number, nobody by that id, an empty list
    beta = login("samukawa-clerk", BETA_HOST)
    r = beta.post(
        "/api/v1/kokuho/shikaku/lookup/",
        json.dumps({"atena_no": head.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert beta.get(f"/api/v1/kokuho/persons/{head.pk}/shikaku/").status_code == 404
    assert beta.get("/api/v1/kokuho/hihokensha/", {"date": "2021-01-01"}).json()["count"] == 0


def test_list_query_counts_do_not_grow_with_the_rows(
    world, login, yamada, django_capture_on_commit_callbacks
):
    from tenants.testing.queries import SqlCount

    clerk = login("hayama-clerk", ALPHA_HOST)

    def counts() -> tuple[int, int]:
        with SqlCount() as api:
            assert (
                clerk.get("/api/v1/kokuho/hihokensha/", {"date": "2021-01-01"}).status_code == 200
            )
        with SqlCount() as screen:
            assert clerk.get("/kokuho/").status_code == 200
        return api.count, screen.count

    before = counts()
    # when two more households are insured
    connection.set_tenant(world.alpha.municipality)
    tennyu(django_capture_on_commit_callbacks, members=family("佐藤", "サトウ"), day=TENNYU)
    tennyu(django_capture_on_commit_callbacks, members=family("鈴木", "スズキ"), day=TENNYU)
    connection.set_schema_to_public()
    # then the list pages run the same number of queries
    assert counts() == before


def test_the_registrys_tagyo_tab_shows_kokuho_in_its_town_only(
    world, login, yamada, django_capture_on_commit_callbacks
):
    head, *_ = yamada
    # given a household of 寒川町 insured from 令和3年4月1日 (葉山町's from 令和2年4月1日)
    connection.set_tenant(world.beta.municipality)
    _, (sato, *_rest) = tennyu(
        django_capture_on_commit_callbacks,
        "samukawa",
        members=family("佐藤", "サトウ"),
        day=date(2021, 4, 1),
    )
    connection.set_schema_to_public()
    # when each town's clerk opens the 他業務 tab (標準仕様書 7.2.2), kokuho asked at display
    page = login("hayama-clerk", ALPHA_HOST).get(f"/juminkiroku/persons/{head.pk}/tagyo/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "国民健康保険（資格）" in text and "令和2年4月1日" in text
    assert "令和3年4月1日" not in text
    other = login("samukawa-clerk", BETA_HOST)
    b = other.get(f"/juminkiroku/persons/{sato.pk}/tagyo/")
    b_text = b.content.decode()
    assert b.status_code == 200
    assert "国民健康保険（資格）" in b_text and "令和3年4月1日" in b_text
    assert "令和2年4月1日" not in b_text
    # and the provider, asked in 寒川町 for 葉山町's person's id, answers from 寒川町 only
    from kokuho.public import tagyo_kokuho

    connection.set_tenant(world.beta.municipality)
    answer = tagyo_kokuho([head.pk])
    assert all(s.shutoku_date == date(2021, 4, 1) for s in answer.values())
    connection.set_schema_to_public()
