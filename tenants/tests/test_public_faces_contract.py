"""The import-linter contract "public faces" (tenants.linting.public_faces) on small
import graphs: what it lets through and what it reports, without naming any subpackage."""

from __future__ import annotations

import grimp

from tenants.linting.public_faces import PublicFacesContract


def _check(*imports: tuple[str, str]) -> list[tuple[str, str]]:
    graph = grimp.ImportGraph()
    for root in ("tenants", "config", "juminkiroku", "zeimu", "kokuho"):
        graph.add_module(root)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    contract = PublicFacesContract(
        name="public faces",
        session_options={},
        contract_options={
            "platform": ["tenants", "config"],
            "faces": ["public"],
            "test_faces": ["tests.factories"],
        },
    )
    check = contract.check(graph, verbose=False)
    broken = [(b["importer"], b["imported"]) for b in check.metadata["broken"]]
    assert check.kept == (not broken)
    return broken


def test_the_public_module_and_own_modules_are_allowed():
    assert (
        _check(
            ("zeimu.jobkinds", "juminkiroku.public"),
            ("kokuho.services.fuka", "zeimu.public"),
            ("zeimu.views.kazei", "zeimu.selectors.kazei"),
            ("juminkiroku.public", "tenants.age"),
        )
        == []
    )


def test_any_other_module_of_another_app_is_refused_even_a_new_one():
    assert _check(
        ("zeimu.selectors.fuka", "juminkiroku.models"),
        ("kokuho.jobkinds", "juminkiroku.meters"),  # a subpackage the contract never named
        ("zeimu.migrations.0009_x", "juminkiroku.models.atena"),
    ) == [
        ("kokuho.jobkinds", "juminkiroku.meters"),
        ("zeimu.migrations.0009_x", "juminkiroku.models.atena"),
        ("zeimu.selectors.fuka", "juminkiroku.models"),
    ]


def test_tests_may_use_published_factories_and_nothing_else():
    assert _check(
        ("zeimu.tests.test_fuka", "juminkiroku.tests.factories"),
        ("zeimu.tests.test_fuka", "juminkiroku.tests.certhelpers"),
        ("zeimu.services.fuka", "juminkiroku.tests.factories"),
    ) == [
        ("zeimu.services.fuka", "juminkiroku.tests.factories"),
        ("zeimu.tests.test_fuka", "juminkiroku.tests.certhelpers"),
    ]


def test_the_platform_imports_no_app_not_even_its_public_face():
    assert _check(
        ("tenants.views.home", "juminkiroku.public"),
        ("config.urls_tenant", "zeimu.urls"),
        ("tenants.modules.registry", "tenants.modules.spec"),
    ) == [
        ("config.urls_tenant", "zeimu.urls"),
        ("tenants.views.home", "juminkiroku.public"),
    ]
