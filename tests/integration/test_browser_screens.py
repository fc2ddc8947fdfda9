"""Every screen the consortium office reaches from the menus of the portal, in headless
Chromium at 1366×768: axe-core finds no serious or critical WCAG 2.2 AA violation, the
console shows no error (a missing favicon is one), no screen scrolls sideways, and the
server answers none of the walk's requests with an error (tests/integration/screen_walk.py);
and the checks themselves, on a page made to fail them. The town's administrator and
担当者 are walked in test_browser_screens_admin.py and test_browser_screens_clerk.py: one
file a persona, so that pytest-xdist runs them on different workers.

With ``JC_SCREENSHOTS=<folder>`` (``make screenshots``) a full-page PNG of every screen
is written there as well."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tenants.models import StaffUser
from tests.integration.screen_walk import screen_world, walk_persona  # noqa: F401  (fixture)
from tests.integration.screens import MAX_SCREENS, VIEWPORT, axe_violations, overflow_px
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _orm_beside_playwright,
    browser,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]


def test_every_menu_screen_of_the_consortium_office(
    web_server: WebServer,
    screen_world: dict[str, StaffUser],  # noqa: F811
    browser: Browser,  # noqa: F811
) -> None:
    count, failures = walk_persona(web_server, browser, screen_world["office"], "office")
    # then: the walk reached the portal's screens, and none of them has a problem
    assert 8 <= count <= MAX_SCREENS, count
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
