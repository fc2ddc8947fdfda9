"""健康管理（健診） screens: the grant wall (a clerk without it learns nothing: no list, no
count, 404 on a person, the CSV and the PDF), the purpose on every access-log row, recording
a 受診 with a refused one's Japanese message, the 精密検査 follow-up, the list with 和暦 and
paging, the CSV through the platform's writer, the 受診券 PDF read back, and two towns.

Ages: fukushi/params/kenshin.yaml (がん予防重点健康教育及びがん検診実施のための指針 第3 2 (3))."""

from __future__ import annotations

import pytest

from fukushi.models import KenshinJushin
from fukushi.tests.test_kenshin_services import couple
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash

pytestmark = pytest.mark.django_db

BASE = "/fukushi/kenko-kanri/kenshin"
QUERY = {"mokuteki": "未受診者への受診勧奨", "kijunbi": "令和7年6月1日", "kenshin": ""}


def test_a_clerk_without_the_grant_learns_nothing(alpha, login, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _ = couple("hayama", django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        top = c.get(f"{BASE}/")
        assert top.status_code == 200
        html = top.content.decode()
        assert "kenshin-taisho" not in html and "件" not in html and "検診　夫" not in html
        r = c.post(f"{BASE}/", QUERY)
        assert "検診　夫" not in r.content.decode()
        assert "kenshin-taisho" not in c.get(f"{BASE}/?page=1").content.decode()
        for url in (f"{BASE}/person/{husband.pk}/", f"{BASE}/person/{husband.pk + 100000}/"):
            assert c.get(url).status_code == 404, (who, url)
        assert c.post(f"{BASE}/taisho.csv").status_code in (403, 404)
        assert c.post(f"{BASE}/jushinken.pdf").status_code in (403, 404)
    connection.set_tenant(alpha.municipality)
    assert (
        not AccessLog.objects.filter(
            record_type="fukushi.KenshinJushin", username__in=["hayama-clerk", "hayama-viewer"]
        )
        .exclude(action="denied")
        .exists()
    )


def test_list_person_csv_and_pdf_with_the_purpose(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    husband, wife = couple("hayama", django_capture_on_commit_callbacks)
    connection.set_tenant(beta.municipality)
    couple("samukawa", django_capture_on_commit_callbacks, surname="寒川")
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    assert c.get(f"{BASE}/person/{husband.pk}/").status_code == 302  # purpose first
    assert c.post(f"{BASE}/", QUERY).status_code == 302
    page = c.get(f"{BASE}/?page=1").content.decode()
    assert "検診　夫" in page and "令和7年度の対象者" in page and "寒川　夫" not in page
    assert "昭和55年6月1日" in page and "乳がん検診" in page  # 和暦, words not codes
    r = c.post(
        f"{BASE}/person/{husband.pk}/",
        {"kenshin_method": "i:naishikyo", "jushin_date": "R7.6.10", "kekka": "ijo_nashi"},
    )
    assert r.status_code == 200
    assert "胃内視鏡検査の対象ではありません" in r.content.decode()
    r = c.post(
        f"{BASE}/person/{husband.pk}/",
        {"kenshin_method": "daicho:bensenketsu", "jushin_date": "R7.6.10", "kekka": "yo_seimitsu"},
    )
    assert r.status_code == 302
    row = _only_row(alpha)
    connection.set_schema_to_public()
    r = c.post(
        f"{BASE}/kiroku/{row.pk}/seimitsu/",
        {"seimitsu_date": "R7.7.15", "seimitsu_kekka": "gan_igai", "seimitsu_kikan": "葉山病院"},
    )
    assert r.status_code == 302
    html = c.get(f"{BASE}/person/{husband.pk}/").content.decode()
    assert "令和7年6月10日" in html and "要精密検査" in html and "がん以外の疾患" in html
    assert "大腸がん検診" in html and "便潜血検査" in html
    # 未受診者 only: the husband's 大腸がん is done
    c.post(f"{BASE}/", {**QUERY, "kenshin": "daicho", "mijushin": "on"})
    page = c.get(f"{BASE}/?page=1").content.decode()
    assert "検診　妻" in page and "検診　夫" not in page
    csv = c.post(f"{BASE}/taisho.csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("宛名番号,氏名,生年月日,年齢（年度末）")
    assert "検診　妻" in text and "寒川" not in text and "大腸がん検診" in text
    pdf = c.post(f"{BASE}/jushinken.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = [squash(p) for p in pdf_pages(pdf.content)]
    assert pages and all(squash("寒川") not in p for p in pages)
    assert any(squash("検診　妻") in p and squash("大腸がん検診受診券") in p for p in pages)
    assert all(squash("検診　夫") not in p for p in pages)
    connection.set_tenant(alpha.municipality)
    logs = AccessLog.objects.filter(record_type="fukushi.KenshinJushin", username="hayama-shinsa")
    got = {(x.screen, x.action) for x in logs}
    assert {
        ("fukushi.kenshin_taisho", "search"),
        ("fukushi.kenshin", "create"),
        ("fukushi.kenshin", "update"),
        ("fukushi.kenshin_person", "read"),
        ("fukushi.kenshin_csv", "export"),
        ("fukushi.kenshin_jushinken_pdf", "print"),
    } <= got
    assert {x.purpose for x in logs} == {"未受診者への受診勧奨"}
    # 寒川町's 審査者 sees only 寒川町
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/", QUERY)
    page = cb.get(f"{BASE}/?page=1").content.decode()
    assert "寒川　夫" in page and "検診　夫" not in page
    assert cb.get(f"{BASE}/person/{husband.pk}/").status_code == 404
    connection.set_tenant(beta.municipality)
    assert KenshinJushin.objects.count() == 0
    assert wife.pk


def _only_row(town):
    connection.set_tenant(town.municipality)
    return KenshinJushin.objects.get()
