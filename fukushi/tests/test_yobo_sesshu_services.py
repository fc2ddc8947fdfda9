"""予防接種の記録 through the services: recording with its checks (clear Japanese, no
names), cancelling with history kept, every read and write in the access log with its
purpose, the due / overdue list of the town's residents (a death or 転出 leaves it), the
五種混合 counting for ヒブ, and two towns that never see each other's records.

Ages and counts: fukushi/params/yobo_sesshu.yaml (予防接種法施行令第3条; ヒブ 27日以上:
京都府ちゃいるす・相生市の頁が引く定期接種実施要領)."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import YoboSesshu
from fukushi.rules.yobo_sesshu import Status
from fukushi.services.yobo_sesshu import (
    YoboRefused,
    due_rows,
    sesshu_history,
    sesshu_record,
    sesshu_torikeshi,
)
from juminkiroku.tests.factories import household_tennyu, person_fields
from juminkiroku.tests.factories import shibo as jk_shibo
from juminkiroku.tests.factories import tenshutsu as jk_tenshutsu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection

pytestmark = pytest.mark.django_db

MALE, FEMALE = "1", "2"  # 住民記録の性別コード (男・女)

ACTOR = Actor(user_id=None, username="test-kenko")
PURPOSE = "予防接種の記録の登録（接種済証の確認）"
BIRTH = date(2025, 1, 10)
ON = date(2025, 4, 1)  # 生後2月22日: ヒブ・五種混合・小児用肺炎球菌・B型肝炎の1回目


def family(town: str, *, surname: str = "接種", child_sex: str = MALE) -> list:
    members = [
        person_fields(
            shimei=f"{surname}　親", shimei_kana="セッシュ　オヤ", birth_date="1990-05-05"
        ),
        person_fields(
            shimei=f"{surname}　子",
            shimei_kana="セッシュ　コ",
            birth_date=BIRTH.isoformat(),
            sex=child_sex,
            zokugara="04",
            setai_order=2,
        ),
    ]
    _, atenas = household_tennyu(town, members=members, ido_date=date(2025, 2, 1))
    return atenas


def record(atena_id: int, vaccine: str, no: int | None, day: date, kubun: str = "teiki"):
    return sesshu_record(
        atena_id=atena_id,
        vaccine=vaccine,
        dose_no=no,
        sesshu_date=day,
        kubun=kubun,
        lot_no="AB123",
        iryo_kikan="葉山こどもクリニック",
        actor=ACTOR,
        purpose=PURPOSE,
    )


def test_a_dose_is_recorded_and_logged_with_its_purpose(alpha):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    row = record(child.pk, "hib", 1, date(2025, 3, 12))
    assert (row.vaccine, row.dose_no, row.lot_no) == ("hib", 1, "AB123")
    log = AccessLog.objects.filter(record_type="fukushi.YoboSesshu", record_id=str(row.pk)).get()
    assert log.purpose == PURPOSE and log.action == "create"


def test_the_checks_refuse_in_japanese_naming_no_one(alpha):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    with pytest.raises(YoboRefused) as before:
        record(child.pk, "bcg", 1, date(2025, 1, 9))
    assert before.value.messages == ["接種日が生年月日より前です。"]
    record(child.pk, "hib", 1, date(2025, 3, 12))
    with pytest.raises(YoboRefused) as short:
        record(child.pk, "hib", 2, date(2025, 4, 7))  # 26 days
    assert any("27日に満たない" in m for m in short.value.messages)
    record(child.pk, "bcg", 1, date(2025, 7, 1))
    with pytest.raises(YoboRefused) as beyond:
        record(child.pk, "bcg", 2, date(2025, 8, 1))
    assert "1回まで" in beyond.value.messages[0]
    for exc in (before, short, beyond):
        assert "接種　子" not in str(exc.value)
    assert YoboSesshu.objects.count() == 2


def test_a_cancelled_record_stays_as_history_and_frees_its_dose(alpha):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    wrong = record(child.pk, "hib", 1, date(2025, 3, 12))
    with pytest.raises(YoboRefused):
        record(child.pk, "hib", 1, date(2025, 3, 13))
    sesshu_torikeshi(pk=wrong.pk, riyu="接種日の誤り", actor=ACTOR, purpose=PURPOSE)
    record(child.pk, "hib", 1, date(2025, 3, 13))
    rows = sesshu_history(atena_id=child.pk, actor=ACTOR, purpose="接種歴の確認")
    assert [(r.sesshu_date, r.torikeshi_riyu) for r in rows] == [
        (date(2025, 3, 13), ""),
        (date(2025, 3, 12), "接種日の誤り"),
    ]
    read = AccessLog.objects.filter(
        action="read", record_id=str(child.pk), username=ACTOR.username, purpose="接種歴の確認"
    ).get()
    assert read.purpose == "接種歴の確認" and read.record_count == 2


def test_due_list_and_goshu_counting_for_hib(alpha):
    """五種混合 (令和6年4月から) の1回目を受けた子は、ヒブの1回目も済み."""
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    due = {(r.vaccine, r.dose_no): r for r in due_rows(ON) if r.atena_id == child.pk}
    assert {("hib", 1), ("dpt_ipv", 1), ("shoni_haien", 1), ("b_kanen", 1)} <= set(due)
    assert ("bcg", 1) in due  # 1歳に至るまで: 対象（標準は生後5月から）
    assert due[("hib", 1)].status == Status.TAISHO
    record(child.pk, "dpt_ipv", 1, date(2025, 3, 12))
    after = {(r.vaccine, r.dose_no) for r in due_rows(ON) if r.atena_id == child.pk}
    assert ("hib", 1) not in after and ("dpt_ipv", 1) not in after
    # 20日 on: the 五種混合's 2回目 is due; ヒブ is not listed on its own (五種混合 carries it)
    assert ("dpt_ipv", 2) in after and ("hib", 2) not in after


def test_overdue_words_on_the_list(alpha):
    connection.set_tenant(alpha.municipality)
    child = family("hayama")[1]
    late = {(r.vaccine, r.dose_no): r for r in due_rows(date(2025, 9, 1)) if r.atena_id == child.pk}
    assert late[("hib", 1)].status == Status.HYOJUN_KEIKA  # 生後7月を過ぎた
    gone = {r.vaccine: r for r in due_rows(date(2026, 1, 12)) if r.atena_id == child.pk}
    assert gone["b_kanen"].status == Status.KIGEN_GIRE  # 1歳の誕生日から
    assert gone["b_kanen"].last == date(2026, 1, 9)


def test_death_and_tenshutsu_leave_the_due_list(alpha):
    connection.set_tenant(alpha.municipality)
    a = family("hayama")[1]
    b = family("hayama", surname="転出")[1]
    ids = {r.atena_id for r in due_rows(ON)}
    assert {a.pk, b.pk} <= ids
    jk_shibo(a, ido_date=date(2025, 3, 20))
    jk_tenshutsu(b, ido_date=date(2025, 3, 25), todoke_date=date(2025, 3, 10))
    ids = {r.atena_id for r in due_rows(ON)}
    assert a.pk not in ids and b.pk not in ids
    # before the 異動 they were due
    assert {a.pk, b.pk} <= {r.atena_id for r in due_rows(date(2025, 3, 15))}


def test_hpv_lists_girls_only(alpha):
    connection.set_tenant(alpha.municipality)
    members = [
        person_fields(shimei="子宮　母", shimei_kana="シキュウ　ハハ", birth_date="1985-01-01",
                      sex=FEMALE),
        person_fields(shimei="子宮　娘", shimei_kana="シキュウ　ムスメ", birth_date="2012-06-01",
                      sex=FEMALE, zokugara="04", setai_order=2),
        person_fields(shimei="子宮　息子", shimei_kana="シキュウ　ムスコ", birth_date="2012-06-01",
                      sex=MALE, zokugara="04", setai_order=3),
    ]  # fmt: skip
    _, (_, girl, boy) = household_tennyu("hayama", members=members, ido_date=date(2025, 2, 1))
    hpv = {r.atena_id for r in due_rows(ON, vaccines=["hpv"])}
    assert girl.pk in hpv and boy.pk not in hpv


def test_two_towns_never_see_each_other(alpha, beta):
    connection.set_tenant(beta.municipality)
    other = family("samukawa", surname="寒川")[1]
    record(other.pk, "hib", 1, date(2025, 3, 12))
    connection.set_tenant(alpha.municipality)
    mine = family("hayama")[1]
    assert YoboSesshu.objects.count() == 0
    ids = {r.atena_id for r in due_rows(ON)}
    assert mine.pk in ids and other.pk not in ids
    assert sesshu_history(atena_id=mine.pk, actor=ACTOR, purpose="確認") == []
    connection.set_tenant(beta.municipality)
    assert YoboSesshu.objects.count() == 1
