"""Allocation runs over the stored members: figures, exact yen, walls, reproducibility."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from billing.models import AllocationShare, CostPool, FormerCost
from billing.services.allocation import GUARANTEE_POOL, allocation_run, compute, member_figures
from billing.tests.factories import UNEI, unei_pool
from tenants.models import Consortium, Gyomu, StaffUser, Subscription


@pytest.fixture
def office(world):
    return StaffUser.objects.get(username="office")


def _amounts(run):
    out: dict[tuple[str, str], int] = {}
    for share in AllocationShare.objects.filter(run=run).select_related("municipality"):
        out[(share.municipality.dantai_code, share.pool_name)] = share.amount_yen
    return out


def test_kanagawa_style_run_is_exact_and_bills_only_members(world, office):
    # given: 組合運営費 4:6 and a metered システム利用料 (月額単価 × months of 住民記録)
    unei_pool(world.consortium, 10_000_001)
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="システム利用料（住民記録）",
        amount_yen=None,
        rule={"type": "metered", "unit_price_yen": 150_000, "figure": "months:juminkiroku"},
        sort=1,
    )
    other = Consortium.objects.create(name="別の組合", kind="kyogikai")
    CostPool.objects.create(
        consortium=other, fiscal_year=2025, name="組合運営費", amount_yen=999, rule=UNEI
    )
    # when
    run = allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)
    amounts = _amounts(run)
    # then: 4:6 by hand — pool × 4/10 / 2 towns + pool × 6/10 × 32,823 / 80,301 people
    pool = Fraction(10_000_001)
    exact_hayama = pool * Fraction(4, 10) / 2 + pool * Fraction(6, 10) * Fraction(32823, 80301)
    assert abs(amounts[("143014", "組合運営費")] - exact_hayama) < 1
    assert amounts[("143014", "組合運営費")] + amounts[("143219", "組合運営費")] == 10_000_001
    # 12 months each (both live since 2011) × 150,000 yen
    assert amounts[("143014", "システム利用料（住民記録）")] == 1_800_000
    assert amounts[("143219", "システム利用料（住民記録）")] == 1_800_000
    assert run.total_yen == 10_000_001 + 3_600_000
    assert {code for code, _ in amounts} == {"143014", "143219"}


def test_mid_year_go_live_counts_only_months_used(world):
    # given: 寒川町 starts 個人住民税 in October 2025
    Subscription.objects.create(
        municipality=world.beta.municipality,
        gyomu=Gyomu.objects.get(code="kojin_juminzei"),
        start_month=date(2025, 10, 1),
    )
    # when
    figures = member_figures(consortium=world.consortium, fiscal_year=2025)
    # then: October to March
    assert figures["143219"]["months:kojin_juminzei"] == 6
    assert figures["143014"]["months:kojin_juminzei"] == 12


def test_run_is_reproducible_from_its_inputs(world, office):
    unei_pool(world.consortium, 7_777_777)
    run = allocation_run(consortium=world.consortium, fiscal_year=2025, acting_user=office)
    # when: the population changes after the run
    world.alpha.municipality.population = 1
    world.alpha.municipality.save()
    again = compute(run.inputs)
    # then: the stored inputs give exactly the stored result
    assert {(line["member"], line["pool"]): line["amount"] for line in again} == _amounts(run)


def test_savings_guarantee_binds_and_keeps_the_total(world, office):
    unei_pool(world.consortium, 10_000_000)
    FormerCost.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        municipality=world.alpha.municipality,
        amount_yen=6_000_000,
    )
    run = allocation_run(
        consortium=world.consortium, fiscal_year=2025, acting_user=office, min_saving="0.3"
    )
    amounts = _amounts(run)
    hayama = amounts[("143014", "組合運営費")] + amounts[("143014", GUARANTEE_POOL)]
    samukawa = amounts[("143219", "組合運営費")] + amounts[("143219", GUARANTEE_POOL)]
    assert hayama == 4_200_000  # 6,000,000 × (1 − 0.3)
    assert hayama + samukawa == 10_000_000


def test_no_pools_is_a_clear_error(world, office):
    with pytest.raises(ValueError, match="令和12年度の費用区分が登録されていません"):
        allocation_run(consortium=world.consortium, fiscal_year=2030, acting_user=office)
