"""前年度比較 and the charts of a run: figures, SVG structure, and who may see them."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.test import Client
from lxml import etree
from lxml import html as lxml_html

from billing.charts import axis, rate_text, savings_bars, share_stacked_bars
from billing.models import AllocationRun, CostPool, FormerCost
from billing.selectors_compare import JOINED, LEFT, compare_runs, percent_change
from billing.services.allocation import allocation_run
from billing.tests.factories import unei_pool
from tenants.models import Consortium, Municipality, MunicipalityStatus, StaffUser
from tests.personas import ALPHA_HOST, PERSONA_PASSWORD, PORTAL_HOST

SVG = "{http://www.w3.org/2000/svg}"
KAISEN = {"type": "kintowari"}


def _office() -> StaffUser:
    return StaffUser.objects.get(username="office")


def _run(world, year: int) -> AllocationRun:
    return allocation_run(consortium=world.consortium, fiscal_year=year, acting_user=_office())


def _amount(run: AllocationRun, code: str, pool: str) -> int:
    return run.shares.get(municipality__dantai_code=code, pool_name=pool).amount_yen


def _pct(previous: int, current: int) -> str:
    """An independent 0.1% rounding (Decimal, half up) to check the selector against."""
    value = (Decimal(current - previous) * 100 / Decimal(previous)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return ("+" if value > 0 else "") + f"{value:,}%"


def _cell(row, kind: str):
    return row.xpath(f'td[contains(concat(" ", @class, " "), " {kind} ")]')[0]


def _two_years(world) -> tuple[AllocationRun, AllocationRun]:
    unei_pool(world.consortium, 10_000_000, fiscal_year=2024)
    unei_pool(world.consortium, 12_000_001, fiscal_year=2025)
    CostPool.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        name="回線費",
        amount_yen=600_001,
        rule=KAISEN,
    )
    return _run(world, 2024), _run(world, 2025)


# -- the selector ------------------------------------------------------------------------


def test_compare_runs_gives_per_member_per_pool_differences(world):
    previous, current = _two_years(world)
    # when
    c = compare_runs(world.consortium, 2025)
    # then
    assert (c.previous, c.current) == (previous, current)
    assert c.pools == ("組合運営費", "回線費")
    assert [r.dantai_code for r in c.rows] == ["143014", "143219"]
    assert c.joined == () and c.left == ()
    for row in c.rows:
        unei, kaisen = row.cells
        before = _amount(previous, row.dantai_code, "組合運営費")
        after = _amount(current, row.dantai_code, "組合運営費")
        assert (unei.previous, unei.current, unei.diff) == (before, after, after - before)
        assert unei.percent == _pct(before, after)
        # a pool new this year has no previous figure
        assert kaisen.previous is None
        assert kaisen.current == _amount(current, row.dantai_code, "回線費")
        assert kaisen.percent is None
        assert row.total.current == after + kaisen.current
        assert row.total.previous == before
    assert c.total.previous == 10_000_000
    assert c.total.current == 12_000_001 + 600_001
    assert [t.current for t in c.pool_totals] == [12_000_001, 600_001]
    assert c.pool_totals[0].percent == "+20.0%"


def test_compare_uses_the_latest_run_of_each_year(world):
    previous, _ = _two_years(world)
    CostPool.objects.filter(consortium=world.consortium, fiscal_year=2025, name="回線費").delete()
    latest = _run(world, 2025)
    c = compare_runs(world.consortium, 2025)
    assert c.current == latest and c.previous == previous
    assert c.pools == ("組合運営費",)
    assert c.total.current == 12_000_001


def test_members_that_joined_and_left(world):
    # given: 寒川町 was withdrawn in 2024 and is back in 2025; 葉山町 leaves in 2026
    unei_pool(world.consortium, 1_000_000, fiscal_year=2024)
    unei_pool(world.consortium, 1_000_000, fiscal_year=2025)
    unei_pool(world.consortium, 1_000_000, fiscal_year=2026)
    samukawa = Municipality.objects.filter(dantai_code="143219")
    hayama = Municipality.objects.filter(dantai_code="143014")
    samukawa.update(status=MunicipalityStatus.WITHDRAWN)
    _run(world, 2024)
    samukawa.update(status=MunicipalityStatus.ACTIVE)
    _run(world, 2025)
    hayama.update(status=MunicipalityStatus.WITHDRAWN)
    _run(world, 2026)
    # when
    y2025 = compare_runs(world.consortium, 2025)
    y2026 = compare_runs(world.consortium, 2026)
    # then
    assert y2025.joined == ("寒川町",) and y2025.left == ()
    joined = next(r for r in y2025.rows if r.dantai_code == "143219")
    assert joined.status == JOINED
    assert joined.total.previous is None and joined.total.percent is None
    assert joined.total.diff == joined.total.current
    assert y2026.left == ("葉山町",) and y2026.joined == ()
    left = next(r for r in y2026.rows if r.dantai_code == "143014")
    assert left.status == LEFT and left.total.current is None
    assert left.total.previous is not None
    assert left.total.diff == -left.total.previous
    # the whole pool went to the remaining member
    assert next(r for r in y2026.rows if r.dantai_code == "143219").total.current == 1_000_000


def test_percent_change_rounds_half_away_from_zero():
    assert percent_change(1000, 1000) == "0.0%"
    assert percent_change(2000, 2001) == "+0.1%"  # 0.05% → 0.1%
    assert percent_change(2000, 1999) == "-0.1%"
    assert percent_change(3, 4) == "+33.3%"
    assert percent_change(3, 2) == "-33.3%"
    assert percent_change(1, 1001) == "+100,000.0%"
    assert percent_change(0, 5) is None and percent_change(None, 5) is None


def test_compare_screen_shows_the_table(world, login):
    previous, current = _two_years(world)
    office = login("office", PORTAL_HOST)
    # when
    page = office.get("/billing/compare/?year=2025")
    default = office.get("/billing/compare/")
    # then
    assert page.status_code == 200 and default.status_code == 200
    doc = lxml_html.fromstring(page.content.decode())
    row = doc.xpath('//tr[@data-member="143219"][@data-pool="組合運営費"]')[0]
    before = _amount(previous, "143219", "組合運営費")
    after = _amount(current, "143219", "組合運営費")
    assert _cell(row, "prev").text_content() == f"{before:,}"
    assert _cell(row, "cur").text_content() == f"{after:,}"
    assert _cell(row, "diff").text_content() == f"+{after - before:,}"
    assert _cell(row, "pct").text_content() == _pct(before, after)
    total = doc.xpath('//tr[@data-member="全体"][@data-pool="合計"]')[0]
    assert _cell(total, "cur").text_content() == f"{12_600_002:,}"
    assert "令和7年度" in page.content.decode()
    # no year given: the latest year with a run
    assert "令和7年度" in default.content.decode()


# -- the charts (pure) -------------------------------------------------------------------


def test_stacked_bars_one_per_member_with_totals_and_escaped_text():
    members = ["葉山町", "寒川<町>&", "大磯町"]
    pools = ["組合運営費", "回線費"]
    amounts = [[4_000_000, 300_000], [6_000_001, 300_001], [0, 0]]
    # when
    svg = share_stacked_bars(members=members, pools=pools, amounts=amounts, title="負担額 <&>")
    root = etree.fromstring(svg.encode())
    # then
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "負担額 <&>"
    desc = root.find(f"{SVG}desc").text
    assert "寒川<町>&: 組合運営費 6,000,001円、回線費 300,001円、合計 6,300,002円" in desc
    bars = root.findall(f".//{SVG}g[@class='bar']")
    assert [b.get("data-member") for b in bars] == members
    assert [int(b.get("data-total")) for b in bars] == [4_300_000, 6_300_002, 0]
    for bar, row in zip(bars, amounts, strict=True):
        segments = bar.findall(f"{SVG}rect")
        assert sum(int(s.get("data-amount")) for s in segments) == sum(row)
        assert bar.find(f"{SVG}text").text == f"{sum(row):,}円"
    # heights are to scale: 6,300,002 yen of a 0..top axis over 260 px
    bottom, top, _ = axis(0, 6_300_002)
    height = sum(Fraction(s.get("height")) for s in bars[1].findall(f"{SVG}rect"))
    assert abs(height - Fraction(260 * 6_300_002, top - bottom)) < Fraction(2, 100)
    # axis labels in yen and a legend entry per pool
    labels = [t.text for t in root.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
    assert labels[0] == "0円" and labels[-1] == f"{top // 10_000:,}万円"
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == pools


def test_negative_segments_hang_below_the_axis():
    svg = share_stacked_bars(
        members=["葉山町"], pools=["組合運営費", "削減保障調整"], amounts=[[1000, -300]], title="t"
    )
    root = etree.fromstring(svg.encode())
    bar = root.find(f".//{SVG}g[@class='bar']")
    assert bar.get("data-total") == "700"
    up, down = bar.findall(f"{SVG}rect")
    zero = next(ln for ln in root.findall(f".//{SVG}line") if ln.get("stroke") == "#333")
    assert Fraction(up.get("y")) + Fraction(up.get("height")) == Fraction(zero.get("y1"))
    assert Fraction(down.get("y")) == Fraction(zero.get("y1"))


def test_savings_pairs_and_rates():
    svg = savings_bars(
        members=["葉山町", "寒川町", "大磯町"],
        former=[10_000, 20_000, None],
        current=[7_660, 21_000, 5_000],
        title="削減効果",
    )
    root = etree.fromstring(svg.encode())
    pairs = root.findall(f".//{SVG}g[@class='pair']")
    assert [p.get("data-member") for p in pairs] == ["葉山町", "寒川町", "大磯町"]
    rates = [p.find(f"{SVG}text[@class='rate']").text for p in pairs]
    assert rates == ["削減率 23.4%", "削減率 -5.0%", "現行経費未登録"]
    assert [len(p.findall(f"{SVG}rect")) for p in pairs] == [2, 2, 1]
    assert pairs[0].find(f"{SVG}rect[@class='former']").get("data-amount") == "10000"
    assert pairs[0].find(f"{SVG}rect[@class='current']").get("data-amount") == "7660"
    assert rate_text(3, 2) == "削減率 33.3%"


# -- the charts screen and the walls -----------------------------------------------------


def test_charts_screen_embeds_both_charts_for_the_run(world, login):
    unei_pool(world.consortium, 10_000_001)
    FormerCost.objects.create(
        consortium=world.consortium,
        fiscal_year=2025,
        municipality=world.alpha.municipality,
        amount_yen=9_000_000,
    )
    run = _run(world, 2025)
    office = login("office", PORTAL_HOST)
    # when
    page = office.get(f"/billing/runs/{run.pk}/charts/").content.decode()
    shares, savings = (
        etree.fromstring(s.encode()) for s in re.findall(r"<svg.*?</svg>", page, re.S)
    )
    # then: one bar per member, with the run's totals
    bars = shares.findall(f".//{SVG}g[@class='bar']")
    expected = {
        m: sum(s.amount_yen for s in run.shares.filter(municipality__name=m))
        for m in ("葉山町", "寒川町")
    }
    assert {b.get("data-member"): int(b.get("data-total")) for b in bars} == expected
    pairs = {p.get("data-member"): p for p in savings.findall(f".//{SVG}g[@class='pair']")}
    assert pairs["葉山町"].get("data-former") == "9000000"
    assert pairs["寒川町"].get("data-former") == ""
    assert pairs["葉山町"].find(f"{SVG}text").text == rate_text(9_000_000, expected["葉山町"])
    # the data table fallback has the same figures
    doc = lxml_html.fromstring(page)
    cells = [td.text_content() for td in doc.xpath('//table[@id="shares-table"]/tbody/tr/td')]
    assert f"{expected['葉山町']:,}円" in cells and f"{expected['寒川町']:,}円" in cells


def test_office_screens_are_not_on_a_town_host_nor_for_another_consortium(world, login):
    from tenants.services.staff import staff_create

    _, current = _two_years(world)
    other = Consortium.objects.create(name="別組合", kind="kyogikai")
    staff_create(
        username="other-office",
        display_name="別事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    town = login("hayama-admin", ALPHA_HOST)
    stranger = login("other-office", PORTAL_HOST)
    anonymous = Client(HTTP_HOST=PORTAL_HOST)
    charts = f"/billing/runs/{current.pk}/charts/"
    compare = "/billing/compare/?year=2025"
    # then
    assert town.get(charts).status_code == 404
    assert town.get(compare).status_code == 404
    assert anonymous.get(charts).status_code == 302
    assert anonymous.get(compare).status_code == 302
    assert stranger.get(charts).status_code == 404
    foreign = stranger.get(compare)
    assert foreign.status_code == 200
    body = foreign.content.decode()
    assert "葉山町" not in body and "寒川町" not in body
    assert "比較できる按分結果がありません" in body
