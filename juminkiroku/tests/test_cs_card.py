"""Card-related links to the CS: 送付先情報 (標準仕様書 7.1.1.4), 符号の取得 (7.1.2.2), 電子証明書の
シリアル番号 and 稼働状況 (7.1.2.4), against the simulator, in two towns."""

from __future__ import annotations

import pytest

from juminkiroku.cs.bango import juminhyo_code_aki_fetch
from juminkiroku.cs.card import (
    CardError,
    card_serial_request,
    cs_status,
    fugo_request,
    sofusaki_history,
    sofusaki_set,
)
from juminkiroku.cs.common import SYSTEM_ACTOR
from juminkiroku.cs.jushin import cs_jushin_apply, cs_jushin_receive
from juminkiroku.cs.layout import SOFUSAKI_LAYOUT
from juminkiroku.cs.soshin import cs_soshin_make, cs_soshin_send
from juminkiroku.models import Atena, CsYokyu, Sofusaki
from juminkiroku.models.cs import JushinStatus, SoshinKind, SoshinStatus, YokyuStatus
from juminkiroku.tests.cshelpers import control, cs_fixture, received  # noqa: F401 - fixture
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields, tenkyo
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db


def sync() -> None:
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)


def resident(town: str = "hayama") -> Atena:
    juminhyo_code_aki_fetch(count=3, actor=actor_for(f"{town}-clerk"))
    _, (person,) = household_tennyu(town, members=[person_fields()])
    sync()
    person.refresh_from_db()
    return person


def test_kyosho_goes_as_sofusaki_with_the_next_change(cs, alpha, in_alpha):
    from datetime import date

    person = resident()
    sofusaki_set(
        atena_id=person.pk,
        jusho="東京都港区芝公園四丁目2番8号",
        postal_code="105-0011",
        katagaki="○○病院",
        actor=actor_for("hayama-clerk"),
    )
    tenkyo([person], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    sync()
    last = received(cs, alpha.municipality.dantai_code, SOFUSAKI_LAYOUT)[-1]
    assert (last["jusho"], last["postal_code"], last["katagaki"], last["kyosho"]) == (
        "東京都港区芝公園四丁目2番8号",
        "1050011",
        "○○病院",
        "1",
    )
    history = sofusaki_history(atena_id=person.pk)
    assert [h.status for h in history] == [SoshinStatus.SENT, SoshinStatus.SENT]
    with pytest.raises(CardError, match="送付先住所（居所）を入力してください"):
        sofusaki_set(atena_id=person.pk, jusho=" ", postal_code="", katagaki="", actor=SYSTEM_ACTOR)
    with pytest.raises(CardError, match="郵便番号"):
        sofusaki_set(
            atena_id=person.pk, jusho="東京都", postal_code="12", katagaki="", actor=SYSTEM_ACTOR
        )
    with pytest.raises(CardError, match="送付先住所に使えない制御文字"):
        sofusaki_set(
            atena_id=person.pk, jusho="東京都\x00", postal_code="", katagaki="", actor=SYSTEM_ACTOR
        )
    assert Sofusaki.objects.get(atena=person).jusho == "東京都港区芝公園四丁目2番8号"


def test_cs_asks_for_the_sofusaki_of_an_koshin_taishosha(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = resident()
    for town in (alpha, beta):  # the same code asked of 寒川町 matches nobody there
        control(
            cs,
            {
                "sofusaki_yokyu": {
                    "shichoson_code": town.municipality.dantai_code,
                    "juminhyo_code": person.juminhyo_code,
                }
            },
        )
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["applied"] == 1
    sync()
    sent = received(cs, alpha.municipality.dantai_code, SOFUSAKI_LAYOUT)
    assert len(sent) == 2 and sent[-1]["renkei_no"].startswith("-")
    assert sofusaki_history(atena_id=person.pk)[0].kind == SoshinKind.SOFUSAKI
    # a second apply makes nothing twice
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["applied"] == 0
    connection.set_tenant(beta.municipality)
    cs_jushin_receive(actor=SYSTEM_ACTOR)
    assert cs_jushin_apply(actor=SYSTEM_ACTOR)["review"] == 1
    assert received(cs, beta.municipality.dantai_code, SOFUSAKI_LAYOUT) == []
    from juminkiroku.models import CsJushin

    assert CsJushin.objects.get().status == JushinStatus.REVIEW


def test_fugo_request_is_kept_with_its_outcome(cs, alpha, in_alpha):
    person = resident()
    row = fugo_request(atena_id=person.pk, actor=actor_for("hayama-clerk"))
    assert row.status == YokyuStatus.DONE and row.result.startswith("F")
    assert cs.state.towns[alpha.municipality.dantai_code].fugo == [person.juminhyo_code]
    # a person the CS has no 個人番号 for: the error is kept and shown
    _, (other,) = household_tennyu("hayama", members=[person_fields(shimei="番号　無")])
    cs_soshin_make(actor=SYSTEM_ACTOR)  # made, not sent: the CS does not know them yet
    other.refresh_from_db()
    row = fugo_request(atena_id=other.pk, actor=actor_for("hayama-clerk"))
    assert row.status == YokyuStatus.ERROR
    assert row.reason == "個人番号が記録されていないため符号を要求できません。（E601）"
    assert AccessLog.objects.filter(screen="符号の取得要求").count() == 2


def test_serial_number_only_for_a_card_holder(cs, alpha, in_alpha):
    person = resident()
    row = card_serial_request(atena_id=person.pk, actor=actor_for("hayama-clerk"))
    assert row.status == YokyuStatus.ERROR and "交付されていません" in row.reason
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
    row = card_serial_request(atena_id=person.pk, actor=actor_for("hayama-clerk"))
    assert row.status == YokyuStatus.DONE and len(row.result) == 12
    assert CsYokyu.objects.count() == 2


def test_requests_for_another_towns_person_are_refused(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = resident()
    connection.set_tenant(beta.municipality)
    for request in (fugo_request, card_serial_request):
        with pytest.raises(CardError, match="該当する住民がいません"):
            request(atena_id=person.pk, actor=actor_for("samukawa-clerk"))
    with pytest.raises(CardError, match="該当する住民がいません"):
        sofusaki_set(
            atena_id=person.pk, jusho="東京都", postal_code="", katagaki="", actor=SYSTEM_ACTOR
        )
    assert CsYokyu.objects.count() == 0 and Sofusaki.objects.count() == 0


def test_status_in_words(cs, settings, in_alpha):
    assert cs_status() == "稼働中"
    control(cs, {"fail_next": 1})
    assert cs_status() == "CSが応答しませんでした（HTTP 503）。"
    settings.JC_CS_URL = "http://127.0.0.1:9"
    assert cs_status() == "CSに接続できませんでした。"
