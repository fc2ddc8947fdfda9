"""One set of 振込依頼人 values for every 福祉 payment (fukushi.services.furikomi): a town
enters its bank contract once in 設定; the bank file gets half-width カナ; the payment screens
start from the town's own values, never the other town's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fukushi.services.furikomi import irainin_of, irainin_values
from juminkiroku.tests.factories import actor_for
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.wareki import fiscal_year_of
from tenants.zengin import Irainin
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

HAYAMA = {
    "irainin_code": "1234567890",
    "irainin_name": "ハヤママチ",  # as the settings screen stores it (NFKC: full-width)
    "shimuke_ginko": "0138",
    "shimuke_shiten": "001",
    "yokin_shumoku": "1",
    "koza_bango": "7654321",
}


FY = fiscal_year_of(timezone.localdate())


def _set(town, values, fiscal_year=FY):
    connection.set_tenant(town.municipality)
    actor = actor_for("hayama-admin")
    for key, value in values.items():
        municipal_parameter_set(
            key=f"fukushi.furikomi.{key}",
            fiscal_year=fiscal_year,
            value_text=value,
            reason="指定金融機関との総合振込の契約（試験の値）",
            actor=actor,
        )


def test_the_towns_values_half_width_and_the_other_town_has_none(alpha, beta):
    _set(alpha, HAYAMA)
    connection.set_tenant(alpha.municipality)
    assert irainin_of(FY) == Irainin("1234567890", "ﾊﾔﾏﾏﾁ", "0138", "001", "1", "7654321")
    connection.set_tenant(beta.municipality)
    got, missing = irainin_values(FY)
    assert got == {} and sorted(missing) == sorted(HAYAMA)
    assert irainin_of(FY) is None


def test_a_town_that_set_only_some_values_has_no_irainin(alpha):
    _set(alpha, {"irainin_code": "1234567890", "shimuke_ginko": "0138"})
    connection.set_tenant(alpha.municipality)
    got, missing = irainin_values(FY)
    assert got == {"code": "1234567890", "bank": "0138"}
    assert "irainin_name" in missing and irainin_of(FY) is None


@pytest.mark.parametrize("url_name", ["fukushi_fuyoteate_shiharai", "fukushi_kodomo_iryo_shiharai"])
def test_the_payment_screens_start_from_the_towns_own_values(alpha, login, url_name):
    _set(alpha, HAYAMA)
    connection.set_schema_to_public()
    hayama = login("hayama-clerk", ALPHA_HOST).get(reverse(url_name, urlconf="config.urls_tenant"))
    assert hayama.status_code == 200
    assert 'value="1234567890"' in hayama.content.decode()
    samukawa = login("samukawa-clerk", BETA_HOST).get(
        reverse(url_name, urlconf="config.urls_tenant")
    )
    assert samukawa.status_code == 200
    assert "1234567890" not in samukawa.content.decode()
