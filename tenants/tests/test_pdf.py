"""tenants.pdf: the one WeasyPrint wrapper (fetcher, fonts, copies)."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from pypdf import PdfReader

from tenants.pdf import (
    ExternalResourceRefused,
    PdfFontMissing,
    check_fonts,
    installed_families,
    render_pdf,
)

PAGE = """<html><head><style>
@page { size: A4; margin: 20mm }
body { font-family: "Noto Serif CJK JP", "IPAexMincho", serif }
.break { page-break-before: always }
</style></head><body><p>{{ name }}</p><p class="break">認証文</p>
{% if image %}<img src="{{ image }}">{% endif %}</body></html>"""

LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"t.html": PAGE})]},
    }
]


@override_settings(TEMPLATES=LOCMEM)
def test_copies_repeat_the_pages_of_one_layout() -> None:
    # when
    rendered = render_pdf("t.html", {"name": "𠮷田　花子", "image": ""}, copies=3)
    # then
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == 2
    assert len(reader.pages) == 6
    assert "𠮷田" in reader.pages[0].extract_text()
    assert "認証文" in reader.pages[5].extract_text()


@override_settings(TEMPLATES=LOCMEM)
def test_a_url_in_the_page_is_refused_and_an_embedded_png_is_not(caplog) -> None:
    # given: a 1×1 PNG as a data URI, and a local file's URL
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
        "nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    )
    # when
    with caplog.at_level("WARNING", logger="weasyprint"):
        refused = render_pdf("t.html", {"name": "x", "image": "file:///etc/hostname"})
        embedded = render_pdf("t.html", {"name": "x", "image": png})
    # then: WeasyPrint reports the refusal and draws no image; the PNG is drawn
    assert "外部リソースの読み込みは許可されていません" in caplog.text
    assert b"/Subtype /Image" not in refused.pdf
    assert b"/Subtype /Image" in embedded.pdf


def test_fonts_of_every_chain_are_installed_here() -> None:
    families = installed_families()
    assert "Noto Sans CJK JP" in families or "IPAexGothic" in families
    check_fonts()


def test_a_missing_font_chain_refuses_to_print() -> None:
    with pytest.raises(PdfFontMissing) as caught:
        check_fonts(frozenset({"Noto Sans CJK JP", "DejaVu Serif"}))
    assert str(caught.value) == (
        "帳票のフォントがありません: 明朝（Noto Serif CJK JP・IPAmjMincho・IPAexMincho）"
    )


def test_refusal_type_is_the_platform_one() -> None:
    from tenants.pdf import refuse_external

    with pytest.raises(ExternalResourceRefused):
        refuse_external("http://example.invalid/x.png")
