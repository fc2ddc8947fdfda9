"""The two municipalities and the personas of the access matrix (healthchecks'
alice/bob/charlie): 担当者 (same town, write), 閲覧者 (read-only), 管理者 (town admin),
他団体職員 (the other town), 事務局 (consortium office), 応援職員 (support staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Consortium, Gyomu, GyomuCategory, Municipality, RoleLevel, StaffUser
from tenants.modules.registry import all_modules, implemented_gyomu

PERSONA_PASSWORD = "persona-pass-2026"
ALPHA_HOST = "hayama.localhost"
BETA_HOST = "samukawa.localhost"
PORTAL_HOST = "localhost"

# 担当者 may write, 閲覧者 may only read, in every module of their town.
PERSONA_ROLES = [("clerk", "担当者", RoleLevel.WRITE), ("viewer", "閲覧者", RoleLevel.READ)]

# Which 業務 each town subscribes to, from the module registry and the catalogue (no
# module is named here, so a new module joins the test world by being installed):
# 葉山町 (alpha) takes every implemented 業務, plus 国保資格 while it was not implemented
# (a system of another vendor that reads 住民記録 through the API with its own key; since
# kokuho implements it, both towns take it and the extra adds nothing); 寒川町 (beta)
# takes every implemented 業務 except the 税 ones, so tests can show a town without
# 個人住民税.
UNIMPLEMENTED_ALPHA_EXTRA = ("kokuho_shikaku",)
BETA_EXCLUDED_CATEGORY = GyomuCategory.ZEI


def alpha_modules() -> list[str]:
    implemented = implemented_gyomu()
    return sorted(implemented) + [c for c in UNIMPLEMENTED_ALPHA_EXTRA if c not in implemented]


def beta_modules() -> list[str]:
    """Needs the catalogue loaded (it is, in the session's world)."""
    taxes = set(
        Gyomu.objects.filter(category=BETA_EXCLUDED_CATEGORY).values_list("code", flat=True)
    )
    return sorted(implemented_gyomu() - taxes)


@dataclass
class Town:
    municipality: Municipality
    host: str
    schema: str


@dataclass
class Personas:
    alpha: Town
    beta: Town
    consortium: Consortium


def build_world() -> None:
    """Create both towns and every persona. Called once per session, committed."""
    from tenants.params.services import law_parameters_load
    from tenants.services.catalogue import catalogue_load
    from tenants.services.municipality import municipality_provision
    from tenants.services.staff import membership_grant, staff_create

    catalogue_load()
    law_parameters_load()
    consortium = Consortium.objects.create(name="テスト町村共同事業組合", kind="ichibu_jimu_kumiai")
    office, _, _ = staff_create(
        username="office",
        display_name="事務局",
        consortium_office=consortium,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    towns = {}
    for slug, code, name, kana, pop, modules in [
        ("hayama", "143014", "葉山町", "はやままち", 32823, alpha_modules()),
        ("samukawa", "143219", "寒川町", "さむかわまち", 47478, beta_modules()),
    ]:
        result = municipality_provision(
            consortium=consortium,
            dantai_code=code,
            name=name,
            name_kana=kana,
            prefecture="神奈川県",
            population=pop,
            population_date=None,
            go_live=date(2011, 10, 1),
            subdomain=slug,
            gyomu_codes=modules,
            networks=["127.0.0.0/8", "::1/128"],
            admin_username=f"{slug}-admin",
            acting_user=office,
            status="active",
        )
        town = result.municipality
        assert result.admin is not None
        result.admin.set_password(PERSONA_PASSWORD)
        result.admin.save()
        towns[slug] = town
        for role, label, level in [
            ("clerk", "担当者", RoleLevel.WRITE),
            ("viewer", "閲覧者", RoleLevel.READ),
            ("shinsa", "審査者", RoleLevel.WRITE),
        ]:
            person, _, _ = staff_create(
                username=f"{slug}-{role}",
                display_name=f"{name}{label}",
                home_municipality=town,
                password=PERSONA_PASSWORD,
                acting_user=office,
            )
            membership_grant(
                user=person,
                municipality=town,
                roles={m: level for m in modules},
                acting_user=office,
            )
    # 応援職員: samukawa's clerk helps hayama for 7 days, 住民記録 only.
    helper = StaffUser.objects.get(username="samukawa-clerk")
    membership_grant(
        user=helper,
        municipality=towns["hayama"],
        roles={"juminkiroku": RoleLevel.WRITE},
        valid_until=timezone.now() + timedelta(days=7),
        is_support=True,
        reason="災害時応援（テスト）",
        acting_user=office,
    )
    # Each persona role gets the grants every module the town subscribes to declares for
    # it (``persona_grants`` in module.py: e.g. 住民記録's 審査者 and 管理者 hold 本登録,
    # 抑止 and 個人番号の表示).
    from tenants.grants.services import grant_give

    setup = Actor(user_id=None, username="office")
    for slug, town in towns.items():
        subscribed = set(town.subscriptions.values_list("gyomu__code", flat=True))
        connection.set_tenant(town)
        for spec in all_modules():
            if not subscribed.intersection(spec.gyomu):
                continue
            for role, codes in spec.persona_grants.items():
                user = StaffUser.objects.get(username=f"{slug}-{role}")
                for grant in codes:
                    grant_give(user_id=user.pk, code=grant, actor=setup)
    connection.set_schema_to_public()


def load_world() -> Personas:
    alpha = Municipality.objects.get(dantai_code="143014")
    beta = Municipality.objects.get(dantai_code="143219")
    return Personas(
        alpha=Town(alpha, ALPHA_HOST, alpha.schema_name),
        beta=Town(beta, BETA_HOST, beta.schema_name),
        consortium=alpha.consortium,
    )
