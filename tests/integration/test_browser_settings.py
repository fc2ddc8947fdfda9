"""The town administrator's settings screens in headless Chromium: 操作権限 and
条例で定める値 are reached from the menu, fit 1366×768 without horizontal scrolling,
log no console error, and a 条例 value is set with the keyboard alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tenants.db import connection
from tenants.models import Municipality, StaffUser
from tenants.params.tenant.models import MunicipalParameter, MunicipalParameterChange
from tests.integration.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    _orm_beside_playwright,
    browser,
    hayama_admin,
)
from tests.personas import ALPHA_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.integration.conftest import WebServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

KYUCHI = "zeimu.kojin_juminzei.kyuchi"


@pytest.fixture
def no_kyuchi(committed: None) -> Iterator[Municipality]:
    """葉山町 without a 級地; what the test sets is removed afterwards (the access-log
    rows stay: the log is append-only)."""
    town = Municipality.objects.get(dantai_code="143014")
    connection.set_tenant(town)
    assert not MunicipalParameter.objects.filter(key=KYUCHI).exists()
    connection.set_schema_to_public()
    yield town
    connection.set_tenant(town)
    MunicipalParameter.objects.filter(key=KYUCHI).delete()
    MunicipalParameterChange.objects.filter(key=KYUCHI).delete()
    connection.set_schema_to_public()


def _fits_and_is_clean(page: Page, errors: list[str]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"horizontal scroll: {width}px"
    assert errors == []


def test_admin_settings_screens(
    web_server: WebServer,
    hayama_admin: StaffUser,  # noqa: F811
    no_kyuchi: Municipality,
    browser: Browser,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    # (the browser's own request for /favicon.ico is a 404 the site does not make)
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        base = web_server.url(ALPHA_HOST).rstrip("/")
        _log_in(page, base, hayama_admin)
        menu = page.get_by_role("navigation", name="業務メニュー")

        # 操作権限: the town's staff with 住民記録's grants
        menu.get_by_role("link", name="操作権限").click()
        expect(page.get_by_role("heading", name="操作権限", level=1)).to_be_visible()
        expect(page.get_by_role("group", name="住民記録").first).to_be_visible()
        _fits_and_is_clean(page, errors)

        # 条例で定める値: the 級地, set with the keyboard only
        menu.get_by_role("link", name="条例で定める値").click()
        section = page.get_by_role("region", name="均等割の非課税限度額に用いる級地", exact=False)
        expect(section).to_contain_text("設定なし")
        _fits_and_is_clean(page, errors)
        section.get_by_label("からの値").focus()
        page.keyboard.type("2")
        page.keyboard.press("Tab")
        page.keyboard.type("生活保護法の級地区分の告示")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_role("list").filter(has_text="からの値を変更しました")).to_be_visible()
        section = page.get_by_role("region", name="均等割の非課税限度額に用いる級地", exact=False)
        expect(section).to_contain_text("2級地")
        _fits_and_is_clean(page, errors)
    finally:
        context.close()
    connection.set_tenant(no_kyuchi)
    assert MunicipalParameter.objects.get(key=KYUCHI).value == 2
    connection.set_schema_to_public()
