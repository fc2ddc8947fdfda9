"""The 届 the registry cannot see: 住所地特例 (a resident placed in another town's facility
keeps 資格 through the 転出), 他市町村の住所地特例者 (recorded, not insured here), 適用除外
施設 (入所 → 喪失, 退所 → 取得), 第2号 on 認定 application — and the 65歳到達 job (資格
from the day before the birthday, premium from that month), each town apart."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, person_fields
from kaigo.models import JushochiTokurei, RirekiKind, ShikakuRireki, TashiJutoku
from kaigo.public import dai1_of_nendo, hihokensha_on
from kaigo.services.nenrei import nenrei_totatsu_due
from kaigo.services.todoke import (
    TodokeRefused,
    dai2_register,
    jogai_nyusho,
    jogai_taisho,
    jutoku_nyusho,
    jutoku_taisho,
    tashi_jutoku_register,
    tashi_jutoku_taisho,
)
from kaigo.tests.factories import elders, periods, tennyu, tenshutsu
from tenants.db import connection

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
FUJISAWA = "142051"  # 藤沢市 (団体コード with its check digit)


def _jutoku(atena, actor, *, nyusho=date(2025, 6, 1)):
    return jutoku_nyusho(
        atena_id=atena.pk,
        shisetsu_shurui="kaigo_shisetsu",
        shisetsu_name="特別養護老人ホーム藤沢の里",
        shozai_dantai_code=FUJISAWA,
        shozai_name="藤沢市",
        nyusho_date=nyusho,
        todoke_date=nyusho,
        actor=actor,
    )


def test_jushochi_tokurei_keeps_shikaku_through_the_tenshutsu(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    _, (husband, wife, _son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    # given the husband is placed in a 特別養護老人ホーム in 藤沢市 (住所地特例 届)
    _jutoku(husband, clerk)
    # when his 転出 to 藤沢市 is recorded and becomes a 除票
    ido = tenshutsu(django_capture_on_commit_callbacks, husband, day=date(2025, 6, 1))
    # then he is still insured here, the history says why, and the premium runs all year
    assert periods(husband) == [("1", TENNYU, "tennyu", None, "", False)]
    assert hihokensha_on([husband.pk], date(2026, 1, 1))
    keizoku = ShikakuRireki.objects.get(atena_id=husband.pk, kind=RirekiKind.JUTOKU_KEIZOKU)
    assert keizoku.ido_id == ido.pk and "藤沢市" in keizoku.jiyu
    assert JushochiTokurei.objects.get(atena_id=husband.pk).tenshutsu_ido_id == ido.pk
    (row,) = dai1_of_nendo(2025, [husband.pk])
    assert len(row.months) == 12
    # while the wife, moving out without 住所地特例, loses 資格 the next day
    tenshutsu(django_capture_on_commit_callbacks, wife, day=date(2025, 6, 1))
    assert periods(wife)[0][3:5] == (date(2025, 6, 2), "tenshutsu")
    # when he leaves the facility to live in 藤沢市: 資格 here ends that day
    jutoku_taisho(atena_id=husband.pk, taisho_date=date(2026, 2, 10), stays_there=True, actor=clerk)
    assert periods(husband)[0][3:5] == (date(2026, 2, 10), "jutoku_taisho")
    # and 寒川町 holds no 住所地特例 nor history of 葉山町's
    connection.set_tenant(beta.municipality)
    assert not JushochiTokurei.objects.exists() and not ShikakuRireki.objects.exists()


def test_jutoku_is_refused_for_a_facility_in_the_town_itself_and_writes_nothing(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (husband, *_rest) = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    with pytest.raises(TodokeRefused, match="町内の施設"):
        jutoku_nyusho(
            atena_id=husband.pk,
            shisetsu_shurui="kaigo_shisetsu",
            shisetsu_name="葉山の家",
            shozai_dantai_code=alpha.municipality.dantai_code,
            shozai_name="葉山町",
            nyusho_date=date(2025, 6, 1),
            todoke_date=date(2025, 6, 1),
            actor=actor_for("hayama-clerk"),
        )
    with pytest.raises(TodokeRefused, match="検査数字"):
        _ = jutoku_nyusho(
            atena_id=husband.pk,
            shisetsu_shurui="kaigo_shisetsu",
            shisetsu_name="どこかの家",
            shozai_dantai_code="142050",
            shozai_name="藤沢市",
            nyusho_date=date(2025, 6, 1),
            todoke_date=date(2025, 6, 1),
            actor=actor_for("hayama-clerk"),
        )
    assert not JushochiTokurei.objects.exists()


def test_another_towns_jutoku_person_is_recorded_not_insured(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    # a person of 70 moves into a 葉山町 facility from 藤沢市: the 転入 insured her
    day = date(2025, 7, 1)
    _, (old,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[
            person_fields(shimei="鈴木　春", shimei_kana="スズキ　ハル", birth_date="1955-03-03")
        ],
        day=day,
    )
    assert periods(old) == [("1", day, "tennyu", None, "", False)]
    # when she is recorded as 藤沢市's 住所地特例者
    tashi_jutoku_register(
        atena_id=old.pk,
        hokensha_dantai_code=FUJISAWA,
        hokensha_name="藤沢市",
        shisetsu_shurui="kaigo_shisetsu",
        shisetsu_name="葉山ホーム",
        nyusho_date=day,
        actor=clerk,
    )
    # then that 資格 never applied: void, no premium months, not insured
    assert periods(old) == [("1", day, "tennyu", None, "", True)]
    assert dai1_of_nendo(2025, [old.pk]) == []
    assert not hihokensha_on([old.pk], date(2025, 8, 1))
    assert TashiJutoku.objects.get(atena_id=old.pk).hokensha_name == "藤沢市"
    # and the 65歳 job does not insure her either
    assert nenrei_totatsu_due(today=date(2025, 8, 1)).insured == []
    # when she leaves the facility for a home in 葉山町: insured here from that day
    tashi_jutoku_taisho(atena_id=old.pk, taisho_date=date(2025, 11, 15), actor=clerk)
    assert periods(old)[-1] == ("1", date(2025, 11, 15), "jutoku_taisho", None, "", False)
    (row,) = dai1_of_nendo(2025, [old.pk])
    assert row.months == (11, 12, 1, 2, 3)


def test_tekiyo_jogai_nyusho_ends_and_taisho_restores_shikaku(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    _, (husband, *_rest) = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    jogai_nyusho(
        atena_id=husband.pk,
        shisetsu_shurui="kyugo",
        shisetsu_name="救護施設みどり園",
        nyusho_date=date(2025, 5, 20),
        actor=clerk,
    )
    assert periods(husband) == [("1", TENNYU, "tennyu", date(2025, 5, 21), "tekiyo_jogai", False)]
    jogai_taisho(atena_id=husband.pk, taisho_date=date(2025, 9, 10), actor=clerk)
    assert periods(husband)[-1] == ("1", date(2025, 9, 10), "jogai_taisho", None, "", False)
    (row,) = dai1_of_nendo(2025, [husband.pk])
    assert row.months == (4, 9, 10, 11, 12, 1, 2, 3)


def test_dai2_appears_only_when_applying_for_nintei(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    clerk = actor_for("hayama-clerk")
    _, (husband, _wife, son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    # the son (44) is not insured by the registry alone
    assert periods(son) == []
    s = dai2_register(
        atena_id=son.pk, iryo_hoken="kyokai", shinsei_date=date(2025, 6, 1), actor=clerk
    )
    assert (s.kubun, s.iryo_hoken, s.shutoku_date) == ("2", "kyokai", date(2025, 6, 1))
    # a 第2号 owes no 第1号保険料
    assert dai1_of_nendo(2025, [son.pk]) == []
    # a person already 第1号 cannot be registered as 第2号
    with pytest.raises(TodokeRefused, match="40歳以上65歳未満"):
        dai2_register(
            atena_id=husband.pk, iryo_hoken="kokuho", shinsei_date=date(2025, 6, 1), actor=clerk
        )


def test_turning_65_mid_year_insures_from_the_day_before_and_charges_from_that_month(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    # born 10月1日 and 10月2日 1960, living in 葉山町 since 2020
    _, (sept, octo) = tennyu(
        django_capture_on_commit_callbacks,
        members=[
            person_fields(shimei="伊藤　九", shimei_kana="イトウ　キュウ", birth_date="1960-10-01"),
            person_fields(
                shimei="伊藤　十",
                shimei_kana="イトウ　ジュウ",
                birth_date="1960-10-02",
                zokugara="02",
                setai_order=2,
            ),
        ],
        day=TENNYU,
    )
    assert periods(sept) == periods(octo) == []
    # the job on 9月30日 insures the first (65 reached that day), not the second
    r = nenrei_totatsu_due(today=date(2025, 9, 30))
    assert r.insured == [sept.pk]
    # run on 10月5日 (catching up) it insures the second from 10月1日, and only once
    assert nenrei_totatsu_due(today=date(2025, 10, 5)).insured == [octo.pk]
    assert nenrei_totatsu_due(today=date(2025, 10, 6)).insured == []
    assert periods(sept) == [("1", date(2025, 9, 30), "nenrei", None, "", False)]
    assert periods(octo) == [("1", date(2025, 10, 1), "nenrei", None, "", False)]
    months = {r.atena_id: r.months for r in dai1_of_nendo(2025, [sept.pk, octo.pk])}
    assert months == {sept.pk: (9, 10, 11, 12, 1, 2, 3), octo.pk: (10, 11, 12, 1, 2, 3)}
    rireki = ShikakuRireki.objects.get(atena_id=sept.pk)
    assert (rireki.cause_kind, rireki.actor) == ("job", "system:kaigo_nenrei")
    # 寒川町's job finds nobody of 葉山町's
    connection.set_tenant(beta.municipality)
    assert nenrei_totatsu_due(today=date(2025, 10, 5)).insured == []


def test_a_dai2_turning_65_becomes_dai1(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, (p,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[person_fields(birth_date="1960-12-01")],
        day=TENNYU,
    )
    dai2_register(
        atena_id=p.pk,
        iryo_hoken="kokuho",
        shinsei_date=date(2025, 3, 1),
        actor=actor_for("hayama-clerk"),
    )
    r = nenrei_totatsu_due(today=date(2025, 11, 30))
    assert r.from_dai2 == [p.pk]
    assert periods(p) == [
        ("2", date(2025, 3, 1), "dai2_shinsei", date(2025, 11, 30), "dai1_iko", False),
        ("1", date(2025, 11, 30), "nenrei", None, "", False),
    ]
