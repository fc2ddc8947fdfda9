"""Big 課税資料 uploads: streamed to disk, stopped at the limit, never imported twice."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client

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


def test_screen_under_the_limit_still_imports_and_checks_csrf(
    alpha, people, login, django_capture_on_commit_callbacks
):
    head = people[0]
    clerk = login("hayama-clerk", ALPHA_HOST)
    good = f"宛名番号,所得年,申告の種類\n{head.atena_no},2024,確定申告\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(SCREEN, {"kind": "shinkoku", "file": _upload("s.csv", good)})
    assert "住民税申告・確定申告を1件取り込みました" in clerk.get(r["Location"]).content.decode()
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


# --- the same file twice at once ------------------------------------------------------

SHINKOKU = "宛名番号,所得年,申告の種類\n{},2024,確定申告\n"


@pytest.fixture
def race(monkeypatch):
    """Both requests pass the "already imported?" check before either has written: what two
    identical uploads at the same moment do."""
    import zeimu.services.kazei_import as service

    monkeypatch.setattr(service, "_already_imported", lambda **_: False)


def test_same_file_at_once_gives_one_import_and_one_refusal(alpha, people, race):
    from tenants.accesslog.services import Actor
    from zeimu.services.kazei_import import AlreadyImported, kazei_import

    content = SHINKOKU.format(people[0].atena_no).encode()
    connection.set_tenant(alpha.municipality)
    actor = Actor(user_id=1, username="hayama-clerk")
    kazei_import(kind="shinkoku", file_name="a.csv", content=content, actor=actor)
    with pytest.raises(AlreadyImported) as refused:
        kazei_import(kind="shinkoku", file_name="a.csv", content=content, actor=actor)
    assert refused.value.errors[0].message == "このファイルは取り込み済みです。"
    assert ShiryoImport.objects.count() == 1 and Shinkoku.objects.count() == 1


def test_screen_and_api_answer_the_second_upload_clearly(
    alpha, people, login, race, django_capture_on_commit_callbacks
):
    content = SHINKOKU.format(people[0].atena_no).encode()
    clerk = login("hayama-clerk", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(SCREEN, {"kind": "shinkoku", "file": _upload("s.csv", content)})
    assert "住民税申告・確定申告を1件取り込みました" in clerk.get(r["Location"]).content.decode()
    r = clerk.post(SCREEN, {"kind": "shinkoku", "file": _upload("s.csv", content)})
    assert r.status_code == 200 and "このファイルは取り込み済みです。" in r.content.decode()
    _, key = apiclient_create(
        municipality=alpha.municipality, name="取込", scopes=["kojin_juminzei:write"]
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = client.post(API, {"kind": "shinkoku", "file": _upload("s.csv", content)})
    assert r.status_code == 409, r.content
    assert r.json()["errors"][0]["message"] == "このファイルは取り込み済みです。"
    connection.set_tenant(alpha.municipality)
    assert ShiryoImport.objects.count() == 1


def test_the_same_file_in_another_town_is_that_towns_own_import(alpha, beta, people, race):
    import hashlib

    from tenants.accesslog.services import Actor
    from zeimu.services.kazei_import import AlreadyImported, kazei_import

    content = SHINKOKU.format(people[0].atena_no).encode()
    actor = Actor(user_id=1, username="clerk")
    # given 寒川町 has imported a file with the same bytes
    connection.set_tenant(beta.municipality)
    digest = hashlib.sha256(content).hexdigest()
    ShiryoImport.objects.create(
        kind="shinkoku", file_name="b.csv", sha256=digest, rows=1, imported_by="x"
    )
    # when 葉山町 imports it (twice at once): one import, one refusal
    connection.set_tenant(alpha.municipality)
    kazei_import(kind="shinkoku", file_name="a.csv", content=content, actor=actor)
    with pytest.raises(AlreadyImported):
        kazei_import(kind="shinkoku", file_name="a.csv", content=content, actor=actor)
    assert Shinkoku.objects.get().atena_id == people[0].pk
    assert ShiryoImport.objects.count() == 1
    # then 寒川町 has still only its own import and no 申告
    connection.set_tenant(beta.municipality)
    assert ShiryoImport.objects.get().file_name == "b.csv" and Shinkoku.objects.count() == 0


def _stored_files(town: Any) -> list[str]:
    from django.core.files.storage import default_storage

    from zeimu.services.kazei_import import INBOX

    connection.set_tenant(town.municipality)
    try:
        return default_storage.listdir(INBOX)[1]
    except FileNotFoundError:
        return []


def test_two_identical_uploads_accepted_at_once_give_one_job(alpha, people, race):
    """Both pass the early check; the second's job and import are refused by the unique
    constraint in the job's own transaction, and its stored file is removed."""
    import io

    from tenants.accesslog.services import Actor
    from tenants.jobs.models import Job
    from zeimu.services.kazei_import import AlreadyImported, kazei_import_accept

    content = SHINKOKU.format(people[0].atena_no).encode()
    connection.set_tenant(alpha.municipality)
    actor = Actor(user_id=1, username="hayama-clerk")
    before = set(_stored_files(alpha))
    first = kazei_import_accept(
        kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
    )
    with pytest.raises(AlreadyImported):
        kazei_import_accept(
            kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
        )
    connection.set_tenant(alpha.municipality)
    assert list(ShiryoImport.objects.values_list("pk", flat=True)) == [first.pk]
    assert Job.objects.filter(kind="zeimu_kazei_import").count() == 1
    assert first.status == "queued" and first.job is not None
    assert len(set(_stored_files(alpha)) - before) == 1  # the first's file only


def test_a_refused_file_may_be_sent_again(alpha, people, django_capture_on_commit_callbacks):
    """A file refused for its errors does not count as imported: once the registry knows
    the person (or the file is right), the same bytes are accepted."""
    import io

    from tenants.accesslog.services import Actor
    from zeimu.services.kazei_import import kazei_import_accept

    content = f"宛名番号,所得年,申告の種類\n{people[0].atena_no},2024,修正申告\n".encode()
    connection.set_tenant(alpha.municipality)
    actor = Actor(user_id=1, username="hayama-clerk")
    with django_capture_on_commit_callbacks(execute=True):
        first = kazei_import_accept(
            kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
        )
    connection.set_tenant(alpha.municipality)
    first.refresh_from_db()
    assert first.status == "rejected" and first.errors[0]["field"] == "申告の種類"
    again = kazei_import_accept(
        kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
    )
    assert again.pk != first.pk and again.status == "queued"


def test_an_import_that_fails_on_the_way_leaves_nothing_and_runs_again(
    alpha, people, monkeypatch, django_capture_on_commit_callbacks
):
    """All rows or none, also when the attempt dies while writing (a lost database, a
    killed worker): the import stays 受付済 with its file, and the next attempt (retry by
    hand, or the watchdog's for a dead worker) imports it from the start."""
    import io

    from django.core.files.storage import default_storage
    from django.db import OperationalError

    import zeimu.services.kazei_import as service
    from tenants.accesslog.services import Actor
    from tenants.jobs.services import job_retry_failed

    real_write = service._Importer._write
    attempts: list[int] = []

    def dies_once(self: Any, shiryo: Any) -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            real_write(self, shiryo)  # the rows are written …
            raise OperationalError("server closed the connection unexpectedly")  # … then
        return real_write(self, shiryo)

    monkeypatch.setattr(service._Importer, "_write", dies_once)
    content = SHINKOKU.format(people[0].atena_no).encode()
    connection.set_tenant(alpha.municipality)
    actor = Actor(user_id=1, username="hayama-clerk")
    with django_capture_on_commit_callbacks(execute=True):
        shiryo = service.kazei_import_accept(
            kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
        )
    connection.set_tenant(alpha.municipality)
    shiryo.refresh_from_db()
    assert shiryo.job is not None
    path = shiryo.job.params["path"]
    # then: nothing of the file is registered; the import waits with its file
    assert shiryo.status == "queued" and Shinkoku.objects.count() == 0
    assert shiryo.job.status == "failed" and default_storage.exists(path)
    # when: the failed part is run again
    with django_capture_on_commit_callbacks(execute=True):
        job_retry_failed(job=shiryo.job, actor=actor)
    connection.set_tenant(alpha.municipality)
    shiryo.refresh_from_db()
    # then: imported once, and the stored file is gone
    assert (shiryo.status, shiryo.rows) == ("done", 1) and len(attempts) == 2
    assert Shinkoku.objects.get().shiryo_id == shiryo.pk
    assert not default_storage.exists(path)


def test_an_import_reads_取込中_while_its_job_runs(alpha, people):
    import io

    from tenants.accesslog.services import Actor
    from tenants.jobs.models import Job, JobStatus
    from zeimu.selectors.kazei import shiryo_import, shiryo_import_state
    from zeimu.services.kazei_import import kazei_import_accept

    content = SHINKOKU.format(people[0].atena_no).encode()
    connection.set_tenant(alpha.municipality)
    actor = Actor(user_id=1, username="hayama-clerk")
    accepted = kazei_import_accept(
        kind="shinkoku", file_name="a.csv", upload=io.BytesIO(content), actor=actor
    )
    shiryo = shiryo_import(accepted.pk)
    assert shiryo is not None and shiryo_import_state(shiryo).label == "受付済（取込待ち）"
    assert accepted.job is not None
    Job.objects.filter(pk=accepted.job.pk).update(status=JobStatus.RUNNING)
    shiryo = shiryo_import(accepted.pk)
    assert shiryo is not None and shiryo_import_state(shiryo).label == "取込中"
