"""The export's 「Excel 向け（縮退）」 option (issue 19 item 3): off by default, an IVS name
leaves as held (葛 + U+E0102, MJ022335); asked for, the CSV files carry the JIS X 0213
character (葛), the XML files stay as held, and the manifest and the result screen say it.
寒川町's export of the same moment is its own and is not folded by 葉山町's choice."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from juminkiroku.tests.factories import household_tennyu, person_fields
from migration_io.jobkinds import EXPORT, MANIFEST, bundle_open, export_dir, manifest_of
from migration_io.layout import layout_load
from migration_io.reader import read_csv, read_xml
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
IVS_NAME = "葛\U000e0102城　一郎"  # 葛󠄂 = MJ022335 (U+845B U+E0102)
FOLDED_NAME = "葛城　一郎"


@pytest.fixture
def bundles() -> Iterator[list[tuple[Any, Job]]]:
    made: list[tuple[Any, Job]] = []
    yield made
    for town, job in made:
        connection.set_tenant(town.municipality)
        shutil.rmtree(default_storage.path(export_dir(job)), ignore_errors=True)
    connection.set_schema_to_public()


def _export(town: Any, capture: Any, bundles: list, **params: Any) -> Job:
    connection.set_tenant(town.municipality)
    with capture(execute=True):
        job = job_start(kind=EXPORT.code, params=params, actor=ACTOR)
    job.refresh_from_db()
    bundles.append((town, job))
    assert job.status == JobStatus.SUCCEEDED, list(job.log.values_list("message", flat=True))
    return job


def _names(job: Job, fmt: str) -> set[str]:
    layout = layout_load("jumin_kihon_daicho")
    file = layout.file("JUMIN")
    item = next(i for i in file.items if i.source == "shimei")
    with bundle_open(job, f"JUMIN.{fmt}") as handle:
        rows = (
            read_csv(handle, file, encoding=job.params["encoding"])
            if fmt == "csv"
            else read_xml(handle, layout, file)
        )
        return {r[item.id] for r in rows}


def test_an_ivs_name_is_folded_only_when_asked_and_the_manifest_says_so(
    alpha, beta, bundles, django_capture_on_commit_callbacks
):
    # given: a resident of 葉山町 whose name holds an IVS, and one of 寒川町 with the same name
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(shimei=IVS_NAME)])
    connection.set_tenant(beta.municipality)
    household_tennyu("samukawa", members=[person_fields(shimei=IVS_NAME)])
    # when: exported as is (the default)
    plain = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv", "xml"])
    # then: the name leaves as held, in CSV and XML; the manifest says nothing was folded
    assert _names(plain, "csv") == {IVS_NAME} == _names(plain, "xml")
    manifest = manifest_of(plain)
    assert manifest is not None and manifest["shukutai"] is False
    assert not any(f.get("shukutai") for f in manifest["files"])
    # when: exported for Excel, in Shift_JIS (which cannot hold the selector at all)
    folded = _export(
        alpha,
        django_capture_on_commit_callbacks,
        bundles,
        formats=["csv", "xml"],
        encoding="cp932",
        shukutai=True,
    )
    # then: the CSV carries 葛 without its selector; the XML (for a system) keeps it
    assert _names(folded, "csv") == {FOLDED_NAME}
    assert _names(folded, "xml") == {IVS_NAME}
    manifest = manifest_of(folded)
    assert manifest is not None and manifest["shukutai"] is True
    by_name = {f["name"]: f for f in manifest["files"]}
    assert by_name["JUMIN.csv"]["shukutai"] is True and by_name["JUMIN.xml"]["shukutai"] is False
    with bundle_open(folded, "JUMIN.csv") as handle:
        assert FOLDED_NAME.encode("cp932") in handle.read()
    # and 寒川町's export, made now with the default, is its own and not folded
    other = _export(beta, django_capture_on_commit_callbacks, bundles, formats=["csv"])
    connection.set_tenant(beta.municipality)
    assert _names(other, "csv") == {IVS_NAME}
    assert manifest_of(other)["shukutai"] is False  # type: ignore[index]


def test_a_wrong_shukutai_value_is_refused():
    with pytest.raises(ValueError, match="縮退"):
        EXPORT.validate({"formats": ["csv"], "shukutai": "yes"})


def test_the_screen_offers_the_option_off_and_the_command_takes_it(
    alpha, bundles, django_capture_on_commit_callbacks, login, tmp_path
):
    # given
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama", members=[person_fields(shimei=IVS_NAME)])
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)
    # the option is on the form, unchecked
    page = admin.get("/migration/export/").content.decode()
    assert "Excel 向け（縮退）" in page
    assert 'name="shukutai"' in page and "checked" not in page.split('name="shukutai"')[1][:40]
    # when: started from the screen with the option
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post(
            "/migration/export/",
            {"formats": ["csv"], "encoding": "utf-8-sig", "shukutai": "on"},
        )
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    job = Job.objects.get(kind=EXPORT.code)
    bundles.append((alpha, job))
    # then: folded, and the result screen warns that the files are not the registry's text
    assert job.params["shukutai"] is True and _names(job, "csv") == {FOLDED_NAME}
    connection.set_schema_to_public()
    result = admin.get(f"/migration/export/{job.pk}/").content.decode()
    assert "Excel 向け（縮退）の出力です" in result
    # and the command: --shukutai folds, its absence does not
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migration_export", "--schema", alpha.schema, "--formats", "csv")
        connection.set_tenant(alpha.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migration_export", "--schema", alpha.schema, "--formats", "csv", "--shukutai")
        connection.set_tenant(alpha.municipality)
    plain, folded = Job.objects.filter(kind=EXPORT.code).exclude(pk=job.pk).order_by("pk")
    bundles.extend([(alpha, plain), (alpha, folded)])
    assert _names(plain, "csv") == {IVS_NAME} and _names(folded, "csv") == {FOLDED_NAME}
    connection.set_schema_to_public()
    call_command(
        "migration_export",
        "--schema",
        alpha.schema,
        "--job",
        str(folded.pk),
        "--out",
        str(tmp_path),
    )
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["shukutai"] is True
