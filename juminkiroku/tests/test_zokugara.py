"""続柄 (標準仕様書 1.1.11): the terms, 「の」 chains up to four 世代, 縁故者, and no code the
standard forbids."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, Zokugara
from juminkiroku.models import Atena, AtenaRireki
from juminkiroku.rules.zokugara import (
    RETIRED,
    common_choices,
    is_valid_zokugara,
    parse_zokugara,
    zokugara_label,
)
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, approve, family, household_tennyu
from tenants.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("世帯主", "01"),
        ("妻（未届）", "22"),
        ("子の妻", "14"),
        ("子の子", "0404"),
        ("子の子の妻", "0414"),
        ("子の夫の父", "1505"),
        ("妻の父", "0205"),
        ("子の子の子の子", "04040404"),
        ("縁故者", "24"),
        ("同居人", "20"),
        ("0404", "0404"),
    ],
)
def test_words_and_codes(words, code):
    assert parse_zokugara(words) == code
    assert zokugara_label(code) == words if not words.isdigit() else "子の子"


def test_five_sedai_is_enkosha_and_forbidden_ones_are_refused():
    assert parse_zokugara("子の子の子の子の子") == Zokugara.ENKOSHA
    for forbidden in ("孫", "祖父", "祖母", "おじ", "甥", "家事使用人", "準世帯主", "親族"):
        with pytest.raises(ValueError):
            parse_zokugara(forbidden)
    with pytest.raises(ValueError, match="つなげません"):
        parse_zokugara("同居人の子")
    for code in (*RETIRED, "0101", "0420", "0404040404", "4"):
        assert not is_valid_zokugara(code)
    assert not any(c in RETIRED for c, _ in common_choices())
    assert ("0404", "子の子") in common_choices()
    # the first ones keep their order on the form (a keyboard user counts on it)
    assert [c for c, _ in common_choices()[:4]] == ["01", "02", "03", "04"]
    assert all(is_valid_zokugara(c) for c, _ in common_choices())
    assert not any(z.label in ("孫", "祖父", "祖母", "親族") for z in Zokugara)


def test_a_chain_is_entered_and_shown_in_words(in_alpha):
    _, (_, _, child) = household_tennyu("hayama", members=family())
    with pytest.raises(IdoError, match="標準仕様書の続柄"):
        ido_enter(
            jiyu=IdoJiyu.SHOKKEN_SHUSEI,
            ido_date=date(2024, 1, 5),
            todoke_date=None,
            changes=[PersonChange(child.pk, {"zokugara": "孫"})],
            actor=actor_for("hayama-clerk"),
        )
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=date(2024, 1, 5),
        todoke_date=None,
        changes=[PersonChange(child.pk, {"zokugara": "子の子の妻"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    child.refresh_from_db()
    assert child.zokugara == "0414" and child.get_zokugara_display() == "子の子の妻"


def test_the_migration_rewrites_forbidden_codes(alpha, beta):
    migration = importlib.import_module("juminkiroku.migrations.0005_idokinds_zokugara")
    assert migration.RETIRED == RETIRED
    from django.apps import apps

    connection.set_tenant(alpha.municipality)
    _, (_, wife, child) = household_tennyu("hayama", members=family())
    Atena.objects.filter(pk=child.pk).update(zokugara="07")
    AtenaRireki.objects.filter(atena=child).update(zokugara="07")
    Atena.objects.filter(pk=wife.pk).update(zokugara="21")
    connection.set_tenant(beta.municipality)
    _, (other,) = household_tennyu("samukawa", members=family()[:1])
    Atena.objects.filter(pk=other.pk).update(zokugara="08")
    # when: the data step runs in hayama only
    connection.set_tenant(alpha.municipality)
    migration.rewrite_retired(apps, None)
    child.refresh_from_db()
    wife.refresh_from_db()
    assert child.zokugara == "0404" and child.get_zokugara_display() == "子の子"
    assert set(AtenaRireki.objects.filter(atena=child).values_list("zokugara", flat=True)) == {
        "0404"
    }
    assert wife.zokugara == Zokugara.ENKOSHA
    # then: samukawa's row is untouched until its own schema migrates
    connection.set_tenant(beta.municipality)
    assert Atena.objects.get(pk=other.pk).zokugara == "08"
