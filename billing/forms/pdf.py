"""PDF rendering for statements: the platform's WeasyPrint wrapper (tenants.pdf: the
fetcher that refuses every URL but an embedded PNG, the font check)."""

from __future__ import annotations

from typing import Any

from tenants.pdf import render_pdf as platform_render_pdf


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return platform_render_pdf(template, context).pdf
