"""Counted figures come from the meter registry; each member's in its own schema only."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from billing.services.allocation import member_figures
from tenants.db import connection
from tenants.meters.registry import Meter, meter_values_for_all_members, register, unregister

pytestmark = pytest.mark.django_db


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


def test_api_calls_are_counted_per_member_by_the_platform_meter(world):
    import time_machine
    from django.utils import timezone

    from tenants.accesslog.services import Actor, access_record

    # given: 4 systems' calls and one staff read in 葉山町's FY2025, nothing in 寒川町
    connection.set_tenant(world.alpha.municipality)
    with time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 10, 0))):
        system = Actor(user_id=None, username="", api_client="税務連携")
        for _ in range(4):
            access_record(actor=system, action="read", gyomu="juminkiroku", record_type="atena")
        access_record(
            actor=Actor(user_id=1, username="hayama-clerk"), action="read", record_type="atena"
        )
    with time_machine.travel(timezone.make_aware(datetime(2026, 4, 1, 9, 0))):
        access_record(actor=system, action="read", gyomu="juminkiroku", record_type="atena")
    connection.set_schema_to_public()
    # when
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    # then
    assert figures["143014"]["api_calls"] == 4  # the staff's read and FY2026's call left out
    assert figures["143219"]["api_calls"] == 0


def test_a_registered_meter_becomes_a_figure_of_every_member_counted_in_its_schema(world):
    # given: a meter (as a module would declare it) that reports the schema it runs in
    seen: list[str] = []

    def schema_length(start: date, end: date) -> int:
        seen.append(connection.schema_name)
        assert (start, end) == (date(2025, 4, 1), date(2026, 3, 31))
        return len(connection.schema_name) + (1 if connection.schema_name == "m143014" else 0)

    register(
        Meter(code="test_schema", label="試験", unit="件", gyomu="platform", compute=schema_length)
    )
    try:
        # when
        figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    finally:
        unregister("test_schema")
    # then: entered each member's schema once, and back in public afterwards
    assert sorted(seen) == ["m143014", "m143219"]
    assert figures["143014"]["test_schema"] == 8
    assert figures["143219"]["test_schema"] == 7
    assert connection.schema_name == "public"


def test_a_failing_meter_leaves_the_connection_in_public(world):
    def broken(start: date, end: date) -> int:
        raise RuntimeError("meter down")

    register(Meter(code="test_broken", label="試験", unit="件", gyomu="platform", compute=broken))
    try:
        with pytest.raises(RuntimeError):
            meter_values_for_all_members(members=[world.alpha.municipality], fiscal_year=2025)
    finally:
        unregister("test_broken")
    assert connection.schema_name == "public"
