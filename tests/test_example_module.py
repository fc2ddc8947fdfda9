"""The module kit's walkthrough, proven: the example module under tests/example_module is
installed at run time (INSTALLED_APPS plus its catalogue row, nothing else edited) and
appears in the menu, the module page, the URLs, the OpenAPI document, the job kinds,
the events, the billing meters, its law-parameter file and its form template,
while a town that does not subscribe to it gets 404 on every URL it declares."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

from tenants.events import contracts
from tenants.events import registry as events_registry
from tenants.events.docs import render_events_md
from tenants.jobs import registry as job_registry
from tenants.meters import registry as meters_registry
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tenants.modules import registry
from tenants.modules.spec import PLATFORM
from tenants.openapi import generate
from tests.personas import PORTAL_HOST, Personas
from tests.urlwalk import gated, sample_value, statuses, walk

EXAMPLE_APP = "tests.example_module"


def _reload_urlconfs() -> None:
    import config.urls_public
    import config.urls_tenant

    importlib.reload(config.urls_tenant)
    importlib.reload(config.urls_public)
    clear_url_caches()


@pytest.fixture
def example_installed(world: Personas) -> Iterator[Personas]:
    """Install the example app and add its catalogue row; 葉山町 subscribes and its
    担当者 gets a role, 寒川町 does not subscribe."""
    # given: the app in INSTALLED_APPS and its row in the catalogue
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, EXAMPLE_APP]):
        registry.reset()
        _reload_urlconfs()
        gyomu = Gyomu.objects.create(
            code="mihon_gyomu", name="見本業務", category="共通", app_label="example_module"
        )
        Subscription.objects.create(
            municipality=world.alpha.municipality, gyomu=gyomu, start_month=date(2020, 4, 1)
        )
        for username in ("hayama-clerk", "samukawa-clerk"):
            for membership in Membership.objects.filter(user__username=username):
                MembershipRole.objects.create(
                    membership=membership, gyomu=gyomu, level=RoleLevel.WRITE
                )
        try:
            yield world
        finally:
            # forget the registration, so that the next installation imports it again
            job_registry.unregister("mihon_count")
            contracts.undeclare("example_module.kakunin")
            from tests.example_module.subscribers import note_tennyu

            events_registry.unsubscribe("juminkiroku.tennyu", note_tennyu)
            meters_registry.unregister("mihon_kensu")
            for name in ("jobkinds", "events", "subscribers", "meters"):
                sys.modules.pop(f"{EXAMPLE_APP}.{name}", None)
    registry.reset()
    _reload_urlconfs()


def test_the_example_is_discovered_from_its_module_py(example_installed: Personas) -> None:
    # when
    spec = registry.module_for_gyomu("mihon_gyomu")
    # then
    assert spec is not None
    assert spec.app == "example_module"
    assert registry.entry_url_name("mihon_gyomu") == "mihon_home"
    assert registry.all_grants()["mihon_approve"] == ("見本業務の承認", "mihon_gyomu")
    kind = job_registry.get_kind("mihon_count")
    assert kind is not None
    assert kind.gyomu == "mihon_gyomu"
    assert "tests.example_module.subscribers.note_tennyu" in events_registry.subscribers_for(
        "juminkiroku.tennyu"
    )
    assert "example_module.kakunin" in render_events_md()


def test_the_example_appears_in_the_menu_and_its_screens_answer(
    example_installed: Personas, login: object
) -> None:
    # given
    client = login("hayama-clerk", example_installed.alpha.host)  # type: ignore[operator]
    # when
    top = client.get("/")
    module_page = client.get("/m/mihon_gyomu/")
    screen = client.get("/mihon/")
    api = client.get("/api/v1/mihon/status/")
    # then
    assert top.status_code == 200
    assert 'href="/m/mihon_gyomu/">見本業務</a>' in top.content.decode()
    assert module_page.status_code == 200
    assert 'href="/mihon/"' in module_page.content.decode()
    assert screen.status_code == 200
    assert "モジュールキットの見本です。" in screen.content.decode()
    assert api.status_code == 200
    assert api.json() == {"status": "稼働中"}


def test_a_town_that_does_not_subscribe_gets_404_on_every_example_url(
    example_installed: Personas, login: object
) -> None:
    # given: 寒川町's clerk holds a role for the module, but the town does not subscribe
    client = login("samukawa-clerk", example_installed.beta.host)  # type: ignore[operator]
    # when / then: the same walk as tests/test_unsubscribed_404.py finds the example's URLs
    routes = [r for r in gated(walk(), platform=PLATFORM) if r.module.startswith(EXAMPLE_APP)]
    assert sorted(r.label for r in routes) == ["api/v1/mihon/status/", "mihon/"]
    for route in routes:
        path = route.path(sample_value)
        assert statuses(client, path) == [404, 404, 404], path
    assert client.get("/m/mihon_gyomu/").status_code == 404
    assert "見本業務" not in client.get("/").content.decode()


def test_the_example_meter_is_counted_per_member_and_offered_to_the_pool_editor(
    example_installed: Personas, login: object
) -> None:
    # when
    figures = meters_registry.meter_values_for_all_members(
        members=[example_installed.alpha.municipality, example_installed.beta.municipality],
        fiscal_year=2025,
    )
    office = login("office", PORTAL_HOST)  # type: ignore[operator]
    page = office.get("/billing/pools/new/?year=2025").content.decode()
    # then: counted inside each town's own schema (the meter reports the schema's town)
    assert figures["143014"]["mihon_kensu"] == 143014
    assert figures["143219"]["mihon_kensu"] == 143219
    assert "<td>見本業務の確認件数</td><td>件</td>" in page


def test_the_example_law_parameters_and_form_template_are_found(
    example_installed: Personas,
) -> None:
    from tenants.params.services import law_parameters_load, param_value
    from tenants.printing.engine import render
    from tenants.testing.pdf import pdf_pages

    # when: the national values are loaded again, and the example's form is printed
    law_parameters_load()
    pdf = render(
        "example_module/mihon_tsuchi.typ",
        common={"title": "見本業務の通知書"},
        items=[{"line": "一件目"}, {"line": "二件目"}],
    )
    # then: the parameter file in the module's own folder was read
    assert param_value("example_module.mihon.tesuryo", 2025) == 300
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert "見本業務の通知書" in pages[0] and "二件目" in pages[1]


def test_the_example_api_is_in_the_openapi_document(example_installed: Personas) -> None:
    # when
    document = generate("config.urls_tenant")
    # then
    assert "/api/v1/mihon/status/:" in document
    assert "operationId: mihon_status" in document


def test_without_the_app_nothing_of_it_remains(world: Personas) -> None:
    # The committed OpenAPI file and the URLs of a normal installation know nothing of it.
    assert registry.module_for_gyomu("mihon_gyomu") is None
    assert "/api/v1/mihon/" not in generate("config.urls_tenant")
    assert "example_module.kakunin" not in render_events_md()
    assert meters_registry.get_meter("mihon_kensu") is None


def test_the_example_provides_senkyo_to_the_tagyo_tab_of_its_towns_only(
    example_installed: Personas, login: object
) -> None:
    from datetime import UTC, datetime

    from juminkiroku.models.tagyo import TagyoKubun
    from juminkiroku.services.tagyo import tagyo_set
    from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
    from tenants.db import connection
    from tenants.tagyo import SENKYO, TagyoStatus, tagyo_lookup
    from tests.example_module import tagyo as provider

    # given a person in each town, each with a 選挙人名簿 row an outside system sent, and the
    # example module (葉山町 subscribes, 寒川町 does not) holding 選挙人名簿 for 葉山町's person
    world = example_installed
    people = {}
    for town, key in ((world.alpha, "hayama"), (world.beta, "samukawa")):
        connection.set_tenant(town.municipality)
        _, (p,) = household_tennyu(key, members=[person_fields()])
        tagyo_set(
            atena_id=p.pk,
            kind=SENKYO,
            values={"gaito": False},
            shutsusho="旧選挙システム",
            kubun=TagyoKubun.API,
            actor=actor_for(f"{key}-clerk"),
        )
        people[key] = p
    alpha_schema = world.alpha.municipality.schema_name
    provider.HELD[alpha_schema] = {
        people["hayama"].pk: TagyoStatus(
            kind=SENKYO,
            gaito=True,
            shutsusho="見本業務（選挙人名簿）",
            koshin_at=datetime(2025, 1, 6, 1, 0, tzinfo=UTC),
        )
    }
    provider.asked_in.clear()
    try:
        # when each town's clerk opens the tab
        alpha_page = login("hayama-clerk", world.alpha.host)  # type: ignore[operator]
        a = alpha_page.get(f"/juminkiroku/persons/{people['hayama'].pk}/tagyo/")
        beta_page = login("samukawa-clerk", world.beta.host)  # type: ignore[operator]
        b = beta_page.get(f"/juminkiroku/persons/{people['samukawa'].pk}/tagyo/")
        # then 葉山町 sees the module's data, asked at display time, and may not edit it here
        a_text = a.content.decode()
        assert a.status_code == 200
        assert "見本業務（選挙人名簿）" in a_text
        assert "本システムの業務（照会時点の情報）" in a_text
        assert 'value="senkyo_meibo"' not in a_text  # not offered in the correction form
        assert provider.asked_in == [alpha_schema]
        # and 寒川町 (not subscribing) never runs the module: it sees the stored row
        b_text = b.content.decode()
        assert "旧選挙システム" in b_text and "見本業務（選挙人名簿）" not in b_text
        connection.set_tenant(world.beta.municipality)
        # (介護保険, which both towns use, answers for its own kind only)
        assert tagyo_lookup([people["samukawa"].pk], kinds=(SENKYO,)) == {}
        assert provider.asked_in == [alpha_schema]
    finally:
        provider.HELD.clear()


def test_a_provider_for_an_unknown_item_is_refused() -> None:
    from tenants.modules.spec import ModuleSpec

    spec = ModuleSpec(
        app="x",
        verbose_name="x",
        gyomu=("x",),
        tagyo_providers={"kome_haikyu": "x:y"},  # 米穀の配給: 7.2.2 【実装しない機能】
    )
    with pytest.raises(registry.ModuleDeclarationError):
        registry._check([spec])


def test_a_kind_provided_by_two_modules_is_refused_naming_both() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from tenants.modules.spec import ModuleSpec

    first = ModuleSpec(app="a", verbose_name="a", gyomu=("a",), tagyo_providers={"kokuho": "a:f"})
    second = ModuleSpec(app="b", verbose_name="b", gyomu=("b",), tagyo_providers={"kokuho": "b:f"})
    with pytest.raises(ImproperlyConfigured, match="provided by both a and b"):
        registry._check([first, second])
    registry._check([first])  # one provider is fine
