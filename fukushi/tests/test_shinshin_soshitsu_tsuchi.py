"""心身障害者医療: a 見直し that ends a 受給者証 prints its 資格喪失通知書 — one from the
受給者's page, or every one ended in a range from the 見直し screen's list — PDF read back,
behind the 手帳 grant, purpose-logged, two towns. Criteria values are test inputs (as in
test_shinshin.py), not any town's 条例."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ShinshinJotai, TechoKind
from fukushi.printjobs_shinshin import soshitsu_items
from fukushi.services.shinshin import (
    minaoshi_soshitsu_list,
    shinshin_kofu,
    shinshin_minaoshi,
)
from fukushi.services.shogai import techo_tokyu_henko
from fukushi.tests.test_shinshin import ACTOR, AUG, BASE, HAYAMA, SAMUKAWA, criteria, person, techo
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

OCT = date(2025, 10, 1)


def ended_by_minaoshi(town: str, shimei: str, tokyu: str, to: str, day: date = OCT):
    a = person(town, shimei=shimei)
    t = techo(a.pk, TechoKind.SHINTAI, tokyu)
    kazei(a.pk, 2025, sonota=1_000_000)
    j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
    techo_tokyu_henko(pk=t.pk, day=day, tokyu=to, bui=None, riyu="再認定", actor=ACTOR)
    return a, shinshin_minaoshi(pk=j.pk, day=day, actor=ACTOR)


def test_soshitsu_notice_single_and_from_the_list(alpha, beta, login):
    # given 寒川町 (身体 up to 3級): a 3級 holder who became 4級 on 令和7年10月1日
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    _b, jb = ended_by_minaoshi("samukawa", "寒川　喪失", "3", "4")
    # and 葉山町 (身体 up to 2級): two 2級 holders who became 3級 (10月1日, 11月1日), one who
    # still qualifies (1級 → 2級: the 根拠 moves, nothing ends)
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    _a1, j1 = ended_by_minaoshi("hayama", "喪失　一郎", "2", "3")
    _a2, j2 = ended_by_minaoshi("hayama", "喪失　二郎", "2", "3", day=date(2025, 11, 1))
    _a3, j3 = ended_by_minaoshi("hayama", "継続　三郎", "1", "2")
    assert j1.jotai == j2.jotai == ShinshinJotai.SHIKKAKU and j3.jotai == ShinshinJotai.YUKO
    assert [j.pk for j in minaoshi_soshitsu_list(OCT, date(2025, 10, 31))] == [j1.pk]
    assert [j.pk for j in minaoshi_soshitsu_list(OCT, date(2025, 11, 30))] == [j1.pk, j2.pk]
    (item,) = soshitsu_items([j1, j3], tsuchi_date=OCT)  # the one still valid is skipped
    assert item["rows"][2] == ["資格喪失日", "令和7年10月1日"]
    assert item["rows"][4][1] == (
        "根拠の手帳の等級が変わりました（身体障害者手帳 2級 → 身体障害者手帳 3級）。"
        "手帳の等級・程度がこの町の対象（条例）に当たりません。"
    )
    connection.set_schema_to_public()

    s = login("hayama-shinsa", alpha.host)
    # the list (from the 見直し screen), with its purpose
    assert "見直しで資格喪失とした受給者証" in s.get(f"{BASE}/minaoshi/").content.decode()
    form = {"mokuteki": "喪失通知の発送", "kara": "令和7年10月1日", "made": "令和7年11月30日"}
    r = s.post(f"{BASE}/minaoshi/soshitsu/", form)
    assert [x["pk"] for x in r.context_data["results"]] == [j1.pk, j2.pk]
    html = r.content.decode()
    assert "喪失　一郎" in html and "継続　三郎" not in html and 'target="_blank"' in html
    # mass: one page each, read back
    pdf = s.post(f"{BASE}/minaoshi/soshitsu.pdf", form)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    p1, p2 = pdf_pages(pdf.content)
    assert "心身障害者医療費助成資格喪失通知書" in p1 and "喪失一郎様" in p1
    assert "令和7年10月1日に喪失しました" in p1 and "受給者証を返還してください" in p1
    assert "令和7年8月1日から令和7年9月30日まで" in p1 and "審査請求" in p1
    assert "喪失二郎様" in p2 and "令和7年11月1日" in p2
    # single, from the 受給者's page (the purpose the list gave)
    detail = s.get(f"{BASE}/{j1.pk}/").content.decode()
    assert f"{BASE}/{j1.pk}/soshitsu.pdf" in detail
    (one,) = pdf_pages(s.get(f"{BASE}/{j1.pk}/soshitsu.pdf").content)
    assert "喪失一郎様" in one and j1.jukyusha_bango in one
    # a certificate still valid has no such notice
    s.post(f"{BASE}/{j3.pk}/mokuteki/", {"mokuteki": "確認"})
    assert s.get(f"{BASE}/{j3.pk}/soshitsu.pdf").status_code == 404
    # bad input: Japanese message, no PDF
    r = s.post(f"{BASE}/minaoshi/soshitsu.pdf", {**form, "made": "令和7年9月1日"}, follow=True)
    assert not r.content.startswith(b"%PDF")
    assert "資格喪失日の範囲の終わりが始めより前です。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    prints = AccessLog.objects.filter(
        screen="fukushi.shinshin_soshitsu_pdf", username="hayama-shinsa", action="print"
    )
    mass = prints.get(record_count=2)
    assert mass.purpose == "喪失通知の発送" and mass.detail["shinshinjukyusha_ids"] == [
        j1.pk, j2.pk,
    ]  # fmt: skip
    assert prints.filter(record_id=str(j1.pk), purpose="喪失通知の発送").exists()
    assert AccessLog.objects.filter(
        screen="fukushi.shinshin_soshitsu_list", purpose="喪失通知の発送", record_count=2
    ).exists()
    connection.set_schema_to_public()
    # without the grant: 404 everywhere
    clerk = login("hayama-clerk", alpha.host)
    assert clerk.post(f"{BASE}/minaoshi/soshitsu/", form).status_code == 404
    assert clerk.post(f"{BASE}/minaoshi/soshitsu.pdf", form).status_code == 404
    assert clerk.get(f"{BASE}/{j1.pk}/soshitsu.pdf").status_code == 404
    # 寒川町: its own notice only
    sb = login("samukawa-shinsa", beta.host)
    r = sb.post(f"{BASE}/minaoshi/soshitsu/", form)
    assert [x["pk"] for x in r.context_data["results"]] == [jb.pk]
    (bp,) = pdf_pages(sb.post(f"{BASE}/minaoshi/soshitsu.pdf", form).content)
    assert "寒川喪失様" in bp and "喪失一郎" not in bp and "喪失二郎" not in bp
