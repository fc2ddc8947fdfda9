"""The file answers the fukushi screens share: a PDF shown in the browser's own tab."""

from __future__ import annotations

from django.http import HttpResponse


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    """``pdf`` answered inline (the screens open it in a new tab) as ``name``; the name is
    the record's id, never a person's name (it reaches the browser's history)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
