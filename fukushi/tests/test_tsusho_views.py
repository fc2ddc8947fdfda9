"""障害児通所支援 screens behind the grant (fukushi/views/tsusho.py): a clerk without
``shogai_techo`` gets 404 on every record and the PDF and no search or count; the 審査者
receives the 保護者's 申請, decides the 支給量 with the 負担上限月額, its figures and the 無償化
period shown, prints the 通所受給者証 (read back as text); refused input shows Japanese and
writes nothing; each read logged with its purpose; the other town sees none of it."""

from __future__ import annotations

import pytest

from fukushi.models import TsushoKettei
from fukushi.tests.test_tsusho_services import WARI_39999, WARI_240000, family
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jido-tsusho"


def test_tsusho_screens_pdf_and_wall(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    father, mother, child = family("hayama", "2021-04-01")
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, shotokuwari=WARI_39999)
    connection.set_tenant(beta.municipality)
    family("samukawa", "2021-04-01", shimei="寒川")
    connection.set_schema_to_public()

    c = login("hayama-clerk", alpha.host)  # 業務 role, no grant
    top = c.get(f"{BASE}/")
    assert top.status_code == 200 and "操作権限が必要です" in top.content.decode()
    assert "検索する" not in top.content.decode()
    assert c.get(f"{BASE}/shinsei/").status_code == 404

    s = login("hayama-shinsa", alpha.host)
    assert "障害児通所支援の支給申請の受付" in s.get(f"{BASE}/shinsei/").content.decode()
    # refused input: Japanese, nothing written
    r = s.post(f"{BASE}/shinsei/", {"atena_no": child.atena_no, "hogosha_atena_no": "999999999999",
                                    "shinsei_date": "令和7年7月1日"})  # fmt: skip
    assert "この宛名番号の人はこの団体にいません。" in r.content.decode()
    r = s.post(f"{BASE}/shinsei/", {"atena_no": father.atena_no,
                                    "hogosha_atena_no": mother.atena_no,
                                    "shinsei_date": "令和7年7月1日"})  # fmt: skip
    assert "18歳以上の方は障害児通所支援の対象ではありません" in r.content.decode()
    r = s.post(f"{BASE}/shinsei/", {"atena_no": child.atena_no, "hogosha_atena_no": father.atena_no,
                                    "shinsei_date": "令和7年7月\x01日"})  # fmt: skip
    assert r.status_code == 400  # a control character: refused by the platform
    connection.set_tenant(alpha.municipality)
    assert not TsushoKettei.objects.exists()
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/shinsei/", {"atena_no": child.atena_no, "hogosha_atena_no": father.atena_no,
                                    "shinsei_date": "令和7年7月1日"})  # fmt: skip
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    k = TsushoKettei.objects.get()
    connection.set_schema_to_public()
    form = {"kettei_date": "令和7年7月20日", "kaishi": "令和7年8月1日", "shuryo": "令和8年7月31日"}
    r = s.post(f"{BASE}/{k.pk}/kettei/", {**form, "svc_jido_hattatsu": "40"}, follow=True)
    assert "この値は 31 以下でなければなりません。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert TsushoKettei.objects.get().jotai == "shinsei"
    connection.set_schema_to_public()
    s.post(f"{BASE}/{k.pk}/kettei/", {**form, "svc_jido_hattatsu": "23"})
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    for text in ("通所　子0", "令和3年4月1日", "通所　父", "令和7年8月1日から令和8年7月31日まで",
                 "4,600円", "一般1（市町村民税課税世帯・所得割28万円未満）",
                 "保護者: 課税（市町村民税所得割 240,000円）", "児童発達支援", "23日/月",
                 "令和6年4月1日から令和9年3月31日まで", 'target="_blank"'):  # fmt: skip
        assert text in html, text
    henko = {"kettei_date": "令和7年9月1日", "svc_jido_hattatsu": "15",
             "svc_hoikusho_homon": "2", "riyu": "保育所への入所"}  # fmt: skip
    s.post(f"{BASE}/{k.pk}/kettei/", henko)
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    assert "児童発達支援 23日/月 → 児童発達支援 15日/月、保育所等訪問支援 2日/月" in html
    assert "保育所への入所" in html and "hayama-shinsa" in html

    pdf = s.get(f"{BASE}/{k.pk}/jukyushasho.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(pdf.content)
    text = squash(page)
    for t in ("通所受給者証", k.jukyusha_bango, "通所子0", "令和3年4月1日", "通所父",
              "令和7年8月1日から令和8年7月31日まで", "4,600円", "児童発達支援", "15日/月",
              "保育所等訪問支援", "2日/月", "令和6年4月1日から令和9年3月31日まで",
              "葉山町長"):  # fmt: skip
        assert squash(t) in text, t

    # without the grant: 404 on the record, its purpose form, the PDF and every write
    for url in (f"{BASE}/{k.pk}/", f"{BASE}/{k.pk}/mokuteki/", f"{BASE}/{k.pk}/jukyushasho.pdf"):
        assert c.get(url).status_code == 404
    assert c.post(f"{BASE}/{k.pk}/ido/", {"ido": "torikeshi"}).status_code == 404
    # the other town's 審査者: 404, nothing found by search
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{BASE}/{k.pk}/").status_code == 404
    assert sb.get(f"{BASE}/{k.pk}/jukyushasho.pdf").status_code == 404
    r = sb.post(f"{BASE}/", {"mokuteki": "確認", "jukyusha_bango": k.jukyusha_bango})
    assert "該当する支給決定はありません。" in r.content.decode()

    # 取消 from the screen; the search logs its purpose; the detail and the PDF log theirs
    s.post(f"{BASE}/{k.pk}/ido/", {"ido": "torikeshi", "jiyu_date": "令和7年10月1日",
                                   "riyu": "転居"})  # fmt: skip
    r = s.post(f"{BASE}/", {"mokuteki": "取消の確認", "atena_no": child.atena_no,
                            "include_closed": "on"})  # fmt: skip
    assert "通所　子0" in r.content.decode() and "取消" in r.content.decode()
    s.get(f"{BASE}/{k.pk}/")
    assert s.get(f"{BASE}/{k.pk}/jukyushasho.pdf").status_code == 404  # no longer in force
    connection.set_tenant(alpha.municipality)
    assert TsushoKettei.objects.get().jotai == "torikeshi"
    rows = AccessLog.objects.filter(
        username="hayama-shinsa", record_type="fukushi.TsushoKettei",
        screen__in=["fukushi.tsusho_top", "fukushi.tsusho_detail", "fukushi.tsusho_pdf"],
    )  # fmt: skip
    purposes = {(x.screen, x.purpose) for x in rows}
    assert ("fukushi.tsusho_top", "取消の確認") in purposes
    assert ("fukushi.tsusho_detail", "取消の確認") in purposes
    assert ("fukushi.tsusho_pdf", "支給申請の受付") in purposes
    connection.set_tenant(beta.municipality)
    assert not TsushoKettei.objects.exists()
