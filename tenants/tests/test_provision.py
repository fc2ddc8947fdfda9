"""Provisioning a municipality: one call, seconds, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, schema_exists

from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.models import Domain, Municipality, Subscription
from tenants.services.municipality import municipality_provision
from tests.personas import PORTAL_HOST


def _provision(world, **overrides):
    args = dict(
        consortium=world.consortium,
        dantai_code="143421",
        name="二宮町",
        name_kana="にのみやまち",
        prefecture="神奈川県",
        population=29432,
        population_date=None,
        go_live=date(2012, 7, 1),
        subdomain="ninomiya",
        gyomu_codes=["juminkiroku", "inkan_toroku"],
        networks=["10.1.0.0/16"],
        admin_username="ninomiya-admin",
        acting_user=None,
    )
    args.update(overrides)
    return municipality_provision(**args)


def test_provision_creates_schema_host_subscriptions_and_admin(world):
    # when
    result = _provision(world)
    # then
    town = result.municipality
    assert schema_exists("m143421")
    assert Domain.objects.get(tenant=town).domain == "ninomiya.localhost"
    assert sorted(
        Subscription.objects.filter(municipality=town).values_list("gyomu__code", flat=True)
    ) == [
        "inkan_toroku",
        "juminkiroku",
    ]
    assert result.admin is not None and result.admin.memberships.get().is_tenant_admin
    assert result.totp_secret and len(result.totp_secret) >= 16
    # (how long it takes is measured by `python -m bench provision`, not asserted here)
    assert result.seconds > 0 and {"schema", "total"} <= set(result.timings)
    with schema_context("m143421"):
        assert AccessLog.objects.filter(screen="municipality_provision").count() == 1
        from tenants.jobs.models import Job

        assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"dantai_code": "143420"}, "dantai_code", "検査数字"),
        ({"dantai_code": "143014"}, "dantai_code", "登録済み"),
        ({"subdomain": "hayama"}, "subdomain", "使用されています"),
        ({"subdomain": "二宮"}, "subdomain", "半角英数字"),
        ({"gyomu_codes": ["juminkiroku", "nothing"]}, "gyomu", "nothing"),
    ],
)
def test_invalid_input_is_refused_with_a_japanese_message_and_leaves_nothing(
    world, override, field, message
):
    before = Municipality.objects.count()
    with pytest.raises(ValidationError) as info:
        _provision(world, **override)
    assert message in " ".join(info.value.message_dict[field])
    assert Municipality.objects.count() == before
    assert not schema_exists("m143420")


def test_bad_cidr_is_refused(world):
    with pytest.raises(ValueError, match="CIDR の形式が正しくありません"):
        _provision(world, networks=["10.1.0.0/33"])
    assert not Municipality.objects.filter(dantai_code="143421").exists()


def test_portal_provision_form(world, login):
    office = login("office", PORTAL_HOST)
    # when
    response = office.post(
        "/provision/",
        {
            "dantai_code": "143618",
            "name": "中井町",
            "name_kana": "なかいまち",
            "prefecture": "神奈川県",
            "population": "9964",
            "go_live": "平成24年4月1日",
            "subdomain": "nakai",
            "gyomu": ["juminkiroku"],
            "networks": "10.2.0.0/16",
            "admin_username": "nakai-admin",
        },
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "中井町を登録しました" in body
    town = Municipality.objects.get(dantai_code="143618")
    assert town.go_live == date(2012, 4, 1)
    assert town.consortium == world.consortium
    connection.set_schema_to_public()


def test_portal_provision_form_shows_errors(world, login):
    office = login("office", PORTAL_HOST)
    response = office.post("/provision/", {"dantai_code": "12345"})
    assert "6桁の数字で入力してください。" in response.content.decode()
