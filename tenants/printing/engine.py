"""Typst, the engine of printed 帳票 in volume (docs/architecture.md, "Printed forms").

**Templates are found per app.** A module declares the folder of its ``.typ`` files in
its ``module.py`` (``ModuleSpec.form_templates``, e.g. ``"forms/templates"``); a template
is named ``"<app>/<file>"`` (``"zeimu/futsu_notice.typ"``) or ``("<app>", "<file>")`` and
resolved through the module registry, so the platform names no app. The folder is the
compiler's root: a template can ``#import`` its neighbours and nothing outside.

**Data in, never markup.** The data goes in as one JSON string (``sys.inputs.data``) that
the template reads with ``json(bytes(...))``, so a name or an address is always text and
never Typst markup (no escaping to get wrong).

**Fonts** come from explicit directories (``JC_FORM_FONT_DIRS``, default the Debian
packages ``fonts-noto-cjk`` and ``fonts-ipaexfont`` that ``bin/services`` installs) and
system fonts are ignored, so a page looks the same on every machine that has those files.
One compiler per template and process is kept: building it scans the fonts (≈70 ms);
a compile then costs ≈1.5 ms a page when many notices share one document (STACK-NOTES,
bench/notices.py).

**Typst's memo cache** (comemo) is global to the process and keeps what a compile laid
out until ten later compiles have not used it: a chunk of 1,000 notices leaves ≈500 MB,
so a worker printing chunk after chunk grew to ≈3 GB and each compile slowed down with
the cache it searched and the memory it faulted in (docs/profiles/notices.md). After a
big document, :func:`compile_payload` compiles an empty document :data:`CACHE_TRIM_COMPILES`
times (≈0.05 ms each), which ages the chunk's entries out; what every chunk shares (the
template, fonts, the static frames) is rebuilt once by the next compile.

**Static forms.** A template may draw what is the same on every page (ruled frames,
headings, labels) once, into a separate PDF, and place its pages as images on every
page (Typst 0.14+ places a PDF page as an image; the output PDF holds each form page
once, as one XObject). :func:`render` with ``static_form=True`` first compiles the
template with ``sys.inputs.pass == "form"`` over ``common`` alone (no items), then hands
that PDF to the real compile as ``sys.inputs.form`` (a JSON array of its bytes: the
binding passes strings only). The form is a cached artifact of the template file's
bytes and ``common``: the mass print and the reprint of one notice place the same form.

**The static-form kit** is the platform's Typst package ``@local/jc-form:0.1.0``
(:data:`PACKAGE_PATH`, ``tenants/printing/typst/local/jc-form``), the only package a
template can import besides its neighbours: the frames of ruled tables, the places of their
values, a template's form parts and their images (``static-form``, ``form-part``,
``form-table``, ``form-document``). Every module's annual notice (住民税, 国保税, 介護保険料)
draws its fixed parts with it, so a gain there is every module's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from tenants.modules.registry import all_modules

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",  # fonts-noto-cjk: Noto Sans CJK JP (has 𠮷 U+20BB7)
    "/usr/share/fonts/opentype/ipaexfont-gothic",  # fonts-ipaexfont: fallback
)
FONT_FAMILIES = ("Noto Sans CJK JP", "IPAexGothic")  # the templates' fallback chain
#: the platform's Typst packages (``@local/<name>:<version>``), e.g. the static-form kit
PACKAGE_PATH = Path(__file__).resolve().parent / "typst"

#: after a payload this long (≈200 notices), the memo cache is trimmed (module doc)
CACHE_TRIM_BYTES = 200_000
#: typst-py ends each compile with ``comemo::evict(10)``: ten compiles age an entry out
CACHE_TRIM_COMPILES = 10

#: the form's PDF creation date: fixed, so the same template and ``common`` give the same
#: form bytes, and a chunk rendered again the same PDF (UNIX seconds, 2000-01-01 UTC)
FORM_TIMESTAMP = 946_684_800
#: static forms kept a process (template version × ``common``: issuer, year, date)
FORM_CACHE_SIZE = 16

#: ``"zeimu/futsu_notice.typ"`` or ``("zeimu", "futsu_notice.typ")``
TemplateName = str | tuple[str, str]


class FormRenderError(RuntimeError):
    """A template is missing or failed to compile (a bug in the template, a missing
    font). The message names the template and line, never the data."""


def font_dirs() -> list[str]:
    dirs = getattr(settings, "JC_FORM_FONT_DIRS", None) or DEFAULT_FONT_DIRS
    return [d for d in dirs if Path(d).is_dir()]


def template_dirs() -> dict[str, Path]:
    """App label → its form-template folder, for every module that declares one."""
    found: dict[str, Path] = {}
    for spec in all_modules():
        if spec.form_templates:
            found[spec.app] = Path(apps.get_app_config(spec.app).path) / spec.form_templates
    return found


def _split(template: TemplateName) -> tuple[str, str]:
    if isinstance(template, tuple):
        return template
    app, sep, name = template.partition("/")
    if not sep or not name:
        raise FormRenderError(f"帳票のテンプレート名は「業務アプリ/ファイル名」です: {template}")
    return app, name


def template_path(template: TemplateName) -> tuple[Path, Path]:
    """(file, root) of a template: FormRenderError when the app declares no templates,
    the file does not exist, or the name leaves the app's folder."""
    app, name = _split(template)
    root = template_dirs().get(app)
    if root is None:
        raise FormRenderError(f"{app} は帳票のテンプレートを宣言していません（module.py）。")
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise FormRenderError(f"帳票のテンプレートがありません: {app}/{name}")
    return path, root


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
def _compiler(path: Path, root: Path) -> tuple[Any, threading.Lock]:
    import typst

    compiler = typst.Compiler(
        input=str(path),
        root=str(root),
        font_paths=_fonts(),
        ignore_system_fonts=True,
        package_path=str(PACKAGE_PATH),
    )
    # A compiler keeps its sources and caches between calls: one call at a time.
    return compiler, threading.Lock()


@functools.cache
def _blank() -> tuple[Any, threading.Lock]:
    import typst

    return typst.Compiler(input=b" ", font_paths=[], ignore_system_fonts=True), threading.Lock()


def cache_trim() -> None:
    """Age everything out of Typst's memo cache that the last compiles used (module doc):
    empty compiles, each of which ends with typst-py's ``comemo::evict(10)``."""
    blank, lock = _blank()
    with lock:
        for _ in range(CACHE_TRIM_COMPILES):
            blank.compile(input=b" ", format="pdf")


def payload(common: dict[str, Any], items: Sequence[dict[str, Any]]) -> str:
    """The one JSON string a template reads as ``sys.inputs.data``."""
    return json.dumps({"common": common, "items": list(items)}, ensure_ascii=False)


def _compile(template: TemplateName, inputs: dict[str, str], timestamp: int | None) -> bytes:
    import typst

    compiler, lock = _compiler(*template_path(template))
    try:
        with lock:
            pdf = compiler.compile(format="pdf", sys_inputs=inputs, timestamp=timestamp)
    except typst.TypstError as exc:
        # The diagnostic names the template line, never the data.
        name = "/".join(_split(template))
        raise FormRenderError(f"{name}: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf


@functools.lru_cache(maxsize=FORM_CACHE_SIZE)
def _static_form(template: tuple[str, str], version: str, common: str) -> str:
    """The form of ``template`` at ``version`` (its bytes' digest) for ``common``, as the
    string the template reads as ``sys.inputs.form`` (module doc)."""
    del version  # the cache key: an edited template draws its form again
    data = json.dumps({"common": json.loads(common), "items": []}, ensure_ascii=False)
    pdf = _compile(template, {"data": data, "pass": "form"}, FORM_TIMESTAMP)
    return json.dumps(list(pdf), separators=(",", ":"))


def static_form_of(template: TemplateName, common: dict[str, Any]) -> str:
    """The static form of ``template`` for ``common`` (cached, module doc)."""
    path, _root = template_path(template)
    digest = hashlib.sha256(path.read_bytes())
    for kit in sorted(PACKAGE_PATH.rglob("*.typ")):  # an edited kit draws the forms again
        digest.update(kit.read_bytes())
    version = digest.hexdigest()
    return _static_form(_split(template), version, json.dumps(common, ensure_ascii=False))


def compile_payload(
    template: TemplateName,
    data: str,
    *,
    timestamp: datetime | None = None,
    form: str | None = None,
) -> bytes:
    """Compile ``template`` over an already-built :func:`payload` on this process's warm
    compiler: Typst's own part of :func:`render` (the benchmark's "Typst alone"), with the
    template's :func:`static_form_of` when given. After a big payload (a chunk), the memo
    cache is trimmed (module doc)."""
    inputs = {"data": data} if form is None else {"data": data, "form": form}
    # whole seconds (typst refuses microseconds)
    pdf = _compile(template, inputs, int(timestamp.timestamp()) if timestamp else None)
    if len(data) >= CACHE_TRIM_BYTES:
        cache_trim()
    return pdf


def render(
    template: TemplateName,
    *,
    common: dict[str, Any],
    items: Sequence[dict[str, Any]],
    timestamp: datetime | None = None,
    static_form: bool = False,
) -> bytes:
    """Compile ``template`` over ``items`` (one document each, e.g. one notice) into one
    PDF; ``common`` holds what every item shares (title, issuer, date).

    ``timestamp`` is written as the PDF's creation date; pass a fixed one (the job's
    creation time) so a chunk that renders again produces the same bytes.
    ``static_form``: the template draws its static parts once (module doc).
    """
    form = static_form_of(template, common) if static_form else None
    return compile_payload(template, payload(common, items), timestamp=timestamp, form=form)


def text_ems(text: str) -> float:
    """The width of ``text`` in em of its font size, as a fixed cell of a static form
    sees it: ASCII and half-width kana 0.6 em (the Noto digits are ≈0.55), everything
    else (kanji, kana, full-width signs) one. A template's Python side tells by it
    whether a value fits a cell of fixed width or needs the flowing table."""
    return sum(0.6 if ord(c) < 0x80 or 0xFF61 <= ord(c) <= 0xFF9F else 1.0 for c in text)


def fits(text: str, width_mm: float, size_pt: float, *, padding_pt: float = 8.0) -> bool:
    """Whether ``text`` at ``size_pt`` fits on one line in a cell ``width_mm`` wide with
    ``padding_pt`` in all (:func:`text_ems`; 1 pt = 0.3528 mm)."""
    return text_ems(text) * size_pt * 0.3528 <= width_mm - padding_pt * 0.3528
