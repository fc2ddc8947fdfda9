"""The REST API shell and its OpenAPI document."""

from __future__ import annotations

import yaml
from django.test import Client

from tenants.api.authentication import apiclient_create
from tenants.openapi import OPENAPI_FILES
from tests.personas import ALPHA_HOST, alpha_modules


def test_me_and_modules_for_a_session_user(world, login):
    client = login("hayama-clerk", ALPHA_HOST)
    me = client.get("/api/v1/me/").json()
    modules = client.get("/api/v1/modules/").json()
    assert me["dantai_code"] == "143014"
    assert me["roles"]["juminkiroku"] == 2
    assert {m["code"] for m in modules} == set(alpha_modules())


def test_api_client_scopes_limit_actions(world):
    _, key = apiclient_create(
        municipality=world.alpha.municipality, name="閲覧連携", scopes=["platform:read"]
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/modules/").status_code == 200
    # platform:read does not let it start an export of the access log
    response = client.post(
        "/api/v1/jobs/",
        {
            "kind": "accesslog_export",
            "params": {"date_from": "2025-04-01", "date_to": "2025-04-30"},
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_wrong_key_is_refused(world):
    _, key = apiclient_create(
        municipality=world.alpha.municipality, name="x", scopes=["platform:read"]
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}x")
    assert client.get("/api/v1/modules/").status_code == 401


def _real_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # django-tenants re-sends SET search_path before queries; those are not round trips
    # of our making, so only the other statements are counted.
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]


def test_job_list_query_count_is_pinned_and_independent_of_rows(world, login):
    from django_tenants.utils import schema_context

    from tenants.jobs.models import Job

    client = login("hayama-admin", ALPHA_HOST)
    with schema_context(world.alpha.schema):
        Job.objects.create(kind="k", gyomu="platform", title="t")
    one = _real_queries(client, "/api/v1/jobs/")
    with schema_context(world.alpha.schema):
        Job.objects.bulk_create(Job(kind="k", gyomu="platform", title=f"t{i}") for i in range(30))
    many = _real_queries(client, "/api/v1/jobs/")
    assert len(one) == len(many) == 11


def test_committed_openapi_documents_describe_the_endpoints():
    tenant = yaml.safe_load(OPENAPI_FILES["tenant"][1].read_text(encoding="utf-8"))
    public = yaml.safe_load(OPENAPI_FILES["public"][1].read_text(encoding="utf-8"))
    assert "/api/v1/access-log/search/" in tenant["paths"]
    assert "post" in tenant["paths"]["/api/v1/access-log/search/"]
    assert "/api/v1/jobs/{id}/cancel/" in tenant["paths"]
    assert "/api/v1/portal/municipalities/" in public["paths"]
