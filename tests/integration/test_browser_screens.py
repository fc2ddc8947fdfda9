"""Every screen reachable from the menus, in headless Chromium at 1366×768, for the town
administrator, the town's 担当者 and the consortium office: axe-core finds no serious or
critical WCAG 2.2 AA violation, the console shows no error (a missing favicon is one),
and no screen scrolls sideways. One browser; one context per persona.

With ``JC_SCREENSHOTS=<folder>`` (``make screenshots``) a full-page PNG of every screen
is written there as well."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tests.integration.cleanup import login_state, login_state_restore, truncate_tables
from tests.integration.screens import (
    MAX_SCREENS,
    VIEWPORT,
    ScreenChecker,
    axe_violations,
    overflow_px,
    wrapped_cells,
)
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    _orm_beside_playwright,
    browser,
)
from tests.personas import ALPHA_HOST, PORTAL_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

RUN_YEAR = 2024  # the allocation run made here (test_browser_billing uses 2025)
PERSONAS = [("hayama-admin", ALPHA_HOST), ("hayama-clerk", ALPHA_HOST), ("office", PORTAL_HOST)]


def _screenshot_dir() -> Path | None:
    folder = os.environ.get("JC_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


ACCESS_LINE = re.compile(r'"(?:GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) ')


def _server_errors(server: WebServer, offset: int) -> list[str]:
    """Requests answered 400 or above in the web server's access log since ``offset``."""
    with server.log_path.open("rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", errors="replace")
    return [f"[server] {m[1]}: HTTP {m[2]}" for m in ACCESS_LINE.finditer(text) if int(m[2]) >= 400]


@pytest.fixture
def screen_world(committed: None) -> Iterator[dict[str, StaffUser]]:
    """The three personas (second-factor state put back afterwards), a household of
    葉山町, so the lists and the person and 異動 screens have rows to show, and an
    allocation run of the consortium; the registry rows, the pool and the run are removed
    afterwards (the access log stays: append-only)."""
    from billing.models import AllocationRun, AllocationShare, CostPool
    from billing.services.allocation import allocation_run
    from billing.tests.factories import unei_pool
    from juminkiroku.tests.factories import family, household_tennyu, person_fields

    users = {name: StaffUser.objects.get(username=name) for name, _host in PERSONAS}
    saved = login_state(users.values())
    town = Municipality.objects.get(dantai_code="143014")
    consortium = town.consortium
    unei_pool(consortium, 12_345_678, fiscal_year=RUN_YEAR)
    allocation_run(consortium=consortium, fiscal_year=RUN_YEAR, acting_user=users["office"])
    connection.set_tenant(town)
    household_tennyu("hayama", members=family())
    waiting = person_fields(
        shimei="森戸　一郎", shimei_kana="モリト　イチロウ", hittosha="森戸　一郎"
    )
    household_tennyu("hayama", members=[waiting], approve_it=False)  # awaits 審査
    connection.set_schema_to_public()
    yield users
    runs = AllocationRun.objects.filter(consortium=consortium, fiscal_year=RUN_YEAR)
    AllocationShare.objects.filter(run__in=runs).delete()
    runs.delete()
    CostPool.objects.filter(consortium=consortium, fiscal_year=RUN_YEAR).delete()
    login_state_restore(users.values(), saved)
    truncate_tables(town.schema_name, "juminkiroku_")


def test_every_menu_screen_is_accessible_quiet_and_fits(
    web_server: WebServer,
    screen_world: dict[str, StaffUser],
    browser: Browser,  # noqa: F811
) -> None:
    shots = _screenshot_dir()
    log_start = web_server.log_path.stat().st_size
    failures: list[str] = []
    counts: dict[str, int] = {}
    axed: dict[str, set[str]] = {}
    for username, host in PERSONAS:
        base = web_server.url(host).rstrip("/")
        context = browser.new_context(
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            viewport=VIEWPORT,
        )
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            checker = ScreenChecker(
                page, username, seen=axed.setdefault(host, set()), screenshots=shots
            )
            # given: the login screen (checked like the others), then the persona logged
            # in on its host (password, then TOTP)
            checker.check("/login/", checker.open(f"{base}/login/"))
            _log_in(page, base, screen_world[username])
            # when: every screen its menus reach is opened
            walk = checker.walk_menus(base)
            if host == ALPHA_HOST:
                # and: a search (POST, so no link reaches its results)
                checker.open(f"{base}/juminkiroku/")
                page.get_by_label("カナ氏名").fill("ヤマダ")
                page.get_by_role("button", name="検索", exact=True).click()
                page.wait_for_load_state("networkidle")
                result = checker.check("/juminkiroku/search-results")
                assert "検索結果" in page.locator("main").inner_text(), result
                # names, kana, dates and codes stay on one line, even on a narrower screen
                cells = "main table tbody td:not(.wrap)"
                assert page.locator(cells).count() >= 18
                for width in (1366, 1024):
                    page.set_viewport_size({"width": width, "height": 768})
                    assert wrapped_cells(page, cells) == [], width
                page.set_viewport_size(VIEWPORT)
            else:
                # and: the members table sorts by 人口 from the keyboard (static/js/ui.js)
                checker.open(f"{base}/")
                header = page.get_by_role("columnheader", name="人口")
                header.get_by_role("button").focus()
                page.keyboard.press("Enter")
                assert header.get_attribute("aria-sort") == "ascending"
                figures = [
                    int(t.replace(",", ""))
                    for t in page.locator("main table tbody tr td:nth-child(3)").all_inner_texts()
                ]
                assert len(figures) >= 2 and figures == sorted(figures), figures
        finally:
            context.close()
        counts[username] = len(walk.screens)
        failures += walk.failures()

    # and: the server answered no request of the walk with an error, including those the
    # browser makes on its own (the favicon), which the page's events do not show
    failures += _server_errors(web_server, log_start)

    # then: the walk reached the modules' screens, and none of them has a problem
    assert counts["hayama-admin"] >= 20, counts
    assert counts["hayama-clerk"] >= 15, counts
    assert counts["office"] >= 8, counts
    assert all(n <= MAX_SCREENS for n in counts.values())
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_the_checks_fail_on_a_bad_page(browser: Browser) -> None:  # noqa: F811
    """The same checks, on a page made to break them: they must notice."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        # given: an image without text, a nameless button, grey-on-white text, a wide block
        page.set_content(
            '<html lang="ja"><head><title>悪い例</title></head><body><main>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "<button></button>"
            '<p style="color:#ccc">薄い文字</p>'
            '<div style="width:2000px">幅の広い表</div></main></body></html>'
        )
        # when / then: axe reports them as serious or critical, and the overflow is seen
        found = " ".join(axe_violations(page))
        assert "image-alt (critical)" in found
        assert "button-name (critical)" in found
        assert "color-contrast (serious)" in found
        assert overflow_px(page) > 600
    finally:
        context.close()
