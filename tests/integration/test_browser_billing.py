"""負担金 in headless Chromium: the consortium office runs the allocation on the portal and
opens a member's 負担金明細書 (read back from the PDF); a member's administrator sees only
their own town's statement and cannot reach another member's, by host or by URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from billing.models import AllocationRun, AllocationShare, CostPool
from billing.tests.factories import unei_pool
from tenants.models import Consortium, StaffUser
from tenants.testing.pdf import pdf_pages, squash
from tests.integration.cleanup import login_state, login_state_restore
from tests.integration.pdf_capture import keep_pdf, wait_for
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    _orm_beside_playwright,
    browser,
)
from tests.personas import BETA_HOST, PORTAL_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

FISCAL_YEAR = 2025
POOL_YEN = 12_345_678


@pytest.fixture
def billing_users(committed: None) -> Iterator[tuple[StaffUser, StaffUser]]:
    """The office and 寒川町's administrator, second-factor state put back afterwards; the
    pool and the runs this test commits are removed."""
    users = [StaffUser.objects.get(username=u) for u in ("office", "samukawa-admin")]
    saved = login_state(users)
    assert users[0].consortium_office_id is not None
    consortium = Consortium.objects.get(pk=users[0].consortium_office_id)
    unei_pool(consortium, POOL_YEN, fiscal_year=FISCAL_YEAR)
    yield users[0], users[1]
    login_state_restore(users, saved)
    runs = AllocationRun.objects.filter(consortium=consortium, fiscal_year=FISCAL_YEAR)
    AllocationShare.objects.filter(run__in=runs).delete()
    runs.delete()
    CostPool.objects.filter(consortium=consortium, fiscal_year=FISCAL_YEAR).delete()


def _new_page(chromium: Browser) -> Page:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_office_runs_allocation_and_members_see_only_their_own(
    web_server: WebServer,
    billing_users: tuple[StaffUser, StaffUser],
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    office_user, member_user = billing_users
    portal = web_server.url(PORTAL_HOST).rstrip("/")
    beta = web_server.url(BETA_HOST).rstrip("/")
    office = _new_page(browser)
    member = _new_page(browser)
    try:
        # given: the office logged in on the portal, on 負担金
        _log_in(office, portal, office_user)
        office.goto(f"{portal}/billing/")
        expect(office.get_by_role("heading", level=1)).to_have_text("負担金の按分")

        # when: it runs the allocation of 2025 with the 30% guarantee left empty
        office.get_by_label(re.compile(r"^年度")).select_option(str(FISCAL_YEAR))
        office.get_by_role("button", name="按分を実行する").click()

        # then: the run's table, whose members add up to the pool to the yen
        expect(office).to_have_url(re.compile(rf"^{re.escape(portal)}/billing/runs/\d+/$"))
        expect(office.get_by_role("heading", level=1)).to_contain_text("令和7年度")
        run_url = office.url
        run_id = int(run_url.rstrip("/").split("/")[-1])
        run = AllocationRun.objects.get(pk=run_id)
        assert run.total_yen == POOL_YEN
        assert sum(
            AllocationShare.objects.filter(run=run).values_list("amount_yen", flat=True)
        ) == (POOL_YEN)
        hayama_share = AllocationShare.objects.get(run=run, municipality__dantai_code="143014")

        # when: it opens 葉山町's 負担金明細書
        captured: dict[str, Any] = {}
        keep_pdf(office, r".*/statement\.pdf$", captured)
        row = office.get_by_role("row", name=re.compile("葉山町"))
        row.get_by_role("link", name="PDF").click()
        wait_for(office, captured, "body")

        # then: the PDF names the town, the pool, the rule and its share in yen
        text = squash("".join(pdf_pages(captured["body"])))
        assert "葉山町" in text and "組合運営費" in text
        assert f"{hayama_share.amount_yen:,}" in text
        assert "均等割" in text and "人口割" in text

        # when: 寒川町's administrator looks at 負担金 on their own host
        _log_in(member, beta, member_user)
        member.goto(f"{beta}/billing/")
        body = member.locator("main").inner_text()

        # then: their own statement only
        assert "寒川町" in body
        assert "葉山町" not in body
        # and the office's URL of 葉山町's statement is not reachable from their session:
        # on their host it does not exist, on the portal they are not logged in
        seen: dict[str, Any] = {}
        keep_pdf(member, r".*/statement\.pdf$", seen)
        member.goto(f"{beta}/billing/runs/{run_id}/143014/statement.pdf")
        wait_for(member, seen, "status")
        assert seen["status"] == 404 and "body" not in seen
        member.context.unroute_all()
        member.goto(f"{portal}/billing/runs/{run_id}/143014/statement.pdf")
        expect(member).to_have_url(re.compile(r"/login/\?next=/billing/runs/"))

        # and over the API: the town's own statement endpoint answers with 寒川町 only, and
        # the office's endpoint of 葉山町's statement refuses the member's browser
        member.goto(f"{beta}/billing/")
        status, text = member.evaluate(
            "async (u) => { const r = await fetch(u); return [r.status, await r.text()]; }",
            f"{beta}/api/v1/billing/statements/{run_id}/",
        )
        assert status == 200 and "寒川町" in text and "葉山町" not in text
        response = member.goto(f"{portal}/api/v1/portal/billing/runs/{run_id}/statements/143014/")
        assert response is not None and response.status in (401, 403)
        assert "葉山町" not in member.content()
    finally:
        office.context.close()
        member.context.close()
