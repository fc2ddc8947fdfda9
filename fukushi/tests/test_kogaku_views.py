"""高額障害福祉サービス等給付費 screens (fukushi/views/kogaku.py, SG-87): the application from
the 支給決定's page, every figure of the calculation in words and 和暦, the 決定 and its notice
(PDF read back), the payment run and its 全銀 file (read back); a clerk without the grant gets
404 and no list; refused input shows Japanese and writes nothing; each read logged with its
purpose; 寒川町 sees none of it. The couple and figures are those of fukushi/tests/test_kogaku.py
(夫 37,200円 + 妻 9,000円 + 夫の補装具 10,000円 = 56,200円 − 37,200円 = 19,000円)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import KogakuShiharai, KogakuShinsei
from fukushi.services.jiritsu_yogu import yogu_kettei
from fukushi.tests.test_jiritsu_services import ACTOR, yogu
from fukushi.tests.test_kogaku import _couple
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages, squash

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jiritsu-shien"
K = f"{BASE}/kogaku"
IRAININ = {"code": "1234567890", "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123",
           "yokin_shumoku": "1", "koza_bango": "7654321"}  # fmt: skip
KOZA = {"kinyu_kikan": "0005", "shiten": "001", "yokin_shumoku": "1", "koza_bango": "1234567",
        "meigi_kana": "ｺｳｶﾞｸ ﾀﾛｳ"}  # fmt: skip


def test_kogaku_screens_decision_notice_payment_and_wall(alpha, beta, login):
    # given: the couple of 葉山町 with their month of 令和7年8月 (no 上限額管理: receipts)
    connection.set_tenant(alpha.municipality)
    (otto, _tsuma, _ko), (k_otto, k_tsuma, _k_ko) = _couple()
    y = yogu(otto.pk, "hosogu", "車椅子（普通型）", 100_000, kijun=100_000)
    yogu_kettei(pk=y.pk, kettei_date=date(2025, 8, 5), shikyu=True, riyu="", actor=ACTOR)
    connection.set_schema_to_public()

    c = login("hayama-clerk", alpha.host)  # 業務 role, no grant
    top = c.get(f"{K}/").content.decode()
    assert "操作権限が必要です" in top and "検索する" not in top
    assert c.get(f"{K}/shinsei/").status_code == 404
    assert c.get(f"{K}/shiharai/").status_code == 404

    # when: the 審査者 opens the husband's 支給決定 and applies from it
    s = login("hayama-shinsa", alpha.host)
    s.post(f"{BASE}/{k_otto.pk}/mokuteki/", {"mokuteki": "高額の申請の受付"})
    assert f"{K}/shinsei/?kettei={k_otto.pk}" in s.get(f"{BASE}/{k_otto.pk}/").content.decode()
    form = s.get(f"{K}/shinsei/?kettei={k_otto.pk}").content.decode()
    assert otto.atena_no in form and k_otto.jukyusha_bango in form
    base = {"atena_no": otto.atena_no, "taisho": "令和7年8月1日", "shinsei_date": "令和7年9月10日",
            **KOZA,
            "kubun_0": "service", "bango_0": k_otto.jukyusha_bango, "gaku_0": "37200",
            "kubun_1": "service", "bango_1": k_tsuma.jukyusha_bango, "gaku_1": "9000",
            "kubun_2": "hosogu", "bango_2": str(y.pk)}  # fmt: skip
    # refused in Japanese, nothing written
    for change, message in (
        ({"bango_1": "9999999999"}, "2件目：その受給者証番号は見つかりません。"),
        ({"gaku_1": "40000"},
         "2件目：利用者負担額 40,000円が負担上限月額 37,200円を超えています。"),
        ({"shinsei_date": "令和7年8月30日"}, "申請日は対象年月の末日より後の日にしてください。"),
        ({"kubun_0": "", "kubun_1": "", "kubun_2": "", "bango_0": "", "bango_1": "",
          "bango_2": ""}, "合算する利用者負担を1件以上入力してください。"),
    ):  # fmt: skip
        r = s.post(f"{K}/shinsei/", {**base, **change})
        assert r.status_code == 200 and message in r.content.decode(), message
    connection.set_tenant(alpha.municipality)
    assert not KogakuShinsei.objects.exists()
    connection.set_schema_to_public()
    r = s.post(f"{K}/shinsei/", base)
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    a = KogakuShinsei.objects.get()
    created = AccessLog.objects.get(record_type="fukushi.KogakuShinsei", action="create")
    assert created.purpose == "高額障害福祉サービス等給付費の申請の受付"
    connection.set_schema_to_public()

    # then: every figure in words and 和暦
    html = s.get(f"{K}/{a.pk}/").content.decode()
    for text in ("令和7年8月分", "令和7年9月10日", "高額　夫", "高額　妻", "37,200円", "9,000円",
                 "10,000円", "56,200円", "19,000円", "車椅子（普通型）", "受付",
                 "支給額 = 合算額 56,200円 − 基準額 37,200円 = 19,000円"):  # fmt: skip
        assert text in html, text
    assert s.get(f"{K}/{a.pk}/tsuchi.pdf").status_code == 404  # not decided yet
    r = s.post(f"{K}/{a.pk}/kettei/", {"kekka": "kyakka", "kettei_date": "令和7年9月20日"},
               follow=True)  # fmt: skip
    assert "却下の理由を入力してください。" in r.content.decode()
    s.post(f"{K}/{a.pk}/kettei/", {"kekka": "shikyu", "kettei_date": "令和7年9月20日"})
    assert "支給 19,000円（令和7年9月20日決定）" in s.get(f"{K}/{a.pk}/").content.decode()
    (page,) = pdf_pages(s.get(f"{K}/{a.pk}/tsuchi.pdf").content)
    text = squash(page)
    for t in ("高額障害福祉サービス等給付費支給決定通知書", "令和7年8月", "高額夫", "56,200円",
              "19,000円", "令和7年9月20日", "葉山町長"):  # fmt: skip
        assert squash(t) in text, t

    # the payment run and its 全銀 file
    assert "1件 19,000円" in s.get(f"{K}/shiharai/").content.decode()
    r = s.post(f"{K}/shiharai/", {"shiharai_date": "令和7年10月10日", **IRAININ})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    run = KogakuShiharai.objects.get()
    assert (run.kensu, run.gokei) == (1, 19_000)
    connection.set_schema_to_public()
    records = zengin.read_sogo_furikomi(s.get(f"{K}/shiharai/{run.pk}/furikomi.txt").content)
    assert [x.fields["amount"] for x in records if x.kind == "data"] == [19_000]
    r = s.post(f"{K}/shiharai/", {"shiharai_date": "令和7年10月11日", **IRAININ})
    assert "支払う高額障害福祉サービス等給付費（支給決定済）がありません。" in r.content.decode()
    for url in (f"{K}/{a.pk}/", f"{K}/{a.pk}/tsuchi.pdf", f"{K}/shiharai/{run.pk}/furikomi.txt"):
        assert c.get(url).status_code == 404

    # the search (purpose first) finds it here; 寒川町 sees nothing of it
    r = s.post(f"{K}/", {"mokuteki": "支払の確認", "atena_no": otto.atena_no})
    assert "令和7年8月" in r.content.decode() and "支払済" in r.content.decode()
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{K}/{a.pk}/").status_code == 404
    assert "該当する申請はありません。" in sb.post(f"{K}/", {"mokuteki": "確認"}).content.decode()
    assert sb.get(f"{K}/shiharai/{run.pk}/furikomi.txt").status_code == 404
    assert "19,000円" not in sb.get(f"{K}/shiharai/").content.decode()

    connection.set_tenant(alpha.municipality)
    logged = AccessLog.objects.filter(username="hayama-shinsa", record_type__in=[
        "fukushi.KogakuShinsei", "fukushi.KogakuShiharai"])  # fmt: skip
    assert {"fukushi.kogaku_top", "fukushi.kogaku_detail", "fukushi.kogaku_pdf", "fukushi.kogaku",
            "fukushi.kogaku_shiharai", "fukushi.kogaku_furikomi"} <= set(
        logged.values_list("screen", flat=True))  # fmt: skip
    purposes = set(logged.filter(screen="fukushi.kogaku_detail").values_list("purpose", flat=True))
    assert purposes == {"高額障害福祉サービス等給付費の申請の受付"}
    assert "支払の確認" in logged.filter(screen="fukushi.kogaku_top").values_list(
        "purpose", flat=True
    )
    connection.set_schema_to_public()
