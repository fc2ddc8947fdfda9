"""戸籍届出・通知日 (標準仕様書 4.2.0.4): today is the initial value on the entry of a 異動 made
on a 戸籍届出・通知 (kept as the 異動's 届出日, which the standard allows); not on others."""

from __future__ import annotations

import pytest
from django.utils import timezone

from juminkiroku.rules.koseki import todoke_date_initial
from juminkiroku.tests.factories import family, household_tennyu
from tenants.db import connection
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_initial_value_by_jiyu():
    today = timezone.localdate()
    assert todoke_date_initial("K03", today) == format_wareki(today)
    assert todoke_date_initial("M07", today) == format_wareki(today)
    assert todoke_date_initial("K01", today) == ""


def test_the_entry_screens_show_today(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    today = format_wareki(timezone.localdate())
    client = login("hayama-clerk", ALPHA_HOST)
    birth = client.get("/juminkiroku/ido/new/K03/").content.decode()
    assert f'name="todoke_date" value="{today}"' in birth
    shusei = client.get(f"/juminkiroku/ido/new/M07/?atena={atenas[0].pk}").content.decode()
    assert f'name="todoke_date" value="{today}"' in shusei
    tennyu = client.get("/juminkiroku/ido/new/K01/").content.decode()
    assert 'name="todoke_date" value=""' in tennyu
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/ido/new/M07/?atena={atenas[0].pk}").status_code == 302
