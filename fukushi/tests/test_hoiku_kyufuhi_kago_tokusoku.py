"""施設型給付費の返納 (HK-13): its 督促 past the 返納期限 and its 過誤調整 against a later
payment to the same 施設, in two towns (葉山町 = alpha, 寒川町 = beta; 寒川町 sees none).

The figures are test data (test_hoiku_kyufuhi.py's, not a published 公定価格): 葉山町's
堀内保育園 (H01) is paid 100,000円 a month (公定価格 130,000 − 保育料 30,000円). June's
payment (7/10) is found 10,000円 too high (返納, 期限 8/29); 3,000円 come back on 8/20, the
rest (7,000円) is 督促'd on 令和7年9月1日 with a 指定期限 of 9/11 (10 days: the town's
parameter, 御所市私債権管理条例施行規則第3条第2項). July's payment (8/10) is then found
95,000円 too high. At August's payment (9/10) the clerk sets off 7,000 + 50,000円 of those
返納: 支払額 100,000円, 過誤調整額 57,000円, 振込額 43,000円; June's 返納 is 完納 (its 請求
back to 受付), July's has 45,000円 left."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiHennoTokusoku,
    HoikuKyufuhiKagoChosei,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_henno import henno_kettei, henno_reinyu
from fukushi.services.hoiku_kyufu_henno_tokusoku import (
    henno_tokusoku,
    shitei_kigen_of,
    tokusoku_pdf,
    tokusoku_taisho,
)
from fukushi.services.hoiku_kyufu_seikyu import seikyu_shinsa, seikyu_uketsuke
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from fukushi.services.hoiku_ryo import hoikuryo_compute
from fukushi.tests.test_furikomi_settings import HAYAMA, _set
from fukushi.tests.test_hoiku_kyufuhi import IRAININ
from fukushi.tests.test_hoiku_kyufuhi_henno import _kettei, _paid_june
from fukushi.tests.test_hoiku_kyufuhi_shiharai import _Capture, _data, _hayama_june
from fukushi.tests.test_hoikuryo_hiwari import ADMIN
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

JULY, AUGUST = date(2025, 7, 1), date(2025, 8, 1)
API = "/api/v1/fukushi/hoiku/kyufuhi/"
SCREEN = "/fukushi/kodomo-kosodate/kyufuhi/shiharai/"


def _claimed(month: date, shinsa: date) -> None:
    """H01's 請求 of ``month`` (100,000円) received and judged 一致."""
    h01 = HoikuKyufuhiSeikyu.objects.filter(shisetsu__code="H01").first()
    assert h01 is not None
    seikyu_uketsuke(shisetsu=h01.shisetsu, month=month, uketsuke_date=shinsa, ninzu=1,
                    gaku=100_000, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=month, shinsa_date=shinsa, actor=ADMIN)
    q = HoikuKyufuhiSeikyu.objects.get(shisetsu=h01.shisetsu, month=month)
    assert (q.jotai, q.santei_gaku) == (KyufuhiSeikyuJotai.ITCHI, 100_000)


def _setup(alpha, beta, cb) -> tuple[HoikuKyufuhiShiharai, HoikuKyufuhiShiharai]:
    _hayama_june(_Capture(alpha, beta, cb))
    hoikuryo_compute(nendo=2025, months=[7, 8], actor=ADMIN)
    return _paid_june()


def test_the_shitei_kigen_is_ten_days_on_moved_to_the_next_kaichobi(alpha):
    connection.set_tenant(alpha.municipality)
    assert shitei_kigen_of(date(2025, 9, 1)) == date(2025, 9, 11)
    # 2025-09-05 + 10 = 09-15 敬老の日 → 09-16
    assert shitei_kigen_of(date(2025, 9, 5)) == date(2025, 9, 16)


def test_tokusoku_only_after_the_kigen_once_and_its_letter(
    alpha, beta, django_capture_on_commit_callbacks
):
    h, k = _setup(alpha, beta, django_capture_on_commit_callbacks)
    hh = _kettei(h)  # 10,000円, 期限 令和7年8月29日
    kh = _kettei(k, gaku=5_000, riyu="退所日の誤り")
    henno_reinyu(henno=hh, gaku=3_000, reinyu_date=date(2025, 8, 20), actor=ADMIN)
    # not on the 期限 itself
    with pytest.raises(KyufuhiRefused, match=r"返納期限（令和7年8月29日）を過ぎていない"):
        henno_tokusoku(henno=hh, tokusoku_date=date(2025, 8, 29), actor=ADMIN)
    assert HoikuKyufuhiHennoTokusoku.objects.count() == 0
    assert [x.pk for x in tokusoku_taisho(date(2025, 8, 29))] == []
    assert [x.pk for x in tokusoku_taisho(date(2025, 9, 1))] == [hh.pk, kh.pk]
    t = henno_tokusoku(henno=hh, tokusoku_date=date(2025, 9, 1), actor=ADMIN)
    assert (t.tokusoku_date, t.shitei_kigen, t.zan) == (date(2025, 9, 1), date(2025, 9, 11), 7_000)
    with pytest.raises(KyufuhiRefused, match="この返納は督促済みです"):
        henno_tokusoku(henno=hh, tokusoku_date=date(2025, 9, 2), actor=ADMIN)
    assert [x.pk for x in tokusoku_taisho(date(2025, 9, 1))] == [kh.pk]
    # the 督促状, read back; printed again it says 再発行
    (page,) = pdf_pages(tokusoku_pdf(tokusoku=t, actor=ADMIN))
    for text in ("施設型給付費等返納金督促状", "堀内保育園", "令和7年6月分", "10,000円",
                 "令和7年8月29日", "7,000円", "令和7年9月1日", "令和7年9月11日"):  # fmt: skip
        assert text in page, text
    assert "再発行" not in page
    (page,) = pdf_pages(tokusoku_pdf(tokusoku=t, actor=ADMIN))
    assert "再発行" in page and "7,000円" in page
    # 完納 (the rest paid back) is never 督促'd
    henno_reinyu(henno=kh, gaku=5_000, reinyu_date=date(2025, 9, 2), actor=ADMIN)
    with pytest.raises(KyufuhiRefused, match="戻入済み（完納）の返納は督促しません"):
        henno_tokusoku(henno=kh, tokusoku_date=date(2025, 9, 3), actor=ADMIN)
    assert HoikuKyufuhiHennoTokusoku.objects.count() == 1
    assert list(hh.rireki.values_list("kind", flat=True)) == [
        "kettei", "reinyu", "tokusoku", "tokusoku_insatsu", "tokusoku_insatsu"]  # fmt: skip
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_henno_tokusoku")
    assert [logged.filter(action=a).count() for a in ("create", "print")] == [1, 2]
    # 寒川町: none of it
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiHennoTokusoku.objects.count() == 0
    assert not tokusoku_taisho(date(2025, 9, 1)).exists()
    assert not AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_henno_tokusoku").exists()
    connection.set_tenant(alpha.municipality)


def test_kago_chosei_sets_off_henno_against_a_later_payment_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    h, k = _setup(alpha, beta, django_capture_on_commit_callbacks)
    hh = _kettei(h)  # June: 10,000円
    kh = _kettei(k, gaku=5_000, riyu="退所日の誤り")
    henno_reinyu(henno=hh, gaku=3_000, reinyu_date=date(2025, 8, 20), actor=ADMIN)
    henno_tokusoku(henno=hh, tokusoku_date=date(2025, 9, 1), actor=ADMIN)
    # July paid whole (8/10), then found 95,000円 too high
    _claimed(JULY, date(2025, 8, 5))
    (july,) = kyufuhi_shiharai(month=JULY, shiharai_date=date(2025, 8, 10), irainin=IRAININ,
                               actor=ADMIN)  # fmt: skip
    hh2 = henno_kettei(shiharai=july, kettei_date=date(2025, 8, 12), gaku=95_000,
                       riyu="在籍の誤り（過払）", kigen=date(2025, 9, 12),
                       tsuchi_date=date(2025, 8, 12), actor=ADMIN)  # fmt: skip
    _claimed(AUGUST, date(2025, 9, 5))

    def pay(kago: dict[int, int], day: date = date(2025, 9, 10)) -> list[HoikuKyufuhiShiharai]:
        return kyufuhi_shiharai(month=AUGUST, shiharai_date=day, irainin=IRAININ, actor=ADMIN,
                                shisetsu_ids=[h.shisetsu_id], kago_chosei=kago)  # fmt: skip

    # refused, nothing written: more than a 返納's 残額, more in all than the payment,
    # another 施設's 返納, a 支払日 before the 返納's 決定
    for kago, message in (
        ({hh.pk: 7_001}, r"堀内保育園：過誤調整額（7,001円）が返納の残額（7,000円）を超えています"),
        ({hh.pk: 7_000, hh2.pk: 95_000},
         r"堀内保育園：過誤調整額（102,000円）が支払額（100,000円）を超えています"),
        ({kh.pk: 1_000}, r"一色こども園の返納は、この支払（堀内保育園）と相殺できません"),
        ({hh.pk: 0}, "過誤調整額は1円以上"),
    ):  # fmt: skip
        with pytest.raises(KyufuhiRefused, match=message):
            pay(kago)
    with pytest.raises(KyufuhiRefused, match="堀内保育園：支払日が返納の決定日より前"):
        pay({hh2.pk: 1}, day=date(2025, 8, 11))
    assert HoikuKyufuhiShiharai.objects.filter(month=AUGUST).count() == 0
    assert HoikuKyufuhiKagoChosei.objects.count() == 0
    hh.refresh_from_db()
    hh2.refresh_from_db()
    assert (hh.reinyu_gaku, hh2.reinyu_gaku) == (3_000, 0)
    # 7,000 + 50,000円 set off: 支払額 100,000円, 過誤調整額 57,000円, 振込額 43,000円
    (aug,) = pay({hh.pk: 7_000, hh2.pk: 50_000})
    assert (aug.santei_gaku, aug.kiharai_gaku, aug.gaku, aug.kago_chosei_gaku,
            aug.furikomi_gaku) == (100_000, 0, 100_000, 57_000, 43_000)  # fmt: skip
    hh.refresh_from_db()
    hh2.refresh_from_db()
    assert (hh.reinyu_gaku, hh.jotai) == (10_000, HoikuKyufuhiHennoJotai.KANNO)
    assert (hh2.reinyu_gaku, hh2.jotai) == (50_000, HoikuKyufuhiHennoJotai.MINO)
    # June's 返納 完納 by the set-off: its 請求 back to 受付 (judged again before any payment)
    q = HoikuKyufuhiSeikyu.objects.get(shisetsu=h.shisetsu, month=date(2025, 6, 1))
    assert q.jotai == KyufuhiSeikyuJotai.UKETSUKE
    last = hh.rireki.last()
    assert last is not None and last.kind == "kago_chosei"
    assert "過誤調整（令和7年9月10日）7,000円：令和7年8月分の支払" in last.naiyo
    assert "完納" in last.naiyo
    # a 返納 完納 is not set off again
    with pytest.raises(KyufuhiRefused, match="堀内保育園：この返納は戻入済み（完納）です"):
        kyufuhi_shiharai(month=AUGUST, shiharai_date=date(2025, 9, 11), irainin=IRAININ,
                         actor=ADMIN, kago_chosei={hh.pk: 1})  # fmt: skip
    # the 全銀 file transfers the 振込額; the 支払通知書 shows the 調整
    file, _ = shiharai_furikomi(month=AUGUST, actor=ADMIN)
    assert _data(file) == [(43_000, "1111111", h.shisetsu_id)]
    (page,) = pdf_pages(shiharai_tsuchi(shiharai=aug, tsuchi_date=date(2025, 9, 10), actor=ADMIN))
    for text in ("堀内保育園", "令和7年8月分", "100,000円", "過誤調整額（返納と相殺）",
                 "57,000円", "振込額", "43,000円", "令和7年6月分の支払の返納",
                 "令和7年7月分の支払の返納"):  # fmt: skip
        assert text in page, text
    # 寒川町: none of it; 葉山町's 返納 is not found there
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiKagoChosei.objects.count() == 0
    assert not HoikuKyufuhiHenno.objects.filter(pk=hh.pk).exists()
    with pytest.raises(KyufuhiRefused):
        kyufuhi_shiharai(month=AUGUST, shiharai_date=date(2025, 9, 10), irainin=IRAININ,
                         actor=ADMIN, kago_chosei={hh.pk: 1})  # fmt: skip
    assert HoikuKyufuhiShiharai.objects.count() == 0
    connection.set_tenant(alpha.municipality)


def test_tokusoku_and_kago_chosei_by_the_screen_and_the_api_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    h, k = _setup(alpha, beta, django_capture_on_commit_callbacks)
    hh = _kettei(h)  # 10,000円, 期限 令和7年8月29日
    kh = _kettei(k, gaku=5_000, riyu="退所日の誤り")
    _claimed(JULY, date(2025, 8, 5))
    _claimed(AUGUST, date(2025, 9, 5))
    _set(alpha, HAYAMA, fiscal_year=2025)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    # the screen lists both 返納 as 督促の対象 (their 期限 passed); a 閲覧者 may not 督促
    page = clerk.get(f"{SCREEN}?month=2025-06").content.decode()
    assert "督促の対象" in page and page.count("令和7年8月29日") >= 2
    assert viewer.post(f"{SCREEN}henno/{hh.pk}/tokusoku/",
                       {"tokusoku_date": "令和7年9月1日"}).status_code == 403  # fmt: skip
    page = clerk.post(f"{SCREEN}henno/{hh.pk}/tokusoku/", {"tokusoku_date": "令和7年8月29日"},
                      follow=True).content.decode()  # fmt: skip
    assert "返納期限（令和7年8月29日）を過ぎていない" in page
    page = clerk.post(f"{SCREEN}henno/{hh.pk}/tokusoku/", {"tokusoku_date": "令和7年9月1日"},
                      follow=True).content.decode()  # fmt: skip
    assert "督促しました（未納額 10,000円、指定期限 令和7年9月11日）" in page
    pdf = clerk.post(f"{SCREEN}henno/{hh.pk}/tokusoku/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(pdf.content)
    assert "堀内保育園" in text and "令和7年9月11日" in text and "再発行" not in text
    # the API: K01's 返納 督促'd (201), twice refused (422); its 督促状; the 対象 then none
    r = clerk.get(f"{API}henno/tokusoku-taisho/?on_date=2025-09-01").json()
    assert [x["id"] for x in r["results"]] == [kh.pk]
    r = clerk.post(f"{API}henno/{kh.pk}/tokusoku/", {"tokusoku_date": "2025-09-01"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    assert (r.json()["shitei_kigen"], r.json()["zan"]) == ("2025-09-11", 5_000)
    r = clerk.post(f"{API}henno/{kh.pk}/tokusoku/", {"tokusoku_date": "2025-09-02"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "督促済み" in str(r.json())
    assert viewer.get(f"{API}henno/{kh.pk}/tokusoku/pdf/").status_code == 403
    r = clerk.get(f"{API}henno/{kh.pk}/tokusoku/pdf/")
    assert r.status_code == 200 and "一色こども園" in pdf_pages(r.content)[0]
    assert clerk.get(f"{API}henno/tokusoku-taisho/?on_date=2025-09-01").json()["count"] == 0
    detail = clerk.get(f"{API}henno/{hh.pk}/").json()
    assert (detail["tokusoku_date"], detail["shitei_kigen"]) == ("2025-09-01", "2025-09-11")
    # 過誤調整 on the screen: July paid with 4,000円 of June's 返納 set off
    form = {"month": "2025-07", "shiharai_date": "令和7年8月10日", "code": "1234567890",
            "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123", "yokin_shumoku": "1",
            "koza_bango": "7654321", f"kago_{hh.pk}": "4000"}  # fmt: skip
    page = clerk.post(f"{SCREEN}shiharau/", {**form, f"kago_{hh.pk}": "10001"},
                      follow=True).content.decode()  # fmt: skip
    assert "過誤調整額（10,001円）が返納の残額（10,000円）を超えています" in page
    page = clerk.post(f"{SCREEN}shiharau/", form, follow=True).content.decode()
    assert "合計 100,000円、過誤調整 4,000円、振込額 96,000円" in page
    # 過誤調整 by the API: August; another 施設's 返納 and more than the 残額 refused (422)
    body = {"month": "2025-08-01", "shiharai_date": "2025-09-10", "shisetsu_ids": [h.shisetsu_id]}
    for kago, message in (
        ([{"henno_id": kh.pk, "gaku": 1}], "一色こども園の返納は、この支払（堀内保育園）と相殺"),
        ([{"henno_id": hh.pk, "gaku": 6_001}], "返納の残額（6,000円）を超えています"),
    ):  # fmt: skip
        r = clerk.post(f"{API}shiharai/", {**body, "kago_chosei": kago},
                       content_type="application/json")  # fmt: skip
        assert r.status_code == 422 and message in str(r.json()), r.json()
    r = clerk.post(f"{API}shiharai/", {**body, "kago_chosei": [{"henno_id": hh.pk, "gaku": 6_000}]},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.json()
    assert (r.json()["gokei"], r.json()["kago_chosei_gokei"], r.json()["furikomi_gokei"]) == (
        100_000, 6_000, 94_000)  # fmt: skip
    detail = clerk.get(f"{API}henno/{hh.pk}/").json()
    assert (detail["jotai"], detail["kago_chosei_gaku"], detail["zan"]) == ("kanno", 10_000, 0)
    # 寒川町: none of it, 葉山町's ids are 404
    page = other.get(SCREEN).content.decode()
    assert "督促の対象の返納はありません" in page and "督促はまだありません" in page
    assert other.post(f"{SCREEN}henno/{hh.pk}/tokusoku/",
                      {"tokusoku_date": "令和7年9月1日"}).status_code == 404  # fmt: skip
    assert other.post(f"{SCREEN}henno/{hh.pk}/tokusoku/pdf/").status_code == 404
    assert other.post(f"{API}henno/{kh.pk}/tokusoku/", {"tokusoku_date": "2025-09-01"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert other.get(f"{API}henno/{kh.pk}/tokusoku/pdf/").status_code == 404
    assert other.get(f"{API}henno/tokusoku-taisho/?on_date=2025-09-01").json()["count"] == 0
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiHennoTokusoku.objects.count() == 0
    assert HoikuKyufuhiKagoChosei.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiKagoChosei.objects.count() == 2
