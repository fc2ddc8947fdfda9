"""人口割 by registry: each member's figure is counted in its own schema only."""

from __future__ import annotations

from datetime import date, datetime

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


def test_certificates_pages_and_api_calls_are_counted_per_member(world):
    import time_machine
    from django.utils import timezone

    from juminkiroku.models import ShomeiKofu
    from tenants.accesslog.services import Actor, access_record

    connection.set_tenant(world.alpha.municipality)
    with time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 10, 0))):
        for no, copies, pages, voided in [
            ("A", 2, 3, False),
            ("B", 1, 1, False),
            ("C", 5, 1, True),
        ]:
            ShomeiKofu.objects.create(
                hakko_no=f"2025-{no}",
                kind="juminhyo",
                copies=copies,
                pages=pages,
                issued_by="hayama-clerk",
                voided_at=timezone.now() if voided else None,
            )
        system = Actor(user_id=None, username="", api_client="税務連携")
        for _ in range(4):
            access_record(actor=system, action="read", gyomu="juminkiroku", record_type="atena")
        access_record(
            actor=Actor(user_id=1, username="hayama-clerk"), action="read", record_type="atena"
        )
    with time_machine.travel(timezone.make_aware(datetime(2026, 4, 1, 9, 0))):
        ShomeiKofu.objects.create(hakko_no="2026-D", kind="juminhyo", issued_by="x")  # FY2026
    connection.set_schema_to_public()
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    assert figures["143014"]["certificates"] == 3  # 2 + 1, the voided 5 left out
    assert figures["143014"]["pages"] == 7  # 2×3 + 1×1
    assert figures["143014"]["api_calls"] == 4  # the staff's own read is not an API call
    assert (figures["143219"]["certificates"], figures["143219"]["api_calls"]) == (0, 0)
