"""障害児通所支援 services against the database (fukushi/services/tsusho.py): the 保護者's 申請
for a child → 給付決定 with the 負担上限月額 judged on the 保護者の属する世帯 (the registry's
household, zeimu's public face, fukushi's 生活保護 records) and the 就学前の無償化 period,
変更・更新・取消 kept in the history, refused input writing nothing; two towns.

Worked examples: 市川市 (https://www.city.ichikawa.lg.jp/wel05/0000497481.html: 保護者の属する
世帯, 所得割28万円未満 4,600円, 以上 37,200円) and 朝霞市
(https://www.city.asaka.lg.jp/soshiki/50/jihatsutoumushou.html: the 無償化 covers birthdays from
4月2日 to 4月1日 of a 学年). The factory splits a 所得割 60:40 between 市町村民税 and 道府県民税
(zeimu/tests/factories.py): a total of 466,665円 is a 市町村民税所得割 of 279,999円."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import TsushoKettei, TsushoRireki, TsushoService
from fukushi.services.jiritsu import JiritsuRefused, jiritsu_shinsei
from fukushi.services.tsusho import (
    KetteiInput,
    TsushoRefused,
    futan_on,
    tsusho_henko,
    tsusho_kettei,
    tsusho_koshin,
    tsusho_kyakka,
    tsusho_shinsei,
    tsusho_torikeshi,
)
from fukushi.tests.factories import kaishi as seiho_kaishi
from juminkiroku.tests.factories import Sex, Zokugara, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test-tsusho")
WARI_240000 = 400_000  # 市町村民税所得割 240,000円
WARI_39999 = 66_665  # 39,999円 (with 240,000円: 279,999円)
WARI_280000 = 466_667  # 280,000円


def family(town: str, *births: str, shimei: str = "通所", father_birth: str = "1985-05-05"):
    """A household: 保護者 (father), mother, then children born on ``births``."""
    members = [
        person_fields(shimei=f"{shimei}　父", birth_date=father_birth),
        person_fields(shimei=f"{shimei}　母", birth_date="1987-07-07", sex=Sex.FEMALE,
                      zokugara=Zokugara.TSUMA, setai_order=2),
        *(person_fields(shimei=f"{shimei}　子{i}", birth_date=b, zokugara=Zokugara.KO,
                        setai_order=3 + i) for i, b in enumerate(births)),
    ]  # fmt: skip
    _, atenas = household_tennyu(town, members=members, ido_date=date(2024, 6, 1))
    return atenas


def kettei(k: TsushoKettei, services: dict[str, int], kaishi: date = date(2025, 8, 1),
           shuryo: date = date(2026, 7, 31)) -> TsushoKettei:  # fmt: skip
    return tsusho_kettei(
        pk=k.pk,
        data=KetteiInput(kettei_date=date(2025, 7, 20), kaishi=kaishi, shuryo=shuryo,
                         services=services),
        actor=ACTOR,
    )  # fmt: skip


def test_kettei_henko_koshin_torikeshi_mushoka_with_history(alpha, beta):
    connection.set_tenant(alpha.municipality)
    father, mother, child = family("hayama", "2021-04-01")
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, shotokuwari=WARI_39999)
    kazei_set(father.pk, 2026, shotokuwari=WARI_280000)
    kazei_set(mother.pk, 2026, status="hikazei")
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 6, 10), actor=ACTOR)  # fmt: skip
    # a 支給量 over a month: refused, nothing written
    with pytest.raises(TsushoRefused) as exc:
        kettei(k, {"jido_hattatsu": 32})
    assert exc.value.errors == [
        ("services", "児童発達支援の支給量は1から31までで入力してください。")
    ]
    k.refresh_from_db()
    assert (k.jotai, k.services.count(), k.rireki.count()) == ("shinsei", 0, 1)

    k = kettei(k, {"jido_hattatsu": 23})
    # 令和7年度: 所得割 240,000 + 39,999 = 279,999円 (28万円未満) → 一般1 4,600円
    assert (k.jotai, k.futan_kubun, k.futan_jogen) == ("yuko", "ippan1", 4600)
    assert k.futan_konkyo[:5] == [
        "2025年度の市町村民税（保護者の属する世帯）",
        "保護者: 課税（市町村民税所得割 240,000円）",
        "世帯員1: 課税（市町村民税所得割 39,999円）",
        "世帯員2（18歳未満・課税の記録なし）: 非課税（市町村民税所得割 0円）",
        "所得割の合計 279,999円（一般1 は 280,000円未満）",
    ]
    # born 2021-04-01: 満3歳 at the end of 2024-03-31 → 無償化 from 2024-04-01 for 3 years
    assert (k.mushoka_kaishi, k.mushoka_shuryo) == (date(2024, 4, 1), date(2027, 3, 31))
    assert futan_on(k, date(2025, 8, 1)) == 0

    with pytest.raises(TsushoRefused) as exc:
        tsusho_henko(pk=k.pk, day=date(2025, 10, 1), services={"jido_hattatsu": 23},
                     riyu="", actor=ACTOR)  # fmt: skip
    assert ("services", "サービスも支給量も変わっていません。") in exc.value.errors
    assert ("riyu", "変更の理由を入力してください。") in exc.value.errors
    k = tsusho_henko(pk=k.pk, day=date(2025, 10, 1),
                     services={"jido_hattatsu": 15, "hoikusho_homon": 2},
                     riyu="保育所への入所", actor=ACTOR)  # fmt: skip
    assert sorted(TsushoService.objects.filter(kettei=k).values_list("service", "shikyu_ryo")) == [
        ("hoikusho_homon", 2), ("jido_hattatsu", 15),
    ]  # fmt: skip
    # 更新: 令和8年度 所得割 280,000円 → 一般2 37,200円; 無償化 still to 令和9年3月31日
    k = tsusho_koshin(pk=k.pk, day=date(2026, 7, 10), shuryo=date(2027, 7, 31), riyu="更新",
                      actor=ACTOR)  # fmt: skip
    assert (k.kikan_kaishi, k.kikan_shuryo, k.futan_kubun, k.futan_jogen) == (
        date(2026, 8, 1), date(2027, 7, 31), "ippan2", 37200,
    )  # fmt: skip
    assert (futan_on(k, date(2027, 3, 31)), futan_on(k, date(2027, 4, 1))) == (0, 37200)
    with pytest.raises(TsushoRefused):
        tsusho_torikeshi(pk=k.pk, day=date(2026, 9, 1), riyu=" ", actor=ACTOR)
    tsusho_torikeshi(pk=k.pk, day=date(2026, 9, 1), riyu="転居", actor=ACTOR)
    rows = list(TsushoRireki.objects.filter(kettei=k).order_by("id"))
    assert [r.kind for r in rows] == ["shinsei", "kettei", "henko", "koshin", "torikeshi"]
    assert rows[1].naiyo == (
        "給付決定：児童発達支援 23日/月（令和7年8月1日から令和8年7月31日まで）、"
        "負担上限月額 4,600円（一般1（市町村民税課税世帯・所得割28万円未満））、"
        "無償化の対象期間 令和6年4月1日から令和9年3月31日まで"
    )
    assert rows[2].naiyo.startswith(
        "変更：児童発達支援 23日/月 → 児童発達支援 15日/月、保育所等訪問支援 2日/月、"
        "負担上限月額 4,600円 → 4,600円"
    )
    assert (rows[2].riyu, rows[2].created_by) == ("保育所への入所", "test-tsusho")
    assert "令和7年8月1日から令和8年7月31日まで → 令和8年8月1日から令和9年7月31日まで" in (
        rows[3].naiyo
    )
    assert (
        AccessLog.objects.filter(
            username="test-tsusho", record_type="fukushi.TsushoKettei", record_id=str(k.pk)
        ).count()
        == 5
    )
    # 寒川町 has none of it, and cannot act on it
    connection.set_tenant(beta.municipality)
    assert not TsushoKettei.objects.exists() and not TsushoRireki.objects.exists()
    with pytest.raises(TsushoRefused) as exc:
        tsusho_kyakka(pk=k.pk, day=date(2026, 9, 2), riyu="x", actor=ACTOR)
    assert exc.value.errors == [("", "その支給決定は見つかりません。")]
    assert not AccessLog.objects.filter(record_type="fukushi.TsushoKettei").exists()


def test_mushoka_edge_seiho_and_refusals(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    # born 2022-04-02: 満3歳 at the end of 2025-04-01 → 無償化 only from 2026-04-01
    father, mother, child, school = family("hayama", "2022-04-02", "2015-05-05")
    kazei_set(father.pk, 2025, shotokuwari=WARI_280000)
    kazei_set(mother.pk, 2025, status="hikazei")
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    k = kettei(k, {"jido_hattatsu": 10}, shuryo=date(2026, 7, 31))
    assert (k.futan_kubun, k.futan_jogen) == ("ippan2", 37200)
    assert (k.mushoka_kaishi, k.mushoka_shuryo) == (date(2026, 4, 1), date(2029, 3, 31))
    assert (futan_on(k, date(2026, 3, 31)), futan_on(k, date(2026, 4, 1))) == (37200, 0)

    # 放課後等デイサービス (the school child): no 無償化
    ks = tsusho_shinsei(atena_id=school.pk, hogosha_atena_id=father.pk,
                        shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    ks = kettei(ks, {"hokago_day": 20})
    assert (ks.futan_jogen, ks.mushoka_kaishi, futan_on(ks, date(2025, 8, 1))) == (
        37200,
        None,
        37200,
    )
    # a second open 申請 for the same child: refused, nothing written
    with pytest.raises(TsushoRefused) as exc:
        tsusho_shinsei(atena_id=school.pk, hogosha_atena_id=mother.pk,
                       shinsei_date=date(2025, 7, 2), actor=ACTOR)  # fmt: skip
    assert exc.value.errors == [
        ("atena_no", "この障害児には申請中または有効な支給決定がすでにあります。")
    ]
    # an adult as the child, the child as its own 保護者: refused
    before = TsushoKettei.objects.count()
    with pytest.raises(TsushoRefused) as exc:
        tsusho_shinsei(atena_id=mother.pk, hogosha_atena_id=mother.pk,
                       shinsei_date=date(2025, 7, 2), actor=ACTOR)  # fmt: skip
    assert [f for f, _ in exc.value.errors] == ["atena_no", "hogosha_atena_no"]
    assert "障害福祉サービスの支給申請の画面" in exc.value.errors[0][1]
    assert TsushoKettei.objects.count() == before
    # the 自立支援給付 screen sends a child here
    with pytest.raises(JiritsuRefused) as jexc:
        jiritsu_shinsei(atena_id=child.pk, shinsei_date=date(2025, 7, 2), haigusha_atena_id=None,
                        actor=ACTOR)  # fmt: skip
    assert "「障害児通所支援の支給申請の受付」の画面" in jexc.value.errors[0][1]

    # an adult member of the household with no assessment: refused, nothing written
    f2, _m2, c2 = family("hayama", "2020-01-10", shimei="未申告")
    kazei_set(f2.pk, 2025, shotokuwari=WARI_240000)
    k2 = tsusho_shinsei(atena_id=c2.pk, hogosha_atena_id=f2.pk, shinsei_date=date(2025, 7, 1),
                        actor=ACTOR)  # fmt: skip
    with pytest.raises(TsushoRefused) as exc:
        kettei(k2, {"jido_hattatsu": 10})
    assert exc.value.errors == [
        ("", "2025年度の世帯員1の市町村民税の課税状況がありません。（税務で確かめてください）")
    ]
    k2.refresh_from_db()
    assert (k2.jotai, k2.futan_jogen, k2.services.count(), k2.rireki.count()) == (
        "shinsei", None, 0, 1,
    )  # fmt: skip

    # 保護者 a 生活保護の被保護者: 0円 whatever the tax
    f3, _m3, c3 = family("hayama", "2012-06-06", shimei="保護", father_birth="1970-06-01")
    kazei_set(f3.pk, 2025, shotokuwari=WARI_280000)
    seiho_kaishi(django_capture_on_commit_callbacks, [f3], day=date(2025, 4, 1))
    k3 = tsusho_shinsei(atena_id=c3.pk, hogosha_atena_id=f3.pk, shinsei_date=date(2025, 7, 1),
                        actor=ACTOR)  # fmt: skip
    k3 = kettei(k3, {"hokago_day": 20})
    assert (k3.futan_kubun, k3.futan_jogen, k3.futan_konkyo) == (
        "seiho", 0, ["保護者の世帯は生活保護を受けている"],
    )  # fmt: skip
