"""The import's screens and job: 寒川町's administrator uploads a bundle, the job checks
and loads it, the result screen and the report CSV say what happened by file, line and
item; a clerk may not import, and 葉山町's administrator cannot reach 寒川町's import."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from juminkiroku.public import registry_is_empty
from migration_io.importer.jobkind import IMPORT, import_dir
from migration_io.layout import layout_load
from migration_io.tests.test_import import _bundle, _rows, _write
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

LAYOUT = "jumin_kihon_daicho"


def _post(client, directory: Path, capture, *, dry_run: bool):
    data: dict = {"format": "csv", "encoding": "utf-8-sig"}
    if dry_run:
        data["dry_run"] = "on"
    handles = []
    for f in layout_load(LAYOUT).files:
        handle = (directory / f"{f.id}.csv").open("rb")
        handles.append(handle)
        data[f"file_{f.id}"] = handle
    try:
        with capture(execute=True):
            return client.post("/migration/import/", data)
    finally:
        for h in handles:
            h.close()


def _cleanup(town, job: Job) -> None:
    connection.set_tenant(town.municipality)
    shutil.rmtree(default_storage.path(import_dir(job)), ignore_errors=True)
    connection.set_schema_to_public()


def test_the_administrator_imports_through_the_screen_and_reads_the_result(
    alpha, beta, tmp_path, login, django_capture_on_commit_callbacks
):
    # given
    directory = _bundle(alpha, beta, tmp_path)
    connection.set_schema_to_public()
    admin = login("samukawa-admin", BETA_HOST)
    clerk = login("samukawa-clerk", BETA_HOST)
    assert clerk.get("/migration/import/").status_code == 403
    page = admin.get("/migration/import/").content.decode()
    assert "中間標準レイアウトの移行ファイルの取込" in page and "試行" in page
    # when: a dry run first, then the load
    r = _post(admin, directory, django_capture_on_commit_callbacks, dry_run=True)
    assert r.status_code == 302
    r = _post(admin, directory, django_capture_on_commit_callbacks, dry_run=False)
    assert r.status_code == 302
    # then
    connection.set_tenant(beta.municipality)
    dry, real = Job.objects.filter(kind=IMPORT.code).order_by("id")
    assert dry.status == JobStatus.SUCCEEDED and real.status == JobStatus.SUCCEEDED
    assert not registry_is_empty()
    assert not default_storage.listdir("migration/import/inbox")[1]  # uploads removed
    connection.set_schema_to_public()
    page = admin.get(f"/migration/import/{dry.pk}/").content.decode()
    assert "試行のため、何も登録していません" in page
    page = admin.get(f"/migration/import/{real.pk}/").content.decode()
    assert "住民5人" in page and "世帯" in page
    assert clerk.get(f"/migration/import/{real.pk}/").status_code == 403
    # and 葉山町's administrator on 寒川町's host gets nothing
    other = login("hayama-admin", ALPHA_HOST)
    other.defaults["HTTP_HOST"] = BETA_HOST
    assert other.get(f"/migration/import/{real.pk}/").status_code in (302, 403, 404)
    for job in (dry, real):
        _cleanup(beta, job)


def test_a_refused_file_ends_the_job_in_error_with_the_report_by_line_and_item(
    alpha, beta, tmp_path, login, django_capture_on_commit_callbacks
):
    # given: a formula cell on line 3 of the 住民情報
    directory = _bundle(alpha, beta, tmp_path)
    rows = _rows(directory / "JUMIN.csv")
    rows[2][rows[0].index("方書")] = "=1+1"
    _write(directory / "JUMIN.csv", rows)
    connection.set_schema_to_public()
    admin = login("samukawa-admin", BETA_HOST)
    # when
    r = _post(admin, directory, django_capture_on_commit_callbacks, dry_run=False)
    assert r.status_code == 302
    # then: 異常終了, nothing loaded, the finding on the screen and in the CSV
    connection.set_tenant(beta.municipality)
    job = Job.objects.get(kind=IMPORT.code)
    assert job.status == JobStatus.FAILED
    assert registry_is_empty()
    connection.set_schema_to_public()
    page = admin.get(f"/migration/import/{job.pk}/").content.decode()
    assert "住民情報" in page and "方書" in page and "数式" in page and "=1+1" not in page
    got = admin.get(f"/migration/import/{job.pk}/report.csv?encoding=cp932")
    assert got.status_code == 200
    body = b"".join(got.streaming_content) if got.streaming else got.content
    (header, row) = list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert header == ["ファイル", "ファイル名", "行", "レコード番号", "項目", "区分", "内容"]
    assert row[:6] == ["JUMIN", "住民情報", "3", "2", "方書", "誤り"]
    _cleanup(beta, job)
