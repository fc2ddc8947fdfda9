"""要介護認定 through its services in two towns: 申請 (新規・更新・区分変更, 第1号 and 第2号
with its 特定疾病), the steps in order with their history, refusals out of order that
write nothing, the 認定日 and 有効期間 per kind, the 30-day rule, and 寒川町 seeing none
of 葉山町's cases."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for
from kaigo.models import (
    Kubun,
    Nintei,
    NinteiRireki,
    NinteiShinsei,
    Shikaku,
    ShinseiKubun,
    ShinseiStatus,
)
from kaigo.rules.nintei import NinteiParameters, shori_kikan
from kaigo.services.nintei import (
    NinteiRefused,
    chosa_record,
    enki_tsuchi,
    ikensho_irai,
    ikensho_juryo,
    nintei_kettei,
    shinsakai_record,
    shinsei_end,
)
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.nintei_factories import decided, shinsei, to_shinsakai_machi
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)


@pytest.fixture
def people(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, members = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    return members


def _steps(row: NinteiShinsei) -> list[tuple[str, str]]:
    return [
        (r.step, r.status_after)
        for r in NinteiRireki.objects.filter(shinsei=row).order_by("at", "id")
    ]


def test_shinki_goes_through_every_step_in_order_with_history(people, beta):
    husband, _wife, _son = people
    clerk = actor_for("hayama-clerk")
    # given a 新規申請 made by a 居宅介護支援事業者 on 15 April 2025
    row = shinsei(
        husband, clerk, day=date(2025, 4, 15), daiko="kyotaku", daikosha_name="はやま居宅介護支援"
    )
    assert (row.status, row.hihokensha_kubun, row.daiko) == ("uketsuke", "1", "kyotaku")
    # when the 審査会 is entered before the 調査 and the 意見書: refused, nothing written
    with pytest.raises(NinteiRefused, match="認定調査の結果と主治医意見書の受領がそろってから"):
        shinsakai_record(
            shinsei_id=row.pk,
            gogitai="第1合議体",
            kaisai_date=date(2025, 5, 10),
            hantei="22",
            yuko_months=None,
            actor=clerk,
        )
    # and the 意見書 received before it was asked for: refused too
    with pytest.raises(NinteiRefused, match="主治医意見書の依頼を先に登録してください"):
        ikensho_juryo(shinsei_id=row.pk, juryo_date=date(2025, 5, 1), actor=clerk)
    # and a 調査 dated before the 申請
    with pytest.raises(NinteiRefused, match="調査日が申請日（令和7年4月15日）より前です"):
        chosa_record(shinsei_id=row.pk, chosa_date=date(2025, 4, 1), chosain="山本", actor=clerk)
    row.refresh_from_db()
    assert row.status == "uketsuke" and row.chosa_date is None and len(_steps(row)) == 1
    # when the steps come in order
    chosa_record(
        shinsei_id=row.pk,
        chosa_date=date(2025, 4, 25),
        chosain="認定調査員 山本",
        chosa_kekka="1-1 麻痺（左上肢）あり …",
        ichiji_hantei="22",
        actor=clerk,
    )
    ikensho_irai(
        shinsei_id=row.pk,
        irai_date=date(2025, 4, 17),
        ishi_name="佐藤医師",
        iryo_kikan="葉山診療所",
        actor=clerk,
    )
    row = ikensho_juryo(shinsei_id=row.pk, juryo_date=date(2025, 5, 1), actor=clerk)
    assert row.status == "shinsa_machi"
    row = shinsakai_record(
        shinsei_id=row.pk,
        gogitai="第1合議体",
        kaisai_date=date(2025, 5, 10),
        hantei="22",
        yuko_months=None,
        iken="",
        actor=clerk,
    )
    assert (row.status, row.yuko_months) == ("hantei", 6)
    nintei = nintei_kettei(shinsei_id=row.pk, kettei_date=date(2025, 5, 12), actor=clerk)
    # then the 認定 runs from the 申請日 (法第27条第8項) for 6 months plus the rest of April
    # (施行規則第38条第1項): 15 April to 31 October 2025
    assert (nintei.yokaigo_kubun, nintei.yuko_start, nintei.yuko_end) == (
        "22",
        date(2025, 4, 15),
        date(2025, 10, 31),
    )
    assert _steps(row) == [
        ("shinsei", "uketsuke"),
        ("chosa", "uketsuke"),
        ("ikensho_irai", "uketsuke"),
        ("ikensho_juryo", "shinsa_machi"),
        ("shinsakai", "hantei"),
        ("kettei", "kettei"),
    ]
    assert {r.actor for r in NinteiRireki.objects.filter(shinsei=row)} == {"hayama-clerk"}
    logged = AccessLog.objects.filter(record_type="kaigo.NinteiShinsei", record_id=str(row.pk))
    assert logged.count() == 6
    # a decided 申請 takes no more steps
    with pytest.raises(NinteiRefused, match="「認定済」です"):
        shinsei_end(
            shinsei_id=row.pk, kind="torisage", day=date(2025, 6, 1), riyu="本人", actor=clerk
        )
    # and 寒川町 has no case, and cannot reach 葉山町's
    connection.set_tenant(beta.municipality)
    assert not NinteiShinsei.objects.exists() and not Nintei.objects.exists()
    with pytest.raises(NinteiRefused, match="その申請は見つかりません"):
        chosa_record(
            shinsei_id=row.pk,
            chosa_date=date(2025, 4, 25),
            chosain="x",
            actor=actor_for("samukawa-clerk"),
        )
    assert not NinteiRireki.objects.exists()


def test_koshin_starts_the_day_after_and_may_run_48_months_when_the_kubun_is_the_same(people):
    husband, wife, _son = people
    clerk = actor_for("hayama-clerk")
    first = decided(husband, clerk, day=date(2025, 4, 15), hantei="22")
    # an 更新申請 more than 60 days before the end (31 Oct) is refused (施行規則第39条)
    with pytest.raises(NinteiRefused, match="60日前（令和7年9月1日）から受け付けます"):
        shinsei(husband, clerk, day=date(2025, 8, 29), kubun=ShinseiKubun.KOSHIN)
    assert NinteiShinsei.objects.filter(atena_id=husband.pk).count() == 1
    row = to_shinsakai_machi(
        shinsei(husband, clerk, day=date(2025, 9, 10), kubun=ShinseiKubun.KOSHIN), clerk
    )
    assert row.mae_nintei_id == first.pk
    # a 48-month period is refused when the 区分 changes (limit 36) …
    with pytest.raises(NinteiRefused, match="3か月から36か月までです"):
        shinsakai_record(
            shinsei_id=row.pk,
            gogitai="第2合議体",
            kaisai_date=date(2025, 10, 1),
            hantei="23",
            yuko_months=48,
            actor=clerk,
        )
    # … and allowed when it stays 要介護2 (令和3年4月1日以後の更新申請: 広島市「要介護認定に
    # 係る有効期間の取扱いの変更について」https://www.city.hiroshima.lg.jp/site/kaigo/214996.html)
    shinsakai_record(
        shinsei_id=row.pk,
        gogitai="第2合議体",
        kaisai_date=date(2025, 10, 1),
        hantei="22",
        yuko_months=48,
        actor=clerk,
    )
    koshin = nintei_kettei(shinsei_id=row.pk, kettei_date=date(2025, 10, 3), actor=clerk)
    # it starts the day after the previous period ends (法第28条第10項)
    assert (koshin.yuko_start, koshin.yuko_end) == (date(2025, 11, 1), date(2029, 10, 31))
    first.refresh_from_db()
    assert first.shuryo_date is None and first.yuko_end == date(2025, 10, 31)
    # a 新規 while a 認定 applies, or an 更新 without one, is refused
    with pytest.raises(NinteiRefused, match="更新申請または区分変更申請にしてください"):
        shinsei(husband, clerk, day=date(2025, 12, 1))
    with pytest.raises(NinteiRefused, match="新規申請にしてください"):
        shinsei(wife, clerk, day=date(2025, 12, 1), kubun=ShinseiKubun.KOSHIN)


def test_kubun_henko_goes_back_to_its_shinsei_date_and_ends_the_previous_nintei(people):
    husband, *_ = people
    clerk = actor_for("hayama-clerk")
    first = decided(husband, clerk, day=date(2025, 4, 1), hantei="12")
    assert (first.yuko_start, first.yuko_end) == (date(2025, 4, 1), date(2025, 9, 30))
    second = decided(
        husband, clerk, day=date(2025, 6, 20), hantei="23", kubun=ShinseiKubun.KUBUN_HENKO
    )
    assert (second.yuko_start, second.yuko_end) == (date(2025, 6, 20), date(2025, 12, 31))
    first.refresh_from_db()
    assert (first.shuryo_date, first.shuryo_jiyu) == (date(2025, 6, 20), "区分変更の認定")


def test_higaito_has_no_period(people):
    husband, *_ = people
    clerk = actor_for("hayama-clerk")
    n = decided(husband, clerk, day=date(2025, 4, 1), hantei="01")
    assert (n.yokaigo_kubun, n.yuko_start, n.yuko_end) == ("01", None, None)
    # a new 新規 may follow
    assert shinsei(husband, clerk, day=date(2025, 8, 1)).status == "uketsuke"


def test_dai2_needs_one_of_the_16_tokutei_shippei_and_registers_the_shikaku(people, beta):
    _h, _w, son = people  # born 1980: 44 on the 申請日
    clerk = actor_for("hayama-clerk")
    # without a 特定疾病: refused, and no 第2号 資格 written
    with pytest.raises(NinteiRefused, match="特定疾病（16疾病のいずれか）が必要です"):
        shinsei(son, clerk, day=date(2025, 5, 1), iryo_hoken="kyokai")
    with pytest.raises(NinteiRefused, match="医療保険を選んでください"):
        shinsei(son, clerk, day=date(2025, 5, 1), tokutei_shippei="13")
    assert not Shikaku.objects.filter(atena_id=son.pk).exists()
    # with 脳血管疾患 (施行令第2条第13号): 第2号 from the 申請日 through dai2_register
    row = shinsei(
        son, clerk, day=date(2025, 5, 1), tokutei_shippei="13", iryo_hoken="kyokai", daiko="kazoku",
        daikosha_name="妻",
    )  # fmt: skip
    assert (row.hihokensha_kubun, row.tokutei_shippei) == ("2", "13")
    (s,) = Shikaku.objects.filter(atena_id=son.pk)
    assert (s.kubun, s.shutoku_date, s.iryo_hoken) == (Kubun.DAI2, date(2025, 5, 1), "kyokai")
    # a 代行 without the 代行者's name is refused
    with pytest.raises(NinteiRefused, match="代行して申請した方の名称"):
        shinsei(people[1], clerk, day=date(2025, 5, 1), daiko="kazoku")
    # 第1号 with a 特定疾病 is refused
    with pytest.raises(NinteiRefused, match="第1号被保険者の申請に特定疾病は入力しません"):
        shinsei(people[1], clerk, day=date(2025, 5, 1), tokutei_shippei="01")
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists() and not NinteiShinsei.objects.exists()


def test_one_open_shinsei_per_person_and_torisage(people):
    husband, *_ = people
    clerk = actor_for("hayama-clerk")
    row = shinsei(husband, clerk, day=date(2025, 4, 1))
    with pytest.raises(NinteiRefused, match="手続中の申請があります"):
        shinsei(husband, clerk, day=date(2025, 4, 2))
    with pytest.raises(NinteiRefused, match="理由を入力してください"):
        shinsei_end(shinsei_id=row.pk, kind="torisage", day=date(2025, 4, 3), riyu=" ", actor=clerk)
    row = shinsei_end(
        shinsei_id=row.pk, kind="torisage", day=date(2025, 4, 3), riyu="入院のため", actor=clerk
    )
    assert (row.status, row.shuryo_riyu) == (ShinseiStatus.TORISAGE, "入院のため")
    assert shinsei(husband, clerk, day=date(2025, 4, 10)).status == "uketsuke"


def test_thirty_day_rule_is_flagged_and_the_enki_tsuchi_recorded(people):
    husband, *_ = people
    clerk = actor_for("hayama-clerk")
    params = NinteiParameters.for_date(date(2025, 4, 1))
    # 法第27条第11項: 30 days, the 申請日 not counted → the last day is 1 May for 1 April
    within = shori_kikan(
        date(2025, 4, 1),
        kettei_date=date(2025, 5, 1),
        enki_tsuchi_date=None,
        today=date(2025, 6, 1),
        params=params,
    )
    assert (within.kigen, within.over, within.flagged, within.label) == (
        date(2025, 5, 1),
        False,
        False,
        "期限内",
    )
    late = shori_kikan(
        date(2025, 4, 1),
        kettei_date=date(2025, 5, 2),
        enki_tsuchi_date=None,
        today=date(2025, 6, 1),
        params=params,
    )
    assert (late.over, late.flagged, late.label) == (True, True, "期限超過（延期通知なし）")
    # an open 申請 past the day with its 延期通知 sent
    row = shinsei(husband, clerk, day=date(2025, 4, 1))
    row = enki_tsuchi(
        shinsei_id=row.pk, tsuchi_date=date(2025, 4, 28), riyu="主治医意見書の遅れ", actor=clerk
    )
    flag = shori_kikan(
        row.shinsei_date,
        kettei_date=None,
        enki_tsuchi_date=row.enki_tsuchi_date,
        today=date(2025, 5, 20),
        params=params,
    )
    assert (flag.over, flag.flagged, flag.label) == (True, False, "期限超過（延期通知済み）")
    assert _steps(row)[-1] == ("enki", "uketsuke")
