"""保育所保育料の調定 to the 収納 ledger (fukushi/services/hoikuryo_chotei.py), in two towns
(葉山町 = alpha, 寒川町 = beta).

The fees are the national table's (fukushi/params/hoiku.yaml, 子ども・子育て支援法施行令第4条;
https://www.city.kitakata.fukushima.jp/site/kosodate/1547.html ), as in
test_hoikuryo_kirikae.py: 所得割 77,101円 → 第4階層 30,000円 (3号, 標準時間); after a 更正 of
the 所得割 → 第5階層 44,500円; the 第2子 half. The 納期限 is the month's last day (the 既定 of
``fukushi.hoiku.nouki_day``, as 指宿市's 規則 第6条 has it), the next 開庁日 when closed:
2025-05-31 is a Saturday → 2025-06-02.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models.hoiku import HoikuNyusho, HoikuryoChotei, HoikuryoGetsugaku
from fukushi.services.hoiku import (
    NinteiInput,
    nintei_register,
    nyusho_register,
    shisetsu_register,
    taisho_register,
)
from fukushi.services.hoiku_ryo import hoikuryo_compute
from fukushi.services.hoikuryo_chotei import ChoteiRefused, hoikuryo_chotei, nouki_of
from fukushi.tests.test_hoiku_keigen import _single_mother
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import kazei, kazei_kosei

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="hayama-clerk")
ADMIN = Actor(user_id=None, username="hayama-admin")
MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)


@pytest.fixture
def family(alpha, django_capture_on_commit_callbacks):
    """葉山町: a mother with two children (3号): the elder at a 保育所 (the town collects),
    the younger at a 認定こども園 (the facility collects); fees of 令和7年度 computed."""
    connection.set_tenant(alpha.municipality)
    mother, elder, younger = _single_mother("hayama", django_capture_on_commit_callbacks)
    shisetsu_register(
        code="H01", name="堀内保育園", shubetsu="hoikusho", teiin={1: 3, 2: 3}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    shisetsu_register(
        code="K01", name="一色こども園", shubetsu="kodomoen", teiin={1: 3, 2: 3}, nendo=2025,
        actor=ADMIN,
    )  # fmt: skip
    kazei(mother.pk, 2024, kyuyo=3_000_000, shotokuwari=128_502)  # → 77,101円
    kazei(mother.pk, 2025, kyuyo=3_000_000, shotokuwari=128_502)
    for child, code in ((elder, "H01"), (younger, "K01")):
        n = nintei_register(
            inp=NinteiInput(
                atena_id=child.pk, hogosha_atena_id=mother.pk, hogosha2_atena_id=None,
                kubun="3", jiyu="shuro", shuro_jikan=160,
                start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
            ),
            actor=CLERK,
        )  # fmt: skip
        nyusho_register(
            nintei_id=n.pk, shisetsu_code=code, start_date=date(2025, 4, 1), actor=CLERK
        )
    hoikuryo_compute(nendo=2025, actor=CLERK)
    return mother, elder, younger


def _hoikuryo(atena_id: int) -> dict[str, tuple[int, date]]:
    """The mother's 保育所保育料 期別 in the ledger: 期 label → (調定額, 納期限)."""
    return {
        z.ki_label: (z.chotei, z.nouki)
        for z in kibetsu_zan(atena_id)
        if z.zeimoku == Zeimoku.HOIKURYO
    }


def test_the_hoikusho_fee_is_posted_once_corrected_and_zeroed_on_leaving(family, beta):
    mother, elder, younger = family
    fees = {(g.atena_id, g.month): g.amount for g in HoikuryoGetsugaku.objects.all()}
    assert fees[(elder.pk, MAY)] == 30_000 and fees[(younger.pk, MAY)] == 15_000
    # when: May is posted
    res = hoikuryo_chotei(day=MAY, actor=CLERK)
    # then: only the 保育所 child's fee is a 期別, owed by the mother, due on the next 開庁日
    assert (res.targets, res.written, res.zeroed, res.total) == (1, 1, 0, 30_000)
    assert nouki_of(MAY) == date(2025, 6, 2)  # 5/31 is a Saturday
    assert _hoikuryo(mother.pk) == {"5月分": (30_000, date(2025, 6, 2))}
    (row,) = HoikuryoChotei.objects.all()
    assert (row.atena_id, row.hogosha_atena_id, row.amount) == (elder.pk, mother.pk, 30_000)
    assert len(row.nofu_bango) == 20 and row.nofu_bango.startswith("0925")
    log = AccessLog.objects.get(screen="fukushi.hoikuryo_chotei", username=CLERK.username)
    assert log.detail == {"month": "2025-05-01", "posted": 1, "changed": 1}
    # posting again with nothing changed writes nothing
    again = hoikuryo_chotei(day=MAY, actor=CLERK)
    assert (again.written, again.total) == (0, 30_000)
    assert _hoikuryo(mother.pk) == {"5月分": (30_000, date(2025, 6, 2))}
    # a 更正 of the 所得割 (前年度's for May) → 第5階層: the 期別 now holds 44,500円
    kazei_kosei(mother.pk, 2024, shotokuwari=200_000)
    hoikuryo_compute(nendo=2025, months=[5], actor=CLERK)
    assert HoikuryoGetsugaku.objects.get(atena_id=elder.pk, month=MAY).amount == 44_500
    kosei = hoikuryo_chotei(day=MAY, actor=CLERK)
    assert (kosei.written, kosei.total) == (1, 44_500)
    assert _hoikuryo(mother.pk)["5月分"] == (44_500, date(2025, 6, 2))
    assert HoikuryoChotei.objects.get().amount == 44_500
    # June posted, then the elder leaves at the end of May: June's 期別 is brought to 0
    hoikuryo_chotei(day=JUNE, actor=CLERK)
    assert _hoikuryo(mother.pk)["6月分"][0] == 30_000  # (June: no 更正 of its own)
    taisho_register(
        nyusho_id=HoikuNyusho.objects.get(atena_id=elder.pk).pk,
        end_date=date(2025, 5, 31),
        riyu="転園",
        actor=CLERK,
    )
    hoikuryo_compute(nendo=2025, months=[6], actor=CLERK)
    left = hoikuryo_chotei(day=JUNE, actor=CLERK)
    assert (left.targets, left.written, left.zeroed, left.total) == (0, 1, 1, 0)
    assert _hoikuryo(mother.pk)["6月分"][0] == 0
    assert _hoikuryo(mother.pk)["5月分"][0] == 44_500  # May untouched
    # 寒川町: no fee computed: refused, nothing written there, nothing of 葉山町's seen
    connection.set_tenant(beta.municipality)
    with pytest.raises(ChoteiRefused, match="算定されていません"):
        hoikuryo_chotei(day=MAY, actor=Actor(user_id=None, username="samukawa-clerk"))
    assert not HoikuryoChotei.objects.exists()
    assert not [z for z in kibetsu_zan(mother.pk) if z.zeimoku == Zeimoku.HOIKURYO]


def test_a_month_without_fees_is_refused_and_writes_nothing(alpha):
    connection.set_tenant(alpha.municipality)
    with pytest.raises(ChoteiRefused, match="2025年7月分の保育料が算定されていません"):
        hoikuryo_chotei(day=date(2025, 7, 1), actor=CLERK)
    with pytest.raises(ChoteiRefused, match="調定する月を選んでください"):
        hoikuryo_chotei(day=date(2025, 7, 2), actor=CLERK)
    assert not HoikuryoChotei.objects.exists()


def test_the_clerk_posts_from_the_list_and_sees_the_nofu_bango(family, alpha, beta, login):
    del family  # (the 葉山町 household and its fees)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/fukushi/hoikuryo/?nendo=2025&month=5").content.decode()
    assert "この月を調定する" in page
    r = clerk.post(
        "/fukushi/hoikuryo/chotei/", {"chotei-nendo": "2025", "chotei-month": "5"}, follow=True
    )
    html = r.content.decode()
    assert "5月分の保育所保育料を調定しました（保育所の子ども1人" in html
    assert "調定額の合計30,000円" in html
    connection.set_tenant(alpha.municipality)
    nofu = HoikuryoChotei.objects.get().nofu_bango
    connection.set_schema_to_public()
    assert f"30,000円<br><small>{nofu}</small>" in html
    # 寒川町's clerk: refused for its own town (nothing computed), and sees nothing of 葉山町's
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/fukushi/hoikuryo/chotei/", {"chotei-nendo": "2025", "chotei-month": "5"}, follow=True
    )
    assert "保育料が算定されていません" in r.content.decode()
    body = other.get("/fukushi/hoikuryo/?nendo=2025&month=5").content.decode()
    assert nofu not in body and "森戸" not in body
    connection.set_tenant(beta.municipality)
    assert not HoikuryoChotei.objects.exists()
    connection.set_tenant(alpha.municipality)
    assert HoikuryoChotei.objects.count() == 1
