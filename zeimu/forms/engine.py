"""Typst, the engine of printed 帳票 in volume (docs/architecture.md, "Printed forms").

One ``.typ`` template per form under ``zeimu/forms/templates/``; the data goes in as one
JSON string (``sys.inputs.data``) that the template reads with ``json(bytes(...))``, so a
name or an address is always text and never Typst markup (no escaping to get wrong).

Fonts come from explicit directories (``JC_FORM_FONT_DIRS``, default the Debian packages
``fonts-noto-cjk`` and ``fonts-ipaexfont`` that ``bin/services`` installs) and system
fonts are ignored, so a page looks the same on every machine that has those files.
One compiler per template and process is kept: building it scans the fonts (≈70 ms);
a compile then costs ≈1.5 ms a page when many notices share one document (STACK-NOTES,
bench/notices.py).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # fonts-noto-cjk: Noto Sans CJK JP (has 𠮷 U+20BB7)
    "/usr/share/fonts/opentype/ipaexfont-gothic",  # fonts-ipaexfont: fallback
)
FONT_FAMILIES = ("Noto Sans CJK JP", "IPAexGothic")  # the templates' fallback chain


class FormRenderError(RuntimeError):
    """A template failed to compile (a bug in the template, or a missing font)."""


def font_dirs() -> list[str]:
    dirs = getattr(settings, "JC_FORM_FONT_DIRS", None) or DEFAULT_FONT_DIRS
    return [d for d in dirs if Path(d).is_dir()]


@functools.cache
def _fonts() -> Any:
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=font_dirs()
    )
    missing = [f for f in FONT_FAMILIES[:1] if f not in fonts.families()]
    if missing:
        raise FormRenderError(
            f"帳票のフォントがありません: {', '.join(missing)}（{', '.join(font_dirs())}）"
        )
    return fonts


@functools.cache
def _compiler(template: str) -> tuple[Any, threading.Lock]:
    import typst

    path = TEMPLATE_DIR / template
    if not path.is_file():
        raise FormRenderError(f"帳票のテンプレートがありません: {template}")
    compiler = typst.Compiler(
        input=str(path), root=str(TEMPLATE_DIR), font_paths=_fonts(), ignore_system_fonts=True
    )
    # A compiler keeps its sources and caches between calls: one call at a time.
    return compiler, threading.Lock()


def render(
    template: str,
    *,
    common: dict[str, Any],
    items: Sequence[dict[str, Any]],
    timestamp: datetime | None = None,
) -> bytes:
    """Compile ``template`` over ``items`` (one notice each) into one PDF.

    ``timestamp`` is written as the PDF's creation date; pass a fixed one (the job's
    creation time) so a chunk that renders again produces the same bytes.
    """
    import typst

    compiler, lock = _compiler(template)
    payload = json.dumps({"common": common, "items": list(items)}, ensure_ascii=False)
    try:
        with lock:
            pdf = compiler.compile(
                format="pdf",
                sys_inputs={"data": payload},
                # whole seconds (typst refuses microseconds)
                timestamp=int(timestamp.timestamp()) if timestamp else None,
            )
    except typst.TypstError as exc:
        # The diagnostic names the template line, never the data.
        raise FormRenderError(f"{template}: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf
