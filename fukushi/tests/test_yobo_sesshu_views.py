"""健康管理（予防接種） screens: the grant wall (a clerk without it learns nothing: no list,
no count, 404 on a person, the CSV and the PDF), the purpose on every access-log row,
recording a dose with a refused one's Japanese message, the list with 和暦 and paging, the
CSV through the platform's writer, the 予診票 PDF read back, and two towns."""

from __future__ import annotations

import pytest

from fukushi.models import YoboSesshu
from fukushi.tests.test_yobo_sesshu_services import family
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash

pytestmark = pytest.mark.django_db

BASE = "/fukushi/kenko-kanri"
QUERY = {"mokuteki": "未接種者への勧奨", "kijunbi": "令和7年4月1日", "vaccine": "", "status": ""}


def test_a_clerk_without_the_grant_learns_nothing(alpha, login):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    connection.set_schema_to_public()
    for who in ("hayama-clerk", "hayama-viewer"):
        c = login(who, alpha.host)
        top = c.get(f"{BASE}/")
        assert top.status_code == 200
        html = top.content.decode()
        assert "kenko-taisho" not in html and "件" not in html and "接種　子" not in html
        r = c.post(f"{BASE}/", QUERY)
        assert "接種　子" not in r.content.decode()
        assert c.get(f"{BASE}/?page=1").content.decode().count("kenko-taisho") == 0
        for url in (f"{BASE}/person/{child.pk}/", f"{BASE}/person/{child.pk + 100000}/"):
            assert c.get(url).status_code == 404, (who, url)
        assert c.post(f"{BASE}/taisho.csv").status_code in (403, 404)
        assert c.post(f"{BASE}/yoshinhyo.pdf").status_code in (403, 404)
    connection.set_tenant(alpha.municipality)
    assert (
        not AccessLog.objects.filter(
            record_type="fukushi.YoboSesshu", username__in=["hayama-clerk", "hayama-viewer"]
        )
        .exclude(action="denied")
        .exists()
    )


def test_list_person_csv_and_pdf_with_the_purpose(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    connection.set_tenant(beta.municipality)
    other = family("samukawa", surname="寒川")[1]
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    # the person screen asks for the purpose first
    assert c.get(f"{BASE}/person/{child.pk}/").status_code == 302
    r = c.post(f"{BASE}/", QUERY)
    assert r.status_code == 302
    page = c.get(f"{BASE}/?page=1").content.decode()
    assert "接種　子" in page and "令和7年4月1日現在" in page and "寒川　子" not in page
    assert "令和7年1月10日" in page  # 生年月日 in 和暦
    r = c.post(
        f"{BASE}/person/{child.pk}/",
        {"vaccine": "hib", "dose_no": "1", "sesshu_date": "R7.3.12", "kubun": "teiki"},
    )
    assert r.status_code == 302
    r = c.post(
        f"{BASE}/person/{child.pk}/",
        {"vaccine": "hib", "dose_no": "2", "sesshu_date": "R7.3.20", "kubun": "teiki"},
    )
    assert r.status_code == 200 and "27日に満たない" in r.content.decode()
    html = c.get(f"{BASE}/person/{child.pk}/").content.decode()
    assert "令和7年3月12日" in html and "ヒブ" in html
    csv = c.post(f"{BASE}/taisho.csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("宛名番号,氏名,生年月日")
    assert "接種　子" in text and "寒川　子" not in text
    assert "小児用肺炎球菌" in text and ",ヒブ（Hib感染症）,初回1回目" not in text
    pdf = c.post(f"{BASE}/yoshinhyo.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = [squash(p) for p in pdf_pages(pdf.content)]
    mine = [p for p in pages if squash("接種　子") in p]
    assert mine and all(squash("寒川") not in p for p in pages)
    assert any(squash("予診票") in p and squash("B型肝炎") in p for p in mine)
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(record_type="fukushi.YoboSesshu", username="hayama-shinsa")
    got = {(row.screen, row.action) for row in rows}
    assert {
        ("fukushi.yobo_sesshu_taisho", "search"),
        ("fukushi.yobo_sesshu", "create"),
        ("fukushi.yobo_sesshu_person", "read"),
        ("fukushi.yobo_sesshu_csv", "export"),
        ("fukushi.yobo_sesshu_yoshin_pdf", "print"),
    } <= got
    assert {row.purpose for row in rows} == {"未接種者への勧奨"}
    # one row per answer that showed the person (the refused POST and the GET), not two
    reads = rows.filter(screen="fukushi.yobo_sesshu_person", action="read")
    assert reads.count() == 2 and {r.record_id for r in reads} == {str(child.pk)}
    # 寒川町's 審査者 with the grant there sees only 寒川町
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/", QUERY)
    page = cb.get(f"{BASE}/?page=1").content.decode()
    assert "寒川　子" in page and "接種　子" not in page
    connection.set_tenant(beta.municipality)
    assert YoboSesshu.objects.count() == 0
    assert other.pk


API = "/api/v1/fukushi/kenko-kanri"


def test_api_needs_the_grant_and_the_purpose(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", alpha.host)
    assert clerk.get(f"{API}/persons/{child.pk}/sesshu/", HTTP_X_PURPOSE="x").status_code == 404
    assert clerk.get(f"{API}/taisho/?kijunbi=2025-04-01", HTTP_X_PURPOSE="x").status_code == 404
    c = login("hayama-shinsa", alpha.host)
    assert c.get(f"{API}/taisho/?kijunbi=2025-04-01").status_code == 400
    r = c.get(f"{API}/taisho/?kijunbi=2025-04-01&vaccine=bcg", HTTP_X_PURPOSE="勧奨の準備")
    assert r.status_code == 200
    body = r.json()
    assert child.pk in {row["atena_id"] for row in body["rows"]}
    assert {row["vaccine"] for row in body["rows"]} == {"bcg"}
    r = c.get(f"{API}/persons/{child.pk}/sesshu/", HTTP_X_PURPOSE="接種歴の照会")
    assert r.status_code == 200 and r.json() == {"kiroku": []}
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(record_type="fukushi.YoboSesshu", username="hayama-shinsa")
    assert {(row.screen, row.purpose) for row in rows} == {
        ("api.fukushi.yobo_sesshu_taisho", "勧奨の準備"),
        ("api.fukushi.yobo_sesshu", "接種歴の照会"),
    }
    # 寒川町's 審査者 does not list 葉山町's child
    connection.set_schema_to_public()
    cb = login("samukawa-shinsa", beta.host)
    r = cb.get(f"{API}/taisho/?kijunbi=2025-04-01&vaccine=bcg", HTTP_X_PURPOSE="確認")
    assert r.status_code == 200
    connection.set_tenant(beta.municipality)
    from juminkiroku.public import person_identities

    theirs = person_identities(row["atena_id"] for row in r.json()["rows"])
    assert all(p.shimei != "接種　子" for p in theirs.values())
