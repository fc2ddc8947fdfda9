"""住民記録's billing meters: certificates and pages issued in the period, per town."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from juminkiroku.meters import CERTIFICATES, PAGES, POPULATION_REGISTRY
from juminkiroku.models import ShomeiKofu
from juminkiroku.tests.factories import family, household_tennyu, person_fields
from tenants.db import connection
from tenants.meters.registry import meter_values_for_all_members

pytestmark = pytest.mark.django_db


def test_certificates_and_pages_issued_in_the_fiscal_year_voided_ones_left_out(world):
    # given: 葉山町 issued 2 copies × 3 pages and 1 × 1 in FY2025, 5 voided, 1 in FY2026
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
    with time_machine.travel(timezone.make_aware(datetime(2026, 4, 1, 9, 0))):
        ShomeiKofu.objects.create(hakko_no="2026-D", kind="juminhyo", issued_by="x")  # FY2026
    fy2025 = (date(2025, 4, 1), date(2026, 3, 31))
    assert CERTIFICATES.compute(*fy2025) == 3  # 2 + 1, the voided 5 left out
    assert PAGES.compute(*fy2025) == 7  # 2×3 + 1×1
    assert POPULATION_REGISTRY.compute(*fy2025) == 0
    connection.set_schema_to_public()
    # when
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality], fiscal_year=2025
    )
    # then: each town's own count
    assert (figures["143014"]["certificates"], figures["143014"]["pages"]) == (3, 7)
    assert (figures["143219"]["certificates"], figures["143219"]["pages"]) == (0, 0)


def test_registry_population_and_walls(world):
    # given: 葉山町 has a family from 2024 and one from after 1 January 2025, 寒川町 one person
    connection.set_tenant(world.alpha.municipality)
    household_tennyu("hayama", members=family(), ido_date=date(2025, 6, 1))  # after 1 Jan 2025
    household_tennyu("hayama", members=family("佐藤", "サトウ"), ido_date=date(2024, 6, 1))
    connection.set_tenant(world.beta.municipality)
    household_tennyu("samukawa", members=[person_fields()], ido_date=date(2020, 1, 1))
    connection.set_schema_to_public()
    # when
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality], fiscal_year=2025
    )
    # then: the 住民記録 meter counted each town in its own schema, on 1 January
    assert figures["143014"][POPULATION_REGISTRY.code] == 3  # the 2025-06 family not yet
    assert figures["143219"][POPULATION_REGISTRY.code] == 1
    assert figures["143014"][CERTIFICATES.code] == 0
    assert connection.schema_name == "public"
