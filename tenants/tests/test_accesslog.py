"""The access log: one call records reads; rows cannot be changed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.accesslog.reads import Reads, logs_reads
from tenants.accesslog.services import Actor, access_record
from tests.personas import ALPHA_HOST

TEMPLATE = engines["django"].from_string("{{ p }}")


def test_decorated_read_writes_one_row_in_the_current_town_only(world):
    # given: a view that shows one record
    @logs_reads(Reads("person", id_kwarg="pk", shown="p"))
    def show(request, pk):
        return TemplateResponse(request, TEMPLATE, {"p": pk})

    request = RequestFactory().get("/x/", HTTP_HOST=ALPHA_HOST, REMOTE_ADDR="127.0.0.9")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.gyomu_code = "juminkiroku"  # type: ignore[attr-defined]  # as ModuleGateMiddleware
    with schema_context(world.beta.schema):
        beta_before = AccessLog.objects.count()
    # when
    with schema_context(world.alpha.schema):
        show(request, pk=4711)
        row = AccessLog.objects.latest("id")
    # then
    assert (row.action, row.record_type, row.record_id, row.gyomu) == (
        "read",
        "person",
        "4711",
        "juminkiroku",
    )
    assert row.ip_address == "127.0.0.9"
    with schema_context(world.beta.schema):
        assert AccessLog.objects.count() == beta_before


def test_failed_read_is_not_logged_as_a_read(world):
    @logs_reads(Reads("person", id_kwarg="pk", shown="p"))
    def missing(request, pk):
        return TemplateResponse(request, TEMPLATE, {}, status=404)

    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with schema_context(world.alpha.schema):
        before = AccessLog.objects.count()
        missing(request, pk=1)
        assert AccessLog.objects.count() == before


def test_rows_cannot_be_updated_or_deleted(world):
    with schema_context(world.alpha.schema):
        row = access_record(actor=Actor(user_id=None, username="t"), action="read")
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessLog.objects.filter(pk=row.pk).update(username="changed")
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessLog.objects.filter(pk=row.pk).delete()
        assert AccessLog.objects.get(pk=row.pk).username == "t"


def test_logging_outside_a_town_is_an_error(world):
    with pytest.raises(RuntimeError):
        access_record(actor=Actor(user_id=None, username="t"), action="read")


def test_search_screen_is_for_town_administrators(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    with schema_context(world.alpha.schema):
        access_record(
            actor=Actor(user_id=None, username="probe"),
            action="read",
            record_id="R-1",
            record_type="person",
        )
    # when: searched by POST, criteria in the body
    found = admin.post("/audit/access-log/", {"record_id": "R-1"})
    refused = clerk.get("/audit/access-log/")
    # then
    assert found.status_code == 200
    assert "probe" in found.content.decode()
    assert refused.status_code == 403


def test_api_search_is_by_post_and_walled(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    with schema_context(world.beta.schema):
        access_record(
            actor=Actor(user_id=None, username="beta-probe"), action="read", record_id="B-1"
        )
    # when
    response = admin.post(
        "/api/v1/access-log/search/", {"record_id": "B-1"}, content_type="application/json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0
