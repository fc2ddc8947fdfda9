"""Answers carrying personal data are never stored by the browser or a proxy
(tenants.middleware.NoStoreMiddleware): screens and API answers of a town, in two towns."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client, RequestFactory

from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.middleware import NoStoreMiddleware
from tests.personas import ALPHA_HOST, BETA_HOST


def test_screens_and_api_answers_of_both_towns_are_no_store(world, login) -> None:
    for name, host in (("hayama-clerk", ALPHA_HOST), ("samukawa-clerk", BETA_HOST)):
        clerk = login(name, host)
        page = clerk.get("/")
        assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    connection.set_schema_to_public()
    _, key = apiclient_create(
        municipality=world.alpha.municipality, name="税務システム", scopes=["juminkiroku:read"]
    )
    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = api.get("/api/v1/juminkiroku/persons/0/")
    assert answer.status_code == 404 and answer["Cache-Control"] == "no-store"
    # the login page, for anyone
    anonymous = Client(HTTP_HOST=ALPHA_HOST).get("/login/")
    assert anonymous.status_code == 200 and "no-store" in anonymous["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it() -> None:
    request = RequestFactory().get("/")
    middleware = NoStoreMiddleware(lambda r: HttpResponse("x"))
    own = HttpResponse("x")
    own["Cache-Control"] = "private, max-age=60"
    assert middleware.process_response(request, own)["Cache-Control"] == "private, max-age=60"
    bare = middleware.process_response(request, HttpResponse("x"))
    assert bare["Cache-Control"] == "no-store"
