"""The menu walk of one persona (tests/integration/screens.py) with the checks that
follow it, and the world it walks in, shared by the three test files of
test_browser_screens*.py: one file a persona, so that pytest-xdist's ``--dist loadfile``
can give them to different workers (the three walks in one file took 190–290 s on one
worker while the other sat idle at the end of ``make test``; docs/benchmarks.md, "make
test wall time").

Each persona's walk runs axe-core on every screen it reaches (in one file the 担当者's
walk skipped the screens the administrator's had already checked): the split checks
more, never less."""

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
from tests.integration.screens import VIEWPORT, ScreenChecker, wrapped_cells
from tests.integration.test_browser import _log_in
from tests.personas import ALPHA_HOST, PORTAL_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.integration.conftest import WebServer

RUN_YEAR = 2024  # the allocation run made here (test_browser_billing uses 2025)
PERSONAS = {"hayama-admin": ALPHA_HOST, "hayama-clerk": ALPHA_HOST, "office": PORTAL_HOST}


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

    users = {name: StaffUser.objects.get(username=name) for name in PERSONAS}
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


def walk_persona(
    web_server: WebServer, browser: Browser, user: StaffUser, username: str
) -> tuple[int, list[str]]:
    """Logs ``username`` in on its host in a context of its own, walks every screen its
    menus reach, then the screens no link reaches (a search's results; the portal's
    sortable table from the keyboard). Returns the number of screens walked and every
    problem found, those the server logged (an answer of 400 or more, the favicon's
    included) among them."""
    host = PERSONAS[username]
    log_start = web_server.log_path.stat().st_size
    base = web_server.url(host).rstrip("/")
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        checker = ScreenChecker(page, username, screenshots=_screenshot_dir())
        # given: the login screen (checked like the others), then the persona logged
        # in on its host (password, then TOTP)
        checker.check("/login/", checker.open(f"{base}/login/"))
        _log_in(page, base, user)
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
    # the server answered no request of the walk with an error, including those the
    # browser makes on its own (the favicon), which the page's events do not show
    return len(walk.screens), walk.failures() + _server_errors(web_server, log_start)
