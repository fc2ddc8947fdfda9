"""The per-process platform cache: it saves the per-request platform queries and drops
its entries as soon as a network range, a subscription or a municipality changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection as dj_connection
from django.test.utils import CaptureQueriesContext

from tenants import platform_cache
from tenants.models import NetworkRange, StaffUser, Subscription
from tenants.services.network import network_range_remove
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings: Any) -> Iterator[None]:
    settings.JC_PLATFORM_CACHE_SECONDS = 30
    platform_cache.bump()
    yield
    platform_cache.bump()  # nothing of this test's (rolled back) rows may outlive it


def _count(client: Any, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(dj_connection) as ctx:
        status = client.get(path).status_code
    return status, len(ctx.captured_queries)


def test_second_request_skips_the_platform_queries(login):
    client = login("hayama-clerk", ALPHA_HOST)
    platform_cache.bump()  # the login's own requests filled it
    first_status, first = _count(client, "/api/v1/modules/")
    second_status, second = _count(client, "/api/v1/modules/")
    assert first_status == second_status == 200
    assert second <= first - 3  # domain, network ranges, subscriptions (and their SETs)


def test_removed_network_applies_at_once(login, world, django_capture_on_commit_callbacks):
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get("/api/v1/modules/").status_code == 200
    loopback = NetworkRange.objects.get(municipality=world.alpha.municipality, cidr="127.0.0.0/8")
    with django_capture_on_commit_callbacks(execute=True):
        network_range_remove(
            network_range=loopback, acting_user=StaffUser.objects.get(username="office")
        )
    assert client.get("/api/v1/modules/").status_code == 403


def test_ended_subscription_and_withdrawal_apply_at_once(
    login, world, django_capture_on_commit_callbacks
):
    client = login("hayama-clerk", ALPHA_HOST)
    assert client.get("/juminkiroku/").status_code == 200
    sub = Subscription.objects.get(municipality=world.alpha.municipality, gyomu__code="juminkiroku")
    with django_capture_on_commit_callbacks(execute=True):
        sub.end_month = date(2020, 1, 1)
        sub.start_month = date(2019, 1, 1)
        sub.save()
    assert client.get("/juminkiroku/").status_code == 404
    town = world.alpha.municipality
    with django_capture_on_commit_callbacks(execute=True):
        town.status = "withdrawn"
        town.save()
    assert client.get("/api/v1/modules/").status_code == 404


def test_host_names_differing_in_case_share_one_entry(login):
    client = login("hayama-clerk", ALPHA_HOST)
    platform_cache.bump()
    with CaptureQueriesContext(dj_connection) as upper:
        assert client.get("/api/v1/modules/", HTTP_HOST=ALPHA_HOST.upper()).status_code == 200
    with CaptureQueriesContext(dj_connection) as lower:
        assert client.get("/api/v1/modules/", HTTP_HOST=ALPHA_HOST).status_code == 200
    assert len(lower.captured_queries) <= len(upper.captured_queries) - 3
