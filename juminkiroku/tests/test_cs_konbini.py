"""コンビニ交付 (標準仕様書 7.2.5): requests of the 証明書交付センター answered with the
counter's certificate path, against the simulator, in two towns."""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone

from juminkiroku.cs.bango import juminhyo_code_aki_fetch
from juminkiroku.cs.card import card_serial_request
from juminkiroku.cs.common import SYSTEM_ACTOR
from juminkiroku.cs.konbini import _answer, _reply, konbini_kofu_round
from juminkiroku.cs.soshin import cs_soshin_make, cs_soshin_send
from juminkiroku.models import Atena, CsKofu, ShomeiKofu
from juminkiroku.models.cs import KofuStatus
from juminkiroku.services.yokushi import shien_sochi_register
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.cshelpers import control, cs_fixture  # noqa: F401 - fixture
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
from tenants.db import connection
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db


def card_holder(cs, town) -> tuple[Atena, str]:
    """A resident with a 個人番号カード, whose serial number the town obtained (7.1.2.4)."""
    slug = "hayama" if town.host.startswith("hayama") else "samukawa"
    juminhyo_code_aki_fetch(count=3, actor=actor_for(f"{slug}-clerk"))
    _, (person,) = household_tennyu(slug, members=[person_fields()])
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)
    person.refresh_from_db()
    control(
        cs,
        {
            "card": {
                "shichoson_code": town.municipality.dantai_code,
                "juminhyo_code": person.juminhyo_code,
                "shurui": "kojin",
                "jotai": "1",
                "jotai_date": "20241001",
            }
        },
    )
    serial = card_serial_request(atena_id=person.pk, actor=actor_for(f"{slug}-clerk")).result
    return person, serial


def ask(cs, town, serial: str, **kw: object) -> int:
    control(
        cs,
        {"kofu_request": {"shichoson_code": town.municipality.dantai_code, "serial": serial, **kw}},
    )
    with cs.state.lock:
        return int(cs.state.towns[town.municipality.dantai_code].kofu_requests[-1]["request_no"])


def test_a_card_holder_gets_the_juminhyo_at_the_store(cs, alpha, in_alpha):
    set_ninshosha()
    person, serial = card_holder(cs, alpha)
    no = ask(cs, alpha, serial, copies=2)
    assert konbini_kofu_round() == {"issued": 1, "refused": 0, "replied": 1}
    assert konbini_kofu_round() == {"issued": 0, "refused": 0, "replied": 0}  # answered once
    with cs.state.lock:
        result = cs.state.towns[alpha.municipality.dantai_code].kofu_results[no]
    assert result["result"] == "ok"
    pages = pdf_pages(base64.b64decode(result["pdf"]))
    assert len(pages) == 2 and "住民票の写し" in pages[0] and "山田太郎" in pages[0]
    kofu = ShomeiKofu.objects.get(hakko_no=result["hakko_no"])
    assert kofu.atena_ids == [person.pk] and kofu.copies == 2
    assert kofu.issued_by == "jukinet_cs"
    row = CsKofu.objects.get(request_no=no)
    assert row.status == KofuStatus.DELIVERED and bytes(row.pdf) == b""


def test_refusals_go_back_with_the_reason(cs, alpha, in_alpha):
    set_ninshosha()
    person, serial = card_holder(cs, alpha)
    unknown = ask(cs, alpha, "FFFFFFFF0000")
    inkan = ask(cs, alpha, serial, kind="inkan")
    shien_sochi_register(
        atena_id=person.pk,
        start_date=timezone.localdate(),
        moshide_date=timezone.localdate(),
        note="",
        actor=actor_for("hayama-shinsa"),
    )
    shien = ask(cs, alpha, serial)
    assert konbini_kofu_round() == {"issued": 0, "refused": 3, "replied": 3}
    with cs.state.lock:
        results = cs.state.towns[alpha.municipality.dantai_code].kofu_results
    assert (
        results[unknown]["reason"] == "電子証明書に該当する住民がいません。窓口で請求してください。"
    )
    assert results[inkan]["reason"] == "この証明書はコンビニ交付の対象ではありません。"
    assert results[shien]["result"] == "ng" and "pdf" not in results[shien]
    # a 支援措置 sets a 発行抑止 (juminkiroku.services.yokushi): refused as at the counter
    assert results[shien]["reason"] == (
        "発行抑止が設定されている方が含まれています。抑止の解除または一時解除が必要です。"
    )
    assert ShomeiKofu.objects.count() == 0


def test_a_reply_that_fails_is_sent_again_without_issuing_twice(cs, settings, alpha, in_alpha):
    set_ninshosha()
    _, serial = card_holder(cs, alpha)
    no = ask(cs, alpha, serial)
    url = settings.JC_CS_URL
    row = _answer(
        {"request_no": no, "serial": serial, "kind": "juminhyo", "layout": "kojin", "copies": 1}
    )
    settings.JC_CS_URL = "http://127.0.0.1:9"
    assert _reply(row) is False
    assert CsKofu.objects.get(request_no=no).status == KofuStatus.ISSUED
    settings.JC_CS_URL = url
    assert konbini_kofu_round() == {"issued": 0, "refused": 0, "replied": 1}
    assert CsKofu.objects.get(request_no=no).status == KofuStatus.DELIVERED
    assert ShomeiKofu.objects.count() == 1


def test_another_towns_card_is_not_served(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, serial = card_holder(cs, alpha)
    connection.set_tenant(beta.municipality)
    set_ninshosha()
    no = ask(cs, beta, serial)
    assert konbini_kofu_round() == {"issued": 0, "refused": 1, "replied": 1}
    assert ShomeiKofu.objects.count() == 0
    assert CsKofu.objects.get(request_no=no).atena is None
    connection.set_tenant(alpha.municipality)
    assert CsKofu.objects.count() == 0


def test_a_hakko_alert_needs_the_counter(cs, alpha, in_alpha):
    from juminkiroku.codes import YokushiLevel, YokushiProcess
    from juminkiroku.services.yokushi import yokushi_set

    set_ninshosha()
    person, serial = card_holder(cs, alpha)
    yokushi_set(
        process=YokushiProcess.HAKKO,
        level=YokushiLevel.ALERT,
        reason="本人確認を厳格に",
        start_date=timezone.localdate(),
        end_date=None,
        atena_id=person.pk,
        actor=actor_for("hayama-shinsa"),
    )
    no = ask(cs, alpha, serial)
    assert konbini_kofu_round() == {"issued": 0, "refused": 1, "replied": 1}
    row = CsKofu.objects.get(request_no=no)
    assert row.reason == "窓口での確認が必要なため、コンビニ交付できません。"
    assert row.atena_id == person.pk and ShomeiKofu.objects.count() == 0
