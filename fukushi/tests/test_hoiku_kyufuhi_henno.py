"""施設型給付費の返納 (HK-13) in two towns (葉山町 = alpha, 寒川町 = beta): a payment found
wrong is never edited; its 返納 (金額, 理由, 返納期限, 納入通知) is decided once, paid back
(戻入) in parts, and only when 完納 does the month's 請求 go back to 受付; the month is paid
again only after a new 審査 一致, for the 算定額 less what stays paid. 寒川町 sees and
changes none of it.

The figures are test data (test_hoiku_kyufuhi.py's, not a published 公定価格): 葉山町's
堀内保育園 (H01) June 1人, 公定価格 130,000 − 30,000 = 100,000円 paid on 7/10; the town then
finds the 公定価格 should have been 120,000円 (算定 90,000円): 過払 10,000円. Its 一色こども園
(K01), 28,800円 paid on 7/15, is reversed whole (返納 28,800円) and paid again (回 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiHennoRireki,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_henno import henno_kettei, henno_reinyu, henno_tsuchi
from fukushi.services.hoiku_kyufu_seikyu import seikyu_shinsa, seikyu_uketsuke
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from fukushi.tests.test_hoiku_kyufuhi import IRAININ, JUNE, _prices
from fukushi.tests.test_hoiku_kyufuhi_shiharai import _Capture, _data, _hayama_june
from fukushi.tests.test_hoikuryo_hiwari import ADMIN
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db


def _paid_june() -> tuple[HoikuKyufuhiShiharai, HoikuKyufuhiShiharai]:
    """H01 paid 100,000円 on 7/10; K01 corrected to 28,800円, 一致, paid on 7/15."""
    (h,) = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 10), irainin=IRAININ,
                            actor=ADMIN)  # fmt: skip
    k01 = HoikuKyufuhiSeikyu.objects.get(shisetsu__code="K01").shisetsu
    seikyu_uketsuke(shisetsu=k01, month=JUNE, uketsuke_date=date(2025, 6, 25), ninzu=1,
                    gaku=28_800, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 26), actor=ADMIN)
    (k,) = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 7, 15), irainin=IRAININ,
                            actor=ADMIN, shisetsu_ids=[k01.pk])  # fmt: skip
    return h, k


def _kettei(p: HoikuKyufuhiShiharai, **kw: Any) -> HoikuKyufuhiHenno:
    args: dict[str, Any] = dict(shiharai=p, kettei_date=date(2025, 8, 1), gaku=10_000,
                riyu="公定価格の入力誤り（過払）", kigen=date(2025, 8, 29),
                tsuchi_date=date(2025, 8, 4), actor=ADMIN)  # fmt: skip
    return henno_kettei(**(args | kw))


def test_henno_reinyu_and_payment_after_a_new_shinsa_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    _hayama_june(_Capture(alpha, beta, django_capture_on_commit_callbacks))
    h, k = _paid_june()
    # refused, nothing written: more than was paid, 0円, no reason, dates out of order
    for kw, message in (
        ({"gaku": 100_001}, "返納額は1〜100,000円"),
        ({"gaku": 0}, "返納額は1〜100,000円"),
        ({"riyu": "  "}, "返納の理由を入力してください"),
        ({"kettei_date": date(2025, 7, 9)}, "返納の決定日が支払日より前"),
        ({"tsuchi_date": date(2025, 7, 31)}, "納入通知日が返納の決定日より前"),
        ({"kigen": date(2025, 8, 3)}, "返納期限が納入通知日より前"),
    ):
        with pytest.raises(KyufuhiRefused, match=message):
            _kettei(h, **kw)
    assert HoikuKyufuhiHenno.objects.count() == 0
    assert HoikuKyufuhiHennoRireki.objects.count() == 0
    # H01: 過払 10,000円 decided once; the payment itself is not touched
    hh = _kettei(h)
    with pytest.raises(KyufuhiRefused, match="堀内保育園：この支払の返納は決定済み"):
        _kettei(h, gaku=5_000)
    h.refresh_from_db()
    assert (h.gaku, h.kai, h.shiharai_date) == (100_000, 1, date(2025, 7, 10))
    # while the 返納 is 未納 the month stays paid and its 請求 一致 (not to be received again)
    with pytest.raises(KyufuhiRefused, match="堀内保育園：この月の給付費は支払済みです"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 8, 20), irainin=IRAININ,
                         actor=ADMIN, shisetsu_ids=[h.shisetsu_id])  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="審査済み（一致）で、変更できません"):
        seikyu_uketsuke(shisetsu=h.shisetsu, month=JUNE, uketsuke_date=date(2025, 8, 5),
                        ninzu=1, gaku=90_000, actor=ADMIN)  # fmt: skip
    # 戻入 in two parts: 6,000円 (残 4,000円), more than the rest refused, 4,000円 → 完納
    with pytest.raises(KyufuhiRefused, match="戻入日が返納の決定日より前"):
        henno_reinyu(henno=hh, gaku=6_000, reinyu_date=date(2025, 7, 31), actor=ADMIN)
    hh = henno_reinyu(henno=hh, gaku=6_000, reinyu_date=date(2025, 8, 20), actor=ADMIN)
    assert (hh.reinyu_gaku, hh.jotai) == (6_000, HoikuKyufuhiHennoJotai.MINO)
    assert HoikuKyufuhiSeikyu.objects.get(shisetsu=h.shisetsu).jotai == KyufuhiSeikyuJotai.ITCHI
    with pytest.raises(KyufuhiRefused, match="戻入額が残額（4,000円）を超えています"):
        henno_reinyu(henno=hh, gaku=4_001, reinyu_date=date(2025, 8, 25), actor=ADMIN)
    hh = henno_reinyu(henno=hh, gaku=4_000, reinyu_date=date(2025, 8, 25), actor=ADMIN)
    assert (hh.reinyu_gaku, hh.jotai) == (10_000, HoikuKyufuhiHennoJotai.KANNO)
    with pytest.raises(KyufuhiRefused, match="戻入済み（完納）"):
        henno_reinyu(henno=hh, gaku=1, reinyu_date=date(2025, 8, 26), actor=ADMIN)
    # 完納: the 請求 is back to 受付 — not payable until a new 審査 finds it 一致
    q = HoikuKyufuhiSeikyu.objects.get(shisetsu=h.shisetsu)
    assert (q.jotai, q.shinsa_date, q.santei_gaku) == (KyufuhiSeikyuJotai.UKETSUKE, None, None)
    with pytest.raises(KyufuhiRefused, match="堀内保育園：請求の審査が一致していません"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 8, 29), irainin=IRAININ,
                         actor=ADMIN, shisetsu_ids=[h.shisetsu_id])  # fmt: skip
    # the 施設 corrects its 請求 to 90,000円; the town has not yet corrected its 公定価格:
    # 差異あり (−10,000円); corrected to 120,000円: 一致 at 90,000円, and with 90,000円
    # still paid (100,000 − 10,000) nothing is left to pay
    seikyu_uketsuke(shisetsu=h.shisetsu, month=JUNE, uketsuke_date=date(2025, 8, 26), ninzu=1,
                    gaku=90_000, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 8, 27), actor=ADMIN)
    q.refresh_from_db()
    assert (q.jotai, q.sagaku) == (KyufuhiSeikyuJotai.SAI, -10_000)
    _prices(120_000)
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 8, 28), actor=ADMIN)
    q.refresh_from_db()
    assert (q.jotai, q.santei_gaku) == (KyufuhiSeikyuJotai.ITCHI, 90_000)
    with pytest.raises(KyufuhiRefused, match=r"支払済みの額（90,000円）が算定額（90,000円）以上"):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 8, 29), irainin=IRAININ,
                         actor=ADMIN, shisetsu_ids=[h.shisetsu_id])  # fmt: skip
    # K01: reversed whole (28,800円), 完納 in one 戻入, judged again (一致) and paid again:
    # 回 2, 28,800円 − 0円 still paid
    kh = _kettei(k, gaku=28_800, riyu="退所日の誤り（全額返納）")
    henno_reinyu(henno=kh, gaku=28_800, reinyu_date=date(2025, 8, 22), actor=ADMIN)
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 8, 28), actor=ADMIN)
    (k2,) = kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 8, 29), irainin=IRAININ,
                             actor=ADMIN)  # fmt: skip
    assert (k2.shisetsu.code, k2.kai, k2.santei_gaku, k2.kiharai_gaku, k2.gaku) == (
        "K01", 2, 28_800, 0, 28_800)  # fmt: skip
    nothing = "支払う給付費（審査が一致して未払の請求）はありません"
    with pytest.raises(KyufuhiRefused, match=nothing):
        kyufuhi_shiharai(month=JUNE, shiharai_date=date(2025, 8, 30), irainin=IRAININ,
                         actor=ADMIN)  # fmt: skip
    # the first payments are unchanged; each day's file lists what was paid that day
    assert sorted(HoikuKyufuhiShiharai.objects.values_list("kai", "gaku")) == [
        (1, 28_800), (1, 100_000), (2, 28_800)]  # fmt: skip
    file, _ = shiharai_furikomi(month=JUNE, shiharai_date=date(2025, 7, 10), actor=ADMIN)
    assert _data(file) == [(100_000, "1111111", h.shisetsu_id)]
    file, _ = shiharai_furikomi(month=JUNE, shiharai_date=date(2025, 8, 29), actor=ADMIN)
    assert _data(file) == [(28_800, "3333333", k.shisetsu_id)]
    (page,) = pdf_pages(shiharai_tsuchi(shiharai=k2, tsuchi_date=date(2025, 8, 29), actor=ADMIN))
    for text in ("一色こども園", "算定額", "既払額（返納の戻入後）", "0円", "28,800円"):
        assert text in page, text
    # the 納入通知書 of H01's 返納, read back
    (page,) = pdf_pages(henno_tsuchi(henno=hh, actor=ADMIN))
    for text in ("施設型給付費等返納金納入通知書", "堀内保育園", "令和7年6月分", "100,000円",
                 "公定価格の入力誤り（過払）", "10,000円", "令和7年8月29日",
                 "令和7年8月4日"):  # fmt: skip
        assert text in page, text
    # the history of H01's 返納, in order; every write logged
    assert list(hh.rireki.values_list("kind", flat=True)) == [
        "kettei", "reinyu", "reinyu", "tsuchi"]  # fmt: skip
    last = hh.rireki.filter(kind="reinyu").last()
    assert last is not None and "完納：この月の請求を受付に戻しました" in last.naiyo
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_henno")
    assert [logged.filter(action=a).count() for a in ("create", "update", "print")] == [2, 5, 1]
    # 寒川町: none of it; a 返納 of 葉山町's payment is not even found there
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiHenno.objects.count() == 0
    assert HoikuKyufuhiShiharai.objects.count() == 0
    assert not HoikuKyufuhiShiharai.objects.filter(pk=h.pk).exists()
    assert not AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_henno").exists()
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiHenno.objects.count() == 2
