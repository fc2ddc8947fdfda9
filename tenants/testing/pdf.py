"""Reading a generated PDF back as text in tests (WeasyPrint certificates, Typst notices)."""

from __future__ import annotations

import io
import re
import subprocess
from typing import Any

from pypdf import PdfReader


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext), with every kind of white space removed."""
    assert pdf.startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [squash(p) for p in pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", " "))


def pdf_layout_pages(pdf: bytes) -> list[str]:
    """The text of each page as ``pdftotext -layout`` places it (lines and columns by their
    position on the page, whatever the order of the content stream), unsquashed: two PDFs
    with the same layout text show the same words at the same places."""
    assert pdf.startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def pdf_placed_forms(pdf: bytes) -> list[int]:
    """How many form objects (XObjects: the images of a static form's parts) each page places;
    a form that changes no place on a page places the same count."""
    pages: list[Any] = list(PdfReader(io.BytesIO(pdf)).pages)
    return [len(p["/Resources"].get("/XObject", {})) for p in pages]
