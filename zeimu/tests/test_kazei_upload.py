"""Big 課税資料 uploads: streamed to disk, stopped at the limit, never imported twice."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client

from juminkiroku.tests.factories import family, household_tennyu
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.uploads import LimitedUploadHandler
from tests.personas import ALPHA_HOST
from zeimu.models import KyuyoHokoku, NenkinHokoku, Shinkoku, ShiryoImport

pytestmark = pytest.mark.django_db

SCREEN = "/zeimu/kazei/import/"
API = "/api/v1/zeimu/kazei/import/"
#: far more than the limits the tests set, so a full read would show
BIG = 1024 * 1024


@pytest.fixture
def people(alpha) -> list[Any]:
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    connection.set_schema_to_public()
    return atenas


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _nothing_written(*towns: Any) -> None:
    for town in towns:
        connection.set_tenant(town.municipality)
        assert ShiryoImport.objects.count() == 0
        assert KyuyoHokoku.objects.count() + NenkinHokoku.objects.count() == 0
        assert Shinkoku.objects.count() == 0
    connection.set_schema_to_public()


def test_handler_streams_to_disk_and_stops_at_the_limit():
    handler = LimitedUploadHandler(limit=10)
    handler.new_file("file", "a.csv", "text/csv", 20)
    handler.receive_data_chunk(b"x" * 10, 0)
    path = handler.file.temporary_file_path()
    assert os.path.exists(path) and handler.received == 10
    with pytest.raises(StopUpload) as stop:
        handler.receive_data_chunk(b"x", 10)
    assert stop.value.connection_reset and handler.exceeded
    handler.upload_interrupted()
    assert not os.path.exists(path)


def test_screen_stops_a_too_big_upload_before_reading_it_all(
    alpha, beta, people, login, monkeypatch
):
    import zeimu.forms.kazei as forms_module

    monkeypatch.setattr(forms_module, "MAX_UPLOAD_BYTES", 1000)
    clerk = login("hayama-clerk", ALPHA_HOST)
    # when: a file far over the limit
    r = clerk.post(SCREEN, {"file": _upload("big.csv", b"x" * BIG), "kind": "kyuyo"})
    # then: refused in Japanese by the streaming handler, which read no further
    assert r.status_code == 200
    assert "ファイルが大きすぎます（上限 40MB）" in r.content.decode()
    handler = r.wsgi_request.upload_handlers[0]
    assert isinstance(handler, LimitedUploadHandler)
    assert handler.exceeded and handler.received <= 1000
    assert "file" not in r.wsgi_request.FILES
    _nothing_written(alpha, beta)


def test_screen_under_the_limit_still_imports_and_checks_csrf(alpha, people, login):
    head = people[0]
    clerk = login("hayama-clerk", ALPHA_HOST)
    good = f"宛名番号,所得年,申告の種類\n{head.atena_no},2024,確定申告\n".encode()
    r = clerk.post(SCREEN, {"kind": "shinkoku", "file": _upload("s.csv", good)})
    assert "住民税申告・確定申告を1件取り込みました" in r.content.decode()
    assert isinstance(r.wsgi_request.upload_handlers[0], LimitedUploadHandler)
    # the CSRF check still applies (it runs after the handler is set)
    strict = Client(HTTP_HOST=ALPHA_HOST, enforce_csrf_checks=True)
    strict.cookies = clerk.cookies
    r = strict.post(SCREEN, {"kind": "shinkoku", "file": _upload("t.csv", good)})
    assert r.status_code == 403


def test_api_stops_a_too_big_upload_before_reading_it_all(alpha, beta, people, monkeypatch):
    import zeimu.api.kazei as api_module

    monkeypatch.setattr(api_module, "MAX_UPLOAD_BYTES", 1000)
    _, key = apiclient_create(
        municipality=alpha.municipality, name="取込", scopes=["kojin_juminzei:write"]
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = client.post(API, {"file": _upload("big.csv", b"x" * BIG), "kind": "kyuyo"})
    assert r.status_code == 400, r.content
    assert r.json()["detail"].startswith("ファイルが大きすぎます"), r.json()
    handler = r.wsgi_request.upload_handlers[0]
    assert isinstance(handler, LimitedUploadHandler)
    assert handler.exceeded and handler.received <= 1000
    _nothing_written(alpha, beta)
