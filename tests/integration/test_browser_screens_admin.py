"""Every screen 葉山町's administrator (hayama-admin) reaches from the menus, in headless
Chromium at 1366×768: axe-core finds no serious or critical WCAG 2.2 AA violation, the
console shows no error (a missing favicon is one), no screen scrolls sideways, and the
server answers none of the walk's requests with an error (screen_walk.py). The other
personas are in test_browser_screens*.py: one file each, so that pytest-xdist runs them
on different workers.

With ``JC_SCREENSHOTS=<folder>`` (``make screenshots``) a full-page PNG of every screen
is written there as well."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tenants.models import StaffUser
from tests.integration.screen_walk import screen_world, walk_persona  # noqa: F401  (fixture)
from tests.integration.screens import MAX_SCREENS
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _orm_beside_playwright,
    browser,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]


def test_every_menu_screen_of_the_town_administrator(
    web_server: WebServer,
    screen_world: dict[str, StaffUser],  # noqa: F811
    browser: Browser,  # noqa: F811
) -> None:
    count, failures = walk_persona(
        web_server, browser, screen_world["hayama-admin"], "hayama-admin"
    )
    # then: the walk reached the modules' screens, and none of them has a problem
    assert 20 <= count <= MAX_SCREENS, count
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
