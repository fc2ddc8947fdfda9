"""The module registry: every installed business app's declaration agrees with the
catalogue, resolves, and a wrong declaration is refused at discovery."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path

import pytest
from django.urls import reverse

from tenants.models import RoleLevel
from tenants.modules import registry
from tenants.modules.spec import (
    LEVEL_ADMIN,
    LEVEL_READ,
    LEVEL_WRITE,
    GrantDecl,
    ModuleSpec,
)

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "gyomu_catalogue.json"


def _catalogue() -> dict[str, dict[str, object]]:
    rows = json.loads(CATALOGUE.read_text(encoding="utf-8"))["modules"]
    return {row["code"]: row for row in rows}


def test_the_installed_business_apps_are_found() -> None:
    assert [spec.app for spec in registry.all_modules()] == [
        "billing",
        "juminkiroku",
        "zeimu",
        "migration_io",
        "kokuho",
        "kaigo",
        "fukushi",
    ]


def test_every_declared_gyomu_is_a_catalogue_row_of_that_app() -> None:
    catalogue = _catalogue()
    for spec in registry.all_modules():
        for code in spec.gyomu:
            assert code in catalogue, code
            assert catalogue[code]["app"] == spec.app, code


def test_every_implemented_catalogue_row_is_declared_by_a_module() -> None:
    implemented = {code for code, row in _catalogue().items() if row["implemented"]}
    assert implemented <= registry.implemented_gyomu()


def test_role_levels_of_the_spec_are_the_platform_levels() -> None:
    assert (LEVEL_READ, LEVEL_WRITE, LEVEL_ADMIN) == (
        RoleLevel.READ,
        RoleLevel.WRITE,
        RoleLevel.ADMIN,
    )


def test_every_declared_path_imports_and_every_entry_reverses() -> None:
    for spec in registry.all_modules():
        for attr in ("jobkinds", "subscribers", "events", "meters"):
            path = getattr(spec, attr)
            if path:
                import_module(path)
        for mount in (*spec.urls, *spec.api_urls, *spec.portal_urls, *spec.portal_api_urls):
            assert isinstance(registry.urlpatterns_of(mount.urlconf), list), mount
        for code, url_name in spec.entries.items():
            assert reverse(url_name, urlconf="config.urls_tenant"), code
        for link in spec.menu:
            assert reverse(link.url_name, urlconf="config.urls_tenant")
        for link in spec.portal_menu:
            assert reverse(link.url_name, urlconf="config.urls_public")


def _spec(app: str, gyomu: tuple[str, ...], **kw: object) -> ModuleSpec:
    return ModuleSpec(app=app, verbose_name=app, gyomu=gyomu, **kw)  # type: ignore[arg-type]


def test_two_modules_claiming_one_gyomu_are_refused() -> None:
    with pytest.raises(registry.ModuleDeclarationError, match="declared by both"):
        registry._check([_spec("a", ("x",)), _spec("b", ("x",))])


def test_an_entry_for_a_gyomu_the_module_does_not_declare_is_refused() -> None:
    with pytest.raises(registry.ModuleDeclarationError, match="undeclared 業務"):
        registry._check([_spec("a", ("x",), entries={"y": "y_home"})])


def test_a_persona_grant_the_module_does_not_declare_is_refused() -> None:
    grants = (GrantDecl("a_ok", "可", "x"),)
    with pytest.raises(registry.ModuleDeclarationError, match="undeclared grant"):
        registry._check([_spec("a", ("x",), grants=grants, persona_grants={"admin": ("a_no",)})])
    with pytest.raises(registry.ModuleDeclarationError, match="grant 'a_ok'"):
        registry._check([_spec("a", ("x",), grants=grants), _spec("b", ("y",), grants=grants)])


def test_module_links_show_in_the_nav_by_role_and_on_the_portal(
    world: object, login: object
) -> None:
    from tests.personas import ALPHA_HOST, PORTAL_HOST

    # given: billing declares 負担金 for a town administrator and on the portal
    admin = login("hayama-admin", ALPHA_HOST)  # type: ignore[operator]
    clerk = login("hayama-clerk", ALPHA_HOST)  # type: ignore[operator]
    office = login("office", PORTAL_HOST)  # type: ignore[operator]
    # when
    admin_top = admin.get("/").content.decode()
    clerk_top = clerk.get("/").content.decode()
    portal_top = office.get("/").content.decode()
    # then
    assert f'<a href="{reverse("my_statements", urlconf="config.urls_tenant")}">負担金</a>' in (
        admin_top
    )
    assert ">負担金</a>" not in clerk_top
    assert f'href="{reverse("billing_home", urlconf="config.urls_public")}">負担金</a>' in (
        portal_top
    )


def test_demo_commands_run_in_the_declared_order() -> None:
    # 負担金 first (the consortium's pools), then the registry, then tax data on residents,
    # then 国保 and 介護保険 資格 on residents, then 福祉 (its allowances read the 所得)
    assert [command for _, command in registry.demo_commands()] == [
        "load_billing_demo",
        "juminkiroku_demo",
        "zeimu_demo",
        "kokuho_demo",
        "kaigo_demo",
        "fukushi_demo",
    ]


def test_the_system_check_reports_a_wrong_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    from tenants.modules import checks

    # given: a module whose declared job kinds do not exist
    broken = _spec("zeimu", ("kojin_juminzei",), jobkinds="zeimu.no_such_module")
    monkeypatch.setattr(registry, "all_modules", lambda: [broken])
    # when
    errors = checks.check_modules()
    # then
    assert [e.id for e in errors] == ["modules.E002"]
    assert "zeimu.no_such_module" in errors[0].msg


def test_the_system_check_passes_on_the_installed_modules() -> None:
    from tenants.modules import checks

    assert checks.check_modules() == []


def test_every_business_app_is_under_the_import_contracts() -> None:
    # A new app joins the contracts' root packages, or lint-imports would not look at it.
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    roots = set(config["tool"]["importlinter"]["root_packages"])
    assert {"tenants", "config"} <= roots
    assert {spec.app for spec in registry.all_modules()} <= roots
