"""施設型給付費の請求（実績報告）と審査 (HK-13) in two towns (葉山町 = alpha, 寒川町 = beta): a
施設's 請求 of a month (児童数, 請求額) received, judged against the town's 算定 (一致 / 差異あり
with the 差額), corrected and judged again; a 請求 already 一致 cannot be changed; the 施設
with a 給付費 and no 請求 answered; a 審査 that cannot make its 算定, or with a 審査日 before a
受付日, writes nothing; neither town sees the other's 請求.

The 算定 figures are test_hoiku_kyufuhi.py's (test data, not a published 公定価格): 葉山町's
堀内保育園 (H01) June 1人 130,000 − 30,000 = 100,000円, May (entry on 5/15, 15 of 25 開所日)
78,000 − 18,000 = 60,000円; its 認定こども園 (K01) June one 1号 child leaving on 6/10:
90,000 × 8 / 25 = 28,800円. The 施設's claims are the test's: H01 May first claims the whole
prorated 公定価格 78,000円 without the 利用者負担 (差額 +18,000円), then 60,000円."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import HoikuKyufuhiSeikyu, HoikuShisetsu, KyufuhiSeikyuJotai
from fukushi.services.hoiku_kyufu import KyufuhiRefused, kotei_kakaku_set
from fukushi.services.hoiku_kyufu_seikyu import seikyu_shinsa, seikyu_uketsuke
from fukushi.tests.test_hoiku_kyufuhi import JUNE, MAY, _ichigo_child, _prices
from fukushi.tests.test_hoikuryo_hiwari import ADMIN, _town
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def _judged(kekka) -> list[tuple[str, str, int | None, int | None, int | None]]:
    return [(q.shisetsu.code, q.jotai, q.santei_ninzu, q.santei_gaku, q.sagaku)
            for q in kekka.judged]  # fmt: skip


def test_seikyu_and_shinsa_in_two_towns(alpha, beta, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    _town(alpha, "hayama", "kaisho", capture)
    _ichigo_child(capture)
    _prices(130_000)
    h01 = HoikuShisetsu.objects.get(code="H01")
    k01 = HoikuShisetsu.objects.get(code="K01")
    kotei_kakaku_set(shisetsu=k01, nendo=2025, class_age=3, hyojun=150_000, tanjikan=148_000,
                     kyoiku=90_000, actor=ADMIN)  # fmt: skip
    # refused input writes nothing
    with pytest.raises(KyufuhiRefused, match="児童数が0人の請求に請求額は入力できません"):
        seikyu_uketsuke(shisetsu=h01, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=0,
                        gaku=5, actor=ADMIN)  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="審査する請求"):
        seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    assert HoikuKyufuhiSeikyu.objects.count() == 0
    # June: H01 claims 1人 100,000円 = the 算定 → 一致; K01 has a 給付費 and no 請求
    q = seikyu_uketsuke(shisetsu=h01, month=date(2025, 6, 15), uketsuke_date=date(2025, 6, 10),
                        ninzu=1, gaku=100_000, actor=ADMIN)  # fmt: skip
    assert (q.month, q.jotai) == (JUNE, KyufuhiSeikyuJotai.UKETSUKE)
    with pytest.raises(KyufuhiRefused, match="堀内保育園：審査日が請求の受付日より前"):
        seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 9), actor=ADMIN)
    assert HoikuKyufuhiSeikyu.objects.get().shinsa_date is None
    kekka = seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    assert _judged(kekka) == [("H01", "itchi", 1, 100_000, 0)]
    assert [(m.shisetsu.code, m.ninzu, m.gaku) for m in kekka.mi_seikyu] == [("K01", 1, 28_800)]
    with pytest.raises(KyufuhiRefused, match="審査済み（一致）で、変更できません"):
        seikyu_uketsuke(shisetsu=h01, month=JUNE, uketsuke_date=date(2025, 6, 21), ninzu=1,
                        gaku=99_000, actor=ADMIN)  # fmt: skip
    # a second run finds nothing left to judge
    with pytest.raises(KyufuhiRefused, match="審査する請求"):
        seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 21), actor=ADMIN)
    # May: H01 claims 78,000円 (the 利用者負担 not deducted) → 差異あり +18,000円; K01's
    # 2人 claim against its 1 child (90,000円) → 差異あり by the 児童数 alone
    seikyu_uketsuke(shisetsu=h01, month=MAY, uketsuke_date=date(2025, 5, 12), ninzu=1,
                    gaku=78_000, actor=ADMIN)  # fmt: skip
    seikyu_uketsuke(shisetsu=k01, month=MAY, uketsuke_date=date(2025, 5, 12), ninzu=2,
                    gaku=90_000, actor=ADMIN)  # fmt: skip
    kekka = seikyu_shinsa(month=MAY, shinsa_date=date(2025, 5, 20), actor=ADMIN)
    assert _judged(kekka) == [("H01", "sai", 1, 60_000, 18_000), ("K01", "sai", 1, 90_000, 0)]
    assert kekka.mi_seikyu == []
    # H01 corrects its claim: back to 受付, then 一致; only the 請求 not yet 一致 are judged
    q = seikyu_uketsuke(shisetsu=h01, month=MAY, uketsuke_date=date(2025, 5, 22), ninzu=1,
                        gaku=60_000, actor=ADMIN)  # fmt: skip
    assert (q.jotai, q.shinsa_date, q.santei_gaku, q.sagaku) == ("uketsuke", None, None, None)
    kekka = seikyu_shinsa(month=MAY, shinsa_date=date(2025, 5, 23), actor=ADMIN)
    assert _judged(kekka) == [("H01", "itchi", 1, 60_000, 0), ("K01", "sai", 1, 90_000, 0)]
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_seikyu")
    assert logged.filter(action="create").count() == 3
    assert logged.filter(action="update").count() == 4  # 1 correction, 3 審査
    # 寒川町: none of 葉山町's 請求; its 審査 cannot make the 算定 without its 公定価格 and
    # writes nothing
    connection.set_tenant(beta.municipality)
    assert HoikuKyufuhiSeikyu.objects.count() == 0
    b_h01 = HoikuShisetsu.objects.get(code="H01")
    seikyu_uketsuke(shisetsu=b_h01, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=1,
                    gaku=110_000, actor=ADMIN)  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="公定価格が登録されていません"):
        seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    assert HoikuKyufuhiSeikyu.objects.get().jotai == "uketsuke"
    _prices(140_000)
    kekka = seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    assert _judged(kekka) == [("H01", "itchi", 1, 110_000, 0)]
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiSeikyu.objects.filter(jotai="itchi").count() == 2


def test_seikyu_screen_in_two_towns(alpha, beta, login, django_capture_on_commit_callbacks):
    """葉山町's clerk receives H01's June claim on the screen and runs the 審査 (一致 shown);
    a 閲覧者 may do neither (403); a refused claim writes nothing; 寒川町's screen shows none
    of it."""
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    _town(alpha, "hayama", "kaisho", capture)
    _prices(130_000)
    s_pk = HoikuShisetsu.objects.get(code="H01").pk
    connection.set_schema_to_public()
    base = "/fukushi/kodomo-kosodate/kyufuhi/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    form = {"shisetsu": s_pk, "month": "2025-06", "uketsuke_date": "令和7年6月10日",
            "ninzu": 1, "gaku": 100_000}  # fmt: skip
    assert viewer.post(f"{base}seikyu/", form).status_code == 403
    page = clerk.post(f"{base}seikyu/", {**form, "ninzu": -1}, follow=True).content.decode()
    assert "請求の児童数" in page and "この月の請求はまだありません" in page
    page = clerk.post(f"{base}seikyu/", form, follow=True).content.decode()
    assert "堀内保育園の請求を受け付けました（未審査）" in page and "受付（未審査）" in page
    shinsa = {"month": "2025-06", "shinsa_date": "令和7年6月20日"}
    assert viewer.post(f"{base}shinsa/", shinsa).status_code == 403
    page = clerk.post(f"{base}shinsa/", shinsa, follow=True).content.decode()
    assert "1施設の請求を審査しました（差異あり 0施設）" in page
    assert "<td>審査済（一致）</td><td>令和7年6月20日</td>" in page
    connection.set_tenant(alpha.municipality)
    assert HoikuKyufuhiSeikyu.objects.get().jotai == "itchi"
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get(f"{base}?month=2025-06").content.decode()
    assert "この月の請求はまだありません" in page and "<td>審査済（一致）</td>" not in page
