"""利用者負担の上限額管理 screens (fukushi/views/jogen_kanri.py, SG-83・SG-86): behind the
decision's wall (the grant, the purpose), the 上限額管理事業所 entered and shown on the screen and
on the 通所受給者証, a month entered → the result in words with 和暦, the 上限額管理結果票 PDF read
back, the CSV import from the screen, every read logged with its purpose, and the other town
sees none of it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fukushi.models import JogenKanriKekka
from fukushi.services.jiritsu import jiritsu_shinsei
from fukushi.tests.test_jiritsu_services import WARI_159999, person
from fukushi.tests.test_jiritsu_services import kettei as jiritsu_kettei
from fukushi.tests.test_jogen_kanri_services import A, B, C, _child, _csv
from fukushi.tests.test_tsusho_services import ACTOR, WARI_280000
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jido-tsusho"


def test_jogen_kanri_screens_pdf_import_and_wall(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    k = _child("hayama")
    k2 = _child("hayama", wari=WARI_280000, shimei="一般二")
    connection.set_tenant(beta.municipality)
    _child("samukawa", shimei="寒川")
    connection.set_schema_to_public()
    url = f"{BASE}/{k.pk}/jogen-kanri/"

    s = login("hayama-shinsa", alpha.host)
    assert s.get(url).status_code == 302  # the purpose first
    s.post(f"{BASE}/{k.pk}/mokuteki/", {"mokuteki": "上限額管理の登録"})
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    assert f'href="{url}"' in html
    html = s.get(url).content.decode()
    for t in ("利用者負担の上限額管理（障害児通所支援）", "上限　父", "上限　子0", "4,600円",
              "令和7年8月1日から令和8年7月31日まで", "登録されていません。"):  # fmt: skip
        assert t in html, t
    # refused: Japanese, nothing written
    r = s.post(f"{url}jigyosho/", {"kaishi": "令和7年8月1日", "jigyosho_bango": "14100",
                                   "jigyosho_mei": "はやまキッズ"}, follow=True)  # fmt: skip
    assert "事業所番号は10桁の数字にしてください。" in r.content.decode()
    r = s.post(f"{url}jigyosho/", {"kaishi": "令和7年8月1日", "jigyosho_bango": A,
                                   "jigyosho_mei": "はやま\x01"})  # fmt: skip
    assert r.status_code == 400  # a control character: refused by the platform
    r = s.post(f"{url}getsugaku/", {"teikyo": "令和7年8月1日", "bango_0": A, "mei_0": "はやま",
                                    "sohiyo_0": "30000"}, follow=True)  # fmt: skip
    assert "令和7年8月の上限額管理事業所が登録されていません。" in r.content.decode()
    s.post(f"{url}jigyosho/", {"kaishi": "令和7年8月1日", "jigyosho_bango": A,
                               "jigyosho_mei": "はやまキッズ"})  # fmt: skip
    month = {"teikyo": "令和7年8月20日", "bango_0": A, "mei_0": "はやまキッズ", "sohiyo_0": "30000",
             "bango_1": B, "mei_1": "みどり療育", "sohiyo_1": "40000", "futan_1": "4000",
             "bango_2": C, "mei_2": "さくら", "sohiyo_2": "10000"}  # fmt: skip
    r = s.post(f"{url}getsugaku/", month)
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    kekka = JogenKanriKekka.objects.get()
    connection.set_schema_to_public()
    assert r["Location"].endswith(f"{url}{kekka.pk}/")
    html = s.get(f"{url}{kekka.pk}/").content.decode()
    for t in ("上限額管理結果（令和7年8月）",
              "3：利用者負担額の合算額が負担上限月額を超過するため、調整した",
              "はやまキッズ（管理事業所）", "30,000円", "3,000円", "4,000円", "1,600円", "0円",
              "負担上限月額 4,600円", 'target="_blank" rel="noopener"'):  # fmt: skip
        assert t in html, t
    html = s.get(url).content.decode()
    assert "令和7年8月" in html and "はやまキッズ（事業所番号 1410000001）" in html

    pdf = s.get(f"{url}{kekka.pk}/kekkahyo.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(pdf.content)
    text = squash(page)
    for t in ("利用者負担上限額管理結果票", "障害児通所支援", "令和7年8月", k.jukyusha_bango,
              "上限父", "上限子0", "4,600円", "はやまキッズ（事業所番号1410000001）",
              "3利用者負担額の合算額が負担上限月額を超過するため、調整した",
              "みどり療育", "40,000円", "4,000円", "1,600円", "80,000円", "8,000円",
              "葉山町長"):  # fmt: skip
        assert squash(t) in text, t
    # the 通所受給者証 prints the 上限額管理事業所
    text = squash(pdf_pages(s.get(f"{BASE}/{k.pk}/jukyushasho.pdf").content)[0])
    assert squash("上限額管理事業所はやまキッズ（事業所番号1410000001）令和7年8月から") in text

    # the import from the screen (k2 has no 管理事業所: refused by line, nothing written)
    t_url = f"{BASE}/jogen-kanri/torikomi/"
    assert "受給者証番号,サービス提供年月,事業所番号" in s.get(t_url).content.decode()
    b2 = k2.jukyusha_bango
    data = _csv(f"{b2},202509,{A},はやまキッズ,400000,", f"{b2},202509,{B},みどり,100000,")
    up = SimpleUploadedFile("jogen.csv", data, content_type="text/csv")
    r = s.post(t_url, {"file": up})
    assert "2・3行目：令和7年9月の上限額管理事業所が登録されていません。" in r.content.decode()
    s.post(f"{BASE}/{k2.pk}/mokuteki/", {"mokuteki": "上限額管理の登録"})
    s.post(f"{BASE}/{k2.pk}/jogen-kanri/jigyosho/", {"kaishi": "令和7年9月1日",
           "jigyosho_bango": A, "jigyosho_mei": "はやまキッズ"})  # fmt: skip
    up = SimpleUploadedFile("jogen.csv", data, content_type="text/csv")
    html = s.post(t_url, {"file": up}).content.decode()
    assert "上限額管理結果を1件作成しました。" in html and b2 in html
    assert "管理事業所で利用者負担額を充当したため" in html

    # without the grant: 404 everywhere; the other town: 404
    c = login("hayama-clerk", alpha.host)
    for u in (url, f"{url}{kekka.pk}/", f"{url}{kekka.pk}/kekkahyo.pdf", t_url):
        assert c.get(u).status_code == 404, u
    assert c.post(f"{url}getsugaku/", month).status_code == 404
    sb = login("samukawa-shinsa", beta.host)
    sb.post(f"{BASE}/{k.pk}/mokuteki/", {"mokuteki": "確認"})
    for u in (f"{url}{kekka.pk}/", f"{url}{kekka.pk}/kekkahyo.pdf"):
        assert sb.get(u).status_code == 404, u
    connection.set_tenant(beta.municipality)
    assert not JogenKanriKekka.objects.exists()
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(username="hayama-shinsa")
    got = {(x.screen, x.purpose) for x in rows}
    assert ("fukushi.tsusho_jogen_kanri", "上限額管理の登録") in got
    assert ("fukushi.tsusho_jogen_kekka", "上限額管理の登録") in got
    assert ("fukushi.tsusho_jogen_pdf", "上限額管理の登録") in got
    assert rows.filter(record_type="fukushi.JogenKanriKekka", action="create").count() == 2


def test_jiritsu_jogen_kanri_screen_and_jukyushasho(alpha, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="自立　上限")
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    k = jiritsu_kettei(
        jiritsu_shinsei(atena_id=a.pk, shinsei_date=date(2025, 6, 10), haigusha_atena_id=None,
                        actor=ACTOR),
        {"shuro_keizoku_b": 20},
    )  # fmt: skip
    connection.set_schema_to_public()
    base = f"/fukushi/jiritsu-shien/{k.pk}"
    s = login("hayama-shinsa", alpha.host)
    assert s.get(f"{base}/jogen-kanri/").status_code == 302  # the purpose first
    s.post(f"{base}/mokuteki/", {"mokuteki": "上限額管理"})
    html = s.get(f"{base}/jogen-kanri/").content.decode()
    assert "利用者負担の上限額管理（障害福祉サービス）" in html and "9,300円" in html
    s.post(f"{base}/jogen-kanri/jigyosho/", {"kaishi": "令和7年8月1日", "jigyosho_bango": A,
                                             "jigyosho_mei": "はやま作業所"})  # fmt: skip
    r = s.post(f"{base}/jogen-kanri/getsugaku/", {
        "teikyo": "令和7年8月1日", "bango_0": A, "mei_0": "はやま作業所", "sohiyo_0": "80000",
        "bango_1": B, "mei_1": "みどり", "sohiyo_1": "20000"}, follow=True)  # fmt: skip
    html = r.content.decode()
    assert "3：利用者負担額の合算額が負担上限月額を超過するため、調整した" in html
    assert "8,000円" in html and "1,300円" in html
    text = squash(pdf_pages(s.get(f"{base}/jukyushasho.pdf").content)[0])
    assert squash("上限額管理事業所はやま作業所（事業所番号1410000001）令和7年8月から") in text
