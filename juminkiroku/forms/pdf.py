"""PDF rendering of 住民記録 certificates (WeasyPrint).

The fetcher refuses every URL except a base64 PNG ``data:`` URI (the 印影 of an
印鑑登録証明書 is embedded that way), so nothing a template or a value contains can make
WeasyPrint read a local file or call a host (STACK-NOTES). WeasyPrint is imported on
first use only: it is heavy, and most processes never print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from tenants.pdf import (  # noqa: F401  (re-exported for the app's tests)
    ExternalResourceRefused,
    png_data_only_fetcher,
    refuse_external,
)


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    """Pages of one copy."""


def render_pdf(template: str, context: dict[str, Any], *, copies: int = 1) -> RenderedPdf:
    """Render ``template`` once and repeat its pages ``copies`` times in one PDF, so every
    copy carries the same 発行番号 and its own last page with the 認証文."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    document = HTML(string=html, url_fetcher=png_data_only_fetcher()).render()
    pages = len(document.pages)
    combined = document.copy(document.pages * max(1, copies))
    pdf: bytes = combined.write_pdf()
    return RenderedPdf(pdf=pdf, pages=pages)
