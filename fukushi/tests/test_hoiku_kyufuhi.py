"""施設型給付費 (HK-13) per 施設 and month in two towns (葉山町 = alpha, 寒川町 = beta): the
公定価格 each town entered for its 施設 (test data, entered per クラス年齢; the 内閣府's 加算
tables are not computed here) less the 利用者負担 (the 保育料 already computed), and the 全銀
総合振込 file read back. Neither town's 公定価格, children or 施設 reach the other's list or
file; a missing 公定価格 or account is refused with the 施設 and クラス named.

Children and fees as test_hoikuryo_hiwari.py: one child (born 2023-05-01, 3号 保育標準時間)
entering 堀内保育園 (H01) on 2025-05-15, 保育料 30,000円 for June 2025 (a whole month) in both
towns. 葉山町 enters 130,000円 for its クラス → 給付費 130,000 − 30,000 = 100,000円; 寒川町
enters 140,000円 → 110,000円.

月の途中の入所・退所 (the 公定価格 prorated by the 開所日 enrolled, at most 25 and divided by
25, 1円未満切捨て: ``fukushi.hoiku.kyufuhi.hiwari_bunbo``, the 内閣府's rule not read here —
未確認; the 25日 is the towns' 保育料 rule, 十日町市特定保育所保育料に関する規則第2条
https://www.city.tokamachi.lg.jp/section/reiki_int/reiki_honbun/r106RG00001054.html ): the
entry on 2025-05-15 gives 5/15〜5/31 less the Sundays 5/18, 5/25 = 15 開所日 → 葉山町
130,000 × 15 / 25 = 78,000円 less the May fee prorated by its own 開所日数割 (18,000円, as
test_hoikuryo_hiwari.py) = 60,000円; 寒川町 140,000 × 15 / 25 = 84,000円 less its 暦日割 fee
16,450円 = 67,550円; with 日割なし the fee starts in June, so May's 給付費 is the whole 84,000円.
A 1号 child (4歳児クラス, 教育標準時間) at 葉山町's 認定こども園: the 1号 公定価格 entered,
90,000円, the 利用者負担 0 (無償化); leaving on 2025-06-10: 6/1〜6/10 less the Sundays 6/1, 6/8
= 8 開所日 → 90,000 × 8 / 25 = 28,800円. The amounts are test data, not a published 公定価格.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import HoikuShisetsu
from fukushi.rules.hoiku import class_age
from fukushi.services.hoiku import (
    NinteiInput,
    nintei_register,
    nyusho_register,
    shisetsu_register,
    taisho_register,
)
from fukushi.services.hoiku_kyufu import (
    KyufuhiRefused,
    kotei_kakaku_set,
    kyufuhi_of_month,
    shisetsu_koza_set,
)
from fukushi.services.hoiku_kyufu_seikyu import seikyu_shinsa, seikyu_uketsuke
from fukushi.services.hoiku_kyufu_shiharai import kyufuhi_shiharai, shiharai_furikomi
from fukushi.services.hoiku_ryo import hoikuryo_compute
from fukushi.tests.test_hoiku_keigen import ELDER
from fukushi.tests.test_hoikuryo_hiwari import ADMIN, _town
from juminkiroku.tests import factories as jk
from tenants import zengin
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)
IRAININ = zengin.Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0009", "123", "1", "7654321")
AGE = class_age(ELDER, 2025)


def _prices(kotei: int) -> None:
    s = HoikuShisetsu.objects.get(code="H01")
    for age in range(6):
        gaku = kotei if age == AGE else 200_000 + age
        kotei_kakaku_set(shisetsu=s, nendo=2025, class_age=age, hyojun=gaku,
                         tanjikan=gaku - 2_000, actor=ADMIN)  # fmt: skip


def test_kyufuhi_per_shisetsu_and_month_and_its_file_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    a_child = _town(alpha, "hayama", "kaisho", capture)[1]
    # 葉山町 (connection on alpha): no 公定価格 yet → refused, naming the 施設 and クラス
    with pytest.raises(KyufuhiRefused, match=f"堀内保育園：{AGE}歳児クラスの公定価格"):
        kyufuhi_of_month(JUNE, actor=ADMIN)
    _prices(130_000)
    # May: the child entered on 5/15 → the 公定価格 prorated (15 of 25 開所日)
    (may,) = kyufuhi_of_month(MAY, actor=ADMIN)
    (line,) = may.lines
    assert (may.shisetsu.code, may.tochu, may.total) == ("H01", 1, 60_000)
    assert (line.kotei_getsugaku, line.nissu, line.bunbo, line.kotei, line.futan) == (
        130_000, 15, 25, 78_000, 18_000)  # fmt: skip
    # June: 130,000 − 30,000 = 100,000
    (june,) = kyufuhi_of_month(JUNE, actor=ADMIN)
    (line,) = june.lines
    assert (line.atena_id, line.class_age, line.kotei, line.futan, line.kyufu) == (
        a_child, AGE, 130_000, 30_000, 100_000,
    )  # fmt: skip
    assert line.hitsuyoryo == "保育標準時間" and june.total == 100_000
    # paid once its 請求 is 一致: refused without the 施設's account, then the file of the
    # payment, one line of 100,000円
    s = HoikuShisetsu.objects.get(code="H01")
    seikyu_uketsuke(shisetsu=s, month=JUNE, uketsuke_date=date(2025, 6, 10), ninzu=1,
                    gaku=100_000, actor=ADMIN)  # fmt: skip
    seikyu_shinsa(month=JUNE, shinsa_date=date(2025, 6, 20), actor=ADMIN)
    with pytest.raises(KyufuhiRefused, match="振込先口座が登録されていません"):
        kyufuhi_shiharai(month=JUNE, irainin=IRAININ, shiharai_date=date(2025, 7, 10), actor=ADMIN)
    shisetsu_koza_set(shisetsu=s, account=zengin.Account("0005", "002", "1", "1111111",
                      "ﾎﾘｳﾁﾎｲｸｴﾝ"), actor=ADMIN)  # fmt: skip
    kyufuhi_shiharai(month=JUNE, irainin=IRAININ, shiharai_date=date(2025, 7, 10), actor=ADMIN)
    records = zengin.read_sogo_furikomi(shiharai_furikomi(month=JUNE, actor=ADMIN)[0])
    data = [r for r in records if r.kind == "data"]
    assert [(r.fields["amount"], r.fields["koza_bango"]) for r in data] == [(100_000, "1111111")]
    logged = AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi_shiharai", action="export")
    assert logged.count() == 1
    # 寒川町: 葉山町's 公定価格 and account do not reach it
    connection.set_tenant(beta.municipality)
    with pytest.raises(KyufuhiRefused, match="公定価格が登録されていません"):
        kyufuhi_of_month(JUNE, actor=ADMIN)
    _prices(140_000)
    (june_b,) = kyufuhi_of_month(JUNE, actor=ADMIN)
    assert [ln.kyufu for ln in june_b.lines] == [110_000] and june_b.total == 110_000
    (may_b,) = kyufuhi_of_month(MAY, actor=ADMIN)
    assert [(ln.kotei, ln.futan, ln.kyufu) for ln in may_b.lines] == [(84_000, 16_450, 67_550)]
    with pytest.raises(KyufuhiRefused, match="まだ支払っていません"):
        shiharai_furikomi(month=JUNE, actor=ADMIN)
    # a クラス年齢 out of range is refused, nothing written
    with pytest.raises(KyufuhiRefused, match="クラス年齢は0〜5歳"):
        kotei_kakaku_set(shisetsu=HoikuShisetsu.objects.get(code="H01"), nendo=2025,
                         class_age=6, hyojun=1, tanjikan=1, actor=ADMIN)  # fmt: skip


def test_kyufuhi_screen_entry_list_and_file_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    """The screen: 葉山町's clerk enters the 公定価格 and the account, sees June's list (the
    child's line and the total) and downloads the file (read back); 寒川町's list shows none
    of it (its own 公定価格 missing: refused with the message); a 閲覧者 may not enter (403)."""
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    _town(alpha, "hayama", "kaisho", capture)
    s_pk = HoikuShisetsu.objects.get(code="H01").pk
    connection.set_schema_to_public()
    base = "/fukushi/kodomo-kosodate/kyufuhi/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"{base}?month=2025-06").content.decode()
    assert f"{AGE}歳児クラスの公定価格が登録されていません" in page
    viewer = login("hayama-viewer", ALPHA_HOST)
    kotei = {"shisetsu": s_pk, "nendo": 2025, "class_age": AGE, "hyojun": 130_000,
             "tanjikan": 128_000}  # fmt: skip
    assert viewer.post(f"{base}kotei/", kotei).status_code == 403
    assert clerk.post(f"{base}kotei/", kotei).status_code == 302
    # refused input writes nothing: a クラス年齢 of 6
    page = clerk.post(f"{base}kotei/", {**kotei, "class_age": 6}, follow=True).content.decode()
    assert "クラス年齢（0〜5）" in page
    page = clerk.get(f"{base}?month=2025-06").content.decode()
    assert "堀内保育園" in page and "森戸" in page and "100,000円" in page
    assert "130,000円" in page and "30,000円" in page
    # May: the entry on 5/15 prorated on the screen (15 of 25 開所日)
    page = clerk.get(f"{base}?month=2025-05").content.decode()
    assert "開所日数 15日／25日" in page and "78,000円" in page and "60,000円" in page
    koza = {"shisetsu": s_pk, "kinyu_kikan": "0005", "shiten": "002", "yokin_shumoku": "1",
            "koza_bango": "1111111", "meigi_kana": "ﾎﾘｳﾁﾎｲｸｴﾝ"}  # fmt: skip
    assert clerk.post(f"{base}koza/", koza).status_code == 302
    # the file is that of the payments (fukushi/tests/test_hoiku_kyufuhi_shiharai.py): the
    # 請求 received and judged 一致, paid, then the month's file
    form = {"shisetsu": s_pk, "month": "2025-06", "uketsuke_date": "令和7年6月10日",
            "ninzu": 1, "gaku": 100_000}  # fmt: skip
    assert clerk.post(f"{base}seikyu/", form).status_code == 302
    shinsa = {"month": "2025-06", "shinsa_date": "令和7年6月20日"}
    assert clerk.post(f"{base}shinsa/", shinsa).status_code == 302
    assert clerk.post(f"{base}shiharai/shiharau/", {
        "month": "2025-06", "shiharai_date": "令和7年7月10日", "code": "1234567890",
        "name_kana": "ﾊﾔﾏﾏﾁ", "bank": "0009", "shiten": "123", "yokin_shumoku": "1",
        "koza_bango": "7654321",
    }).status_code == 302  # fmt: skip
    r = clerk.post(f"{base}shiharai/furikomi/", {"month": "2025-06"})
    assert r.status_code == 200, r.content.decode()[:500]
    data = [x for x in zengin.read_sogo_furikomi(r.content) if x.kind == "data"]
    assert [(x.fields["amount"], x.fields["koza_bango"]) for x in data] == [(100_000, "1111111")]
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(screen="fukushi.hoiku_kyufuhi", action="read").exists()
    connection.set_schema_to_public()
    # 寒川町: its own list, without 葉山町's 公定価格 or child
    other = login("samukawa-clerk", BETA_HOST)
    page = other.get(f"{base}?month=2025-06").content.decode()
    assert "公定価格が登録されていません" in page and "100,000円" not in page


def _ichigo_child(capture) -> int:
    """葉山町: a 4歳児クラス child (born 2021-06-01) with a 1号 認定 for 令和7年度, at the
    認定こども園 K01 from 2025-04-01 until 2025-06-10 (退所)."""
    members = [
        jk.person_fields(shimei="一色　真理", shimei_kana="イッシキ　マリ", sex=jk.Sex.FEMALE,
                         birth_date="1990-01-10"),
        jk.person_fields(shimei="一色　蓮", shimei_kana="イッシキ　レン", birth_date="2021-06-01",
                         zokugara=jk.Zokugara.KO, setai_order=2),
    ]  # fmt: skip
    with capture(execute=True):
        _, (mother, child) = jk.household_tennyu("hayama", members=members,
                                                 ido_date=date(2024, 6, 1))  # fmt: skip
    shisetsu_register(code="K01", name="一色こども園", shubetsu="kodomoen", teiin={3: 10},
                      nendo=2025, actor=ADMIN)  # fmt: skip
    n = nintei_register(
        inp=NinteiInput(atena_id=child.pk, hogosha_atena_id=mother.pk, kubun="1",
                        start_date=date(2025, 4, 1), end_date=date(2026, 3, 31)),
        actor=ADMIN,
    )  # fmt: skip
    ny = nyusho_register(nintei_id=n.pk, shisetsu_code="K01", start_date=date(2025, 4, 1),
                         actor=ADMIN)  # fmt: skip
    taisho_register(nyusho_id=ny.pk, end_date=date(2025, 6, 10), riyu="転園", actor=ADMIN)
    return int(child.pk)


def test_ichigo_children_and_the_hiwari_in_two_towns(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    _town(alpha, "hayama", "kaisho", capture)
    child = _ichigo_child(capture)
    _prices(130_000)
    k01 = HoikuShisetsu.objects.get(code="K01")
    # the 1号 公定価格 missing → refused naming the 施設 and the クラス
    kotei_kakaku_set(shisetsu=k01, nendo=2025, class_age=3, hyojun=150_000, tanjikan=148_000,
                     actor=ADMIN)  # fmt: skip
    with pytest.raises(KyufuhiRefused, match="一色こども園：3歳児クラスの1号（教育標準時間）"):
        kyufuhi_of_month(MAY, actor=ADMIN)
    # a 1号 price below the 2歳児（満3歳）クラス is refused
    with pytest.raises(KyufuhiRefused, match="2歳児（満3歳）クラス以上"):
        kotei_kakaku_set(shisetsu=k01, nendo=2025, class_age=1, hyojun=1, tanjikan=1, kyoiku=1,
                         actor=ADMIN)  # fmt: skip
    kotei_kakaku_set(shisetsu=k01, nendo=2025, class_age=3, hyojun=150_000, tanjikan=148_000,
                     kyoiku=90_000, actor=ADMIN)  # fmt: skip
    h01, k = kyufuhi_of_month(MAY, actor=ADMIN)
    assert [(ln.kotei, ln.futan, ln.kyufu) for ln in h01.lines] == [(78_000, 18_000, 60_000)]
    (line,) = k.lines
    assert (line.atena_id, line.class_age, line.hitsuyoryo) == (child, 3, "教育標準時間（1号）")
    assert (line.kotei, line.futan, line.kyufu, line.nissu) == (90_000, 0, 90_000, None)
    # June: the 1号 child left on 6/10 → 8 of 25 開所日
    h01, k = kyufuhi_of_month(JUNE, actor=ADMIN)
    (line,) = k.lines
    assert (line.nissu, line.kotei, line.kyufu, k.tochu) == (8, 28_800, 28_800, 1)
    assert h01.total == 100_000
    # 寒川町: no 1号 child, no K01; with 日割なし the May fee is none, the 給付費 84,000円
    connection.set_tenant(beta.municipality)
    _prices(140_000)
    assert not HoikuShisetsu.objects.filter(code="K01").exists()
    municipal_parameter_set(key="fukushi.hoiku.hiwari.hoho", fiscal_year=2025, value_text="nashi",
                            reason="保育料に関する規則", actor=ADMIN)  # fmt: skip
    hoikuryo_compute(nendo=2025, months=[5], actor=ADMIN)
    (may_b,) = kyufuhi_of_month(MAY, actor=ADMIN)
    assert [(ln.kotei, ln.futan, ln.kyufu) for ln in may_b.lines] == [(84_000, 0, 84_000)]
