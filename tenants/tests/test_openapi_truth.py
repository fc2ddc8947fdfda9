"""The OpenAPI documents say what the API refuses before and beside its views (issue 12,
item 8): the text guard's control characters, JSON-only bodies, 422 for a rule, and on
the portal the office's session as the only credential. schemathesis checks the running
application against them (tests/integration/test_schemathesis.py); these check the
documents themselves, and the answers they promise, without a server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from django.test import Client

from tenants.api.authentication import apiclient_create
from tenants.openapi import OPENAPI_FILES
from tests.personas import ALPHA_HOST, PORTAL_HOST

METHODS = {"get", "post", "put", "patch", "delete"}
#: the operations that read a file upload (multipart) instead of JSON
UPLOADS = {
    "/api/v1/zeimu/kazei/import/",
    "/api/v1/fukushi/kodomo-iryo/genbutsu/",
    "/api/v1/fukushi/hitorioya-iryo/genbutsu/",
    "/api/v1/fukushi/shogaisha-fukushi/tsusho/jogen-kanri/torikomi/",
    "/api/v1/fukushi/shogaisha-fukushi/jiritsu/jogen-kanri/torikomi/",
}


def _document(name: str) -> dict[str, Any]:
    return yaml.safe_load(OPENAPI_FILES[name][1].read_text(encoding="utf-8"))


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield path, method, operation


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _request_strings(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string a client sends: parameters, and the fields of request bodies."""
    for path, method, operation in _operations(doc):
        for parameter in operation.get("parameters", []):
            if parameter["in"] in {"path", "query"} and parameter["schema"].get("type") in {
                "string",
                ("string", "null"),
            }:
                yield f"{method} {path} {parameter['name']}", parameter["schema"]
    for name, component in doc["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, schema in component.get("properties", {}).items():
            kind = schema.get("type")
            if kind == "string" or (isinstance(kind, list) and "string" in kind):
                yield f"{name}.{field}", schema


@pytest.mark.parametrize("name", ["tenant", "public"])
def test_every_string_sent_refuses_control_characters_in_the_document(name):
    doc = _document(name)
    strings = list(_request_strings(doc))
    assert strings
    for where, schema in strings:
        if "enum" in schema or schema.get("format") in {"date", "date-time", "binary"}:
            continue
        pattern = re.compile(schema["pattern"])  # KeyError: a string the guard checks, undocumented
        assert not pattern.search("山田\x00太郎"), where
        assert not pattern.search("\x1b[31m"), where


@pytest.mark.parametrize("name", ["tenant", "public"])
def test_request_objects_document_the_keys_the_guard_refuses(name):
    doc = _document(name)
    free = doc["components"]["schemas"]["JsonWithoutControls"]
    assert not re.search(free["pattern"], "a\x00b") and re.search(free["pattern"], "a\nb")
    for component, schema in doc["components"]["schemas"].items():
        if component.endswith("Request") and schema.get("type") == "object":
            keys = schema["propertyNames"]["pattern"]
            assert re.search(keys, "shimei") and not re.search(keys, "shi\x01mei"), component
            assert "additionalProperties" in schema, component


@pytest.mark.parametrize("name", ["tenant", "public"])
def test_bodies_are_json_except_the_upload(name):
    doc = _document(name)
    for path, method, operation in _operations(doc):
        body = operation.get("requestBody")
        if body is None:
            continue
        wanted = {"multipart/form-data"} if path in UPLOADS else {"application/json"}
        assert set(body["content"]) == wanted, (method, path)
        assert "415" in operation["responses"], (method, path)


def test_every_422_is_documented_with_the_error_body():
    doc = _document("tenant")
    with_422 = {
        f"{method} {path}"
        for path, method, operation in _operations(doc)
        if "422" in operation["responses"]
    }
    assert {
        "post /api/v1/juminkiroku/ido/",
        "post /api/v1/juminkiroku/search/",
        "post /api/v1/juminkiroku/certificates/",
        "post /api/v1/jobs/",
        "post /api/v1/zeimu/shisan/",
        "post /api/v1/zeimu/kazei/lookup/",
        "get /api/v1/juminkiroku/setai/{id}/",
    } <= with_422
    for path, method, operation in _operations(doc):
        answer = operation["responses"].get("422")
        if answer is not None:
            assert answer["content"]["application/json"]["schema"], (method, path)


def test_the_portal_document_knows_only_the_session():
    doc = _document("public")
    assert set(doc["components"]["securitySchemes"]) == {"cookieAuth"}
    for path, method, operation in _operations(doc):
        assert operation["security"] == [{"cookieAuth": []}], (method, path)


def test_a_town_key_is_no_credential_on_the_portal(world):
    _, key = apiclient_create(
        municipality=world.alpha.municipality, name="portal-probe", scopes=["platform:read"]
    )
    client = Client(HTTP_HOST=PORTAL_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/v1/portal/municipalities/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_a_rule_refusal_is_422_and_a_malformed_request_400(world):
    """The same operation: a 異動 with no person is a rule of the registry (422); one
    whose date is not a date does not match the document (400)."""
    _, key = apiclient_create(
        municipality=world.alpha.municipality,
        name="rule-probe",
        scopes=["juminkiroku:write"],
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"jiyu": "K01", "ido_date": "2025-04-01", "persons": []}
    rule = client.post("/api/v1/juminkiroku/ido/", body, content_type="application/json")
    assert rule.status_code == 422, rule.content
    assert rule.json()
    malformed = client.post(
        "/api/v1/juminkiroku/ido/",
        {**body, "ido_date": "2025-13-01"},
        content_type="application/json",
    )
    assert malformed.status_code == 400
    form = client.post("/api/v1/juminkiroku/ido/", body)  # multipart: not read
    assert form.status_code == 415
