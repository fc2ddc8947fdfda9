"""Messages from the CS: 転入通知 (標準仕様書 4.1.3.1.2), カード管理状況 (7.1.1.3), 特例転入
(4.1.1.3), and the 整合性確認 (7.1.1.2), against the simulator."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from juminkiroku.cs.bango import juminhyo_code_aki_fetch
from juminkiroku.cs.common import SYSTEM_ACTOR
from juminkiroku.cs.jushin import (
    JushinError,
    cs_jushin_apply,
    cs_jushin_receive,
    cs_jushin_settle,
    jushin_error_rows,
    tokurei_tennyu_prefill,
)
from juminkiroku.cs.seigo import SeigoError, cs_seigo_run
from juminkiroku.cs.soshin import cs_soshin_make, cs_soshin_send
from juminkiroku.models import CardJokyo, CsJushin, CsSeigoSa, Ido
from juminkiroku.models.cs import CardJotai, JushinStatus, SaKind
from juminkiroku.tests.cshelpers import control, cs_fixture, received  # noqa: F401 - fixture
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields, tenshutsu
from tenants.db import connection

pytestmark = pytest.mark.django_db


def sync() -> None:
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)


@pytest.fixture
def tsuchi_calls(monkeypatch: Any) -> list[dict[str, Any]]:
    """Stand in for juminkiroku.services.tenshutsu.receive_tennyu_tsuchi and record the
    arguments (what it does is test_tenshutsu.py's; the end to end run is
    test_tennyu_tsuchi_from_the_cs_makes_the_johyo below)."""
    import sys
    import types

    calls: list[dict[str, Any]] = []

    def receive_tennyu_tsuchi(**kwargs: Any) -> None:
        calls.append(kwargs)

    module = types.ModuleType("juminkiroku.services.tenshutsu")
    module.receive_tennyu_tsuchi = receive_tennyu_tsuchi  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "juminkiroku.services.tenshutsu", module)
    return calls


def resident_with_code(town: str, **fields: Any):
    juminhyo_code_aki_fetch(count=3, actor=actor_for(f"{town}-clerk"))
    _, (person,) = household_tennyu(town, members=[person_fields(**fields)])
    sync()
    person.refresh_from_db()
    return person


def test_tennyu_tsuchi_from_another_towns_tennyu_is_received(cs, alpha, beta, tsuchi_calls):
    # given: a 葉山町 resident who is moving to 寒川町 (転出 entered in 葉山町)
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    tenshutsu(person, ido_date=date(2024, 9, 1), todoke_date=date(2024, 8, 20))
    sync()
    # when: 寒川町 records the 転入 with the same 住民票コード and sends it
    connection.set_tenant(beta.municipality)
    juminhyo_code_aki_fetch(count=1, actor=actor_for("samukawa-clerk"))
    household_tennyu(
        "samukawa",
        members=[
            person_fields(
                juminhyo_code=person.juminhyo_code,
                jusho="神奈川県高座郡寒川町宮山",
                banchi="165番地",
            )
        ],
        ido_date=date(2024, 9, 2),
    )
    sync()
    # then: 葉山町 receives the 転入通知 and passes it to the 転入通知 receipt
    connection.set_tenant(alpha.municipality)
    assert cs_jushin_receive(actor=SYSTEM_ACTOR) == 1
    assert cs_jushin_receive(actor=SYSTEM_ACTOR) == 0
    assert cs_jushin_apply(actor=SYSTEM_ACTOR) == {"applied": 1, "review": 0, "superseded": 0}
    assert len(tsuchi_calls) == 1
    call = tsuchi_calls[0]
    assert call["atena_id"] == person.pk
    assert call["tennyu_date"] == date(2024, 9, 2)
    assert call["tennyu_jusho"] == "神奈川県高座郡寒川町宮山165番地"
    assert call["tennyu_postal_code"] == ""
    assert call["source"] == "cs" and call["received_on"] == timezone.localdate()
    assert call["actor"] == SYSTEM_ACTOR
    msg = CsJushin.objects.get()
    assert msg.status == JushinStatus.APPLIED and msg.atena_id == person.pk
    # 寒川町 got no 転入通知 of its own, and holds none of 葉山町's messages
    connection.set_tenant(beta.municipality)
    assert cs_jushin_receive(actor=SYSTEM_ACTOR) == 0
    assert CsJushin.objects.count() == 0


def test_resent_notices_latest_wins_unmatched_go_to_review(cs, alpha, tsuchi_calls):
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    town = alpha.municipality.dantai_code
    for day in ("20240902", "20240903"):  # a notice and its re-sent correction
        control(
            cs,
            {
                "tennyu_tsuchi": {
                    "shichoson_code": town,
                    "tennyu_shichoson_code": "131041",
                    "juminhyo_code": person.juminhyo_code,
                    "tennyu_date": day,
                    "tennyu_jusho": "東京都新宿区西新宿二丁目8番1号",
                    "tennyu_postal_code": "1600023",
                }
            },
        )
    control(
        cs,
        {
            "tennyu_tsuchi": {
                "shichoson_code": town,
                "juminhyo_code": "12345678903",
                "tennyu_date": "20240901",
                "tennyu_jusho": "東京都",
            }
        },
    )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR) == {"applied": 1, "review": 1, "superseded": 1}
    assert [c["tennyu_date"] for c in tsuchi_calls] == [date(2024, 9, 3)]
    assert tsuchi_calls[0]["tennyu_postal_code"] == "1600023"
    review = CsJushin.objects.get(status=JushinStatus.REVIEW)
    assert review.reason == "住民票コードに該当する住民がいません。"
    # a re-sent notice after one was applied goes to review, not applied twice
    control(
        cs,
        {
            "tennyu_tsuchi": {
                "shichoson_code": town,
                "juminhyo_code": person.juminhyo_code,
                "tennyu_date": "20240904",
                "tennyu_jusho": "東京都新宿区",
            }
        },
    )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["review"] == 1
    assert len(tsuchi_calls) == 1
    # the error list (4.1.3.1.2 転入通知情報取込エラー一覧表), as CSV rows
    rows = jushin_error_rows(actor=actor_for("hayama-clerk"))
    assert [(r[0], r[3], r[4], r[6]) for r in rows] == [
        (review.msg_no, "", "令和6年9月1日", "住民票コードに該当する住民がいません。"),
        (
            CsJushin.objects.filter(status=JushinStatus.REVIEW).latest("msg_no").msg_no,
            person.atena_no,
            "令和6年9月4日",
            "取込済の転入通知の再送分です。内容を確認し、必要なら修正してください。",
        ),
    ]
    # the clerk settles the unmatched one by naming the person
    settled = cs_jushin_settle(
        jushin_id=review.pk, atena_id=person.pk, actor=actor_for("hayama-clerk")
    )
    assert settled.status == JushinStatus.APPLIED and tsuchi_calls[-1]["atena_id"] == person.pk
    with pytest.raises(JushinError, match="確認待ちの電文がありません"):
        cs_jushin_settle(jushin_id=review.pk, actor=actor_for("hayama-clerk"))


def test_tennyu_tsuchi_without_the_receipt_waits_for_review(cs, alpha, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "juminkiroku.services.tenshutsu", None)
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    control(
        cs,
        {
            "tennyu_tsuchi": {
                "shichoson_code": alpha.municipality.dantai_code,
                "juminhyo_code": person.juminhyo_code,
                "tennyu_date": "20240902",
                "tennyu_jusho": "東京都",
            }
        },
    )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["review"] == 1
    assert CsJushin.objects.get().reason == "転入通知の受理処理が利用できません。"


def test_card_status_is_stored_per_person_and_town(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    control(
        cs,
        {
            "card": {
                "shichoson_code": alpha.municipality.dantai_code,
                "juminhyo_code": person.juminhyo_code,
                "shurui": "kojin",
                "jotai": "1",
                "jotai_date": "20241001",
            }
        },
    )
    # the same person's code sent to 寒川町 matches nobody there
    control(
        cs,
        {
            "card": {
                "shichoson_code": beta.municipality.dantai_code,
                "juminhyo_code": person.juminhyo_code,
                "shurui": "kojin",
                "jotai": "3",
                "jotai_date": "20241001",
            }
        },
    )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["applied"] == 1
    card = CardJokyo.objects.get(atena=person)
    assert card.get_jotai_display() == "交付済" and card.jotai_date == date(2024, 10, 1)
    connection.set_tenant(beta.municipality)
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["review"] == 1
    assert CardJokyo.objects.count() == 0
    connection.set_tenant(alpha.municipality)
    assert CardJokyo.objects.get(atena=person).jotai == CardJotai.KOFU


def test_tokurei_tennyu_prefills_from_the_tenshutsu_shomei(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    ido = tenshutsu(person, ido_date=date(2024, 9, 1), todoke_date=date(2024, 8, 20))
    Ido.objects.filter(pk=ido.pk).update(payload={**ido.payload, "tokurei": True})
    sync()
    connection.set_tenant(beta.municipality)
    fields = tokurei_tennyu_prefill(
        juminhyo_code=person.juminhyo_code, actor=actor_for("samukawa-clerk")
    )
    assert fields["shimei"] == "山田　太郎" and fields["birth_date"] == "1980-05-05"
    assert fields["tennyu_mae_jusho"] == "神奈川県三浦郡葉山町堀内2135番地"
    assert fields["juminhyo_code"] == person.juminhyo_code
    assert fields["kojin_bango"] == person.kojin_bango
    assert fields["tenshutsu_yotei_date"] == "2024-09-01"
    with pytest.raises(JushinError, match="検査数字"):
        tokurei_tennyu_prefill(juminhyo_code="12345678901", actor=actor_for("samukawa-clerk"))
    with pytest.raises(JushinError, match="該当する転出証明書情報がありません"):
        tokurei_tennyu_prefill(juminhyo_code="12345678903", actor=actor_for("samukawa-clerk"))


def test_seigo_lists_differences_and_stays_in_its_town(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    same = resident_with_code("hayama")
    changed = resident_with_code("hayama", shimei="鈴木　一")
    household_tennyu("hayama", members=[person_fields(shimei="未送信　三")])  # not sent yet
    control(
        cs,
        {
            "person": {
                "shichoson_code": alpha.municipality.dantai_code,
                "juminhyo_code": changed.juminhyo_code,
                "shimei": "鈴木　壱",
            }
        },
    )
    run = cs_seigo_run(actor=actor_for("hayama-clerk"))
    assert (run.compared, run.differences) == (3, 2)
    soi = CsSeigoSa.objects.get(seigo=run, kind=SaKind.SOI)
    assert soi.atena_id == changed.pk and soi.items == ["氏名"]
    toho = CsSeigoSa.objects.get(seigo=run, kind=SaKind.TOHO_NOMI).atena
    assert toho is not None and toho.shimei == "未送信　三"
    assert not CsSeigoSa.objects.filter(atena=same).exists()
    # 寒川町 compares only its own: the CS holds nothing for it
    connection.set_tenant(beta.municipality)
    run = cs_seigo_run(actor=actor_for("samukawa-clerk"))
    assert (run.compared, run.differences) == (0, 0)


def test_seigo_without_cs_says_so(settings, in_alpha):
    settings.JC_CS_URL = ""
    with pytest.raises(SeigoError, match="接続先が設定されていません"):
        cs_seigo_run(actor=actor_for("hayama-clerk"))


def test_an_interrupted_receipt_goes_to_review_not_applied_twice(cs, alpha, tsuchi_calls):
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    control(
        cs,
        {
            "tennyu_tsuchi": {
                "shichoson_code": alpha.municipality.dantai_code,
                "juminhyo_code": person.juminhyo_code,
                "tennyu_date": "20240902",
                "tennyu_jusho": "東京都",
            }
        },
    )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    # a worker died after calling the receipt, before recording its outcome
    CsJushin.objects.update(status=JushinStatus.APPLYING, atena=person)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR) == {"applied": 0, "review": 0, "superseded": 0}
    msg = CsJushin.objects.get()
    assert msg.status == JushinStatus.REVIEW
    assert msg.reason == "取込の途中で中断しました。受理されたかを確認してください。"
    assert tsuchi_calls == []


def test_tennyu_tsuchi_from_the_cs_makes_the_johyo(cs, alpha, beta):
    """End to end (標準仕様書 4.1.3.1.2 with 1.1.5): 葉山町 records a 転出 whose 転出予定日
    is ten days ahead; the person moves in to 寒川町 today; the 転入通知 comes through the
    CS and 葉山町's registry makes the 除票 from the 転入日, not the 予定日, at once."""
    from juminkiroku.codes import IdoJiyu, JuminJotai
    from juminkiroku.models import TennyuTsuchi
    from juminkiroku.services.ido import PersonChange, ido_enter
    from juminkiroku.tests.factories import approve

    today = timezone.localdate()
    connection.set_tenant(alpha.municipality)
    person = resident_with_code("hayama")
    ido = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=today + timedelta(days=10),
        todoke_date=today,
        changes=[PersonChange(person.pk, {"tenshutsu_saki_jusho": "神奈川県高座郡寒川町宮山"})],
        actor=actor_for("hayama-clerk"),
        setainushi_fuzai_ok=True,
    )
    approve(ido, reviewer="hayama-shinsa")
    sync()
    person.refresh_from_db()
    assert person.jotai == JuminJotai.JUMIN  # still a resident before the 転出予定日
    connection.set_tenant(beta.municipality)
    juminhyo_code_aki_fetch(count=1, actor=actor_for("samukawa-clerk"))
    household_tennyu(
        "samukawa",
        members=[
            person_fields(
                juminhyo_code=person.juminhyo_code,
                jusho="神奈川県高座郡寒川町宮山",
                banchi="165番地",
            )
        ],
        ido_date=today,
    )
    sync()
    connection.set_tenant(alpha.municipality)
    assert cs_jushin_receive(actor=SYSTEM_ACTOR) == 1
    assert cs_jushin_apply(actor=SYSTEM_ACTOR) == {"applied": 1, "review": 0, "superseded": 0}
    person.refresh_from_db()
    assert person.jotai == JuminJotai.TENSHUTSU and person.shojo_date == today
    tsuchi = TennyuTsuchi.objects.get(atena=person)
    assert tsuchi.source == "cs" and tsuchi.tennyu_date == today
    # 寒川町 holds no 転入通知 and no 除票 of 葉山町's person
    connection.set_tenant(beta.municipality)
    assert TennyuTsuchi.objects.count() == 0
