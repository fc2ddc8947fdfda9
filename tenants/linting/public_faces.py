"""import-linter contract "public faces": business apps meet only through ``<app>.public``.

Every root package of the import-linter configuration that is not the platform is a
business app. For every direct import between two different modules of the graph:

- the platform (``tenants``, ``config``) imports no business app at all;
- a business app imports another business app only as ``<other>.public`` (or a module
  inside it, should it become a package) or ``<other>.events`` (its declared events, to
  subscribe by the typed declaration);
- an app's tests (``<app>.tests.*``) may also import ``<other>.tests.factories``, the
  other app's published test factories.

Everything else in an app is private, so a new subpackage (``juminkiroku.meters``) is
protected the day it is written, and a new app is covered by adding it to
``root_packages``. There is deliberately no ignore list. Django migrations name other apps
by string (``"juminkiroku.Atena"``), which is not an import; a migration that did import
another app's module would be reported like any other module.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicFacesContract(Contract):
    type_name = "public_faces"

    platform = fields.ListField(subfield=fields.StringField())
    faces = fields.ListField(subfield=fields.StringField(), required=False)
    test_faces = fields.ListField(subfield=fields.StringField(), required=False)
    tests_package = fields.StringField(required=False, default="tests")

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        platform = set(_strings(self.platform, []))
        faces = _strings(self.faces, ["public"])
        roots = {m for m in graph.modules if "." not in m}
        apps = roots - platform
        broken: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            source = importer.split(".")[0]
            if source not in roots:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = imported.split(".")[0]
                if target == source or target not in apps:
                    continue
                if source in platform:
                    reason = "the platform imports no business app"
                elif self._allowed(importer, imported, source, target):
                    continue
                else:
                    allowed = ", ".join(f"{target}.{f}" for f in faces)
                    reason = f"only {allowed} is public"
                lines = sorted(
                    {
                        d["line_number"]
                        for d in graph.get_import_details(importer=importer, imported=imported)
                    }
                )
                broken.append(
                    {"importer": importer, "imported": imported, "lines": lines, "reason": reason}
                )
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def _allowed(self, importer: str, imported: str, source: str, target: str) -> bool:
        faces = _strings(self.faces, ["public"])
        test_faces = _strings(self.test_faces, ["tests.factories"])
        if _is_under(imported, [f"{target}.{f}" for f in faces]):
            return True
        in_tests = _is_under(importer, [f"{source}.{self.tests_package}"])
        return in_tests and _is_under(imported, [f"{target}.{f}" for f in test_faces])

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            where = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} ({where}): {item['reason']}",
                bold=False,
            )
            output.new_line()


def _is_under(module: str, packages: list[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _strings(value: object, default: list[str]) -> list[str]:
    """A list option as populated by import-linter (the class attribute is its field)."""
    return [str(v) for v in value] if isinstance(value, list | tuple | set) and value else default
