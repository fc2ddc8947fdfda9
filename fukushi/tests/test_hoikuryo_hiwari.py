"""保育料の日割 (fukushi/rules/hoiku_hiwari.py, ``hoikuryo_compute``) by each town's rule, and
the 調定 of the prorated fee, in two towns (葉山町 = alpha: 開所日数割; 寒川町 = beta: 暦日割).

Worked examples, on the national table's 30,000円 (3号, 保育標準時間, 第4階層: the mother's
所得割 77,101円, as in test_hoikuryo_chotei.py):

- 開所日数割 by 十日町市特定保育所保育料に関する規則 第2条
  (https://www.city.tokamachi.lg.jp/section/reiki_int/reiki_honbun/r106RG00001054.html :
  「保育料にその月の途中入所日からの開所日数（25日を超える場合は、25日）を乗じて得た額を25で
  除した額」, 10円未満切捨て; 函館市 施行細則 第5条第3項 the same). 入所 2025-05-15 (木):
  5/15〜5/31 is 17 days less the Sundays 5/18 and 5/25 = 15 開所日 → 30,000 × 15 / 25 =
  18,000円. 退所 2025-06-10 (the last day enrolled; 「途中退所日までの開所日数」): 6/1〜6/10 less
  the Sundays 6/1 and 6/8 = 8 → 30,000 × 8 / 25 = 9,600円.
- 暦日割 (未確認: no 規則 naming the 暦日 was read): 入所 5/15 → 17 of May's 31 days:
  30,000 × 17 / 31 = 16,451.6… → 16,450円 (10円未満切捨て).
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models.hoiku import HoikuNyusho, HoikuryoChotei, HoikuryoGetsugaku
from fukushi.rules.hoiku_hiwari import Hiwari, HiwariHoho, enrolled_days, hiwari, is_kaishobi
from fukushi.services.hoiku import (
    NinteiInput,
    nintei_register,
    nyusho_register,
    shisetsu_register,
    taisho_register,
)
from fukushi.services.hoiku_ryo import hoikuryo_compute
from fukushi.services.hoikuryo_chotei import hoikuryo_chotei
from fukushi.tests.test_hoiku_keigen import _single_mother
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.holidays import is_holiday, is_nenmatsu_nenshi
from tenants.params.settable import ParameterValueError
from tenants.params.tenant.models import MunicipalParameter
from tenants.params.tenant.services import municipal_parameter_set
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ADMIN = Actor(user_id=None, username="admin")
MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)


def _kaisho(d: date) -> bool:
    return is_kaishobi(d, is_holiday=is_holiday, is_nenmatsu=is_nenmatsu_nenshi)


def _h(hoho: HiwariHoho, days: set[date], month: date = MAY) -> Hiwari | None:
    return hiwari(30_000, hoho=hoho, month=month, days=days, kaishobi=_kaisho, bunbo=25, hasu=10)


def test_the_rules_count_open_days_or_calendar_days_and_cut_below_ten_yen():
    days = enrolled_days(MAY, [(date(2025, 5, 15), None)])
    assert len(days) == 17
    assert _h(HiwariHoho.KAISHO, days) == Hiwari(18_000, 15, 25)
    assert _h(HiwariHoho.REKI, days) == Hiwari(16_450, 17, 31)
    assert _h(HiwariHoho.NASHI, days) is None
    # the whole month enrolled: no 日割; two facilities in one month counted once
    whole = enrolled_days(MAY, [(date(2025, 4, 1), date(2025, 5, 20)), (date(2025, 5, 21), None)])
    assert _h(HiwariHoho.KAISHO, whole) is None
    # 入所 5/2 (金): 30 days less 4 Sundays and the holidays 5/3, 5/5, 5/6 = 23 開所日
    assert _h(HiwariHoho.KAISHO, enrolled_days(MAY, [(date(2025, 5, 2), None)])) == Hiwari(
        27_600, 23, 25
    )
    # 12/29〜1/3 are not 開所日: 入所 12/22 (月) → 12/22〜12/27 (6) → 30,000 × 6 / 25
    dec = date(2025, 12, 1)
    assert _h(HiwariHoho.KAISHO, enrolled_days(dec, [(date(2025, 12, 22), None)]), dec) == Hiwari(
        7_200, 6, 25
    )
    # 開所日数 above the divisor count as the divisor: June 2025 from 6/2 (月) has 25 開所日;
    # with a town's divisor of 24 they count as 24 → the whole fee
    june = enrolled_days(JUNE, [(date(2025, 6, 2), None)])
    capped = hiwari(30_000, hoho=HiwariHoho.KAISHO, month=JUNE, days=june, kaishobi=_kaisho,
                    bunbo=24, hasu=10)  # fmt: skip
    assert capped == Hiwari(30_000, 24, 24)


def _town(tenant, town: str, hoho: str, capture) -> tuple[int, int]:
    """A mother and her elder child (3号) entering the town's 保育所 on 2025-05-15; the town's
    日割 rule set to ``hoho``. Returns (mother, child) 宛名 ids."""
    connection.set_tenant(tenant.municipality)
    municipal_parameter_set(key="fukushi.hoiku.hiwari.hoho", fiscal_year=2025, value_text=hoho,
                            reason="保育料に関する規則", actor=ADMIN)  # fmt: skip
    mother, elder, _younger = _single_mother(town, capture)
    shisetsu_register(code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={1: 3, 2: 3},
                      nendo=2025, actor=ADMIN)  # fmt: skip
    kazei(mother.pk, 2024, kyuyo=3_000_000, shotokuwari=128_502)  # → 77,101円
    kazei(mother.pk, 2025, kyuyo=3_000_000, shotokuwari=128_502)
    n = nintei_register(
        inp=NinteiInput(
            atena_id=elder.pk, hogosha_atena_id=mother.pk, hogosha2_atena_id=None,
            kubun="3", jiyu="shuro", shuro_jikan=160,
            start_date=date(2025, 5, 15), end_date=date(2026, 3, 31),
        ),
        actor=ADMIN,
    )  # fmt: skip
    nyusho_register(nintei_id=n.pk, shisetsu_code="H01", start_date=date(2025, 5, 15),
                    actor=ADMIN)  # fmt: skip
    hoikuryo_compute(nendo=2025, months=[5, 6], actor=ADMIN)
    return mother.pk, elder.pk


def _fee(child: int, month: date) -> tuple[int, int | None, int | None, int | None]:
    g = HoikuryoGetsugaku.objects.get(atena_id=child, month=month)
    return g.amount, g.hiwari_mae, g.hiwari_nissu, g.hiwari_bunbo


def test_each_town_prorates_by_its_own_rule_and_posts_the_prorated_fee(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    b_mother, b_child = _town(beta, "samukawa", "reki", capture)
    a_mother, a_child = _town(alpha, "hayama", "kaisho", capture)
    # then (葉山町, 開所日数割): May 18,000円 of 30,000円 (15 of 25), June whole
    assert _fee(a_child, MAY) == (18_000, 30_000, 15, 25)
    assert _fee(a_child, JUNE) == (30_000, None, None, None)
    # the 調定 states the prorated fee as the 期別 of May
    res = hoikuryo_chotei(day=MAY, actor=ADMIN)
    assert (res.targets, res.written, res.total) == (1, 1, 18_000)
    zan = {z.ki_label: z.chotei for z in kibetsu_zan(a_mother) if z.zeimoku == Zeimoku.HOIKURYO}
    assert zan == {"5月分": 18_000}
    # the child leaves on 6/10: June is recomputed to 9,600円 (8 of 25) and posted
    taisho_register(nyusho_id=HoikuNyusho.objects.get(atena_id=a_child).pk,
                    end_date=date(2025, 6, 10), riyu="転居", actor=ADMIN)  # fmt: skip
    hoikuryo_compute(nendo=2025, months=[6], actor=ADMIN)
    assert _fee(a_child, JUNE) == (9_600, 30_000, 8, 25)
    hoikuryo_chotei(day=JUNE, actor=ADMIN)
    zan = {z.ki_label: z.chotei for z in kibetsu_zan(a_mother) if z.zeimoku == Zeimoku.HOIKURYO}
    assert zan == {"5月分": 18_000, "6月分": 9_600}
    assert set(HoikuryoGetsugaku.objects.values_list("atena_id", flat=True)) == {a_child}
    # 寒川町 (暦日割): its own rule, its own rows; nothing of 葉山町's there
    connection.set_tenant(beta.municipality)
    assert _fee(b_child, MAY) == (16_450, 30_000, 17, 31)
    assert set(HoikuryoGetsugaku.objects.values_list("atena_id", flat=True)) == {b_child}
    assert not HoikuryoChotei.objects.exists()
    assert not [z for z in kibetsu_zan(b_mother) if z.zeimoku == Zeimoku.HOIKURYO]


def test_without_a_rule_set_a_mid_month_entry_pays_from_the_next_month(
    alpha, django_capture_on_commit_callbacks
):
    """The 既定 (日割なし: the enrolment on the month's first day decides)."""
    connection.set_tenant(alpha.municipality)
    mother, elder, _ = _single_mother("hayama", django_capture_on_commit_callbacks)
    shisetsu_register(code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={1: 3, 2: 3},
                      nendo=2025, actor=ADMIN)  # fmt: skip
    kazei(mother.pk, 2024, kyuyo=3_000_000, shotokuwari=128_502)
    n = nintei_register(
        inp=NinteiInput(
            atena_id=elder.pk, hogosha_atena_id=mother.pk, hogosha2_atena_id=None,
            kubun="3", jiyu="shuro", shuro_jikan=160,
            start_date=date(2025, 5, 15), end_date=date(2026, 3, 31),
        ),
        actor=ADMIN,
    )  # fmt: skip
    nyusho_register(nintei_id=n.pk, shisetsu_code="H01", start_date=date(2025, 5, 15),
                    actor=ADMIN)  # fmt: skip
    hoikuryo_compute(nendo=2025, months=[5, 6], actor=ADMIN)
    assert not HoikuryoGetsugaku.objects.filter(month=MAY).exists()
    assert _fee(elder.pk, JUNE) == (30_000, None, None, None)


def test_a_rule_outside_the_choices_is_refused_and_writes_nothing(alpha):
    connection.set_tenant(alpha.municipality)
    before = MunicipalParameter.objects.count()
    with pytest.raises(ParameterValueError):
        municipal_parameter_set(key="fukushi.hoiku.hiwari.hoho", fiscal_year=2025,
                                value_text="shukujitsu", reason="規則", actor=ADMIN)  # fmt: skip
    assert MunicipalParameter.objects.count() == before


def test_the_fee_list_shows_the_hiwari(alpha, beta, login, django_capture_on_commit_callbacks):
    _town(alpha, "hayama", "kaisho", django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/fukushi/hoikuryo/?nendo=2025&month=5").content.decode()
    assert "日割 15日／25日（月額 30,000円）" in page
    # 寒川町's clerk sees none of it
    other = login("samukawa-clerk", BETA_HOST)
    body = other.get("/fukushi/hoikuryo/?nendo=2025&month=5").content.decode()
    assert "日割 15日" not in body and "森戸" not in body
