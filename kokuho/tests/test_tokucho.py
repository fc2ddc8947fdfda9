"""国保税の特別徴収 (地方税法第706条の2): the judgment on the household compositions the
municipal pages publish (伊勢原市「国民健康保険税の特別徴収」, 飯能市「国民健康保険税の特別徴収
のお知らせ」), the 18万円 and 1/2 limits, the 口座振替 申出, the 仮徴収・本徴収 split (軽井沢町
「国民健康保険税の特別徴収について」: 4・6・8月 the previous 2月's amount, 10・12・2月 the rest in
three), and the screen of a household's 賦課 in 葉山町 only."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import person_fields
from kokuho.fuka_jobs import HONSANTEI
from kokuho.models import KokuhoFuka, Tokucho
from kokuho.rules.tokucho import (
    TokuchoMember,
    TokuchoParameters,
    tokucho_judge,
    tokucho_kibetsu,
)
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.services import param_value
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

FY = 2025
KIJUN = date(2025, 7, 1)


def _p() -> TokuchoParameters:
    return TokuchoParameters.load(FY, param_value)


def _m(age: int, *, head: bool = False, insured: bool = True) -> TokuchoMember:
    return TokuchoMember(birth_date=date(2025 - age, 4, 1), insured=insured, setainushi=head)


def _judge(
    members, *, nenkin=1_200_000, nengaku=100_000, kaigo=80_000, koza=False, kaigo_tokucho=True
):
    return tokucho_judge(
        fiscal_year=FY,
        kijun_date=KIJUN,
        members=members,
        nenkin_gaku=nenkin,
        nengaku=nengaku,
        kaigo_hokenryo=kaigo,
        kaigo_tokucho=kaigo_tokucho,
        koza_moushide=koza,
        p=_p(),
    )


@pytest.mark.django_db
def test_the_published_household_compositions():
    # 伊勢原市・飯能市: 世帯主(国保)72歳・妻(国保)68歳 → 特別徴収
    assert _judge([_m(72, head=True), _m(68)]).gaito
    # 世帯主(国保)72歳の単身世帯 → 特別徴収
    assert _judge([_m(72, head=True)]).gaito
    # 妻(国保)63歳 → 普通徴収
    assert not _judge([_m(72, head=True), _m(63)]).gaito
    # 子(国保)40歳 → 普通徴収; 子(社会保険)40歳 → 特別徴収
    assert not _judge([_m(72, head=True), _m(68), _m(40)]).gaito
    assert _judge([_m(72, head=True), _m(68), _m(40, insured=False)]).gaito
    # 世帯主が社会保険・後期（擬制世帯主）→ 普通徴収
    out = _judge([_m(72, head=True, insured=False), _m(68)])
    assert not out.gaito and "擬制世帯主" in out.reasons[0]
    # 世帯主が年度中に75歳になる（飯能市）→ 普通徴収
    turning = TokuchoMember(birth_date=date(1950, 10, 1), insured=True, setainushi=True)
    out = _judge([turning])  # 74 on the 基準日, 75 on 令和7年10月1日
    assert not out.gaito and "年度中に75歳" in out.reasons[0]
    assert _judge([TokuchoMember(date(1951, 4, 1), True, True)]).gaito  # 75 on 令和8年4月1日


@pytest.mark.django_db
def test_the_pension_limits_and_the_koza_moushide():
    head = [_m(70, head=True)]
    assert _judge(head, nenkin=180_000, nengaku=50_000, kaigo=40_000).gaito  # 90,000 = 1/2
    assert not _judge(head, nenkin=179_999, nengaku=10_000, kaigo=10_000).gaito
    out = _judge(head, nenkin=180_000, nengaku=50_001, kaigo=40_000)
    assert not out.gaito and (out.futan, out.futan_gendo) == (90_001, 90_000)
    out = _judge(head, koza=True)
    assert not out.gaito and out.reasons == ("口座振替の申出がある（普通徴収）",)


@pytest.mark.django_db
def test_the_kaigo_hokenryo_must_itself_be_tokucho():
    """滝沢市「国民健康保険税の特別徴収」
    (https://city.takizawa.iwate.jp/kurashi/todokede-tetsuzuki/zeikin/contents-4376), 対象と
    なる方 1: 「介護保険料がすでに公的年金から特別徴収されていること」. Within the 1/2 limit
    and every other condition met, a 介護保険料 on 普通徴収 keeps 国保税 on 普通徴収."""
    head = [_m(70, head=True)]
    assert _judge(head, nenkin=180_000, nengaku=50_000, kaigo=40_000).gaito
    out = _judge(head, nenkin=180_000, nengaku=50_000, kaigo=40_000, kaigo_tokucho=False)
    assert not out.gaito
    assert out.reasons == ("世帯主の介護保険料が年金から特別徴収されていない",)


@pytest.mark.django_db
def test_kari_then_hon_with_the_remainder_in_october():
    rows = tokucho_kibetsu(100_000, 15_000, _p())
    assert [(k.month, k.kubun, k.amount) for k in rows] == [
        (4, "仮徴収", 15_000),
        (6, "仮徴収", 15_000),
        (8, "仮徴収", 15_000),
        (10, "本徴収", 18_334),
        (12, "本徴収", 18_333),
        (2, "本徴収", 18_333),
    ]
    assert sum(k.amount for k in rows) == 100_000
    # a 仮徴収 above the 年税額 leaves no 本徴収
    assert [k.amount for k in tokucho_kibetsu(30_000, 15_000, _p())][3:] == [0, 0, 0]


@pytest.mark.django_db
def test_the_clerk_judges_on_the_household_screen_in_its_town_only(
    world, login, alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    set_rates()
    connection.set_tenant(alpha.municipality)
    set_rates()
    couple = [
        person_fields(birth_date="1954-05-01"),
        person_fields(
            shimei="山田　花子", shimei_kana="ヤマダ　ハナコ", birth_date="1956-06-01",
            sex="2", zokugara="02", setai_order=2,
        ),
    ]  # fmt: skip
    _, (head, wife) = tennyu(capture, members=couple, day=date(2020, 4, 1))
    kazei(head.pk, FY, nenkin=2_000_000)
    kazei(wife.pk, FY)
    run_job(capture, HONSANTEI, fiscal_year=FY, kijun_date=KIJUN.isoformat())
    fuka = KokuhoFuka.objects.get(is_current=True)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/kokuho/fuka/detail/{fuka.pk}/tokucho/"
    body = {
        "nenkin_gaku": "2000000", "kaigo_hokenryo": "90000", "kaigo_tokucho": "on",
        "kari_gaku": "10000",
        "nenkin_hokensha": "001", "kiso_nenkin_no": "1234567890", "nenkin_code": "1150",
        "tekiyo_date": "令和7年7月1日",
    }  # fmt: skip
    r = clerk.post(url, body)
    assert r.status_code == 302
    # the 期別 were re-cut in a new version (kokuho.services.tokucho), shown next
    page = clerk.get(r["Location"]).content.decode()
    assert "特別徴収に該当</strong>" in page and "仮徴収" in page and "本徴収" in page
    # the 口座振替 申出 makes it 普通徴収 (from the 申出日)
    url = r["Location"] + "tokucho/"
    r = clerk.post(url, {**body, "koza_moushide": "on", "moushide_date": "令和7年8月1日"})
    page = clerk.get(r["Location"]).content.decode()
    assert "特別徴収に該当しない（普通徴収）" in page and "口座振替の申出がある" in page
    connection.set_tenant(alpha.municipality)
    rows = list(Tokucho.objects.order_by("id"))
    assert [t.gaito for t in rows] == [True, False]
    assert sum(k["amount"] for k in rows[0].kibetsu) == fuka.nengaku
    logged = AccessLog.objects.filter(screen="kokuho.fuka_tokucho")
    assert logged.filter(record_type="kokuho.Tokucho").count() == 2
    assert logged.filter(record_type="kokuho.KokuhoFuka").count() == 2  # the re-cuts
    connection.set_schema_to_public()
    # a viewer may not judge; 寒川町 reaches no such 賦課 and writes nothing
    assert login("hayama-viewer", ALPHA_HOST).post(url, body).status_code == 403
    other = login("samukawa-clerk", BETA_HOST)
    assert other.post(url, body).status_code == 404
    connection.set_tenant(beta.municipality)
    assert not Tokucho.objects.exists()
    connection.set_schema_to_public()
