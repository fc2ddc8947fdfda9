"""PDF rendering for statements (WeasyPrint). Refuses every URL but data: URIs, so
nothing a template or a value contains can make it fetch a file or a host (STACK-NOTES)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url)
    raise ValueError("外部リソースの読み込みは許可されていません")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return pdf
