"""団体内統合宛名システムとの連携 (標準仕様書 7.1.2.3) against the simulator, two towns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, Zokugara
from juminkiroku.models import TogoRenkei, TogoSoshin
from juminkiroku.models.togo import TogoSaKind, TogoStatus
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import (
    actor_for,
    approve,
    family,
    household_tennyu,
    person_fields,
    tenkyo,
)
from juminkiroku.tests.togohelpers import bango, control, held, received, togo_fixture  # noqa: F401
from juminkiroku.togo.soshin import (
    SYSTEM_ACTOR,
    TogoSoshinError,
    togo_soshin_make,
    togo_soshin_resend,
    togo_soshin_send,
    togo_soshin_withdraw,
    togo_totsugo_run,
)
from juminkiroku.togo.tasks import togo_sync_task
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db


def test_each_change_goes_once_in_order_with_bango_4joho_and_setai(togo, alpha, in_alpha):
    # given: a family with the head's 個人番号, then the head moves within the town
    members = family()
    members[0]["kojin_bango"] = bango("12345678901")
    _, (head, wife, child) = household_tennyu("hayama", members=members, ido_date=date(2024, 4, 1))
    tenkyo([head], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 3))
    # when
    assert togo_soshin_make(actor=SYSTEM_ACTOR).made == 4
    assert togo_soshin_make(actor=SYSTEM_ACTOR).made == 0  # the cursor moved
    result = togo_soshin_send(actor=SYSTEM_ACTOR)
    # then: four records, in feed order, each applied once
    assert (result.sent, result.rejected, result.retry) == (4, 0, 0)
    dantai = alpha.municipality.dantai_code
    got = received(togo, dantai)
    assert [int(r["renkei_no"]) for r in got] == sorted(int(r["renkei_no"]) for r in got)
    assert [(r["shimei"], r["ido_jiyu"], r["ido_kubun"]) for r in got] == [
        ("山田　太郎", IdoJiyu.TENNYU, "1"),
        ("山田　花子", IdoJiyu.TENNYU, "1"),
        ("山田　一郎", IdoJiyu.TENNYU, "1"),
        ("山田　太郎", IdoJiyu.TENKYO, "3"),
    ]
    first = got[0]
    assert first["dantai_code"] == dantai and first["atena_no"] == head.atena_no
    assert first["kojin_bango"] == bango("12345678901")
    assert (first["birth_date"], first["sex"]) == ("19800505", "1")
    assert first["jusho"] == "神奈川県三浦郡葉山町堀内2135番地"
    assert got[3]["jusho"] == "神奈川県三浦郡葉山町一色1番地"
    # 住民票関係情報 (住基法 第7条第4号): 世帯主 or the head's name and the 続柄
    assert (first["setainushi_kubun"], first["setainushi_shimei"]) == ("1", "山田　太郎")
    wife_rec = got[1]
    assert wife_rec["setainushi_kubun"] == "0"
    assert wife_rec["setainushi_shimei"] == "山田　太郎"
    assert wife_rec["zokugara"] == Zokugara.TSUMA
    assert wife_rec["setai_no"] == first["setai_no"] != ""
    assert held(togo, dantai)[child.atena_no]["zokugara"] == Zokugara.KO
    # every send is a read by a system, logged with the 個人番号 flag and ids only
    sends = AccessLog.objects.filter(screen="団体内統合宛名システムへの送信")
    assert sends.count() == 4 and all(r.mynumber_viewed for r in sends)
    assert {r.record_id for r in sends} == {str(head.pk), str(wife.pk), str(child.pk)}
    assert all(set(r.detail) == {"togo_soshin_id"} for r in sends)
    assert set(TogoSoshin.objects.values_list("status", flat=True)) == {TogoStatus.SENT}


def test_a_change_of_items_the_togo_system_does_not_hold_makes_no_record(togo, in_alpha):
    _, (head,) = household_tennyu("hayama")
    togo_soshin_make(actor=SYSTEM_ACTOR)
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 1, 6),
        todoke_date=None,
        changes=[PersonChange(head.pk, {"honseki": "東京都千代田区千代田1番地"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    made = togo_soshin_make(actor=SYSTEM_ACTOR)
    assert (made.made, made.unchanged) == (0, 1)
    assert TogoRenkei.objects.get().soshin_after > 0
    # a 方書 is part of the 住所 it holds: that change goes
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 1, 7),
        todoke_date=None,
        changes=[PersonChange(head.pk, {"katagaki": "101号室"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    assert togo_soshin_make(actor=SYSTEM_ACTOR).made == 1


def test_transport_failure_retries_with_backoff_and_keeps_order(togo, alpha, in_alpha):
    _, (person,) = household_tennyu("hayama", members=[person_fields()])
    tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    togo_soshin_make(actor=SYSTEM_ACTOR)
    control(togo, {"fail_next": 1})
    now = timezone.now()
    result = togo_soshin_send(actor=SYSTEM_ACTOR, now=now)
    assert (result.sent, result.retry) == (0, 1)
    first, second = TogoSoshin.objects.order_by("id")
    assert first.status == TogoStatus.RETRY and first.attempts == 1
    assert first.next_try_at == now + timedelta(seconds=30)
    assert first.reason == "団体内統合宛名システムが応答しませんでした（HTTP 503）。"
    assert second.status == TogoStatus.PENDING
    assert TogoRenkei.objects.get().last_error.startswith("団体内統合宛名システムが応答")
    # not due yet, and the later record never overtakes it
    assert togo_soshin_send(actor=SYSTEM_ACTOR, now=now).held == 1
    assert received(togo, alpha.municipality.dantai_code) == []
    control(togo, {"fail_next": 1})
    togo_soshin_send(actor=SYSTEM_ACTOR, now=now + timedelta(seconds=31))
    first.refresh_from_db()
    assert first.attempts == 2 and first.next_try_at == now + timedelta(seconds=31 + 60)
    result = togo_soshin_send(actor=SYSTEM_ACTOR, now=now + timedelta(seconds=200))
    assert result.sent == 2
    got = received(togo, alpha.municipality.dantai_code)
    assert [r["ido_jiyu"] for r in got] == [IdoJiyu.TENNYU, IdoJiyu.TENKYO]
    assert TogoRenkei.objects.get().last_error == ""


def test_a_resent_record_is_applied_once(togo, alpha, in_alpha):
    household_tennyu("hayama")
    togo_soshin_make(actor=SYSTEM_ACTOR)
    togo_soshin_send(actor=SYSTEM_ACTOR)
    rec = TogoSoshin.objects.get()
    # the worker died after sending, before recording: the record goes again
    TogoSoshin.objects.filter(pk=rec.pk).update(status=TogoStatus.PENDING)
    assert togo_soshin_send(actor=SYSTEM_ACTOR).sent == 1
    assert len(received(togo, alpha.municipality.dantai_code)) == 1
    rec2 = TogoSoshin.objects.get()
    assert rec2.uketsuke_no == rec.uketsuke_no  # the first answer again


def test_refused_record_holds_only_that_person_until_resent_or_withdrawn(togo, alpha, in_alpha):
    _, (a,) = household_tennyu("hayama", members=[person_fields()])
    _, (b,) = household_tennyu("hayama", members=[person_fields(shimei="鈴木　一")])
    tenkyo([a], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    control(togo, {"reject": {a.atena_no: ["E501", "氏名の文字が使用できません。"]}})
    togo_soshin_make(actor=SYSTEM_ACTOR)
    result = togo_soshin_send(actor=SYSTEM_ACTOR)
    assert (result.sent, result.rejected, result.held) == (1, 1, 1)
    refused = TogoSoshin.objects.get(status=TogoStatus.REJECTED)
    assert refused.atena_id == a.pk
    assert refused.reason == "氏名の文字が使用できません。（E501）"
    with pytest.raises(TogoSoshinError, match="送信待ち"):
        togo_soshin_withdraw(
            soshin_id=TogoSoshin.objects.get(status=TogoStatus.PENDING).pk,
            actor=actor_for("hayama-clerk"),
        )
    # 再送信 after the 統合宛名 side is fixed: both of a's records go, in order
    control(togo, {"reject": {a.atena_no: None}})
    togo_soshin_resend(soshin_id=refused.pk, actor=actor_for("hayama-clerk"))
    assert togo_soshin_send(actor=SYSTEM_ACTOR).sent == 2
    assert [r["ido_jiyu"] for r in received(togo, alpha.municipality.dantai_code)][1:] == [
        IdoJiyu.TENNYU,
        IdoJiyu.TENKYO,
    ]
    assert AccessLog.objects.filter(screen="統合宛名送信データの再送信").count() == 1
    # 取りやめ: a refused record withdrawn lets the later one go
    control(togo, {"reject": {b.atena_no: ["E502", "住所が長すぎます。"]}})
    tenkyo([b], ido_date=date(2024, 7, 1), todoke_date=date(2024, 7, 1))
    tenkyo(
        [b],
        ido_date=date(2024, 8, 1),
        todoke_date=date(2024, 8, 1),
        fields={"jusho": "神奈川県三浦郡葉山町長柄", "banchi": "2番地"},
    )
    togo_soshin_make(actor=SYSTEM_ACTOR)
    togo_soshin_send(actor=SYSTEM_ACTOR)
    first_b = TogoSoshin.objects.get(status=TogoStatus.REJECTED)
    control(togo, {"reject": {b.atena_no: None}})
    togo_soshin_withdraw(soshin_id=first_b.pk, actor=actor_for("hayama-clerk"))
    assert togo_soshin_send(actor=SYSTEM_ACTOR).sent == 1
    assert held(togo, alpha.municipality.dantai_code)[b.atena_no]["jusho"] == (
        "神奈川県三浦郡葉山町長柄2番地"
    )


def test_two_towns_never_send_or_see_each_others_persons(togo, alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (hayama_person,) = household_tennyu("hayama")
    connection.set_tenant(beta.municipality)
    household_tennyu(
        "samukawa",
        members=[person_fields(shimei="寒川　二", jusho="神奈川県高座郡寒川町宮山")],
    )
    connection.set_tenant(alpha.municipality)
    assert togo_sync_task() == {"made": 1, "unchanged": 0, "sent": 1, "rejected": 0, "retry": 0}
    assert received(togo, beta.municipality.dantai_code) == []
    connection.set_tenant(beta.municipality)
    assert togo_sync_task()["sent"] == 1
    got = received(togo, beta.municipality.dantai_code)
    assert [r["shimei"] for r in got] == ["寒川　二"]
    assert got[0]["dantai_code"] == beta.municipality.dantai_code
    # 寒川町's 突合 compares its own records only; each town's records hold its own persons
    run = togo_totsugo_run(actor=actor_for("samukawa-clerk"))
    assert (run.compared, run.differences) == (1, 0)
    assert {p["shimei"] for p in held(togo, beta.municipality.dantai_code).values()} == {"寒川　二"}
    assert {p["shimei"] for p in held(togo, alpha.municipality.dantai_code).values()} == {
        hayama_person.shimei
    }
    assert TogoSoshin.objects.count() == 1


def test_totsugo_finds_differences_and_resends_the_whole_record(togo, alpha, in_alpha):
    _, (head, wife, child) = household_tennyu("hayama", members=family())
    togo_soshin_make(actor=SYSTEM_ACTOR)
    togo_soshin_send(actor=SYSTEM_ACTOR)
    dantai = alpha.municipality.dantai_code
    # the 統合宛名 side drifted: a name changed, a person lost, a stranger added
    control(
        togo,
        {
            "change": {
                "dantai_code": dantai,
                "atena_no": wife.atena_no,
                "items": {"shimei": "山田　華子"},
            }
        },
    )
    control(togo, {"change": {"dantai_code": dantai, "atena_no": child.atena_no, "remove": True}})
    control(
        togo,
        {"change": {"dantai_code": dantai, "atena_no": "9999999999", "items": {"shimei": "誰か"}}},
    )
    run = togo_totsugo_run(actor=actor_for("hayama-clerk"))
    assert (run.compared, run.differences, run.queued) == (3, 3, 2)
    by_kind = {d.kind: d for d in run.sa.all()}
    assert by_kind[TogoSaKind.SOI].atena_id == wife.pk
    assert by_kind[TogoSaKind.SOI].items == ["shimei"]
    assert by_kind[TogoSaKind.TOHO_NOMI].atena_id == child.pk
    assert by_kind[TogoSaKind.TOGO_NOMI].atena_no == "9999999999"
    assert AccessLog.objects.filter(screen="団体内統合宛名システムとの突合").count() == 1
    # the full resend puts the 統合宛名 side back in line (the stranger is for a clerk)
    assert togo_soshin_send(actor=SYSTEM_ACTOR).sent == 2
    assert held(togo, dantai)[wife.atena_no]["shimei"] == "山田　花子"
    assert held(togo, dantai)[child.atena_no]["zokugara"] == Zokugara.KO
    again = togo_totsugo_run(actor=actor_for("hayama-clerk"))
    assert (again.differences, again.queued) == (1, 0)
    assert head.atena_no in held(togo, dantai)


def test_the_togo_atena_number_is_never_taken_in():
    # 7.1.2.3【実装しない機能】: no field of the registry holds a 団体内統合宛名番号
    labels = [
        str(f.verbose_name)
        for model in apps.get_app_config("juminkiroku").get_models()
        for f in model._meta.get_fields()
        if hasattr(f, "verbose_name")
    ]
    assert labels and not [v for v in labels if "統合宛名番号" in v]


def test_task_does_nothing_without_a_togo_system(settings, in_alpha):
    settings.JC_TOGO_URL = ""
    household_tennyu("hayama")
    assert togo_sync_task() is None
    assert TogoSoshin.objects.count() == 0
