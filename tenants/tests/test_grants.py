"""Fine-grained grants (tenants.grants): services, the personas' grants from the module
registry, the migration from juminkiroku's own table, and the administrator's screen."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.db import connection as db_connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.grants.models import Grant, GrantRevocation
from tenants.grants.selectors import grants_of, has_grant
from tenants.grants.services import GrantError, grant_give, grant_revoke, grants_set
from tenants.models import StaffUser
from tenants.modules import registry
from tenants.modules.spec import GrantDecl, ModuleSpec
from tests.personas import ALPHA_HOST, BETA_HOST

ADMIN = Actor(user_id=None, username="test-admin")


def _uid(username: str) -> int:
    return StaffUser.objects.get(username=username).pk


def _grant_audits() -> list[tuple[str, str, dict]]:
    return list(
        AccessLog.objects.filter(screen__in=["権限付与", "権限取消"])
        .order_by("id")
        .values_list("screen", "record_id", "detail")
    )


def test_personas_hold_the_grants_their_modules_declare(world):
    # given: 住民記録 declares persona_grants for "shinsa" and "admin", none for clerks
    spec = registry.module_for_gyomu("juminkiroku")
    assert spec is not None
    declared = set(spec.persona_grants["shinsa"])
    assert declared == {
        "yokushi_lock", "yokushi_unlock", "yokushi_temp_unlock", "kojin_bango_view", "ido_approve",
        "euc",
    }  # fmt: skip
    # and 福祉 declares 生活保護's case grant and 健康管理's record grant for the 審査者 only
    # (要配慮個人情報)
    fukushi = registry.module_for_gyomu("seikatsu_hogo")
    assert fukushi is not None
    seiho = set(fukushi.persona_grants["shinsa"])
    assert seiho == {"seiho_case", "shogai_techo", "kenko_kiroku"}
    assert "admin" not in fukushi.persona_grants
    for town, slug in ((world.alpha, "hayama"), (world.beta, "samukawa")):
        with schema_context(town.schema):
            assert grants_of(_uid(f"{slug}-shinsa")) == declared | seiho
            assert grants_of(_uid(f"{slug}-admin")) == declared
            assert grants_of(_uid(f"{slug}-clerk")) == set()


def test_grant_give_is_audited_and_stays_in_its_town(in_alpha, beta):
    # given
    clerk = _uid("hayama-clerk")
    before = _grant_audits()
    # when
    grant = grant_give(user_id=clerk, code="kojin_bango_view", actor=ADMIN)
    again = grant_give(user_id=clerk, code="kojin_bango_view", actor=ADMIN)
    # then: one row, one audit row; 寒川町's schema has nothing of it
    assert again.pk == grant.pk and grant.granted_by == "test-admin"
    assert has_grant(clerk, "kojin_bango_view")
    assert _grant_audits() == [*before, ("権限付与", str(clerk), {"grant": "kojin_bango_view"})]
    with schema_context(beta.schema):
        assert not Grant.objects.filter(user_id=clerk).exists()


def test_unknown_code_is_refused_and_nothing_is_written(in_alpha):
    clerk = _uid("hayama-clerk")
    rows, audits = Grant.objects.count(), AccessLog.objects.count()
    with pytest.raises(GrantError, match="登録されていない権限です"):
        grant_give(user_id=clerk, code="may_do_anything", actor=ADMIN)
    with pytest.raises(GrantError, match="登録されていない権限です"):
        grants_set(user_id=clerk, codes=["ido_approve", "may_do_anything"], actor=ADMIN)
    assert (Grant.objects.count(), AccessLog.objects.count()) == (rows, audits)


def test_staff_of_another_town_cannot_be_given_a_grant(in_alpha, beta):
    # given: samukawa-viewer has no membership in 葉山町
    other = _uid("samukawa-viewer")
    rows, audits = Grant.objects.count(), AccessLog.objects.count()
    # when / then
    with pytest.raises(GrantError, match="この団体の職員ではありません"):
        grant_give(user_id=other, code="ido_approve", actor=ADMIN)
    assert (Grant.objects.count(), AccessLog.objects.count()) == (rows, audits)
    with schema_context(beta.schema):
        assert not has_grant(other, "ido_approve")


def test_revoke_keeps_the_history(in_alpha):
    # given
    shinsa = _uid("hayama-shinsa")
    held = Grant.objects.get(user_id=shinsa, code="ido_approve")
    # when
    assert grant_revoke(user_id=shinsa, code="ido_approve", actor=ADMIN) is True
    assert grant_revoke(user_id=shinsa, code="ido_approve", actor=ADMIN) is False
    # then
    assert not has_grant(shinsa, "ido_approve")
    (rev,) = GrantRevocation.objects.filter(user_id=shinsa)
    assert (rev.code, rev.granted_by, rev.granted_at, rev.revoked_by) == (
        "ido_approve", held.granted_by, held.granted_at, "test-admin",
    )  # fmt: skip
    assert _grant_audits()[-1] == ("権限取消", str(shinsa), {"grant": "ido_approve"})


def test_grants_set_gives_and_revokes_to_match(in_alpha):
    shinsa = _uid("hayama-shinsa")
    given, revoked = grants_set(
        user_id=shinsa, codes=["ido_approve", "kojin_bango_view"], actor=ADMIN
    )
    assert given == set()
    assert revoked == {
        "yokushi_lock", "yokushi_unlock", "yokushi_temp_unlock", "euc", "seiho_case",
        "shogai_techo", "kenko_kiroku",
    }  # fmt: skip
    assert grants_of(shinsa) == {"ido_approve", "kojin_bango_view"}
    assert GrantRevocation.objects.filter(user_id=shinsa).count() == 7


def test_grant_of_a_module_the_town_does_not_use_is_refused(world, monkeypatch):
    # given: a module declaring a grant for 個人住民税, which 寒川町 does not subscribe to
    extra = ModuleSpec(
        app="example_tax",
        verbose_name="例",
        gyomu=(),
        grants=(GrantDecl("example_tax_approve", "例の決裁", "kojin_juminzei"),),
    )
    monkeypatch.setattr(registry, "_modules", [*registry.all_modules(), extra])
    # when / then: offered in 葉山町, refused in 寒川町
    with schema_context(world.alpha.schema):
        grant_give(user_id=_uid("hayama-clerk"), code="example_tax_approve", actor=ADMIN)
    with schema_context(world.beta.schema):
        with pytest.raises(GrantError, match="この団体が利用していない業務の権限です"):
            grant_give(user_id=_uid("samukawa-clerk"), code="example_tax_approve", actor=ADMIN)
        assert not Grant.objects.filter(code="example_tax_approve").exists()


def test_migration_copies_juminkiroku_grants(in_alpha):
    # given: the schema as it was before juminkiroku 0003, with a row in its old table
    migration = import_module("juminkiroku.migrations.0003_kengengrant_to_platform")
    state = MigrationLoader(db_connection).project_state(
        ("juminkiroku", "0003_kengengrant_to_platform"), at_end=False
    )
    old_model = state.apps.get_model("juminkiroku", "KengenGrant")
    clerk = _uid("hayama-clerk")
    at = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    with db_connection.schema_editor() as editor:
        editor.create_model(old_model)
        old_model.objects.create(user_id=clerk, kengen="yokushi_unlock", granted_by="soumu")
        old_model.objects.update(granted_at=at)
        # when
        migration.copy_to_platform(state.apps, editor)
    # then
    copied = Grant.objects.get(user_id=clerk)
    assert (copied.code, copied.granted_by, copied.granted_at) == ("yokushi_unlock", "soumu", at)


def test_town_admin_changes_grants_on_the_screen(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    page = admin.get("/settings/grants/").content.decode()
    assert "住民記録" in page and "異動の本登録（審査）" in page and "葉山町担当者" in page
    clerk = _uid("hayama-clerk")
    response = admin.post(
        "/settings/grants/", {"user_id": clerk, "codes": ["ido_approve"]}, follow=True
    )
    assert "操作権限を変更しました（付与 1件、取消 0件）" in response.content.decode()
    with schema_context(world.alpha.schema):
        assert grants_of(clerk) == {"ido_approve"}


def test_screen_is_for_administrators_only(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/settings/grants/").status_code == 403
    response = clerk.post(
        "/settings/grants/", {"user_id": _uid("hayama-clerk"), "codes": ["ido_approve"]}
    )
    assert response.status_code == 403
    with schema_context(world.alpha.schema):
        assert grants_of(_uid("hayama-clerk")) == set()


def test_other_towns_admin_cannot_see_or_change_this_towns_staff(world, login):
    # given: 寒川町's administrator on 寒川町's host
    admin = login("samukawa-admin", BETA_HOST)
    page = admin.get("/settings/grants/").content.decode()
    assert "葉山町担当者" not in page and "寒川町担当者" in page
    hayama_clerk = _uid("hayama-clerk")
    with schema_context(world.alpha.schema):
        alpha_rows = Grant.objects.count()
    # when: posting a 葉山町 clerk's id
    response = admin.post(
        "/settings/grants/", {"user_id": hayama_clerk, "codes": ["ido_approve"]}, follow=True
    )
    # then: refused, and neither town's grants changed
    assert "この団体の職員ではありません" in response.content.decode()
    with schema_context(world.beta.schema):
        assert not Grant.objects.filter(user_id=hayama_clerk).exists()
    with schema_context(world.alpha.schema):
        assert Grant.objects.count() == alpha_rows
    # and 葉山町's host refuses 寒川町's admin session altogether
    assert admin.get("/settings/grants/", HTTP_HOST=ALPHA_HOST).status_code == 302
