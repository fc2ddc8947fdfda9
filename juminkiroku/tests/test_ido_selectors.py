"""The 仮登録 visibility rule (juminkiroku.selectors.ido), for staff, reviewers and systems."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu
from juminkiroku.selectors.ido import api_entered_by, idos_visible_to
from juminkiroku.services.ido import PersonChange, ido_enter
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
from tenants.db import connection

pytestmark = pytest.mark.django_db


def user_id(username: str) -> int | None:
    return actor_for(username).user_id


def visible(username: str) -> set[int]:
    return set(idos_visible_to(user_id=user_id(username)).values_list("pk", flat=True))


def test_kari_is_visible_to_its_author_and_reviewers_only(alpha, beta):
    # given: in 葉山町 a 本登録, a 仮登録 by the clerk and one entered through the API
    connection.set_tenant(alpha.municipality)
    hon, _ = household_tennyu("hayama")
    kari, _ = household_tennyu("hayama", members=[person_fields()], approve_it=False)
    api_kari = ido_enter(
        jiyu=IdoJiyu.TENNYU,
        ido_date=date(2020, 4, 1),
        todoke_date=date(2020, 4, 1),
        changes=[PersonChange(None, person_fields(shimei="佐藤　健"))],
        setai_mode="new",
        actor=replace(actor_for("hayama-clerk"), user_id=None, username=api_entered_by("窓口")),
    )
    # then
    assert visible("hayama-clerk") == {hon.pk, kari.pk}
    assert visible("hayama-shinsa") == {hon.pk, kari.pk, api_kari.pk}
    assert visible("hayama-viewer") == {hon.pk}
    assert set(idos_visible_to(user_id=None).values_list("pk", flat=True)) == {hon.pk}
    by_client = idos_visible_to(user_id=None, api_client_name="窓口")
    assert set(by_client.values_list("pk", flat=True)) == {hon.pk, api_kari.pk}
    other_client = idos_visible_to(user_id=None, api_client_name="別システム")
    assert set(other_client.values_list("pk", flat=True)) == {hon.pk}
    # and: 寒川町's reviewer sees none of 葉山町's 異動 in 寒川町
    connection.set_tenant(beta.municipality)
    try:
        assert visible("samukawa-shinsa") == set()
    finally:
        connection.set_schema_to_public()
