"""異動 API: a system enters a 仮登録, a reviewer approves it; walls between towns."""

from __future__ import annotations

import pytest
from django.test import Client

from juminkiroku.models import Atena, Ido
from juminkiroku.tests.factories import person_fields
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def _client(town, host, scopes):
    name = f"窓口端末-{'-'.join(scopes)}"
    _, key = apiclient_create(municipality=town.municipality, name=name, scopes=scopes)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


BODY = {
    "jiyu": "K01",
    "ido_date": "2024-04-01",
    "todoke_date": "2024-04-02",
    "setai_mode": "new",
    "persons": [{"atena_id": None, "fields": person_fields()}],
}


def test_system_enters_reviewer_approves(world, login):
    system = _client(world.alpha, ALPHA_HOST, ["juminkiroku:write"])
    r = system.post("/api/v1/juminkiroku/ido/", BODY, content_type="application/json")
    assert r.status_code == 201, r.content
    ido_id = r.json()["id"]
    assert r.json()["status"] == "kari"
    # The system may not approve its own entry.
    assert system.post(f"/api/v1/juminkiroku/ido/{ido_id}/approve/").status_code == 403
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    r = shinsa.post(f"/api/v1/juminkiroku/ido/{ido_id}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "hon"
    connection.set_tenant(world.alpha.municipality)
    assert Atena.objects.count() == 1


def test_validation_errors_come_back_by_field(world):
    system = _client(world.alpha, ALPHA_HOST, ["juminkiroku:write"])
    bad = dict(
        BODY, persons=[{"atena_id": None, "fields": person_fields(juminhyo_code="12345678901")}]
    )
    r = system.post("/api/v1/juminkiroku/ido/", bad, content_type="application/json")
    assert r.status_code == 422
    assert "住民票コード" in r.json()["persons.0.juminhyo_code"][0]


def test_read_scope_cannot_enter_and_other_town_cannot_see(world):
    reader = _client(world.alpha, ALPHA_HOST, ["juminkiroku:read"])
    assert (
        reader.post("/api/v1/juminkiroku/ido/", BODY, content_type="application/json").status_code
        == 403
    )
    writer = _client(world.alpha, ALPHA_HOST, ["juminkiroku:write"])
    ido_id = writer.post("/api/v1/juminkiroku/ido/", BODY, content_type="application/json").json()[
        "id"
    ]
    other = _client(world.beta, BETA_HOST, ["juminkiroku:write"])
    assert other.get(f"/api/v1/juminkiroku/ido/{ido_id}/").status_code == 404
    assert (
        other.post(
            f"/api/v1/juminkiroku/ido/{ido_id}/reject/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    # hayama's key on samukawa's host is refused outright.
    _, key = apiclient_create(
        municipality=world.alpha.municipality, name="x", scopes=["juminkiroku:write"]
    )
    wrong = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert wrong.get("/api/v1/juminkiroku/ido/").status_code == 401
    connection.set_tenant(world.alpha.municipality)
    assert Ido.objects.get(pk=ido_id).status == "kari"
