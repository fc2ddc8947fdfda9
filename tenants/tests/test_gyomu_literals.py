"""業務 codes are constants: outside ``<app>/gyomu.py`` (and the platform's ``PLATFORM``)
no production code writes a catalogue code as a bare string. An app label that happens to
equal a code (``"juminkiroku"`` in INSTALLED_APPS, ``get_app_config``, ``app_label ==``)
and the ``"platform"`` cache alias are names of other things, and are told apart by where
they stand, not by a list of files."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from tenants.modules.registry import all_modules

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "tenants" / "data" / "gyomu_catalogue.json"
DEFINITIONS = {Path("tenants/modules/spec.py")}


def _codes() -> set[str]:
    rows = json.loads(CATALOGUE.read_text(encoding="utf-8"))["modules"]
    return {row["code"] for row in rows} | {"platform"}


def _production_files() -> list[Path]:
    packages = ["tenants", "config", *(spec.app for spec in all_modules())]
    files: list[Path] = []
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            parts = set(rel.parts)
            if "tests" in parts or "migrations" in parts or rel.name == "gyomu.py":
                continue
            if rel in DEFINITIONS:
                continue
            files.append(rel)
    return files


def _names_something_else(node: ast.Constant, parent: ast.AST | None, rel: Path) -> bool:
    """An app label or a cache alias, not a 業務 code."""
    if rel.parts[:2] == ("config", "settings"):
        return True  # INSTALLED_APPS and cache aliases
    if rel.name == "apps.py":
        return True  # AppConfig.name
    if isinstance(parent, ast.Call) and getattr(parent.func, "attr", "") == "get_app_config":
        return True
    if isinstance(parent, ast.Compare) and any(
        isinstance(x, ast.Attribute) and x.attr == "app_label"
        for x in (parent.left, *parent.comparators)
    ):
        return True
    if isinstance(parent, ast.Subscript) and getattr(parent.value, "id", "") == "caches":
        return True
    return isinstance(parent, ast.keyword) and parent.arg == "app"  # ModuleSpec(app=...)


def literal_codes(rel: Path, codes: set[str], source: str | None = None) -> list[str]:
    text = source if source is not None else (ROOT / rel).read_text(encoding="utf-8")
    tree = ast.parse(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [
        f"{rel}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in codes
        and not _names_something_else(node, parents.get(node), rel)
    ]


def test_no_production_code_writes_a_gyomu_code_as_a_bare_string() -> None:
    codes = _codes()
    found = [hit for rel in _production_files() for hit in literal_codes(rel, codes)]
    assert found == [], "use the constants of <app>/gyomu.py (or PLATFORM):\n" + "\n".join(found)


def test_the_scan_finds_a_bare_code_and_passes_an_app_label() -> None:
    source = (
        'GYOMU = "kojin_juminzei"\n'
        'spec = ModuleSpec(app="juminkiroku")\n'
        'config = apps.get_app_config("juminkiroku")\n'
        'check(model._meta.app_label == "juminkiroku")\n'
    )
    assert literal_codes(Path("zeimu/probe.py"), _codes(), source) == [
        "zeimu/probe.py:1: 'kojin_juminzei'"
    ]
