"""The allocation result screen: one row per member with its amounts right-aligned, and a
合計 row whose figures are the column sums (the design system's data table)."""

from __future__ import annotations

from django.db.models import Sum
from lxml import html as lxml_html

from billing.models import AllocationRun, AllocationShare, CostPool
from billing.services.allocation import allocation_run
from billing.tests.factories import UNEI, unei_pool
from tenants.models import StaffUser
from tests.personas import PORTAL_HOST


def _yen(text: str) -> int:
    return int(text.replace(",", "").replace("円", "").strip())


def test_allocation_table_has_a_total_row_of_column_sums(world, login):
    # given: two pools allocated among both towns
    unei_pool(world.consortium, 10_000_001)
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="共通基盤費",
        amount_yen=777_777,
        rule=UNEI,
    )
    run: AllocationRun = allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )
    office = login("office", PORTAL_HOST)

    # when
    page = office.get(f"/billing/runs/{run.pk}/").content.decode()

    # then: every member row and the 合計 row, figures in cells of class "num"
    doc = lxml_html.fromstring(page)
    (table,) = doc.xpath('//table[@data-testid="allocation-table"]')
    body_rows = table.xpath("./tbody/tr")
    assert sorted(r.xpath("./th")[0].text_content() for r in body_rows) == ["寒川町", "葉山町"]
    figures = [[_yen(td.text_content()) for td in r.xpath("./td[@class='num']")] for r in body_rows]
    (total_row,) = table.xpath('./tfoot/tr[@data-testid="allocation-total"]')
    assert total_row.xpath("./th")[0].text_content() == "合計"
    totals = [_yen(td.text_content()) for td in total_row.xpath("./td[@class='num']")]
    assert totals == [sum(col) for col in zip(*figures, strict=True)]
    shares = AllocationShare.objects.filter(run=run).aggregate(s=Sum("amount_yen"))["s"]
    assert totals[-1] == shares
    assert len(totals) == 3  # two pools and the row total
