"""証明書・印鑑登録の画面とAPI: the PDF comes back, the other town sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from juminkiroku.codes import InkanStatus
from juminkiroku.models import InkanToroku, ShienSochi, ShomeiKofu
from juminkiroku.services.inkan import inkan_register
from juminkiroku.tests.certhelpers import png_bytes, set_ninshosha
from juminkiroku.tests.factories import actor_for, family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(alpha, beta):
    connection.set_tenant(alpha.municipality)
    set_ninshosha()
    _, atenas = household_tennyu("hayama", members=family())
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    connection.set_schema_to_public()
    return atenas


def issue_post(atena_no: str, members, **extra):
    data = {
        "atena_no": atena_no,
        "members": [str(m) for m in members],
        "kind": "juminhyo",
        "layout": "renki",
        "copies": "1",
        "seikyusha": "honnin",
        "issue": "1",
    }
    data.update(extra)
    return data


def in_town(town):
    connection.set_tenant(town.municipality)


def test_issue_screen_from_number_to_pdf(yamada, login, alpha):
    head, _, child = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.get("/juminkiroku/shomei/")
    assert page.status_code == 200
    assert "autofocus" in page.content.decode()
    found = client.post("/juminkiroku/shomei/", {"atena_no": head.atena_no, "lookup": "1"})
    body = found.content.decode()
    assert found.status_code == 200
    assert "山田　花子" in body and 'name="members"' in body
    response = client.post(
        "/juminkiroku/shomei/",
        issue_post(head.atena_no, [head.pk, child.pk], layout="kojin", setainushi="on"),
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"] == "application/pdf"
    hakko_no = response["X-Hakko-No"]
    assert response["Content-Disposition"] == f'inline; filename="shomei_{hakko_no}.pdf"'
    pages = pdf_pages(response.content)
    assert len(pages) == 2 and "山田太郎" in pages[0] and "山田一郎" in pages[1]
    assert "続柄" in pages[0] and "山田花子" not in "".join(pages)
    in_town(alpha)
    kofu = ShomeiKofu.objects.get(hakko_no=hakko_no)
    assert kofu.atena_ids == [head.pk, child.pk] and kofu.issued_by == "hayama-clerk"
    assert AccessLog.objects.filter(
        action="read", record_type="atena", record_id=str(head.pk)
    ).exists()
    assert AccessLog.objects.filter(action="print", record_id=str(kofu.pk)).exists()


def test_issue_screen_errors_are_shown_and_nothing_is_issued(yamada, login, alpha):
    head, *_ = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/juminkiroku/shomei/",
        issue_post(head.atena_no, [head.pk], seikyusha="daisansha", kojin_bango="on"),
    )
    assert r.status_code == 400 and "個人番号は本人又は同一世帯" in r.content.decode()
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, []))
    assert r.status_code == 400 and "世帯員の中から" in r.content.decode()
    in_town(alpha)
    assert ShomeiKofu.objects.count() == 0


def test_shien_sochi_warning_must_be_confirmed_on_screen(yamada, login, alpha):
    head, wife, child = yamada
    in_town(alpha)
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=wife,
        start_date=today,
        end_date=today + timedelta(days=364),
        moshide_date=today,
        created_by="test",
    )
    client = login("hayama-clerk", ALPHA_HOST)
    members = [head.pk, wife.pk, child.pk]
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, members))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
    assert "支援措置" in r.content.decode()
    r = client.post(
        "/juminkiroku/shomei/", issue_post(head.atena_no, members, seikyusha="daisansha")
    )
    assert r.status_code == 400 and "第三者" in r.content.decode()
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, members, confirm="on"))
    assert r["Content-Type"] == "application/pdf"
    in_town(alpha)
    assert ShomeiKofu.objects.count() == 1


def test_viewer_cannot_issue_or_void(yamada, login):
    head, *_ = yamada
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.get("/juminkiroku/shomei/").status_code == 403
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, [head.pk]))
    assert r.status_code == 403
    assert client.get("/juminkiroku/kofu/").status_code == 200
    assert client.post("/juminkiroku/kofu/1/void/", {"reason": "x"}).status_code == 403


def test_samukawa_cannot_print_a_hayama_person_on_its_host(yamada, login, alpha, beta):
    head, wife, _ = yamada
    client = login("samukawa-clerk", BETA_HOST)
    r = client.post("/juminkiroku/shomei/", {"atena_no": head.atena_no, "lookup": "1"})
    assert "見つかりません" in r.content.decode() and "山田" not in r.content.decode()
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, [head.pk, wife.pk]))
    assert r["Content-Type"].startswith("text/html") and "山田" not in r.content.decode()
    for town in (alpha, beta):
        in_town(town)
        assert ShomeiKofu.objects.count() == 0


def test_history_lists_and_voids(yamada, login, alpha):
    head, *_ = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post("/juminkiroku/shomei/", issue_post(head.atena_no, [head.pk], copies="2"))
    hakko_no = r["X-Hakko-No"]
    listing = client.get("/juminkiroku/kofu/").content.decode()
    assert hakko_no in listing and "処分" in listing and "山田" not in listing
    in_town(alpha)
    kofu = ShomeiKofu.objects.get(hakko_no=hakko_no)
    searched = client.post("/juminkiroku/kofu/", {"atena_no": head.atena_no}).content.decode()
    assert hakko_no in searched
    r = client.post(f"/juminkiroku/kofu/{kofu.pk}/void/", {"reason": "汚損のため"})
    assert r.status_code == 302
    in_town(alpha)
    kofu.refresh_from_db()
    assert kofu.voided_at is not None and kofu.void_reason == "汚損のため"
    assert "処分済" in client.get("/juminkiroku/kofu/").content.decode()


def test_samukawa_cannot_void_a_hayama_issue(yamada, login, alpha):
    head, *_ = yamada
    hayama = login("hayama-clerk", ALPHA_HOST)
    hakko_no = hayama.post("/juminkiroku/shomei/", issue_post(head.atena_no, [head.pk]))[
        "X-Hakko-No"
    ]
    samukawa = login("samukawa-clerk", BETA_HOST)
    in_town(alpha)
    kofu = ShomeiKofu.objects.get(hakko_no=hakko_no)
    samukawa.post(f"/juminkiroku/kofu/{kofu.pk}/void/", {"reason": "x"})
    assert hakko_no not in samukawa.get("/juminkiroku/kofu/").content.decode()
    in_town(alpha)
    kofu.refresh_from_db()
    assert kofu.voided_at is None


def test_inkan_screens_register_list_certificate_and_end(yamada, login, alpha, beta):
    head, *_ = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get("/juminkiroku/inkan/").status_code == 200
    upload = SimpleUploadedFile("inei.png", png_bytes(), content_type="image/png")
    r = client.post(
        "/juminkiroku/inkan/register/",
        {"atena_no": head.atena_no, "toroku_date": "令和7年4月1日", "inei": upload},
    )
    assert r.status_code == 200, r.content.decode()[:800]
    in_town(alpha)
    toroku = InkanToroku.objects.get(atena=head)
    assert toroku.card_no in r.content.decode()
    bad = SimpleUploadedFile("inei.png", b"not a png", content_type="image/png")
    r = client.post(
        "/juminkiroku/inkan/register/",
        {"atena_no": yamada[1].atena_no, "toroku_date": "R7.4.1", "inei": bad},
    )
    assert r.status_code == 400 and "PNG形式" in r.content.decode()
    listing = client.post("/juminkiroku/inkan/", {"atena_no": head.atena_no}).content.decode()
    assert toroku.card_no in listing and "登録" in listing
    pdf = client.post(
        f"/juminkiroku/inkan/{toroku.pk}/shomei/", {"copies": "1", "seikyusha": "honnin"}
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert "印鑑登録証明書" in "".join(pdf_pages(pdf.content))
    # the other town can neither see nor end it
    samukawa = login("samukawa-clerk", BETA_HOST)
    assert samukawa.post(f"/juminkiroku/inkan/{toroku.pk}/haishi/", {}).status_code == 404
    assert samukawa.post(f"/juminkiroku/inkan/{toroku.pk}/shomei/", {}).status_code == 404
    r = samukawa.post("/juminkiroku/inkan/", {"atena_no": head.atena_no})
    assert "見つかりません" in r.content.decode()
    r = client.post(f"/juminkiroku/inkan/{toroku.pk}/haishi/", {"reason": "本人の届出"})
    assert r.status_code == 200
    in_town(alpha)
    toroku.refresh_from_db()
    assert toroku.status == InkanStatus.HAISHI and toroku.ended_reason == "本人の届出"


def test_inkan_viewer_may_look_but_not_register(yamada, login, alpha):
    head, *_ = yamada
    in_town(alpha)
    toroku = inkan_register(
        atena_id=head.pk,
        image_png=png_bytes(),
        actor=actor_for("hayama-clerk"),
        toroku_date=timezone.localdate(),
    )
    viewer = login("hayama-viewer", ALPHA_HOST)
    listing = viewer.post("/juminkiroku/inkan/", {"atena_no": head.atena_no}).content.decode()
    assert toroku.card_no in listing and "廃止</button>" not in listing
    assert viewer.post(f"/juminkiroku/inkan/{toroku.pk}/haishi/", {}).status_code == 403


# --- API ----------------------------------------------------------------------------


def api_body(atena_ids, **extra):
    body = {"kind": "juminhyo", "layout": "kojin", "atena_ids": atena_ids, "seikyusha": "honnin"}
    body.update(extra)
    return body


def test_api_issue_returns_the_pdf_and_history_lists_it(yamada, login, alpha):
    head, wife, _ = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/api/v1/juminkiroku/certificates/",
        api_body([head.pk, wife.pk], items={"honseki": True}, copies=2),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    hakko_no = r["X-Hakko-No"]
    pages = pdf_pages(r.content)
    assert len(pages) == 4 and "本籍" in pages[0]
    history = client.get("/api/v1/juminkiroku/certificates/history/").json()
    assert history["count"] == 1
    row = history["results"][0]
    assert row["hakko_no"] == hakko_no and row["copies"] == 2 and row["pages"] == 2
    assert row["atena_ids"] == [head.pk, wife.pk]
    assert "山田" not in str(history)
    r = client.post(
        f"/api/v1/juminkiroku/certificates/{row['id']}/void/",
        {"reason": "交付誤り"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["voided_by"] == "hayama-clerk"
    bad = client.post(
        "/api/v1/juminkiroku/certificates/",
        api_body([head.pk], seikyusha="daisansha", items={"kojin_bango": True}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "個人番号" in bad.json()["detail"]


def test_api_warnings_need_confirmation(yamada, login, alpha):
    _, wife, _ = yamada
    in_town(alpha)
    today = timezone.localdate()
    ShienSochi.objects.create(
        atena=wife,
        start_date=today,
        end_date=today + timedelta(days=364),
        moshide_date=today,
        created_by="test",
    )
    client = login("hayama-clerk", ALPHA_HOST)
    url = "/api/v1/juminkiroku/certificates/"
    r = client.post(url, api_body([wife.pk]), content_type="application/json")
    assert r.status_code == 409 and r["X-Shomei-Warnings"] == "shien_sochi"
    r = client.post(
        url, api_body([wife.pk], seikyusha="daisansha"), content_type="application/json"
    )
    assert r.status_code == 422 and "第三者" in r.json()["detail"]
    r = client.post(
        url, api_body([wife.pk], confirm_warnings=True), content_type="application/json"
    )
    assert r.status_code == 200 and r["X-Shomei-Warnings"] == "shien_sochi"


def test_api_two_towns_and_scopes(yamada, login, alpha, beta):
    head, *_ = yamada
    samukawa = login("samukawa-clerk", BETA_HOST)
    r = samukawa.post(
        "/api/v1/juminkiroku/certificates/", api_body([head.pk]), content_type="application/json"
    )
    assert r.status_code == 404
    r = samukawa.post(
        "/api/v1/juminkiroku/certificates/",
        {"kind": "juminhyo", "layout": "renki", "setai_id": head.setai_id, "seikyusha": "honnin"},
        content_type="application/json",
    )
    assert r.status_code == 404
    _, read_key = apiclient_create(
        municipality=alpha.municipality, name="閲覧連携", scopes=["juminkiroku:read"]
    )
    _, write_key = apiclient_create(
        municipality=alpha.municipality, name="証明書コンビニ交付", scopes=["juminkiroku:write"]
    )
    _, beta_key = apiclient_create(
        municipality=beta.municipality, name="寒川連携", scopes=["juminkiroku:write"]
    )
    reader = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {read_key}")
    writer = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {write_key}")
    other = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {beta_key}")
    url = "/api/v1/juminkiroku/certificates/"
    assert reader.post(url, api_body([head.pk]), content_type="application/json").status_code == 403
    assert reader.get(url + "history/").status_code == 200
    assert other.post(url, api_body([head.pk]), content_type="application/json").status_code == 401
    r = writer.post(url, api_body([head.pk]), content_type="application/json")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # 印鑑登録証明書 needs the inkan_toroku scope too
    r = writer.post(
        url,
        {"kind": "inkan", "atena_ids": [head.pk], "seikyusha": "honnin"},
        content_type="application/json",
    )
    assert r.status_code == 403
    in_town(alpha)
    kofu = ShomeiKofu.objects.get()
    assert kofu.issued_by == "api:証明書コンビニ交付"
    in_town(beta)
    assert ShomeiKofu.objects.count() == 0


def _real_queries(client, url):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]


def test_history_query_count_is_pinned(yamada, login, alpha):
    head, wife, child = yamada
    client = login("hayama-clerk", ALPHA_HOST)
    url = "/api/v1/juminkiroku/certificates/"
    client.post(url, api_body([head.pk]), content_type="application/json")
    one = _real_queries(client, url + "history/")
    for person in (wife, child, head):
        client.post(url, api_body([person.pk]), content_type="application/json")
    many = _real_queries(client, url + "history/")
    assert len(one) == len(many)
