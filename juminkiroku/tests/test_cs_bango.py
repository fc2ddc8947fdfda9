"""住民票コード 空き番, 変更・修正 (標準仕様書 4.3.1, 4.3.2) and 個人番号の変更要求 (4.4,
7.1.2.1) through the CS simulator."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, IdoStatus
from juminkiroku.cs.bango import (
    BangoError,
    juminhyo_code_aki_fetch,
    juminhyo_code_henko_enter,
    kojin_bango_henko_enter,
)
from juminkiroku.cs.common import SYSTEM_ACTOR
from juminkiroku.cs.soshin import cs_soshin_make, cs_soshin_send
from juminkiroku.models import Atena, AtenaRireki, JuminhyoCodeAki
from juminkiroku.tests.cshelpers import cs_fixture, received  # noqa: F401 - fixture
from juminkiroku.tests.factories import actor_for, approve, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango
from tenants.db import connection

pytestmark = pytest.mark.django_db


def sync() -> None:
    cs_soshin_make(actor=SYSTEM_ACTOR)
    cs_soshin_send(actor=SYSTEM_ACTOR)


def resident(town: str = "hayama") -> Atena:
    juminhyo_code_aki_fetch(count=4, actor=actor_for(f"{town}-clerk"))
    _, (person,) = household_tennyu(town, members=[person_fields()])
    sync()
    person.refresh_from_db()
    return person


def test_aki_fetch_checks_and_logs(cs, in_alpha):
    assert juminhyo_code_aki_fetch(count=3, actor=actor_for("hayama-clerk")) == 3
    codes = list(JuminhyoCodeAki.objects.values_list("code", flat=True))
    assert len(set(codes)) == 3 and all(is_valid_juminhyo_code(c) for c in codes)
    row = AccessLog.objects.get(screen="住民票コード空き番の取得")
    assert row.detail == {"requested": 3, "stored": 3}
    with pytest.raises(BangoError, match="1件から1,000件まで"):
        juminhyo_code_aki_fetch(count=0, actor=actor_for("hayama-clerk"))


def test_aki_fetch_without_cs_stores_nothing(settings, in_alpha):
    settings.JC_CS_URL = "http://127.0.0.1:9"
    with pytest.raises(BangoError, match="CSに接続できませんでした"):
        juminhyo_code_aki_fetch(count=3, actor=actor_for("hayama-clerk"))
    assert JuminhyoCodeAki.objects.count() == 0


def test_henko_draws_a_new_code_reviewed_and_sent(cs, alpha, in_alpha):
    person = resident()
    old = person.juminhyo_code
    ido = juminhyo_code_henko_enter(atena_id=person.pk, actor=actor_for("hayama-clerk"))
    assert ido.jiyu == IdoJiyu.SHOKKEN_SHUSEI and ido.status == IdoStatus.KARI
    assert ido.note == "住民票コードの変更（本人の請求）"
    person.refresh_from_db()
    assert person.juminhyo_code == old  # nothing changes before 本登録
    approve(ido, reviewer="hayama-shinsa")
    person.refresh_from_db()
    new = person.juminhyo_code
    assert new != old and is_valid_juminhyo_code(new)
    assert JuminhyoCodeAki.objects.get(code=new).atena_id == person.pk
    assert JuminhyoCodeAki.objects.get(code=old).atena_id == person.pk  # never re-issued
    # the old code stays in the history (the closed version)
    assert AtenaRireki.objects.filter(atena=person, juminhyo_code=old).exists()
    sync()
    last = received(cs, alpha.municipality.dantai_code)[-1]
    assert (last["juminhyo_code"], last["kyu_juminhyo_code"], last["ido_jiyu"]) == (new, old, "34")
    with cs.state.lock:
        assert set(cs.state.towns[alpha.municipality.dantai_code].persons) == {new}


def test_shusei_takes_the_typed_code_and_refuses_bad_ones(cs, in_alpha):
    person = resident()
    clerk = actor_for("hayama-clerk")
    with pytest.raises(BangoError, match="検査数字"):
        juminhyo_code_henko_enter(atena_id=person.pk, new_code="12345678901", actor=clerk)
    with pytest.raises(BangoError, match="現在の住民票コードと同じ"):
        juminhyo_code_henko_enter(atena_id=person.pk, new_code=person.juminhyo_code, actor=clerk)
    ido = juminhyo_code_henko_enter(atena_id=person.pk, new_code="12345678903", actor=clerk)
    assert ido.note == "住民票コードの修正"
    assert ido.payload  # the typed code waits for review in the 仮登録


def test_kojin_bango_henko_asks_the_cs_and_enters_a_shusei(cs, alpha, in_alpha):
    person = resident()
    old = person.kojin_bango
    assert is_valid_kojin_bango(old)
    ido = kojin_bango_henko_enter(
        atena_id=person.pk, reason="本人の請求", actor=actor_for("hayama-clerk")
    )
    assert ido.note == "個人番号の変更（本人の請求）"
    approve(ido, reviewer="hayama-shinsa")
    person.refresh_from_db()
    assert person.kojin_bango != old and is_valid_kojin_bango(person.kojin_bango)
    sync()
    assert received(cs, alpha.municipality.dantai_code)[-1]["kojin_bango"] == person.kojin_bango


def test_another_towns_person_is_not_found(cs, alpha, beta):
    connection.set_tenant(alpha.municipality)
    person = resident()
    connection.set_tenant(beta.municipality)
    with pytest.raises(BangoError, match="該当する住民がいません"):
        juminhyo_code_henko_enter(atena_id=person.pk, actor=actor_for("samukawa-clerk"))
    with pytest.raises(BangoError, match="該当する住民がいません"):
        kojin_bango_henko_enter(
            atena_id=person.pk, reason="職権", actor=actor_for("samukawa-clerk")
        )
    assert JuminhyoCodeAki.objects.count() == 0


def test_kojin_bango_henko_unknown_at_the_cs_is_refused(cs, in_alpha):
    juminhyo_code_aki_fetch(count=1, actor=actor_for("hayama-clerk"))
    _, (person,) = household_tennyu(
        "hayama", members=[person_fields(juminhyo_code="12345678903")], ido_date=date(2024, 4, 1)
    )
    with pytest.raises(BangoError, match="CSに本人確認情報がない"):
        kojin_bango_henko_enter(atena_id=person.pk, reason="職権", actor=actor_for("hayama-clerk"))
