"""戸籍附票システム連携 (標準仕様書 7.2.4, 7.1.1.1; 住民基本台帳法 第19条) against the
附票システム simulator and the CS simulator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, JuminShubetsu
from juminkiroku.fuhyo.rules import KANGAI, KANNAI, honseki_kubun
from juminkiroku.fuhyo.tasks import fuhyo_sync_round, fuhyo_sync_task
from juminkiroku.fuhyo.totsugo import fuhyo_totsugo_run
from juminkiroku.fuhyo.tsuchi import (
    SYSTEM_ACTOR,
    FuhyoTsuchiError,
    fuhyo_tsuchi_make,
    fuhyo_tsuchi_resend,
    fuhyo_tsuchi_send,
    fuhyo_tsuchi_withdraw,
)
from juminkiroku.fuhyo.tsuchisho import fuhyo_tsuchisho_print
from juminkiroku.models import FuhyoRenkei, FuhyoTotsugo, FuhyoTsuchi
from juminkiroku.models.fuhyo import FuhyoStatus
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.cshelpers import cs_fixture, received  # noqa: F401 - fixture
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    household_tennyu,
    person_fields,
    tenkyo,
    tenshutsu,
)
from juminkiroku.tests.fuhyohelpers import (  # noqa: F401 - fixture
    fuhyo_control,
    fuhyo_fixture,
    fuhyo_received,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

HAYAMA = "143014"
SAMUKAWA = "143219"
KANNAI_HONSEKI = "神奈川県三浦郡葉山町堀内2135番地"
SAMUKAWA_HONSEKI = "神奈川県高座郡寒川町宮山135番地"
LAYOUT = "FUHYO-KISAI-01"


def sync() -> None:
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)


# --- the rule: 管内 / 管外 / none ------------------------------------------------------------


@pytest.mark.parametrize(
    ("honseki", "chomei", "expected"),
    [
        ("神奈川県三浦郡葉山町堀内2135番地", (), KANNAI),
        ("神奈川県葉山町一色1番地", (), KANNAI),  # 郡 left out
        ("神奈川県　三浦郡　葉山町堀内1番地", (), KANNAI),  # spaces
        ("三浦郡葉山町堀内2135番地", ("堀内",), KANNAI),  # no 都道府県, a 町字 of the town
        ("葉山町堀内2135番地", ("堀内",), KANNAI),
        ("葉山町堀内2135番地", (), KANGAI),  # no 都道府県 and no 町字 to confirm it
        ("神奈川県高座郡寒川町宮山135番地", ("堀内",), KANGAI),
        ("東京都千代田区霞が関二丁目1番", (), KANGAI),
        ("北海道葉山町1番地", (), KANGAI),  # another prefecture's town of the same name
        ("", (), None),  # 本籍 unknown
        ("　", (), None),
    ],
)
def test_honseki_kubun(honseki, chomei, expected):
    assert (
        honseki_kubun(honseki, prefecture="神奈川県", town_name="葉山町", chomei=chomei) == expected
    )


# --- notices from the feed ---------------------------------------------------------------------


def test_kannai_tenkyo_goes_to_the_fuhyo_system_once_in_order(fuhyo, cs, alpha, in_alpha):
    # given: a 転入 and a 転居 of a 管内本籍人, and a 修正 of the 方書 only
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 3))
    katagaki = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 7, 1),
        todoke_date=date(2024, 7, 1),
        changes=[PersonChange(person.pk, {"katagaki": "葉山ハイツ101"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(katagaki, reviewer="hayama-shinsa")  # 方書 is no item of the 附票
    # when
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 2
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 0  # the cursor moved: nothing twice
    result = fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)
    # then: the 附票システム got the two notices, in order, with the items of 法第17条
    assert (result.sent, result.rejected, result.retry) == (2, 0, 0)
    got = fuhyo_received(fuhyo, HAYAMA)
    assert [(r["ido_jiyu"], r["jusho"], r["jutei_date"]) for r in got] == [
        (IdoJiyu.TENNYU, "神奈川県三浦郡葉山町堀内2135番地", "2024-04-01"),
        (IdoJiyu.TENKYO, "神奈川県三浦郡葉山町一色1番地", "2024-06-01"),
    ]
    first = got[0]
    assert first["honseki"] == KANNAI_HONSEKI and first["hittosha"] == "山田　太郎"
    assert first["shimei"] == "山田　太郎" and first["birth_date"] == "1980-05-05"
    assert first["sex"] == "1" and first["tsuchi_kubun"] == KANNAI
    assert first["kokugai_tenshutsu"] == "0"
    assert set(FuhyoTsuchi.objects.values_list("status", flat=True)) == {FuhyoStatus.SENT}
    assert received(cs, HAYAMA, LAYOUT) == []  # nothing 管内 went through the CS
    assert AccessLog.objects.filter(screen="戸籍附票記載事項通知の送信").count() == 2
    # sent again: the simulator answers once per notice, and nothing is left to send
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR).sent == 0


def test_hayama_person_with_samukawa_honseki_is_a_kangai_notice_in_hayama_only(
    fuhyo, cs, alpha, beta, in_alpha
):
    # given: a 葉山町 resident whose 本籍 is 寒川町
    household_tennyu(
        "hayama", members=[person_fields(honseki=SAMUKAWA_HONSEKI)], ido_date=date(2024, 4, 1)
    )
    # when
    sync()
    # then: one 管外 notice in 葉山町's queue, sent through the CS to the 本籍地
    (notice,) = FuhyoTsuchi.objects.all()
    assert notice.kubun == KANGAI and notice.status == FuhyoStatus.SENT
    (relayed,) = received(cs, HAYAMA, LAYOUT)
    assert relayed["honseki"] == SAMUKAWA_HONSEKI and relayed["tsuchi_kubun"] == KANGAI
    assert fuhyo_received(fuhyo, HAYAMA) == []  # not the 葉山町 附票システム
    # and nothing in 寒川町's schema or at its 附票システム / CS mailbox
    connection.set_tenant(beta.municipality)
    assert FuhyoTsuchi.objects.count() == 0
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 0
    assert FuhyoTsuchi.objects.count() == 0
    assert FuhyoRenkei.objects.get().tsuchi_after == 0
    assert fuhyo_received(fuhyo, SAMUKAWA) == [] and received(cs, SAMUKAWA, LAYOUT) == []


def test_no_honseki_and_foreign_residents_make_nothing(fuhyo, in_alpha):
    household_tennyu("hayama", members=[person_fields(honseki="", hittosha="")])
    household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="SMITH JOHN",
                shimei_kana="スミス　ジョン",
                shubetsu=JuminShubetsu.GAIKOKUJIN,
                honseki="",
                hittosha="",
                alpha_name="SMITH JOHN",
                kokuseki="アメリカ合衆国",
                zairyu_shikaku="永住者",
                zairyu_card_no="AB12345678CD",
                zairyu_kubun="1",
            )
        ],
    )
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 0
    assert FuhyoRenkei.objects.get().tsuchi_after > 0  # read, and found nothing owed


def test_tenshutsu_in_japan_makes_none_but_a_honseki_change_does(fuhyo, in_alpha):
    _, (a, b) = household_tennyu(
        "hayama",
        members=[
            person_fields(),
            person_fields(shimei="山田　花子", zokugara="02", setai_order=2, sex="2"),
        ],
        ido_date=date(2024, 4, 1),
    )
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    FuhyoTsuchi.objects.update(status=FuhyoStatus.SENT)
    # 転出 to another town, effective at once: the 転入地 tells the 本籍地, not us
    tenshutsu(b, ido_date=date(2024, 5, 1), todoke_date=date(2024, 5, 1))
    # 本籍 changed (転籍 to 寒川町, 職権修正): the new 本籍地 must write its 附票
    shusei = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 6, 1),
        todoke_date=date(2024, 6, 1),
        changes=[PersonChange(a.pk, {"honseki": SAMUKAWA_HONSEKI})],
        actor=actor_for("hayama-clerk"),
    )
    approve(shusei, reviewer="hayama-shinsa")
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 1
    notice = FuhyoTsuchi.objects.latest("id")
    assert (notice.atena_id, notice.kubun, notice.jiyu) == (a.pk, KANGAI, IdoJiyu.SHOKKEN_SHUSEI)
    assert notice.record["honseki"] == SAMUKAWA_HONSEKI


def test_torikeshi_of_a_tenkyo_sends_the_address_put_back(fuhyo, in_alpha):
    from juminkiroku.services.ido import ido_cancel_enter

    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    move = tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    cancel = ido_cancel_enter(
        cancels_id=move.pk,
        ido_date=date(2024, 6, 10),
        note="別人の転居届",
        actor=actor_for("hayama-clerk"),
    )
    approve(cancel, reviewer="hayama-shinsa")
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 3
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR).sent == 3
    got = fuhyo_received(fuhyo, HAYAMA)
    assert [(r["ido_jiyu"], r["jusho"]) for r in got] == [
        (IdoJiyu.TENNYU, "神奈川県三浦郡葉山町堀内2135番地"),
        (IdoJiyu.TENKYO, "神奈川県三浦郡葉山町一色1番地"),
        (IdoJiyu.TORIKESHI, "神奈川県三浦郡葉山町堀内2135番地"),
    ]


def test_kokugai_tenshutsu_tells_the_honsekichi_with_the_yotei_date(fuhyo, in_alpha):
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    ido = ido_enter(
        jiyu=IdoJiyu.KOKUGAI_TENSHUTSU,
        ido_date=date(2024, 5, 10),
        todoke_date=date(2024, 5, 1),
        changes=[PersonChange(person.pk, {"tenshutsu_saki_jusho": "アメリカ合衆国"})],
        setainushi_fuzai_ok=True,
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    assert fuhyo_tsuchi_make(actor=SYSTEM_ACTOR) == 1
    notice = FuhyoTsuchi.objects.latest("id")
    assert notice.record["kokugai_tenshutsu"] == "1" and notice.record["jusho"] == ""
    assert notice.record["jutei_date"] == "2024-05-10"


# --- sending: failures, refusals, the clerk's acts ------------------------------------------


def test_fuhyo_system_down_retries_with_backoff_and_keeps_order(fuhyo, in_alpha):
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    fuhyo_control(fuhyo, {"fail_next": 1})
    now = timezone.now()
    # when: the 附票システム answers 503 once
    result = fuhyo_tsuchi_send(actor=SYSTEM_ACTOR, now=now)
    # then: nothing sent, the first waits 30 s, the second waits behind it
    assert (result.sent, result.retry, result.held) == (0, 1, 1)
    first, second = FuhyoTsuchi.objects.order_by("id")
    assert first.status == FuhyoStatus.RETRY and first.attempts == 1
    assert first.next_try_at == now + timedelta(seconds=30)
    assert second.status == FuhyoStatus.PENDING
    assert "接続できません" in FuhyoRenkei.objects.get().last_error or "応答" in (
        FuhyoRenkei.objects.get().last_error
    )
    # before the delay nothing moves; after it both go, in order
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR, now=now + timedelta(seconds=10)).sent == 0
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR, now=now + timedelta(seconds=31)).sent == 2
    assert [r["ido_jiyu"] for r in fuhyo_received(fuhyo, HAYAMA)] == [
        IdoJiyu.TENNYU,
        IdoJiyu.TENKYO,
    ]
    first.refresh_from_db()
    assert first.status == FuhyoStatus.SENT and first.attempts == 2


def test_refused_notice_holds_the_persons_later_ones_until_resent_or_withdrawn(fuhyo, in_alpha):
    _, (person,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    _, (_other,) = household_tennyu(
        "hayama", members=[person_fields(shimei="鈴木　一郎")], ido_date=date(2024, 4, 2)
    )
    fuhyo_tsuchi_make(actor=SYSTEM_ACTOR)
    # the 附票システム refuses the first notice (no 出生の年月日 in it, say)
    first = FuhyoTsuchi.objects.filter(atena=person).earliest("id")
    FuhyoTsuchi.objects.filter(pk=first.pk).update(record={**first.record, "birth_date": ""})
    result = fuhyo_tsuchi_send(actor=SYSTEM_ACTOR)
    assert (result.sent, result.rejected, result.held) == (1, 1, 1)  # 鈴木 goes
    first.refresh_from_db()
    assert first.status == FuhyoStatus.REJECTED and "F101" in first.reason
    # 再送信 of a refused one is refused again; 取りやめ lets the 転居 out
    fuhyo_tsuchi_resend(tsuchi_id=first.pk, actor=actor_for("hayama-clerk"))
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR).rejected == 1
    fuhyo_tsuchi_withdraw(tsuchi_id=first.pk, actor=actor_for("hayama-clerk"))
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR).sent == 1
    with pytest.raises(FuhyoTsuchiError):
        fuhyo_tsuchi_withdraw(tsuchi_id=first.pk, actor=actor_for("hayama-clerk"))
    assert AccessLog.objects.filter(screen="戸籍附票記載事項通知の取りやめ").count() == 1


def test_kangai_without_the_cs_waits_and_is_printed_on_paper(fuhyo, settings, alpha, in_alpha):
    settings.JC_CS_URL = ""
    household_tennyu(
        "hayama",
        members=[person_fields(honseki=SAMUKAWA_HONSEKI, hittosha="寒川　太郎")],
        ido_date=date(2024, 4, 1),
    )
    sync()
    (notice,) = FuhyoTsuchi.objects.all()
    assert notice.status == FuhyoStatus.PENDING  # nothing lost while the line is missing
    assert notice.record["juminhyo_code"] == ""  # the CS link had not drawn one yet
    type(notice.atena).objects.filter(pk=notice.atena_id).update(juminhyo_code="12345678903")
    assert "CS" in FuhyoRenkei.objects.get().last_error
    # when: the clerk prints the 通知書 and sends it by post
    pdf = fuhyo_tsuchisho_print(
        tsuchi_ids=[notice.pk], actor=actor_for("hayama-clerk"), mark_paper=True
    )
    # then: the PDF reads back with the 本籍地, the items in 和暦 and the legal basis
    (page,) = pdf_pages(pdf)
    assert "戸籍の附票記載事項通知書" in page
    assert "寒川町長様" in page and "葉山町長" in page
    assert "神奈川県高座郡寒川町宮山135番地" in page and "寒川太郎" in page
    assert "神奈川県三浦郡葉山町堀内2135番地" in page
    assert "住所を定めた年月日令和6年4月1日" in page
    assert "出生の年月日昭和55年5月5日" in page and "男女の別男" in page
    assert "住民基本台帳法第19条第1項" in page
    assert "住民票コード12345678903" in page  # completed from the person at printing
    notice.refresh_from_db()
    assert notice.status == FuhyoStatus.PAPER and notice.printed_at is not None
    assert fuhyo_tsuchi_send(actor=SYSTEM_ACTOR).sent == 0  # not sent twice
    log = AccessLog.objects.get(screen="戸籍の附票記載事項通知書")
    assert log.detail["atena_ids"] == [notice.atena_id]


def test_periodic_task_sends_in_the_town_it_runs_in(fuhyo, cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    connection.set_tenant(beta.municipality)
    household_tennyu(
        "samukawa", members=[person_fields(shimei="寒川　二", honseki=SAMUKAWA_HONSEKI)]
    )
    connection.set_tenant(alpha.municipality)
    assert fuhyo_sync_task() == {"made": 1, "sent": 1, "rejected": 0, "retry": 0}
    assert fuhyo_sync_round() == {"made": 0, "sent": 0, "rejected": 0, "retry": 0}
    assert [r["shimei"] for r in fuhyo_received(fuhyo, HAYAMA)] == ["山田　太郎"]
    assert fuhyo_received(fuhyo, SAMUKAWA) == []  # 寒川町's own round sends it, not ours
    connection.set_tenant(beta.municipality)
    assert FuhyoTsuchi.objects.count() == 0
    assert fuhyo_sync_task() == {"made": 1, "sent": 1, "rejected": 0, "retry": 0}
    assert [r["shimei"] for r in fuhyo_received(fuhyo, SAMUKAWA)] == ["寒川　二"]
    connection.set_schema_to_public()


# --- 突合 ------------------------------------------------------------------------------------


def test_totsugo_lists_differences_in_its_own_town(fuhyo, cs, alpha, beta, in_alpha):
    _, (a,) = household_tennyu("hayama", members=[person_fields()], ido_date=date(2024, 4, 1))
    _, (b,) = household_tennyu(
        "hayama", members=[person_fields(shimei="鈴木　一郎")], ido_date=date(2024, 4, 2)
    )
    household_tennyu(
        "hayama", members=[person_fields(honseki=SAMUKAWA_HONSEKI)], ido_date=date(2024, 4, 3)
    )
    for atena, code in ((a, "12345678903"), (b, "12345678911")):
        type(a).objects.filter(pk=atena.pk).update(juminhyo_code=code)
    sync()
    # the 附票 of b differs; one person the 附票 says lives here is not ours
    fuhyo_control(
        fuhyo,
        {
            "fuhyo": {
                "shichoson_code": HAYAMA,
                "juminhyo_code": "12345678911",
                "honseki": KANNAI_HONSEKI,
                "hittosha": "山田　太郎",
                "shimei": "鈴木　一郎",
                "jusho": "神奈川県三浦郡葉山町長柄1番地",
                "jutei_date": "2024-04-01",
                "birth_date": "1980-05-05",
                "sex": "1",
            }
        },
    )
    fuhyo_control(fuhyo, {"fuhyo": {"shichoson_code": HAYAMA, "juminhyo_code": "99999999999"}})
    run = fuhyo_totsugo_run(actor=actor_for("hayama-clerk"))
    assert run.sent == 2  # the 管外本籍人 is not the town's 附票
    kinds = sorted((d["kind"], d["atena_id"], tuple(d["items"])) for d in run.sa)
    assert kinds == [
        ("fuhyo", None, ()),
        ("soi", b.pk, ("jusho", "jutei_date")),
    ]
    connection.set_tenant(beta.municipality)
    assert FuhyoTotsugo.objects.count() == 0
