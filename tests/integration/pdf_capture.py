"""Taking a PDF's bytes in a browser test. Chromium shows a PDF in its viewer (so the page's
response body is the viewer, not the file): the route below fetches the request itself and
keeps the bytes. Playwright's own fetch does not resolve *.localhost as Chromium does, so
it goes to 127.0.0.1 with the original Host header."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route


def keep_pdf(
    page: Page, pattern: str, captured: dict[str, Any], *, post_only: bool = False
) -> None:
    """Route requests matching ``pattern`` in the page's browser context (a PDF opens in a
    new tab); store ``status`` and, for a PDF, ``body``."""

    def handle(route: Route) -> None:
        if post_only and route.request.method != "POST":
            route.continue_()
            return
        url = route.request.url
        host = url.split("/")[2]
        fetched = route.fetch(
            url=url.replace(host, "127.0.0.1:" + host.split(":")[1], 1),
            headers={**route.request.headers, "host": host},
        )
        if "application/pdf" in fetched.headers.get("content-type", ""):
            captured["body"] = fetched.body()
            captured["headers"] = fetched.headers
        captured["status"] = fetched.status
        route.fulfill(response=fetched)

    page.context.route(re.compile(pattern), handle)


def wait_for(page: Page, captured: dict[str, Any], key: str, *, seconds: float = 15) -> None:
    for _ in range(int(seconds * 10)):
        if key in captured:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"nothing captured for {key}")
