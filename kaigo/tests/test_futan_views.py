"""The 負担割合・負担限度額 screens and API in two towns: the menu starting the 判定 job, the
list of a 年度 and a person's judgements (logged by ids), the 負担割合証 and the
負担限度額認定証 one at a time (PDF read back), 申請 → 判定 → 決定 on the screen, the lookup
API — and 寒川町 reaching none of 葉山町's people."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kaigo.models import FutanWariai, GendogakuNintei
from kaigo.tests.factories import elders, tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

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


def test_menu_job_list_person_and_pdf_in_two_towns(
    world, login, takahashi, django_capture_on_commit_callbacks
):
    husband, wife, _son = takahashi
    connection.set_tenant(world.alpha.municipality)
    kazei_set(husband.pk, 2025, nenkin=800_000, sonota=1_500_000, nenkin_shunyu=1_900_000)
    kazei_set(wife.pk, 2025, status="hikazei", nenkin=200_000, nenkin_shunyu=800_000)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kaigo/futan/").content.decode()
    assert "判定はまだありません" in page and "負担割合の判定（年次・更正）" in page
    # the clerk starts the 判定 of 令和7年8月〜 on the screen
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/kaigo/futan/", {"nendo": "2025", "kijun_date": "令和7年8月1日"})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/"), r.content[:300]
    page = clerk.get("/kaigo/futan/").content.decode()
    assert "令和7年度" in page and "令和7年8月1日〜令和8年7月31日" in page
    # the list of the 年度, logged by ids
    page = clerk.get("/kaigo/futan/2025/").content.decode()
    assert "高橋　一郎" in page and "2割" in page and "1割" in page
    rows = _log(world.alpha, screen="kaigo.futan_list")
    assert rows and set(rows[-1].detail["atena_ids"]) == {husband.pk, wife.pk}
    # a person's judgements with the link to the 証 in a new tab
    page = clerk.get(f"/kaigo/futan/person/{husband.pk}/").content.decode()
    assert "年次判定" in page and 'target="_blank" rel="noopener"' in page
    connection.set_tenant(world.alpha.municipality)
    row = FutanWariai.objects.get(atena_id=husband.pk, is_current=True)
    connection.set_schema_to_public()
    r = clerk.get(f"/kaigo/futan/sho/{row.pk}/futan.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "介護保険負担割合証" in text and "2割" in text and "高橋一郎" in text
    assert "令和7年8月1日から令和8年7月31日まで" in text
    printed = _log(world.alpha, action="print", screen="kaigo.futansho_pdf")
    assert printed and printed[-1].record_id == str(row.pk)
    # the counter's 再判定 with nothing changed
    r = clerk.post(f"/kaigo/futan/person/{husband.pk}/saihantei/", {"nendo": "2025"}, follow=True)
    assert "変更はありません" in r.content.decode()
    # the lookup API
    r = clerk.post(
        "/api/v1/kaigo/futan/lookup/",
        json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [(w["nendo"], w["wari"], w["is_current"]) for w in r.json()["wariai"]] == [
        (2025, 2, True)
    ]
    assert _log(world.alpha, screen="api.kaigo.futan")
    # 寒川町's clerk reaches none of it
    beta = login("samukawa-clerk", BETA_HOST)
    page = beta.get("/kaigo/futan/2025/").content.decode()
    assert "高橋" not in page and "この年度の判定はありません" in page
    assert beta.get(f"/kaigo/futan/person/{husband.pk}/").status_code == 404
    assert beta.get(f"/kaigo/futan/sho/{row.pk}/futan.pdf").status_code == 404
    r = beta.post(
        "/api/v1/kaigo/futan/lookup/",
        json.dumps({"atena_no": husband.atena_no}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert "判定はまだありません" in beta.get("/kaigo/futan/").content.decode()


def test_gendogaku_on_the_screens_and_its_pdf(world, login, takahashi):
    husband, wife, son = takahashi
    connection.set_tenant(world.alpha.municipality)
    for p, shunyu in ((husband, 1_000_000), (wife, 700_000), (son, 0)):
        kazei_set(p.pk, 2025, status="hikazei", nenkin_shunyu=shunyu)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    body = {"shinsei_date": "令和7年9月10日", "yochokin": "5000000", "haigusha": "on"}
    r = clerk.post(f"/kaigo/futan/person/{wife.pk}/gendogaku/", body, follow=True)
    assert "申請を受け付けました" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    n = GendogakuNintei.objects.get(atena_id=wife.pk)
    connection.set_schema_to_public()
    r = clerk.post(f"/kaigo/futan/gendogaku/{n.pk}/hantei/", follow=True)
    assert "判定しました：第2段階" in r.content.decode()
    r = clerk.post(
        f"/kaigo/futan/gendogaku/{n.pk}/kettei/", {"kettei_date": "令和7年9月20日"}, follow=True
    )
    page = r.content.decode()
    assert "認定と決定しました" in page and "令和7年9月1日〜令和8年7月31日" in page
    r = clerk.get(f"/kaigo/futan/gendogaku/{n.pk}/nintei.pdf")
    assert r.status_code == 200
    (text,) = pdf_pages(r.content)
    assert "介護保険負担限度額認定証" in text and "第2段階" in text and "高橋和子" in text
    assert "430円" in text and "390円" in text  # 多床室（特養等）の居住費, 食費（施設）
    assert _log(world.alpha, action="print", screen="kaigo.gendogakusho_pdf")
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/kaigo/futan/gendogaku/{n.pk}/nintei.pdf").status_code == 404
    r = beta.post(f"/kaigo/futan/gendogaku/{n.pk}/hantei/")
    assert r.status_code == 404
    connection.set_tenant(world.beta.municipality)
    assert not GendogakuNintei.objects.exists()


def test_the_list_and_the_menu_query_counts_do_not_grow_with_the_rows(
    world, login, takahashi, django_capture_on_commit_callbacks
):
    from kaigo.services.futan import futan_hantei_many, futan_taishosha
    from tenants.accesslog.services import Actor
    from tenants.testing.queries import SqlCount

    actor = Actor(user_id=None, username="tester")
    clerk = login("hayama-clerk", ALPHA_HOST)

    def judge() -> None:
        connection.set_tenant(world.alpha.municipality)
        futan_hantei_many(
            nendo=2025, taishosha=futan_taishosha(2025, date(2025, 8, 1)), actor=actor
        )
        connection.set_schema_to_public()

    def counts() -> tuple[int, int]:
        with SqlCount() as listed:
            assert clerk.get("/kaigo/futan/2025/").status_code == 200
        with SqlCount() as menu:
            assert clerk.get("/kaigo/futan/").status_code == 200
        return listed.count, menu.count

    judge()
    before = counts()
    connection.set_tenant(world.alpha.municipality)
    tennyu(django_capture_on_commit_callbacks, members=elders("佐藤", "サトウ"), day=TENNYU)
    tennyu(django_capture_on_commit_callbacks, members=elders("鈴木", "スズキ"), day=TENNYU)
    connection.set_schema_to_public()
    judge()
    assert counts() == before
