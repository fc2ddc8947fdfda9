"""The one WeasyPrint wrapper: documents issued one at a time (証明書, 明細書, 請求書).

:func:`render_pdf` renders a Django template to PDF for every module, with

- **the fetcher** that refuses every URL except a base64 PNG ``data:`` URI (an 印影 or a
  logo embedded in the HTML), so nothing a template or a value contains can make
  WeasyPrint read a local file or call a host (STACK-NOTES; WeasyPrint >= 70 wants a
  ``URLFetcher`` instance);
- **fonts**: WeasyPrint finds fonts through fontconfig, so the wrapper checks once per
  process that each family chain the templates name (:data:`FONT_CHAINS`: ゴシック for
  statements, 明朝 for certificates) has an installed member, and refuses to print
  otherwise: a certificate in a substituted font that lacks 𠮷 would print a blank box;
- **copies**: the document is laid out once and its pages repeated, so every copy of a
  certificate carries the same 発行番号 and its own last page with the 認証文;
- **memory**: a laid-out WeasyPrint document sits in reference cycles (styles, layout
  context, closures) that hold its ``FontConfiguration``: fontconfig's font set, a Pango
  font map and the CJK fonts' mapped pages, ≈ 50 MiB a document. Only Python's cyclic
  collector frees them, and in a web worker (≈ 180,000 long-lived objects) it runs a full
  collection rarely: 4 threads printing certificates had 4–17 of them alive, RSS swinging
  between 580 and 1,290 MiB. :func:`_release` collects right after each document is
  written in a server process (:func:`prepare_server_process`, which first freezes the
  process's long-lived objects so that the collection is cheap), so a worker holds one
  configuration a thread printing at that moment (400–620 MiB, no trend;
  docs/benchmarks.md, "2026-12-06 night: the gunicorn memory"). One
  configuration kept per thread instead was flat at ≈ 700 MiB, and other threads'
  collections would finalise Pango objects of a font map still in use by its own thread:
  a hazard, as Pango font maps are meant to be used by one thread.

Mass printing (1,000s of pages) is Typst, not this: ``tenants.printing``.
WeasyPrint is imported on first use only: it is heavy, and most processes never print.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gc
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

ALLOWED_DATA_PREFIX = "data:image/png;base64,"


#: CSS font-family chains the WeasyPrint templates use; one member of each must be installed
#: (Debian fonts-noto-cjk and fonts-ipaexfont, installed by bin/services and the Dockerfile)
FONT_CHAINS: dict[str, tuple[str, ...]] = {
    "ゴシック": ("Noto Sans CJK JP", "IPAexGothic"),
    "明朝": ("Noto Serif CJK JP", "IPAmjMincho", "IPAexMincho"),
}


class ExternalResourceRefused(ValueError):
    pass


class PdfFontMissing(RuntimeError):
    """No font of a family chain is installed: printing would substitute glyphs."""


def _decode_png_data_uri(url: str) -> bytes:
    if not url.startswith(ALLOWED_DATA_PREFIX):
        raise ExternalResourceRefused("外部リソースの読み込みは許可されていません")
    try:
        return base64.b64decode(url[len(ALLOWED_DATA_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ExternalResourceRefused("埋め込み画像が正しくありません") from exc


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PngDataOnlyFetcher(URLFetcher):
        """WeasyPrint (>= 70) fetcher that decodes a base64 PNG data URI itself and
        refuses every other URL: no urllib handler (file, http, ftp) is ever reached."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            body = _decode_png_data_uri(url)
            return URLFetcherResponse(url, body, {"Content-Type": "image/png"})

    return PngDataOnlyFetcher


def png_data_only_fetcher() -> Any:
    """A new fetcher instance to pass as WeasyPrint's ``url_fetcher``."""
    return _fetcher_class()()


def refuse_external(url: str) -> Any:
    """Fetch ``url`` the way the renderer would: a PNG data URI or ExternalResourceRefused."""
    return png_data_only_fetcher().fetch(url)


@functools.cache
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows (the fonts WeasyPrint can use), read once."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        value = ffi.new("FcChar8 **")
        names: set[str] = set()
        for i in range(fonts.nfont if fonts != ffi.NULL else 0):
            n = 0
            while fontconfig.FcPatternGetString(fonts.fonts[i], b"family", n, value) == 0:
                names.add(ffi.string(value[0]).decode("utf-8", "replace"))
                n += 1
        return frozenset(names)
    finally:
        fontconfig.FcConfigDestroy(config)


def check_fonts(families: frozenset[str] | None = None) -> None:
    """PdfFontMissing (Japanese) unless every chain of FONT_CHAINS has a member."""
    have = installed_families() if families is None else families
    missing = [
        f"{kind}（{'・'.join(chain)}）"
        for kind, chain in FONT_CHAINS.items()
        if not any(name in have for name in chain)
    ]
    if missing:
        raise PdfFontMissing(f"帳票のフォントがありません: {'、'.join(missing)}")


_collect_after_each = False  # set by prepare_server_process()


def prepare_server_process() -> None:
    """Called once by a long-lived server process when it has started and before it serves
    anything (gunicorn's ``post_worker_init``: config/gunicorn_conf.py; Celery's
    ``worker_process_init``: config/celery.py). Freezes what it has loaded — Django, the
    apps, settings, caches: ≈ 205,000 objects that live as long as the process — into the
    permanent generation (``gc.freeze``), then turns on the collection after each document
    (:func:`_release`). A full collection of those objects costs ≈ 140 ms (measured on a
    quiet machine): frozen, a collection scans only what was made since (the document just
    written, requests' garbage) and costs well under a millisecond when idle."""
    global _collect_after_each
    gc.collect()
    gc.freeze()
    _collect_after_each = True


def _release() -> None:
    """In a server process, free the documents just written (and any other thread's
    finished ones) at once. Elsewhere (tests, management commands: short-lived, their
    objects not frozen, a collection would cost ≈ 140 ms) the collector's own schedule
    frees them. A call while another thread collects returns at once: that thread's
    collection or the next document's frees the rest."""
    if _collect_after_each:
        gc.collect()


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    """Pages of one copy."""


def render_pdf(template: str, context: dict[str, Any], *, copies: int = 1) -> RenderedPdf:
    """Render the Django ``template`` with ``context`` once and repeat its pages
    ``copies`` times in one PDF."""
    from weasyprint import HTML

    check_fonts()
    html = render_to_string(template, context)
    document = HTML(string=html, url_fetcher=png_data_only_fetcher()).render()
    pages = len(document.pages)
    if copies > 1:
        document = document.copy(document.pages * copies)
    pdf: bytes = document.write_pdf()
    del document
    _release()
    return RenderedPdf(pdf=pdf, pages=pages)


def render_pdf_each(template: str, contexts: list[dict[str, Any]]) -> RenderedPdf:
    """Render ``template`` once per context (one copy each, e.g. a certificate whose every
    copy carries its own 発行番号) and join the pages in one PDF. ``pages`` is the page
    count of the first copy."""
    from weasyprint import HTML

    if not contexts:
        raise ValueError("no copy to render")
    check_fonts()
    documents = [
        HTML(string=render_to_string(template, c), url_fetcher=png_data_only_fetcher()).render()
        for c in contexts
    ]
    first = documents[0]
    pages = len(first.pages)
    joined = first.copy([p for d in documents for p in d.pages]) if len(documents) > 1 else first
    pdf: bytes = joined.write_pdf()
    del documents, first, joined
    _release()
    return RenderedPdf(pdf=pdf, pages=pages)
