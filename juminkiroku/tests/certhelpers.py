"""Helpers shared by the certificate tests: read a PDF back as text, set the 認証者,
make a small PNG 印影."""

from __future__ import annotations

import io
import re
import subprocess

from tenants.params.tenant.models import MunicipalParameter

NINSHOSHA_NAME = "葉山　守"


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


def set_ninshosha(value: object = None) -> None:
    MunicipalParameter.objects.create(
        key="juminkiroku.ninshosha",
        fiscal_year_from=2000,
        value={"shimei": NINSHOSHA_NAME} if value is None else value,
        source="テスト（職務の代理等はなし）",
        created_by="test",
    )


def png_bytes(size: tuple[int, int] = (120, 120), *, noise: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size[0] - 4, size[1] - 4), outline="red", width=6)
    if noise:
        import os

        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
