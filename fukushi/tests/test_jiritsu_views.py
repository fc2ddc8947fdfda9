"""自立支援給付 screens behind the grant (fukushi/views/jiritsu.py): a clerk without
``shogai_techo`` gets 404 on every record, the PDF and the payment file, and no search or count;
the 審査者 receives an 申請, registers the 障害支援区分, decides services with the 負担上限月額
and every figure shown, changes them, prints the 受給者証 (read back as text), receives and
decides a 補装具費 claim, prints its 決定通知書, pays it in a run and downloads the 全銀 file;
refused input shows Japanese and writes nothing; each read logged with its purpose; the other
town sees none of it. The town values are test inputs."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import JiritsuKettei, YoguKyufu, YoguShiharai
from fukushi.tests.test_jiritsu_services import ACTOR, WARI_159999, person
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jiritsu-shien"
IRAININ = {"code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
           "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip
KOZA = {"kinyu_kikan": "0005", "shiten": "001", "yokin_shumoku": "1", "koza_bango": "1234567",
        "meigi_kana": "ｶ)ﾃｽﾄｷﾞｼ"}  # fmt: skip


def test_shikyu_kettei_screens_pdf_and_wall(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="支給　一郎", birth="1970-06-01")
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    connection.set_tenant(beta.municipality)
    person("samukawa", shimei="寒川　太郎")
    connection.set_schema_to_public()

    c = login("hayama-clerk", alpha.host)  # 業務 role, no grant
    top = c.get(f"{BASE}/")
    assert top.status_code == 200 and "操作権限が必要です" in top.content.decode()
    assert "検索する" not in top.content.decode()
    assert c.get(f"{BASE}/shinsei/").status_code == 404

    s = login("hayama-shinsa", alpha.host)
    # refused input: Japanese, nothing written
    r = s.post(f"{BASE}/shinsei/", {"atena_no": "999999999999", "shinsei_date": "令和7年7月1日"})
    assert "この宛名番号の人はこの団体にいません。" in r.content.decode()
    r = s.post(f"{BASE}/shinsei/", {"atena_no": a.atena_no, "shinsei_date": "令和7年7月1日",
                                    "haigusha_atena_no": "888888888888"})  # fmt: skip
    assert "この宛名番号の人はこの団体にいません。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert not JiritsuKettei.objects.exists()
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/shinsei/", {"atena_no": a.atena_no, "shinsei_date": "令和7年7月1日"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    k = JiritsuKettei.objects.get()
    connection.set_schema_to_public()
    s.post(f"{BASE}/{k.pk}/nintei/", {"kubun": "4", "nintei_date": "令和7年7月10日"})
    # 支給量 over the month's days: refused, nothing written
    form = {"kettei_date": "令和7年7月20日", "kaishi": "令和7年8月1日", "shuryo": "令和8年7月31日"}
    r = s.post(f"{BASE}/{k.pk}/kettei/", {**form, "svc_seikatsu_kaigo": "40"}, follow=True)
    assert "生活介護の支給量は1から31までで入力してください。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert JiritsuKettei.objects.get().jotai == "shinsei"
    connection.set_schema_to_public()
    s.post(f"{BASE}/{k.pk}/kettei/",
           {**form, "svc_kyotaku_kaigo": "30", "svc_seikatsu_kaigo": "22"})  # fmt: skip
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    for text in ("支給　一郎", "昭和45年6月1日", "区分4", "令和7年8月1日から令和8年7月31日まで",
                 "9,300円", "一般1（市町村民税課税世帯・所得割16万円未満）",
                 "本人: 課税（市町村民税所得割 159,999円）", "居宅介護", "30時間/月", "22日/月",
                 'target="_blank"'):  # fmt: skip
        assert text in html, text
    # 変更 with its reason: in the history with before → after
    henko = {"kettei_date": "令和7年9月1日", "svc_kyotaku_kaigo": "40",
             "svc_seikatsu_kaigo": "22", "riyu": "介護者の入院"}  # fmt: skip
    s.post(f"{BASE}/{k.pk}/kettei/", henko)
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    assert "居宅介護 30時間/月、生活介護 22日/月 → 居宅介護 40時間/月、生活介護 22日/月" in html
    assert "介護者の入院" in html and "hayama-shinsa" in html

    pdf = s.get(f"{BASE}/{k.pk}/jukyushasho.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(pdf.content)
    text = squash(page)
    for t in ("障害福祉サービス受給者証", k.jukyusha_bango, "支給一郎", "昭和45年6月1日", "区分4",
              "令和7年8月1日から令和8年7月31日まで", "9,300円", "居宅介護", "40時間/月",
              "生活介護", "22日/月", "葉山町長"):  # fmt: skip
        assert squash(t) in text, t

    # without the grant: 404 on the record, its purpose form, the PDF and every write
    for url in (f"{BASE}/{k.pk}/", f"{BASE}/{k.pk}/mokuteki/", f"{BASE}/{k.pk}/jukyushasho.pdf"):
        assert c.get(url).status_code == 404
    assert c.post(f"{BASE}/{k.pk}/ido/", {"ido": "torikeshi"}).status_code == 404
    # the other town's 審査者: 404 (no such record there), nothing found by search
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{BASE}/{k.pk}/").status_code == 404
    assert sb.get(f"{BASE}/{k.pk}/jukyushasho.pdf").status_code == 404
    r = sb.post(f"{BASE}/", {"mokuteki": "確認", "jukyusha_bango": k.jukyusha_bango})
    assert "該当する支給決定はありません。" in r.content.decode()

    # the read-only API: the grant and a purpose, else 404 / 400; the other town 404
    api = f"/api/v1/fukushi/shogaisha-fukushi/jiritsu/{k.pk}/"
    assert c.get(api, HTTP_X_PURPOSE="確認").status_code == 404
    assert sb.get(api, HTTP_X_PURPOSE="確認").status_code == 404
    assert s.get(api).status_code == 400
    body = s.get(api, HTTP_X_PURPOSE="受給者証の確認").json()
    assert (body["shien_kubun"], body["futan_jogen"], body["futan_kubun"]) == (
        "区分4", 9300, "一般1（市町村民税課税世帯・所得割16万円未満）",
    )  # fmt: skip
    assert body["services"][0] == {"service": "居宅介護", "shikyu_ryo": 40, "tani": "時間/月"}
    assert [r["riyu"] for r in body["rireki"]][-1] == "介護者の入院"

    # the search logs its purpose; the detail and the PDF log the purpose given
    r = s.post(f"{BASE}/", {"mokuteki": "更新の案内", "atena_no": a.atena_no})
    assert "支給　一郎" in r.content.decode()
    s.get(f"{BASE}/{k.pk}/")
    connection.set_tenant(alpha.municipality)
    rows = AccessLog.objects.filter(
        username="hayama-shinsa", record_type="fukushi.JiritsuKettei",
        screen__in=["fukushi.jiritsu_top", "fukushi.jiritsu_detail", "fukushi.jiritsu_pdf"],
    )  # fmt: skip
    purposes = {(x.screen, x.purpose) for x in rows}
    assert ("fukushi.jiritsu_top", "更新の案内") in purposes
    assert ("fukushi.jiritsu_detail", "更新の案内") in purposes
    assert ("fukushi.jiritsu_pdf", "支給申請の受付") in purposes
    assert AccessLog.objects.filter(
        username="hayama-shinsa", screen="api.fukushi.jiritsu_kettei", purpose="受給者証の確認",
        record_id=str(k.pk),
    ).exists()  # fmt: skip


def test_yogu_screens_tsuchi_payment_and_wall(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    a = person("hayama", shimei="用具　花子", birth="1960-02-03")
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    connection.set_tenant(beta.municipality)
    municipal_parameter_set(
        key="fukushi.jiritsu.nichijo_yogu", fiscal_year=2025, value_text="特殊寝台=154000",
        reason="要綱（試験）", actor=ACTOR,
    )  # fmt: skip
    connection.set_schema_to_public()

    s = login("hayama-shinsa", alpha.host)
    claim = {"atena_no": a.atena_no, "kind": "hosogu", "hinmoku": "車椅子（普通型）",
             "shinsei_date": "令和7年8月1日", "gyosha": "株式会社テスト義肢",
             "kakaku": "120000", "hoho": "dairi", **KOZA}  # fmt: skip
    r = s.post(f"{BASE}/yogu/shinsei/", claim)  # no 基準額: refused, nothing written
    assert "補装具の基準額（告示の額）を入力してください。" in r.content.decode()
    # 葉山町 has no 日常生活用具 要綱 set: refused in words (寒川町's list is not 葉山町's)
    r = s.post(f"{BASE}/yogu/shinsei/", {**claim, "kind": "nichijo", "hinmoku": "特殊寝台"})
    assert "fukushi.jiritsu.nichijo_yogu" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert not YoguKyufu.objects.exists()
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/yogu/shinsei/", {**claim, "kijun_gaku": "100000"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    y = YoguKyufu.objects.get()
    connection.set_schema_to_public()
    assert s.get(f"{BASE}/yogu/{y.pk}/tsuchi.pdf").status_code == 404  # not decided yet
    s.post(f"{BASE}/yogu/{y.pk}/kettei/", {"kekka": "shikyu", "kettei_date": "令和7年8月5日"})
    html = s.get(f"{BASE}/yogu/{y.pk}/").content.decode()
    for t in ("100,000円", "10,000円", "90,000円", "37,200円", "一般（市町村民税課税世帯）",
              "本人: 課税（市町村民税所得割 159,999円）"):  # fmt: skip
        assert t in html, t
    (page,) = pdf_pages(s.get(f"{BASE}/yogu/{y.pk}/tsuchi.pdf").content)
    text = squash(page)
    for t in ("補装具費支給決定通知書", "用具花子", "車椅子（普通型）", "基準額", "100,000円",
              "利用者負担額", "10,000円", "給付額", "90,000円", "代理受領",
              "行政不服審査法第18条第1項", "葉山町長"):  # fmt: skip
        assert squash(t) in text, t

    c = login("hayama-clerk", alpha.host)
    for url in (f"{BASE}/yogu/{y.pk}/", f"{BASE}/yogu/{y.pk}/tsuchi.pdf", f"{BASE}/yogu/shiharai/"):
        assert c.get(url).status_code == 404
    assert "検索する" not in c.get(f"{BASE}/yogu/").content.decode()

    r = s.post(f"{BASE}/yogu/shiharai/", {"shiharai_date": "令和7年9月10日", **IRAININ})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    run = YoguShiharai.objects.get()
    assert (run.kensu, run.gokei) == (1, 90_000)
    connection.set_schema_to_public()
    records = zengin.read_sogo_furikomi(
        s.get(f"{BASE}/yogu/shiharai/{run.pk}/furikomi.txt").content
    )
    data = [x for x in records if x.kind == "data"]
    assert len(data) == 1 and data[0].fields["amount"] == 90_000
    assert c.get(f"{BASE}/yogu/shiharai/{run.pk}/furikomi.txt").status_code == 404

    # the search (purpose first) finds it here, nothing in 寒川町
    r = s.post(f"{BASE}/yogu/", {"mokuteki": "支払の確認", "atena_no": a.atena_no})
    assert "車椅子（普通型）" in r.content.decode() and "支払済" in r.content.decode()
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{BASE}/yogu/{y.pk}/").status_code == 404
    r = sb.post(f"{BASE}/yogu/", {"mokuteki": "確認"})
    assert "該当する給付はありません。" in r.content.decode()
    assert sb.get(f"{BASE}/yogu/shiharai/{run.pk}/furikomi.txt").status_code == 404
    assert "90,000円" not in sb.get(f"{BASE}/yogu/shiharai/").content.decode()
    connection.set_tenant(alpha.municipality)
    screens = set(
        AccessLog.objects.filter(username="hayama-shinsa", record_type__in=[
            "fukushi.YoguKyufu", "fukushi.YoguShiharai"]).values_list("screen", flat=True)
    )  # fmt: skip
    expected = {"fukushi.jiritsu_yogu", "fukushi.jiritsu_yogu_kettei", "fukushi.jiritsu_yogu_top",
                "fukushi.jiritsu_yogu_detail", "fukushi.jiritsu_yogu_pdf",
                "fukushi.jiritsu_yogu_shiharai", "fukushi.jiritsu_yogu_furikomi"}  # fmt: skip
    assert expected <= screens
    assert date(2025, 8, 5) == YoguKyufu.objects.get().kettei_date
