"""Helpers shared by the certificate tests: set the 認証者 (and the town's 公印, which
every certificate prints by default: 標準仕様書 5.6), make a small PNG 印影.
(Reading a PDF back as text is the platform's: tenants.testing.pdf.)"""

from __future__ import annotations

import io

from tenants.params.tenant.models import MunicipalParameter

NINSHOSHA_NAME = "葉山　守"


def set_koin(kind: str = "chocho", *, size: tuple[int, int] = (96, 96)) -> int:
    """Register a 公印 from 2000-01-01 (directly: the service is tested on its own)."""
    import hashlib
    from datetime import date

    from juminkiroku.models import Koin

    image = png_bytes(size)
    return Koin.objects.create(
        kind=kind,
        image=image,
        image_sha256=hashlib.sha256(image).hexdigest(),
        valid_from=date(2000, 1, 1),
        registered_by="test",
    ).pk


def set_ninshosha(value: object = None, *, koin: bool = True) -> None:
    if koin:
        set_koin()
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
