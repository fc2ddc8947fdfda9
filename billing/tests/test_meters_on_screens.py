"""The pool editor and the simulator list the registered meters; a meter a module
registers is a figure a rule can use, with nothing in billing changed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from billing.models import CostPool
from billing.services.meters import sync_figure_names
from billing.services.simulator import (
    JOINING_MEMBER_ID,
    Joining,
    Scenario,
    apply_scenario,
    current_inputs,
)
from billing.tests.factories import unei_pool
from tenants.meters.registry import Meter, register, unregister
from tests.personas import PORTAL_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_meter():
    """A meter as a new module would declare it (a count of 件)."""

    def cases(start: date, end: date) -> int:
        return 7

    meter = register(
        Meter(code="test_cases", label="試験相談件数", unit="件", gyomu="platform", compute=cases)
    )
    sync_figure_names()  # what billing's ready() does for the meters found at start-up
    yield meter
    unregister(meter.code)


def test_pool_editor_lists_every_meter_with_label_and_unit(world, login, extra_meter):
    office = login("office", PORTAL_HOST)
    # when
    page = office.get("/billing/pools/new/?year=2025").content.decode()
    # then: the meter table and the 従量 choices name each meter by label and unit
    for label, unit in [
        ("住民基本台帳人口", "人"),
        ("証明書交付通数", "通"),
        ("証明書印刷枚数", "枚"),
        ("API利用回数", "回"),
        ("納税通知書等の印刷通数", "通"),
        ("試験相談件数", "件"),
    ]:
        assert f"<td>{label}</td><td>{unit}</td>" in page, label
    assert 'value="test_cases">試験相談件数（件）・共通</option>' in page
    # a 人 meter is offered as the basis of 人口割
    assert re.search(r'value="population_registry">住民基本台帳人口（年度の1月1日現在）', page)


def test_a_registered_meter_is_a_figure_a_pool_can_meter(world, login, extra_meter):
    from billing.services.allocation import allocation_run
    from tenants.models import StaffUser

    office = login("office", PORTAL_HOST)
    data = {
        "name": "相談システム利用料",
        "amount_yen": "",
        "rounding_unit_yen": "1",
        "kind": "metered",
        "metered_figure": "test_cases",
        "unit_price_yen": "1000",
        "population_figure": "population",
        "rounding_point": "combined",
    }
    assert office.post("/billing/pools/new/?year=2025", data).status_code == 302
    run = allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )
    # 7 件 in each town (counted in each schema) × 1,000円
    assert sorted(s.amount_yen for s in run.shares.all()) == [7_000, 7_000]
    step = run.shares.all()[0].steps[0]
    assert "7件" in step  # the meter's unit reaches the statement


def test_simulator_lists_the_meters(world, login, extra_meter):
    unei_pool(world.consortium, 1_000_000)
    office = login("office", PORTAL_HOST)
    page = office.get("/billing/simulate/").content.decode()
    assert "<td>試験相談件数</td><td>件</td>" in page
    assert "<td>住民基本台帳人口</td><td>人</td>" in page
    assert 'value="population_registry">住民基本台帳人口' in page


def test_a_joining_town_takes_its_population_for_people_meters_and_0_for_others(world):
    unei_pool(world.consortium, 1_000_000)
    inputs = current_inputs(consortium=world.consortium, fiscal_year=2025)
    out = apply_scenario(
        inputs,
        Scenario(join=Joining(name="試算町", population=12_345, figures={"pages": 9})),
        known_modules=set(),
        meters={"population_registry": "人", "certificates": "通", "pages": "枚"},
    )
    joining = out["members"][JOINING_MEMBER_ID]
    assert joining["population_registry"] == 12_345
    assert (joining["certificates"], joining["pages"]) == (0, 9)
    assert CostPool.objects.filter(consortium=world.consortium).count() == 1


def test_billing_imports_no_business_app():
    # billing's code reaches modules only through the meter registry; its tests may use
    # a module's published test factories, never its models
    root = Path(__file__).resolve().parents[1]
    business = r"(juminkiroku|zeimu|kokuho|kaigo|fukushi|migration_io)"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.findall(rf"^\s*(?:from|import) {business}(\.[\w.]+)?", text, re.M)
        allowed = {("juminkiroku", ".tests.factories")} if "tests" in path.parts else set()
        assert set(found) <= allowed, f"{path.relative_to(root)} imports {found}"
