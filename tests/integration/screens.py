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

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, ViewportSize

VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
MAX_DEPTH = 4  # menu → module page → its first screen → sub-menu → a row of a list
MAX_SCREENS = 320  # per persona; the walk fails if a menu offers more (raise it then)

# Not screens: files (PDF, CSV, job results, a bundle's or an extraction's download), and
# links that act (logout is a POST form).
SKIP = re.compile(r"(\.pdf|\.csv|/csv/|/files/\d+/|/download/|/logout/|/progress/|/login/)($|\?)")


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


@functools.cache
def _axe_script() -> str:
    """axe-core as axe_playwright_python ships it, read once per process (its ``Axe`` reads
    the file at import too; the per-screen cost is evaluating it in each new document)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def preload_axe(page: Page) -> None:
    """Have every document ``page`` loads from now on evaluate axe-core as it starts (an
    init script, sent to the browser once), instead of :func:`axe_violations` sending the
    572 KB script over the protocol to each screen it checks. For a page whose walk runs
    axe on nearly every screen (the first persona on a host); the others inject on demand."""
    page.add_init_script(_axe_script())


# Runs axe in the page and sends back only what the check reports: the violations of the
# failing impacts, with the first three targets of each (not the whole result, whose
# passes, incomplete and inapplicable lists were serialised and discarded on every screen).
# ``null`` when the document has no axe yet.
_AXE_RUN = """async ([options, impacts]) => {
    if (typeof window.axe === "undefined") return null;
    const results = await window.axe.run(document, options);
    return results.violations
        .filter(v => impacts.includes(v.impact))
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(","))}));
}"""


def axe_violations(page: Page) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe-core finds on the page."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    args = [options, sorted(FAILING_IMPACTS)]
    found: list[dict[str, Any]] | None = page.evaluate(_AXE_RUN, args)
    if found is None:  # not preloaded (see preload_axe): inject it into this document
        page.evaluate(_axe_script())
        found = page.evaluate(_AXE_RUN, args)
    assert found is not None, "axe-core did not load"
    return [f"{v['id']} ({v['impact']}) {v['help']} at {v['targets']}" for v in found]


def overflow_px(page: Page) -> int:
    """How far the page is wider than the window (0: no horizontal scroll)."""
    width: int = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
    return width


class ScreenChecker:
    """Checks screens in one logged-in page: console errors, failed requests, overflow
    and (once per screen key across personas of a host, ``seen``) axe-core."""

    def __init__(
        self,
        page: Page,
        persona: str,
        *,
        run_axe: bool = True,
        seen: set[str] | None = None,
        screenshots: Path | None = None,
    ) -> None:
        if run_axe and not seen:
            # the first persona on its host: nearly every screen it reaches gets axe
            preload_axe(page)
        self.page = page
        self.walk = Walk(persona)
        self.run_axe = run_axe
        self.axed = seen if seen is not None else set()
        self.screenshots = screenshots
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        # A failed sub-resource (the favicon the browser asks for on its own) is not always
        # a console message in headless Chromium: every answer of 400 or more counts.
        page.on(
            "response",
            lambda r: (
                self.errors.append(f"HTTP {r.status} for {urlsplit(r.url).path}")
                if r.status >= 400
                else None
            ),
        )
        page.set_viewport_size(VIEWPORT)

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            loc = msg.location.get("url", "") if msg.location else ""
            self.errors.append(f"{msg.text} ({loc})")

    def open(self, url: str) -> int:
        """Go to ``url`` and wait for its load event; returns the HTTP status. (Not for
        network idle: a job's page polls for as long as the job runs.)"""
        response = self.page.goto(url, wait_until="load")
        return response.status if response else 0

    def check(self, key: str, status: int = 200) -> ScreenResult:
        """Check the screen the page shows now, recorded under ``key``."""
        page = self.page
        result = ScreenResult(path=urlsplit(page.url).path, status=status, title=page.title())
        result.overflow_px = overflow_px(page)
        if self.run_axe and key not in self.axed:
            self.axed.add(key)
            result.axe_violations = axe_violations(page)
        if self.screenshots is not None:
            name = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_") or "home"
            page.screenshot(
                path=str(self.screenshots / f"{self.walk.persona}__{name}.png"), full_page=True
            )
        # Errors are taken last (after axe and the screenshot), and cleared only here: one
        # that arrives late (the favicon is fetched after the load event) is charged to the
        # next screen rather than lost.
        result.console_errors = list(self.errors)
        self.errors.clear()
        self.walk.screens.append(result)
        return result

    def walk_menus(self, base: str) -> Walk:
        """Visit every screen reachable from the menus of ``base`` (logged in already).
        Screens reached through a redirect are keyed by where they land."""
        page = self.page
        origin = urlsplit(base)
        visited: set[str] = set()
        queue: list[tuple[str, int]] = [(base + "/", 0)]
        while queue:
            url, depth = queue.pop(0)
            if screen_key(urlsplit(url).path) in visited:
                continue
            visited.add(screen_key(urlsplit(url).path))
            status = self.open(url)
            key = screen_key(urlsplit(page.url).path)
            if key != screen_key(urlsplit(url).path):
                if key in visited:
                    continue  # a redirect to a screen already checked
                visited.add(key)
            if len(visited) > MAX_SCREENS:
                raise AssertionError(
                    f"{self.walk.persona}: more than {MAX_SCREENS} screens; raise MAX_SCREENS"
                )
            self.check(key, status)
            if depth >= MAX_DEPTH:
                continue
            selector = "main a[href]"
            if depth == 0:
                selector += ", nav.menu a[href], header a[href]"
            for href in _links(page, selector):
                href = urldefrag(href).url
                parts = urlsplit(href)
                if parts.netloc != origin.netloc or SKIP.search(parts.path):
                    continue
                if screen_key(parts.path) not in visited:
                    queue.append((href, depth + 1))
        return self.walk


def wrapped_cells(page: Page, selector: str) -> list[str]:
    """The texts of the cells matching ``selector`` that the browser laid out on more than
    one line (a name or a date broken mid-word)."""
    found: list[str] = page.eval_on_selector_all(
        selector,
        """cells => cells.filter(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size > 1;
        }).map(cell => cell.textContent.trim())""",
    )
    return found
