"""A PDF opens in a new tab and leaves the app where it was (issue 13: PDFs replaced the
app in the same tab). Every link or form of a staff or portal template that asks for a PDF
(a ``*.pdf`` URL, or a view that answers a PDF to a POST) says ``target="_blank"`` (a
button: ``formtarget``) with ``rel="noopener"``. Driven from the URLconfs: a new PDF view
is checked with no edit here."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from lxml import html

from tests.urlwalk import walk

ROOT = Path(settings.BASE_DIR)
# Views that answer a POST with a PDF (the certificate issued); their forms post to them.
PDF_BY_POST = {"juminkiroku_shomei_issue", "juminkiroku_inkan_shomei"}
PDF_ROUTES = [
    r
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF)
    for r in walk(urlconf)
    if r.label.endswith(".pdf") or r.name in PDF_BY_POST
]
PDF_NAMES = {r.name for r in PDF_ROUTES if r.name}
PDF_BY_GET = {r.name for r in PDF_ROUTES if r.name and r.name not in PDF_BY_POST}


def _templates() -> list[Path]:
    skip = {".venv", "node_modules", ".data", ".git"}
    return [
        p
        for p in ROOT.rglob("*.html")
        if "templates" in p.parts
        and not skip.intersection(p.parts)
        and "forms" not in p.parent.parts  # printed 帳票 (rendered into the PDF itself)
    ]


def _asks_for_pdf(url: str, *, post: bool) -> bool:
    """A GET of a ``*.pdf`` URL, or a form posting to a view that answers a PDF (a link to
    such a view only opens its form)."""
    named = re.search(r"{%\s*url\s+['\"]([\w-]+)['\"]", url)
    if named:
        return named[1] in (PDF_NAMES if post else PDF_BY_GET)
    return ".pdf" in url


def _opens_a_new_tab(el: html.HtmlElement) -> bool:
    return el.get("target") == "_blank" and "noopener" in (el.get("rel") or "").split()


def test_the_pdf_views_are_found():
    assert {"zeimu_futsu_notice_pdf", "my_invoice_pdf", "juminkiroku_shomei_issue"} <= PDF_NAMES


def test_every_link_or_form_that_asks_for_a_pdf_opens_a_new_tab():
    found, wrong = [], []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if "<a" not in text and "<form" not in text:
            continue
        tree = html.fragment_fromstring(text, create_parent="div")
        for el in tree.xpath(".//a[@href] | .//form[@action]"):
            url = el.get("href") or el.get("action") or ""
            post = el.tag == "form" and (el.get("method") or "").lower() == "post"
            if _asks_for_pdf(url, post=post):
                found.append(f"{path.relative_to(ROOT)}: {url}")
                if not _opens_a_new_tab(el):
                    wrong.append(found[-1])
    assert not wrong, wrong
    assert len(found) >= 7, found


def test_the_certificate_is_issued_into_a_new_tab_and_the_lookup_stays():
    # The 住民票 form posts to itself: 「対象者を表示」 stays in the tab, 「発行」 opens a new one.
    path = ROOT / "juminkiroku/templates/juminkiroku/certificates/issue.html"
    tree = html.fragment_fromstring(path.read_text(encoding="utf-8"), create_parent="div")
    (form,) = tree.xpath(".//form[.//button[@name='issue']]")
    assert "noopener" in (form.get("rel") or "").split()
    assert form.xpath(".//button[@name='issue']")[0].get("formtarget") == "_blank"
    assert form.xpath(".//button[@name='lookup']")[0].get("formtarget") in (None, "_self")
    assert form.get("target") in (None, "_self")
