"""The example module's one registration (see tenants.modules.spec)."""

from tenants import tagyo
from tenants.modules.spec import GrantDecl, ModuleSpec, UrlMount
from tests.example_module import gyomu

MODULE = ModuleSpec(
    app="example_module",
    verbose_name="見本業務",
    gyomu=gyomu.ALL,
    entries={gyomu.MIHON: "mihon_home"},
    urls=(UrlMount("mihon/", "tests.example_module.urls"),),
    api_urls=(UrlMount("mihon/", "tests.example_module.api"),),
    jobkinds="tests.example_module.jobkinds",
    events="tests.example_module.events",
    subscribers="tests.example_module.subscribers",
    meters="tests.example_module.meters",
    params_dir="params",
    form_templates="forms/templates",
    grants=(GrantDecl("mihon_approve", "見本業務の承認", gyomu.MIHON),),
    persona_grants={"shinsa": ("mihon_approve",)},
    # 住民記録's 他業務照会 asks it for 選挙人名簿 in towns subscribing to 見本業務 (7.2.2): a
    # kind no module of the product provides (国保 is kokuho's; one provider per kind).
    tagyo_providers={tagyo.SENKYO: "tests.example_module.tagyo:senkyo_status"},
)
