"""施設型給付費の支払 (HK-13) in two towns (葉山町 = alpha, 寒川町 = beta): only a 請求 whose
審査 is 一致 is paid (a 差異あり one after its correction and a new 審査), once per 施設 and
month; the 全銀 file is written from the payments recorded (the account of the day, not a
later one) and read back; the 支払通知書 read back with pdftotext; the screen and the API do
the same; neither town sees, pays or files the other's.

The 算定 figures are test_hoiku_kyufuhi.py's (test data, not a published 公定価格): 葉山町's
堀内保育園 (H01) June 1人 130,000 − 30,000 = 100,000円; its 認定こども園 (K01) June one 1号
child leaving on 6/10: 90,000 × 8 / 25 = 28,800円. K01 first claims 20,000円 (差異あり
−8,800円), then 28,800円 (一致)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import HoikuKyufuhiSeikyu, HoikuKyufuhiShiharai, HoikuShisetsu
from fukushi.services.hoiku_kyufu import KyufuhiRefused, kotei_kakaku_set, shisetsu_koza_set
from fukushi.services.hoiku_kyufu_seikyu import seikyu_shinsa, seikyu_uketsuke
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from fukushi.tests.test_furikomi_settings import HAYAMA, _set
from fukushi.tests.test_hoiku_kyufuhi import IRAININ, JUNE, _ichigo_child, _prices
from fukushi.tests.test_hoikuryo_hiwari import ADMIN, _town
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

H01_KOZA = zengin.Account("0005", "002", "1", "1111111", "ﾎﾘｳﾁﾎｲｸｴﾝ")
K01_KOZA = zengin.Account("0009", "010", "1", "3333333", "ｲﾂｼｷｺﾄﾞﾓｴﾝ")


def _data(file: bytes) -> list[tuple[object, ...]]:
    return [
        (r.fields["amount"], r.fields["koza_bango"], int(str(r.fields["customer1"])))
        for r in zengin.read_sogo_furikomi(file)
        if r.kind == "data"
    ]


def _hayama_june(capture) -> tuple[HoikuShisetsu, HoikuShisetsu]:
    """葉山町's June: H01 1人 100,000円 claimed (一致), K01 1人 20,000円 claimed (差異あり:
    算定 28,800円); both accounts entered. The connection is left on 葉山町."""
    _town(capture.beta, "samukawa", "reki", capture.cb)
    _town(capture.alpha, "hayama", "kaisho", capture.cb)
    _ichigo_child(capture.cb)
    _prices(130_000)
    h01 = HoikuShisetsu.objects.get(code="H01")
    k01 = HoikuShisetsu.objects.get(code="K01")
    kotei_kakaku_set(shisetsu=k01, nendo=2025, class_age=3, hyojun=150_000, tanjikan=148_000,
                     kyoiku=90_000, actor=ADMIN)  # fmt: skip
    seikyu_uketsuke(shisetsu=h01, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=1,
                    gaku=100_000, actor=ADMIN)  # fmt: skip
    seikyu_uketsuke(shisetsu=k01, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=1,
                    gaku=20_000, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    shisetsu_koza_set(shisetsu=h01, account=H01_KOZA, actor=ADMIN)
    shisetsu_koza_set(shisetsu=k01, account=K01_KOZA, actor=ADMIN)
    return h01, k01


class _Capture:
    def __init__(self, alpha, beta, cb) -> None:
        self.alpha, self.beta, self.cb = alpha, beta, cb


def test_shiharai_only_itchi_once_file_and_notice_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    h01, k01 = _hayama_june(_Capture(alpha, beta, django_capture_on_commit_callbacks))
    # refused, nothing written: K01 named while 差異あり; a 支払日 before the 審査日; a
    # 振込依頼人 the bank refuses; a 施設 without a 請求 this month
    with pytest.raises(KyufuhiRefused, match="一色こども園：請求の審査が一致していません"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                         actor=ADMIN, shisetsu_ids=[k01.pk])  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="堀内保育園：支払日が審査日より前"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 6, 19), irainin=IRAININ,
                         actor=ADMIN)  # fmt: skip
    bad = zengin.Irainin("12345", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
    with pytest.raises(KyufuhiRefused, match="依頼人コード"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=bad, actor=ADMIN)
    with pytest.raises(KyufuhiRefused, match="この月の請求がない施設"):
        kyufuhi_shiharai(month=date(2025, 5, 1), shiharai_date=date(2025, 7, 10),
                         irainin=IRAININ, actor=ADMIN, shisetsu_ids=[h01.pk])  # fmt: skip
    assert HoikuKyufuhiShiharai.objects.count() == 0
    # the run pays H01 (一致) alone; K01 (差異あり) waits
    made = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                            actor=ADMIN)  # fmt: skip
    assert [(p.shisetsu.code, p.ninzu, p.gaku, p.shiharai_date) for p in made] == [
        ("H01", 1, 100_000, date(2025, 7, 10))]  # fmt: skip
    # paying twice is refused, by the run and by name
    with pytest.raises(
        KyufuhiRefused, match="支払う給付費（審査が一致して未払の請求）はありません"
    ):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 11), irainin=IRAININ,
                         actor=ADMIN)  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="堀内保育園：この月の給付費は支払済みです"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 11), irainin=IRAININ,
                         actor=ADMIN, shisetsu_ids=[h01.pk])  # fmt: skip
    # a paid 請求 is 一致 and cannot be received again
    with pytest.raises(KyufuhiRefused, match="審査済み（一致）で、変更できません"):
        seikyu_uketsuke(shisetsu=h01, month=JUNE, uketsuke_date=date(2025, 7, 12), ninzu=1,
                        gaku=1, actor=ADMIN)  # fmt: skip
    # K01 corrects its 請求 (28,800円), the new 審査 makes it 一致, then it is paid
    seikyu_uketsuke(shisetsu=k01, month=JUNE, uketsuke_date=date(2025, 6, 25), ninzu=1,
                    gaku=28_800, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 26), actor=ADMIN)
    made = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 15), irainin=IRAININ,
                            actor=ADMIN, shisetsu_ids=[k01.pk])  # fmt: skip
    assert [(p.shisetsu.code, p.gaku) for p in made] == [("K01", 28_800)]
    # H01's account changes after its payment: the payment keeps the account it was paid to
    shisetsu_koza_set(shisetsu=h01, account=zengin.Account("0005", "002", "1", "2222222",
                      "ﾎﾘｳﾁﾎｲｸｴﾝ"), actor=ADMIN)  # fmt: skip
    # the file: one 取組日 a file, so the day is named when the month was paid on two
    with pytest.raises(KyufuhiRefused, match="複数の支払日"):
        shiharai_furikomi(month=JUNE, actor=ADMIN)
    file, rows = shiharai_furikomi(month=JUNE, shiharai_date=date(2025, 7, 10), actor=ADMIN)
    assert _data(file) == [(100_000, "1111111", h01.pk)]
    head = next(r for r in zengin.read_sogo_furikomi(file) if r.kind == "header")
    assert (head.fields["irainin_code"], head.fields["torikumi_mmdd"]) == ("1234567890", "0710")
    file, _ = shiharai_furikomi(month=JUNE, shiharai_date=date(2025, 7, 15), actor=ADMIN)
    assert _data(file) == [(28_800, "3333333", k01.pk)]
    # the 支払通知書 of H01, read back
    (page,) = pdf_pages(
        shiharai_tsuchi(shiharai=rows[0], tsuchi_date=date(2025, 7, 10), actor=ADMIN)
    )
    for text in ("施設型給付費等支払通知書", "堀内保育園", "令和7年6月分", "1人", "100,000円",
                 "令和7年7月10日", "令和7年6月20日", "1111111"):  # fmt: skip
        assert text in page, text
    assert "2222222" not in page
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_shiharai")
    assert [logged.filter(action=a).count() for a in ("create", "export", "print")] == [2, 2, 1]
    # 寒川町: none of 葉山町's payments; its own H01, 一致 at 110,000円, cannot be paid
    # without its account, and nothing is written
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiShiharai.objects.count() == 0
    with pytest.raises(KyufuhiRefused, match="まだ支払っていません"):
        shiharai_furikomi(month=JUNE, actor=ADMIN)
    _prices(140_000)
    b_h01 = HoikuShisetsu.objects.get(code="H01")
    seikyu_uketsuke(shisetsu=b_h01, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=1,
                    gaku=110_000, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    with pytest.raises(KyufuhiRefused, match="振込先口座が登録されていません"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                         actor=ADMIN)  # fmt: skip
    assert HoikuKyufuhiShiharai.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiShiharai.objects.count() == 2


def test_shiharai_screen_and_api_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    """The screen: a 閲覧者 may not pay (403); the clerk pays June (H01 only: K01 差異あり),
    downloads the file (read back) and the 支払通知書 (read back); the history lists it. The
    API: 422 while the town has no 振込依頼人, for K01 named (差異あり) and for paying twice;
    the list; 寒川町 lists none and has nothing to pay."""
    h01, k01 = _hayama_june(_Capture(alpha, beta, django_capture_on_commit_callbacks))
    connection.set_schema_to_public()
    base = "/fukushi/kodomo-kosodate/kyufuhi/shiharai/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    form = {"month": "2025-06", "shiharai_date": "令和7年7月10日", "code": "1234567890",
            "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123", "yokin_shumoku": "1",
            "koza_bango": "7654321"}  # fmt: skip
    assert viewer.post(f"{base}shiharau/", form).status_code == 403
    page = viewer.get(f"{base}?month=2025-06").content.decode()
    assert "支払はまだありません" in page and "支払えません（審査が一致していません）" in page
    page = clerk.post(f"{base}shiharau/", form, follow=True).content.decode()
    assert "1施設に給付費を支払いました（合計 100,000円）" in page
    assert "令和7年6月分</td><td>H01 堀内保育園</td>" in page
    page = clerk.post(f"{base}shiharau/", form, follow=True).content.decode()
    assert "支払う給付費（審査が一致して未払の請求）はありません" in page
    r = clerk.post(f"{base}furikomi/", {"month": "2025-06"})
    assert r.status_code == 200 and _data(r.content) == [(100_000, "1111111", h01.pk)]
    connection.set_tenant(alpha.municipality)
    pk = HoikuKyufuhiShiharai.objects.get().pk
    connection.set_schema_to_public()
    r = clerk.post(f"{base}{pk}/tsuchi/", {"tsuchi_date": "令和7年7月10日"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "堀内保育園" in pdf_pages(r.content)[0]
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(f"{base}{pk}/tsuchi/", {"tsuchi_date": "令和7年7月10日"}).status_code == 404
    page = other.get(f"{base}?month=2025-06").content.decode()
    assert "支払はまだありません" in page and "堀内保育園</td>" not in page
    # the API (K01 still 差異あり)
    api = "/api/v1/fukushi/hoiku/kyufuhi/shiharai/"
    body = {"month": "2025-06-01", "shiharai_date": "2025-07-15", "shisetsu_ids": [k01.pk]}
    r = clerk.post(api, body, content_type="application/json")
    assert r.status_code == 422 and "振込依頼人の設定" in str(r.json())
    _set(alpha, HAYAMA, fiscal_year=2025)
    connection.set_schema_to_public()
    r = clerk.post(api, body, content_type="application/json")
    assert r.status_code == 422 and "一色こども園：請求の審査が一致していません" in str(r.json())
    r = clerk.post(api, {**body, "shisetsu_ids": [h01.pk]}, content_type="application/json")
    assert r.status_code == 422 and "支払済み" in str(r.json())
    assert (
        clerk.post(api, {"month": "2025-06-01"}, content_type="application/json").status_code == 400
    )
    r = viewer.post(api, body, content_type="application/json")
    assert r.status_code == 403
    listed = clerk.get(f"{api}?month=2025-06-01").json()
    assert listed["count"] == 1 and listed["results"][0]["gaku"] == 100_000
    assert clerk.get(f"{api}?shisetsu_id={k01.pk}").json()["count"] == 0
    # K01 corrected and judged again: paid by the API
    connection.set_tenant(alpha.municipality)
    seikyu_uketsuke(shisetsu=k01, month=JUNE, uketsuke_date=date(2025, 6, 25), ninzu=1,
                    gaku=28_800, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 26), actor=ADMIN)
    connection.set_schema_to_public()
    r = clerk.post(api, body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["gokei"], r.json()["shiharai"][0]["code"]) == (28_800, "K01")
    # 寒川町: nothing listed, nothing to pay
    assert other.get(api).json()["count"] == 0
    r = other.post(api, {"month": "2025-06-01", "shiharai_date": "2025-07-15"},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiShiharai.objects.count() == 0
    assert HoikuKyufuhiSeikyu.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiShiharai.objects.count() == 2
