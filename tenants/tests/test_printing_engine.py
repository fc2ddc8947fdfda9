"""tenants.printing.engine: templates found per app through the module registry."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tenants.modules.spec import ModuleSpec
from tenants.printing import engine
from tenants.printing.engine import FormRenderError, render, template_dirs, template_path
from tenants.testing.pdf import pdf_pages

CARD = """#let data = json(bytes(sys.inputs.data))
#set page(width: 100mm, height: 50mm, margin: 5mm)
#set text(font: ("Noto Sans CJK JP", "IPAexGothic"))
#for (i, item) in data.items.enumerate() {
  if i > 0 { pagebreak() }
  [#data.common.title: #item.name]
}
"""


def test_zeimu_templates_are_found_through_its_module_declaration() -> None:
    # zeimu/module.py declares form_templates="forms/templates"
    dirs = template_dirs()
    path, root = template_path("zeimu/futsu_notice.typ")
    assert dirs["zeimu"] == root and path == root / "futsu_notice.typ"
    assert root.parts[-3:] == ("zeimu", "forms", "templates")
    assert template_path(("zeimu", "tokucho_notice.typ"))[0] == root / "tokucho_notice.typ"
    assert "juminkiroku" not in dirs  # it declares none


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("futsu_notice.typ", "帳票のテンプレート名は「業務アプリ/ファイル名」です"),
        ("juminkiroku/x.typ", "juminkiroku は帳票のテンプレートを宣言していません"),
        ("zeimu/missing.typ", "帳票のテンプレートがありません: zeimu/missing.typ"),
        ("zeimu/../module.py", "帳票のテンプレートがありません"),
    ],
)
def test_names_outside_a_declared_folder_are_refused(name: str, message: str) -> None:
    with pytest.raises(FormRenderError, match=message):
        template_path(name)


def test_any_module_renders_its_own_template_with_data_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given: a module (here declared over zeimu's app, in a folder of its own) with one card
    (tmp_path / "card.typ").write_text(CARD, encoding="utf-8")
    spec = ModuleSpec(app="zeimu", verbose_name="試験", gyomu=(), form_templates=str(tmp_path))
    monkeypatch.setattr(engine, "all_modules", lambda: [spec])
    items = [{"name": "𠮷田　花子"}, {"name": '#panic("x") ]*_'}]
    # when
    pdf = render("zeimu/card.typ", common={"title": "保険証"}, items=items)
    # then: one page each; the markup-looking name is printed, not run
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "𠮷田" in reader.pages[0].extract_text()
    assert '#panic("x")' in reader.pages[1].extract_text()
    with pytest.raises(FormRenderError, match="帳票のテンプレートがありません"):
        render("zeimu/futsu_notice.typ", common={}, items=[])  # not in this module's folder


def test_a_big_payload_trims_the_memo_cache_and_prints_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given: a module's card template, and a trim after payloads of 300 bytes or more
    (tmp_path / "card.typ").write_text(CARD, encoding="utf-8")
    spec = ModuleSpec(app="zeimu", verbose_name="試験", gyomu=(), form_templates=str(tmp_path))
    monkeypatch.setattr(engine, "all_modules", lambda: [spec])
    monkeypatch.setattr(engine, "CACHE_TRIM_BYTES", 300)
    trims: list[int] = []
    real_trim = engine.cache_trim

    def counted_trim() -> None:
        trims.append(1)
        real_trim()

    monkeypatch.setattr(engine, "cache_trim", counted_trim)
    small = [{"name": "山田　太郎"}]
    big = [{"name": f"山田　{i}郎"} for i in range(40)]
    # when: a small document, a big one (trimmed after), then both again
    first = [render("zeimu/card.typ", common={"title": "保険証"}, items=x) for x in (small, big)]
    again = [render("zeimu/card.typ", common={"title": "保険証"}, items=x) for x in (small, big)]
    # then: trimmed once after each big one, and every page as before the trim
    assert trims == [1, 1]
    assert [len(PdfReader(io.BytesIO(p)).pages) for p in first] == [1, 40]
    assert [pdf_pages(p) for p in again] == [pdf_pages(p) for p in first]
    assert "山田太郎" in pdf_pages(first[0])[0] and "山田39郎" in pdf_pages(first[1])[39]


CARD_WITH_FORM = """#let data = json(bytes(sys.inputs.data))
#set page(width: 100mm, height: 50mm, margin: 5mm)
#set text(font: ("Noto Sans CJK JP", "IPAexGothic"))
#let form = if "form" in sys.inputs { bytes(json(bytes(sys.inputs.form))) }
#if sys.inputs.at("pass", default: "") == "form" {
  page[#data.common.title（VERSION）]
} else {
  set page(background: if form != none { image(form, format: "pdf", width: 100%) })
  for (i, item) in data.items.enumerate() {
    if i > 0 { pagebreak() }
    v(10mm)
    [#item.name]
  }
}
"""


def test_a_static_form_is_drawn_once_a_template_version_and_common(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given: a card whose title is drawn on a static form (the form pass), names per page
    card = tmp_path / "formcard.typ"
    card.write_text(CARD_WITH_FORM.replace("VERSION", "第1版"), encoding="utf-8")
    spec = ModuleSpec(app="zeimu", verbose_name="試験", gyomu=(), form_templates=str(tmp_path))
    monkeypatch.setattr(engine, "all_modules", lambda: [spec])
    engine._static_form.cache_clear()
    passes: list[str] = []
    real_compile = engine._compile

    def seen_compile(template: Any, inputs: dict[str, str], timestamp: int | None) -> bytes:
        passes.append(inputs.get("pass", "print"))
        return real_compile(template, inputs, timestamp)

    monkeypatch.setattr(engine, "_compile", seen_compile)
    items = [{"name": "山田　太郎"}, {"name": "鈴木　花子"}, {"name": "佐藤　一郎"}]
    # when: two documents of one town, one of another town, then the template is edited
    hayama = [
        render("zeimu/formcard.typ", common={"title": "葉山町"}, items=items, static_form=True)
        for _ in range(2)
    ]
    samukawa = render(
        "zeimu/formcard.typ", common={"title": "寒川町"}, items=items[:1], static_form=True
    )
    card.write_text(CARD_WITH_FORM.replace("VERSION", "第2版"), encoding="utf-8")
    edited = render(
        "zeimu/formcard.typ", common={"title": "葉山町"}, items=items[:1], static_form=True
    )
    # then: one form pass a (template version, common): the second document reused it
    assert passes == ["form", "print", "print", "form", "print", "form", "print"]
    pages = pdf_pages(hayama[0])
    names = [item["name"].replace("　", "") for item in items]
    assert [("葉山町（第1版）" in p, name in p) for p, name in zip(pages, names, strict=True)] == [
        (True, True)
    ] * 3
    # each town's form is its own: 寒川町's page never shows 葉山町's form, nor the reverse
    assert "寒川町（第1版）" in pdf_pages(samukawa)[0] and "葉山町" not in pdf_pages(samukawa)[0]
    assert all("寒川町" not in p for p in pages)
    assert "葉山町（第2版）" in pdf_pages(edited)[0]
    # the form is written once in the PDF: one form XObject, used by all three pages
    reader = PdfReader(io.BytesIO(hayama[0]))
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    used = [{ref.idnum for ref in r["/XObject"].values()} for r in resources]
    assert len(used) == 3 and used[0] == used[1] == used[2] and len(used[0]) == 1
