"""健診の受診記録 through the services: recording with its checks (Japanese, no names), the
精密検査 follow-up, cancelling with history kept, every read and write in the access log
with its purpose, the 対象者・未受診者 list of a 年度 (特定健康診査: 国保 only; a death leaves
it), the town's HPV検査単独法 parameter, and two towns that never see each other's records.

Ages and intervals: fukushi/params/kenshin.yaml (がん予防重点健康教育及びがん検診実施のための
指針 第3 2 (3)・(4); 特定健康診査 40〜74歳: 高齢者の医療の確保に関する法律第20条)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import KenshinJushin
from fukushi.services.kenshin import (
    RECORD_TYPE,
    KenshinRefused,
    jushin_history,
    jushin_record,
    jushin_torikeshi,
    seimitsu_record,
    taisho_rows,
)
from juminkiroku.tests.factories import household_tennyu, person_fields
from juminkiroku.tests.factories import shibo as jk_shibo
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.models import MunicipalParameter

pytestmark = pytest.mark.django_db

MALE, FEMALE = "1", "2"
ACTOR = Actor(user_id=None, username="test-kenshin")
PURPOSE = "検診の受診記録の登録（結果票の入力）"
ON = date(2025, 6, 1)  # 令和7年度
TODAY = date(2025, 10, 1)


def couple(town: str, capture, *, surname: str = "検診", kokuho: bool = True) -> list:
    """夫 1980-06-01 (令和7年度末 45歳), 妻 1986-04-01 (40歳: 4月1日生まれは年度末に40歳)."""
    members = [
        person_fields(shimei=f"{surname}　夫", shimei_kana="ケンシン　オット",
                      birth_date="1980-06-01", sex=MALE),
        person_fields(shimei=f"{surname}　妻", shimei_kana="ケンシン　ツマ",
                      birth_date="1986-04-01", sex=FEMALE, zokugara="02", setai_order=2),
    ]  # fmt: skip
    if kokuho:  # the registry's events reach 国保: both insured from the 転入
        with capture(execute=True):
            _, atenas = household_tennyu(town, members=members, ido_date=date(2025, 2, 1))
    else:
        _, atenas = household_tennyu(town, members=members, ido_date=date(2025, 2, 1))
    return atenas


def record(atena_id, kenshin, method, day, kekka="ijo_nashi", today=TODAY):
    return jushin_record(
        atena_id=atena_id,
        kenshin=kenshin,
        method=method,
        jushin_date=day,
        kekka=kekka,
        iryo_kikan="葉山検診センター",
        actor=ACTOR,
        purpose=PURPOSE,
        today=today,
    )


def test_a_jushin_is_recorded_and_logged(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _ = couple("hayama", django_capture_on_commit_callbacks)
    row = record(husband.pk, "i", "xsen", date(2025, 6, 10))
    assert (row.kenshin, row.method, row.kekka) == ("i", "xsen", "ijo_nashi")
    log = AccessLog.objects.get(record_type="fukushi.KenshinJushin", record_id=str(row.pk))
    assert log.purpose == PURPOSE and log.action == "create"


def test_checks_refuse_in_japanese_naming_no_one(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _ = couple("hayama", django_capture_on_commit_callbacks)
    with pytest.raises(KenshinRefused) as young:
        record(husband.pk, "i", "naishikyo", date(2025, 6, 10))  # 45歳: 内視鏡は50歳以上
    assert young.value.messages == ["受診日の年度の年齢では胃内視鏡検査の対象ではありません。"]
    with pytest.raises(KenshinRefused) as man:
        record(husband.pk, "nyu", "mammography", date(2025, 6, 10))
    assert man.value.messages == ["乳がん検診の対象は女性です。"]
    with pytest.raises(KenshinRefused) as bad:
        record(husband.pk, "hai", "kyobu_xsen", date(2025, 6, 10), kekka="maybe")
    assert bad.value.messages == ["結果区分が正しくありません。"]
    record(husband.pk, "hai", "kyobu_xsen", date(2025, 6, 10))
    with pytest.raises(KenshinRefused) as twice:
        record(husband.pk, "hai", "kyobu_xsen", date(2025, 6, 10))
    assert twice.value.messages == ["同じ日の肺がん検診の記録が既にあります。"]
    for exc in (young, man, bad, twice):
        assert "検診　夫" not in str(exc.value)
    assert KenshinJushin.objects.count() == 1


def test_tokutei_needs_kokuho(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    insured, _ = couple("hayama", django_capture_on_commit_callbacks)
    outside, _ = couple("hayama", django_capture_on_commit_callbacks, surname="社保", kokuho=False)
    record(insured.pk, "tokutei", "kihon", date(2025, 6, 10))
    with pytest.raises(KenshinRefused) as refused:
        record(outside.pk, "tokutei", "kihon", date(2025, 6, 10))
    assert "国民健康保険の被保険者ではありません" in refused.value.messages[0]
    listed = {r.atena_id for r in taisho_rows(ON, kenshin=["tokutei"])}
    assert insured.pk in listed and outside.pk not in listed


def test_seimitsu_follow_up_only_for_yo_seimitsu(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _ = couple("hayama", django_capture_on_commit_callbacks)
    fine = record(husband.pk, "hai", "kyobu_xsen", date(2025, 6, 10))
    with pytest.raises(KenshinRefused) as refused:
        seimitsu_record(pk=fine.pk, seimitsu_date=date(2025, 7, 1), kekka="ijo_nashi",
                        actor=ACTOR, purpose=PURPOSE)  # fmt: skip
    assert "要精密検査の記録にだけ" in refused.value.messages[0]
    flagged = record(husband.pk, "daicho", "bensenketsu", date(2025, 6, 10), kekka="yo_seimitsu")
    with pytest.raises(KenshinRefused) as early:
        seimitsu_record(pk=flagged.pk, seimitsu_date=date(2025, 6, 9), kekka="gan_igai",
                        actor=ACTOR, purpose=PURPOSE)  # fmt: skip
    assert early.value.messages == ["精密検査の受診日が検診の受診日より前です。"]
    row = seimitsu_record(
        pk=flagged.pk,
        seimitsu_date=date(2025, 7, 15),
        kekka="gan_igai",
        iryo_kikan="葉山病院",
        actor=ACTOR,
        purpose="精密検査結果の入力",
    )
    assert (row.seimitsu_kekka, row.seimitsu_date) == ("gan_igai", date(2025, 7, 15))
    assert AccessLog.objects.filter(action="update", purpose="精密検査結果の入力").count() == 1


def test_cancel_keeps_history_and_the_list_follows(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, wife = couple("hayama", django_capture_on_commit_callbacks)
    rows = {(r.atena_id, r.kenshin): r for r in taisho_rows(ON)}
    assert (wife.pk, "nyu") in rows and (wife.pk, "shikei") in rows and (wife.pk, "daicho") in rows
    assert (husband.pk, "nyu") not in rows and (husband.pk, "i") in rows
    assert rows[(husband.pk, "i")].method_names == "胃部エックス線検査"
    wrong = record(husband.pk, "daicho", "bensenketsu", date(2025, 6, 10))
    assert husband.pk not in {r.atena_id for r in taisho_rows(ON, kenshin=["daicho"],
                                                              mijushin_only=True)}  # fmt: skip
    jushin_torikeshi(pk=wrong.pk, riyu="別人の結果票", actor=ACTOR, purpose=PURPOSE)
    assert husband.pk in {r.atena_id for r in taisho_rows(ON, kenshin=["daicho"],
                                                          mijushin_only=True)}  # fmt: skip
    hist = jushin_history(atena_id=husband.pk, actor=ACTOR, purpose="受診歴の確認")
    assert [r.torikeshi_riyu for r in hist] == ["別人の結果票"]
    # (other tests' rows may carry the same 宛名 id: the test database's sequences go on)
    read = AccessLog.objects.get(
        action="read", record_type=RECORD_TYPE, record_id=str(husband.pk), purpose="受診歴の確認"
    )
    assert read.record_count == 1


def test_two_year_interval_counts_the_year_before(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, wife = couple("hayama", django_capture_on_commit_callbacks)
    record(wife.pk, "nyu", "mammography", date(2025, 6, 10))  # 令和7年度 (年度末40歳)
    next_year, after = date(2026, 6, 1), date(2027, 6, 1)
    assert (wife.pk, "nyu") not in {(r.atena_id, r.kenshin) for r in taisho_rows(next_year)}
    assert (wife.pk, "nyu") in {(r.atena_id, r.kenshin) for r in taisho_rows(after)}


def test_hpv_method_where_the_town_adopts_it(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, wife = couple("hayama", django_capture_on_commit_callbacks)
    row = {(r.atena_id, r.kenshin): r for r in taisho_rows(ON)}[(wife.pk, "shikei")]
    assert [m.code for m in row.methods] == ["saibo"]
    MunicipalParameter.objects.create(
        key="fukushi.kenko.kenshin.shikei_hpv", fiscal_year_from=2025, value=1
    )
    row = {(r.atena_id, r.kenshin): r for r in taisho_rows(ON)}[(wife.pk, "shikei")]
    assert [m.code for m in row.methods] == ["hpv"]


def test_death_leaves_the_list(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _ = couple("hayama", django_capture_on_commit_callbacks)
    jk_shibo(husband, ido_date=date(2025, 5, 20))
    assert husband.pk not in {r.atena_id for r in taisho_rows(ON)}


def test_two_towns_never_see_each_other(alpha, beta, django_capture_on_commit_callbacks):
    connection.set_tenant(beta.municipality)
    other, _ = couple("samukawa", django_capture_on_commit_callbacks, surname="寒川")
    record(other.pk, "hai", "kyobu_xsen", date(2025, 6, 10))
    connection.set_tenant(alpha.municipality)
    mine, _ = couple("hayama", django_capture_on_commit_callbacks)
    assert KenshinJushin.objects.count() == 0
    ids = {r.atena_id for r in taisho_rows(ON)}
    assert mine.pk in ids and other.pk not in ids
    assert jushin_history(atena_id=mine.pk, actor=ACTOR, purpose="確認") == []
    with pytest.raises(KenshinRefused):
        record(other.pk, "hai", "kyobu_xsen", date(2025, 6, 11))
    connection.set_tenant(beta.municipality)
    assert KenshinJushin.objects.count() == 1
