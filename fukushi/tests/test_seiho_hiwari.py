"""日割 of the monthly 保護費 (SH-25): the published worked example of a 開始月 (rule), the
rounding (未確認: the rule's own choice, pinned), and the payment run of two towns with cases
opened, stopped, resumed and closed inside the month; the detail screen shows the days to
the caseworker and answers 404 to a clerk without the grant."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import SeihoCase, SeihoShikyuLine
from fukushi.rules.seiho_hiwari import days_in_month, hiwari
from fukushi.services.seiho import seiho_saikai, seiho_shikyu_make, seiho_teishi
from fukushi.tests.factories import ACTOR, haishi, kaishi
from fukushi.tests.test_seiho_cases import BASE, JUNE, household
from tenants.db import connection

JULY = date(2026, 7, 1)


def test_the_published_kaishi_month_example():
    # ameblo.jp/capybara321 「保護開始月の保護費の計算方法」 (citing 局長通知 第7-4-(1)-イ,
    # 別冊問答集 問7-13): 4月11日 開始, 生活扶助 72,000円 ÷ 30日 × 20日 = 48,000円,
    # 住宅扶助 33,000円 (the month's rent unpaid) in full: 81,000円
    h = hiwari(
        seikatsu_fujo=72_000,
        kasan=0,
        jutaku_fujo=33_000,
        shunyu_nintei=0,
        nissu=20,
        month=date(2026, 4, 1),
    )
    assert (h.seikatsu, h.jutaku, h.hogohi) == (48_000, 33_000, 81_000)
    assert "72,000円×20日÷30日＝48,000円" in h.uchiwake


def test_rounding_and_income_share_and_refusals():
    # 未確認 rounding, pinned: 生活扶助 raised to the yen, the income share cut to the yen
    h = hiwari(
        seikatsu_fujo=70_000,
        kasan=7_240,
        jutaku_fujo=0,
        shunyu_nintei=30_001,
        nissu=10,
        month=date(2026, 7, 1),
    )
    # 77,240 × 10 ÷ 31 = 24,916.1… → 24,917; 30,001 × 10 ÷ 31 = 9,677.7… → 9,677
    assert (h.seikatsu, h.shunyu, h.hogohi) == (24_917, 9_677, 15_240)
    # never below zero
    assert (
        hiwari(
            seikatsu_fujo=10_000,
            kasan=0,
            jutaku_fujo=0,
            shunyu_nintei=90_000,
            nissu=5,
            month=JULY,
        ).hogohi
        == 0
    )
    assert [days_in_month(date(2028, 2, 1)), days_in_month(date(2026, 2, 1))] == [29, 28]
    for bad in (0, 32):
        with pytest.raises(ValueError, match="日割の日数"):
            hiwari(seikatsu_fujo=1, kasan=0, jutaku_fujo=0, shunyu_nintei=0, nissu=bad, month=JULY)


@pytest.mark.django_db
def test_payment_run_pays_by_days_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    # 高齢単身（65歳）1級地-1, 令和8年7月: 76,880円 a month (test_seiho_cases), = 31 × 2,480
    (full,) = household("hayama", [65], JUNE, surname="満月")
    (late,) = household("hayama", [65], JUNE, surname="途中")
    (ends,) = household("hayama", [65], JUNE, surname="廃止")
    (stops,) = household("hayama", [65], JUNE, surname="停止")
    (august,) = household("hayama", [65], JUNE, surname="八月")
    k_full = kaishi(cap, [full], day=JUNE)
    k_late = kaishi(cap, [late], day=date(2026, 7, 11))  # 11〜31日: 21日
    k_ends = kaishi(cap, [ends], day=JUNE)
    haishi(cap, k_ends.case_id, day=date(2026, 7, 16))  # 1〜15日: 15日
    k_stops = kaishi(cap, [stops], day=JUNE)
    seiho_teishi(
        case_id=k_stops.case_id,
        tekiyo_date=date(2026, 7, 6),
        kettei_date=date(2026, 7, 5),
        riyu="収入の一時的な増",
        actor=ACTOR,
    )
    seiho_saikai(
        case_id=k_stops.case_id,
        tekiyo_date=date(2026, 7, 21),
        kettei_date=date(2026, 7, 20),
        riyu="収入の減",
        actor=ACTOR,
    )  # 1〜5日 and 21〜31日: 16日
    k_aug = kaishi(cap, [august], day=date(2026, 8, 1))
    run = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    got = {ln.case_id: (ln.amount, ln.nissu) for ln in SeihoShikyuLine.objects.filter(shikyu=run)}
    assert got == {
        k_full.case_id: (76_880, 0),
        k_late.case_id: (2_480 * 21, 21),
        k_ends.case_id: (2_480 * 15, 15),
        k_stops.case_id: (2_480 * 16, 16),
    }
    assert k_aug.case_id not in got
    late_no = SeihoCase.objects.get(pk=k_late.case_id).case_no
    # 寒川町: its own case opened on 7月21日 (11日), nothing of 葉山町's
    connection.set_tenant(beta.municipality)
    (b,) = household("samukawa", [65], JUNE, surname="寒川")
    k_b = kaishi(cap, [b], day=date(2026, 7, 21))
    run_b = seiho_shikyu_make(month=JULY, furikomi_date=date(2026, 7, 3), actor=ACTOR)
    got_b = list(SeihoShikyuLine.objects.filter(shikyu=run_b).values_list("case_id", "nissu"))
    assert got_b == [(k_b.case_id, 11)]
    assert SeihoCase.objects.count() == 1
    # the detail screen shows the days to 葉山町's caseworker; a clerk without the grant: 404
    connection.set_schema_to_public()
    c = login("hayama-shinsa", alpha.host)
    assert (
        c.post(f"{BASE}/shikyu/{run.pk}/mokuteki/", {"mokuteki": "日割の確認"}).status_code == 302
    )
    html = c.get(f"{BASE}/shikyu/{run.pk}/").content.decode()
    assert late_no in html and "21日分" in html and "1か月分" in html
    assert login("hayama-clerk", alpha.host).get(f"{BASE}/shikyu/{run.pk}/").status_code == 404
    # 寒川町's caseworker reaches nothing of 葉山町's run (the same id, if it is one, is
    # 寒川町's own run)
    cb = login("samukawa-shinsa", beta.host)
    cb.post(f"{BASE}/shikyu/{run.pk}/mokuteki/", {"mokuteki": "確認"})
    r = cb.get(f"{BASE}/shikyu/{run.pk}/")
    page = r.content.decode()
    assert r.status_code == 404 or ("52,080" not in page and "21日分" not in page)
