"""tenants.pdf: the one WeasyPrint wrapper (fetcher, fonts, copies)."""

from __future__ import annotations

import gc
import io
import threading
import weakref
from typing import Any

import pytest
from django.test import override_settings
from pypdf import PdfReader

import tenants.pdf
from tenants.pdf import (
    ExternalResourceRefused,
    PdfFontMissing,
    check_fonts,
    installed_families,
    render_pdf,
    render_pdf_each,
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


@override_settings(TEMPLATES=LOCMEM)
def test_no_font_configuration_outlives_its_document(monkeypatch) -> None:
    # given: every FontConfiguration WeasyPrint makes is watched, and the automatic cyclic
    # collector is off (in a web worker it runs a full collection rarely: documents, each
    # holding a Pango font map and the fonts' pages, piled up 4 to 17 at a time)
    from weasyprint.text.fonts import FontConfiguration

    made: list[weakref.ref[Any]] = []
    original = FontConfiguration.__init__

    def watched(self: Any) -> None:
        original(self)
        made.append(weakref.ref(self))

    monkeypatch.setattr(FontConfiguration, "__init__", watched)
    # as in a server process (tenants.pdf.prepare_server_process, without freezing this
    # test process's objects for good)
    monkeypatch.setattr(tenants.pdf, "_collect_after_each", True)
    texts: dict[str, list[str]] = {}
    alive_after: dict[str, list[int]] = {}

    def print_three(name: str) -> None:
        pdfs = []
        for call in (
            lambda: render_pdf("t.html", {"name": "𠮷田　花子", "image": ""}).pdf,
            lambda: render_pdf("t.html", {"name": "髙橋　一郎", "image": ""}, copies=2).pdf,
            lambda: render_pdf_each("t.html", [{"name": "渡邊　次郎", "image": ""}] * 2).pdf,
        ):
            pdfs.append(call())
            alive_after.setdefault(name, []).append(sum(r() is not None for r in made))
        texts[name] = [PdfReader(io.BytesIO(p)).pages[0].extract_text() for p in pdfs]

    # when: two threads (a gunicorn worker's) print three documents each
    gc.disable()
    try:
        threads = [threading.Thread(target=print_three, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        # and: one more document afterwards, in this thread
        render_pdf("t.html", {"name": "x", "image": ""})
    finally:
        gc.enable()

    # then: each document had its own configuration, and they do not pile up: after a
    # document is written only those of the other thread's documents can be alive (the one
    # being laid out: 2 with render_pdf_each's two copies; and one finished while this
    # thread was collecting, as a gc.collect() during another returns at once), and after
    # the next document none is left (without the collection: 2, 5 and 8, then 9); every
    # name printed
    assert len(made) == 9  # 1 + 1 + 2 (one a copy) in each thread, then 1
    assert all(n <= 4 for counts in alive_after.values() for n in counts), alive_after
    assert sum(r() is not None for r in made) == 0
    for name in ("a", "b"):
        assert [t.split()[0] for t in texts[name]] == ["𠮷田", "髙橋", "渡邊"]
