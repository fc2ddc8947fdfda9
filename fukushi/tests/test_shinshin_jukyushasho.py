"""心身障害者医療 受給者証: the detail screen and API behind the grant with the purpose on
every access-log row, and the card printed on the shared print path (one card per page,
受給者番号, 氏名, 生年月日 in 和暦, 有効期間, the kind of 手帳 but not its 等級), read back as
text; two towns. The criteria are test inputs (fukushi/tests/test_shinshin.py)."""

from __future__ import annotations

import pytest

from fukushi.models import TechoKind
from fukushi.services.shinshin import shinshin_kofu
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, criteria, person, techo
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

BASE = "/fukushi/shinshin-shogaisha-iryo"
API = "/api/v1/fukushi/shogaisha-fukushi/shinshin"


def test_detail_api_and_card_behind_the_grant(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    a = person("hayama", birth="1970-06-01", shimei="証書　一郎")
    techo(a.pk, TechoKind.SHINTAI, "1")
    kazei(a.pk, 2025, sonota=0)
    j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    b = person("samukawa", shimei="寒川　花子")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=AUG, actor=ACTOR)
    connection.set_schema_to_public()

    # without the grant: 404 on the screen, the card and the API, existing or not
    c = login("hayama-clerk", alpha.host)
    for url in (f"{BASE}/{j.pk}/", f"{BASE}/{j.pk}/jukyushasho.pdf", f"{BASE}/{j.pk}/mokuteki/"):
        assert c.get(url).status_code == 404
    assert c.get(f"{API}/{j.pk}/", HTTP_X_PURPOSE="確認").status_code == 404

    s = login("hayama-shinsa", alpha.host)
    # no purpose yet: the detail asks for one first
    r = s.get(f"{BASE}/{j.pk}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/{j.pk}/mokuteki/")
    r = s.post(f"{BASE}/{j.pk}/mokuteki/", {"mokuteki": "受給者証の再印刷"})
    assert r.status_code == 302
    html = s.get(f"{BASE}/{j.pk}/").content.decode()
    assert "証書　一郎" in html and "昭和45年6月1日" in html
    assert "令和7年8月1日から令和8年7月31日まで" in html and "身体障害者手帳 1級" in html

    pdf = s.get(f"{BASE}/{j.pk}/jukyushasho.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = pdf_pages(pdf.content)
    assert len(pages) == 1
    page = pages[0]
    for text in (
        "心身障害者医療費助成受給者証",
        j.jukyusha_bango,
        "証書一郎",
        "昭和45年6月1日",
        "令和7年8月1日から令和8年7月31日まで",
        "身体障害者手帳",
    ):
        assert text in page, text
    assert "1級" not in page and "心臓" not in page  # the 等級 and 部位 stay off the card

    # the API: the purpose header is required; the other town's id is not found
    assert s.get(f"{API}/{j.pk}/").status_code == 400
    r = s.get(f"{API}/{j.pk}/", HTTP_X_PURPOSE="医療機関からの照会")
    assert r.status_code == 200
    body = r.json()
    assert body["jukyusha_bango"] == j.jukyusha_bango and body["jotai"] == "有効"
    assert body["yuko_kikan"] == "令和7年8月1日から令和8年7月31日まで"
    assert s.get(f"{API}/{jb.pk + 1000}/", HTTP_X_PURPOSE="x").status_code == 404

    # 寒川町's 審査者 cannot reach 葉山町's 受給者 (ids overlap: each town its own rows)
    sb = login("samukawa-shinsa", beta.host)
    sb.post(f"{BASE}/{jb.pk}/mokuteki/", {"mokuteki": "確認"})
    html_b = sb.get(f"{BASE}/{jb.pk}/").content.decode()
    assert "寒川　花子" in html_b and "証書　一郎" not in html_b
    pdf_b = pdf_pages(sb.get(f"{BASE}/{jb.pk}/jukyushasho.pdf").content)[0]
    assert "寒川花子" in pdf_b and "証書一郎" not in pdf_b

    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        record_type="fukushi.ShinshinJukyusha", username="hayama-shinsa"
    ).order_by("pk")
    assert [(x.screen, x.action, x.purpose) for x in rows] == [
        ("fukushi.shinshin_detail", "read", "受給者証の再印刷"),
        ("fukushi.shinshin_pdf", "print", "受給者証の再印刷"),
        ("api.fukushi.shinshin_jukyusha", "read", "医療機関からの照会"),
    ]
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(username="hayama-shinsa").exists()
