"""The 表形式 of a layout (標準仕様書 10.6: 移行ファイル構成表, 移行ファイル関連図, データ項目
一覧表, コード構成表, コード一覧), derived from the layout's definition: each is a header
and rows, written as CSV into every export bundle and shown on the layout screen, so the
documents can never differ from what the files hold."""

from __future__ import annotations

from dataclasses import dataclass

from juminkiroku.public import HELD_ITEMS
from migration_io.layout import BASIS_WORDS, Layout


@dataclass(frozen=True)
class Table:
    code: str  # the file name stem in a bundle (ASCII)
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _yes(flag: bool) -> str:
    return "○" if flag else ""


def file_table(layout: Layout) -> Table:
    """移行ファイル構成表: one row per file."""
    rows = []
    for n, f in enumerate(layout.files, 1):
        basis = {i.basis for i in f.items}
        kubun = "独自項目ファイル" if f.is_dokuji else "中間標準レイアウト"
        names = {i.id: i.name for i in f.items}
        rows.append(
            (
                str(n),
                f.id,
                f.name,
                kubun,
                f.description,
                "・".join(names[k] for k in f.key),
                str(len(f.items)),
                "・".join(BASIS_WORDS[b] for b in sorted(basis)),
                f"{f.id}.csv / {f.id}.xml",
            )
        )
    return Table(
        "01_ikou_file_kosei",
        "移行ファイル構成表",
        (
            "No",
            "ファイルID",
            "ファイル名",
            "区分",
            "内容",
            "キー項目",
            "項目数",
            "項目の根拠",
            "ファイル",
        ),
        tuple(rows),
    )


def relation_table(layout: Layout) -> Table:
    """移行ファイル関連図, as a table: which items of one file refer to which of another."""
    rows = []
    for n, r in enumerate(layout.relations, 1):
        src = layout.file(r.source)
        dst = layout.file(r.target)
        names = {i.id: i.name for i in src.items}
        dst_names = {i.id: i.name for i in dst.items}
        rows.append(
            (
                str(n),
                r.name,
                f"{src.name}（{src.id}）",
                "・".join(names[i] for i in r.items),
                f"{dst.name}（{dst.id}）",
                "・".join(dst_names[i] for i in r.target_items),
                r.cardinality,
            )
        )
    return Table(
        "02_ikou_file_kanren",
        "移行ファイル関連図",
        ("No", "関連", "参照元ファイル", "参照元項目", "参照先ファイル", "参照先項目", "多重度"),
        tuple(rows),
    )


def item_table(layout: Layout) -> Table:
    """データ項目一覧表: every item of every file."""
    held_labels = {s: {h.name: h.label for h in items} for s, items in HELD_ITEMS.items()}
    rows = []
    for f in layout.files:
        for n, i in enumerate(f.items, 1):
            if i.derive:
                kind = "年号コード" if i.derive == "gengo" else "和暦年月日"
                how = f"{held_labels[f.set][i.of]}の{kind}"
            elif i.const:
                how = "団体コード（出力した団体）"
            else:
                how = held_labels[f.set].get(i.source, "")
            code = layout.code_lists[i.code].name if i.code else ""
            rows.append(
                (
                    f.id,
                    f.name,
                    str(n),
                    i.id,
                    i.name,
                    i.type,
                    "" if i.length is None else str(i.length),
                    _yes(i.required),
                    _yes(i.id in f.key),
                    code,
                    BASIS_WORDS[i.basis],
                    how,
                )
            )
    return Table(
        "03_data_komoku_ichiran",
        "データ項目一覧表",
        (
            "ファイルID",
            "ファイル名",
            "項番",
            "項目ID",
            "項目名",
            "データ型",
            "桁数",
            "必須",
            "キー",
            "コード",
            "根拠",
            "製品の項目",
        ),
        tuple(rows),
    )


def code_structure_table(layout: Layout) -> Table:
    """コード構成表: one row per code list."""
    rows = []
    for cl in layout.code_lists.values():
        width = {len(e.code) for e in cl.entries}
        rows.append(
            (
                cl.id,
                cl.name,
                "・".join(str(w) for w in sorted(width)),
                str(len(cl.entries)),
                BASIS_WORDS.get(cl.basis, cl.basis),
                cl.note,
            )
        )
    return Table(
        "04_code_kosei",
        "コード構成表",
        ("コードID", "コード名", "桁数", "値の数", "根拠", "備考"),
        tuple(rows),
    )


def code_table(layout: Layout) -> Table:
    """コード一覧: every value of every code list, with the product's code it maps to."""
    rows = [
        (cl.id, cl.name, e.code, e.name, e.product)
        for cl in layout.code_lists.values()
        for e in cl.entries
    ]
    return Table(
        "05_code_ichiran",
        "コード一覧",
        ("コードID", "コード名", "コード", "名称", "製品のコード"),
        tuple(rows),
    )


def tables(layout: Layout) -> list[Table]:
    return [
        file_table(layout),
        relation_table(layout),
        item_table(layout),
        code_structure_table(layout),
        code_table(layout),
    ]
