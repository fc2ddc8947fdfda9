"""PDF rendering for statements (WeasyPrint), with the platform's fetcher that refuses
every URL but an embedded PNG (tenants.pdf)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from tenants.pdf import png_data_only_fetcher


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, url_fetcher=png_data_only_fetcher()).write_pdf()
    return pdf
