"""Issuing and revoking API keys: one transaction with its access-log row; a duplicate
name or another town's client is refused and writes nothing."""

from __future__ import annotations

import pytest

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import ApiClient
from tenants.services.apiclient import ApiClientRefused, apiclient_deactivate, apiclient_issue

pytestmark = pytest.mark.django_db
ADMIN = Actor(user_id=None, username="hayama-admin")


def test_issue_and_revoke_write_one_row_each(in_alpha):
    # when
    client, key = apiclient_issue(
        municipality=in_alpha.municipality, name="税務連携", scopes=["platform:read"], actor=ADMIN
    )
    apiclient_deactivate(municipality=in_alpha.municipality, client_id=client.pk, actor=ADMIN)
    # then
    assert key.startswith(f"jc_{client.key_prefix}.")
    assert ApiClient.objects.get(pk=client.pk).is_active is False
    rows = AccessLog.objects.filter(record_type="api_client", record_id=str(client.pk))
    assert sorted(rows.values_list("action", "screen")) == [
        ("create", "apiclient_create"),
        ("update", "apiclient_deactivate"),
    ]


def test_a_duplicate_name_is_refused_and_writes_nothing(in_alpha):
    apiclient_issue(municipality=in_alpha.municipality, name="税務連携", scopes=[], actor=ADMIN)
    before = AccessLog.objects.count()
    with pytest.raises(ApiClientRefused, match="登録済み"):
        apiclient_issue(municipality=in_alpha.municipality, name="税務連携", scopes=[], actor=ADMIN)
    assert ApiClient.objects.filter(name="税務連携").count() == 1
    assert AccessLog.objects.count() == before


def test_another_towns_client_cannot_be_revoked(alpha, beta):
    # given: 寒川町 has a client
    connection.set_tenant(beta.municipality)
    client, _ = apiclient_issue(
        municipality=beta.municipality, name="寒川連携", scopes=[], actor=ADMIN
    )
    # when: 葉山町 tries to revoke it
    connection.set_tenant(alpha.municipality)
    before = AccessLog.objects.count()
    with pytest.raises(ApiClient.DoesNotExist):
        apiclient_deactivate(municipality=alpha.municipality, client_id=client.pk, actor=ADMIN)
    # then: still active, nothing logged in 葉山町
    assert ApiClient.objects.get(pk=client.pk).is_active is True
    assert AccessLog.objects.count() == before
