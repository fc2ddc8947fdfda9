"""人口割 by registry: each member's figure is counted in its own schema only."""

from __future__ import annotations

from datetime import date

import pytest

from billing.services.allocation import member_figures
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.db import connection

pytestmark = pytest.mark.django_db


def test_registry_population_and_walls(world):
    connection.set_tenant(world.alpha.municipality)
    household_tennyu("hayama", members=family(), ido_date=date(2025, 6, 1))  # after 1 Jan 2025
    household_tennyu("hayama", members=family("佐藤", "サトウ"), ido_date=date(2024, 6, 1))
    connection.set_tenant(world.beta.municipality)
    household_tennyu("samukawa", members=[person_fields()], ido_date=date(2020, 1, 1))
    connection.set_schema_to_public()
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    assert figures["143014"]["population_registry"] == 3  # the 2025-06 family not yet
    assert figures["143219"]["population_registry"] == 1
    assert figures["143014"]["population"] == 32823  # the official figure stays
    assert figures["143014"]["certificates"] == 0
    assert connection.schema_name == "public"


def test_metered_pool_of_a_module_one_member_uses_charges_the_other_nothing(world):
    from billing.models import CostPool
    from billing.services.allocation import allocation_run
    from tenants.models import StaffUser

    # 寒川町 does not use 個人住民税 in the test world; 葉山町 has since 2011-10.
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="個人住民税システム利用料",
        amount_yen=None,
        rule={"type": "metered", "unit_price_yen": 150_000, "figure": "months:kojin_juminzei"},
    )
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    assert figures["143219"]["months:kojin_juminzei"] == 0
    assert figures["143014"]["months:kojin_juminzei"] == 12
    run = allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
        min_saving=None,
    )
    shares = {s.municipality.dantai_code: s.amount_yen for s in run.shares.all()}
    assert shares == {"143014": 1_800_000, "143219": 0}
