"""Every screen reachable from the menus, walked in one Chromium page per persona, with
the checks each screen must pass: axe-core (WCAG 2.2 AA tags) finds no serious or
critical violation, the console shows no error, and nothing scrolls sideways at
1366×768. Used by test_browser_screens.py and by ``make screenshots`` (which sets
``JC_SCREENSHOTS`` to a folder and gets a PNG of every screen there).

The walk follows links only (GET), never submits a form: it changes nothing. It starts
from the business menu (``nav.menu``) and the page header, then follows the links in
each page's main area to ``MAX_DEPTH``; paths that differ only in their numbers
(``/ido/12/``, ``/ido/13/``) count as one screen, so a long list costs one visit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

VIEWPORT = {"width": 1366, "height": 768}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
MAX_DEPTH = 3
MAX_SCREENS = 70  # per persona; the walk fails if a menu offers more (raise it then)

# Not screens: files (PDF, CSV, job results), and links that act (logout is a POST form).
SKIP = re.compile(r"(\.pdf|\.csv|/csv/|/files/\d+/|/logout/|/progress/|/login/)($|\?)")


def screen_key(path: str) -> str:
    """``/juminkiroku/ido/12/`` and ``/juminkiroku/ido/13/`` are one screen."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


@dataclass
class ScreenResult:
    path: str
    status: int
    title: str
    console_errors: list[str] = field(default_factory=list)
    axe_violations: list[str] = field(default_factory=list)
    overflow_px: int = 0

    def problems(self) -> list[str]:
        out = []
        if self.status >= 400:
            out.append(f"HTTP {self.status}")
        out += [f"console: {m}" for m in self.console_errors]
        out += [f"axe: {v}" for v in self.axe_violations]
        if self.overflow_px > 0:
            out.append(f"horizontal scroll: {self.overflow_px}px wider than 1366")
        return out


@dataclass
class Walk:
    persona: str
    screens: list[ScreenResult] = field(default_factory=list)

    def failures(self) -> list[str]:
        lines = []
        for s in self.screens:
            for p in s.problems():
                lines.append(f"[{self.persona}] {s.path}: {p}")
        return lines


def _links(page: Page, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        selector,
        "els => els.filter(a => !a.hasAttribute('download') && a.target !== '_blank')"
        ".map(a => a.href)",
    )
    return hrefs


def axe_violations(page: Page) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe-core finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in FAILING_IMPACTS:
            targets = [",".join(n["target"]) for n in v["nodes"][:3]]
            found.append(f"{v['id']} ({v['impact']}) {v['help']} at {targets}")
    return found


def overflow_px(page: Page) -> int:
    """How far the page is wider than the window (0: no horizontal scroll)."""
    width: int = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
    return width


def walk_screens(
    page: Page,
    base: str,
    persona: str,
    *,
    run_axe: bool = True,
    seen: set[str] | None = None,
    screenshots: Path | None = None,
) -> Walk:
    """Visit every screen reachable from the menus of ``base`` (logged in already).
    ``seen`` (screen keys) is shared between personas of one host, so a screen that two
    personas reach is checked by axe once; console and overflow are checked every time."""
    origin = urlsplit(base)
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            loc = msg.location.get("url", "") if msg.location else ""
            errors.append(f"{msg.text} ({loc})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    # A failed sub-resource (the favicon the browser asks for on its own) is not always a
    # console message in headless Chromium: every answer of 400 or more counts.
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status} for {urlsplit(r.url).path}")
        if r.status >= 400
        else None,
    )
    page.set_viewport_size(VIEWPORT)

    walk = Walk(persona)
    axed = seen if seen is not None else set()
    visited: set[str] = set()
    queue: list[tuple[str, int]] = [(base + "/", 0)]
    while queue:
        url, depth = queue.pop(0)
        path = urlsplit(url).path
        key = screen_key(path)
        if key in visited:
            continue
        visited.add(key)
        if len(visited) > MAX_SCREENS:
            raise AssertionError(f"{persona}: more than {MAX_SCREENS} screens; raise MAX_SCREENS")
        errors.clear()
        response = page.goto(url, wait_until="load")
        status = response.status if response else 0
        page.wait_for_load_state("networkidle", timeout=5_000)
        result = ScreenResult(path=path, status=status, title=page.title())
        result.overflow_px = overflow_px(page)
        if run_axe and key not in axed:
            axed.add(key)
            result.axe_violations = axe_violations(page)
        if screenshots is not None:
            name = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_") or "home"
            page.screenshot(path=str(screenshots / f"{persona}__{name}.png"), full_page=True)
        result.console_errors = list(errors)
        walk.screens.append(result)
        if depth >= MAX_DEPTH:
            continue
        selector = "nav.menu a[href], header a[href]" if depth == 0 else "main a[href]"
        if depth == 0:
            selector += ", main a[href]"
        for href in _links(page, selector):
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.netloc != origin.netloc or SKIP.search(parts.path):
                continue
            if screen_key(parts.path) not in visited:
                queue.append((href, depth + 1))
    return walk
