"""標準仕様書 10.6: 住民基本台帳 in the 中間標準レイアウト, read back item by item.

The export job writes CSV (UTF-8 and cp932) and XML from one definition; the files are
read back with migration_io.reader and compared with what juminkiroku.public.held_read
says the registry holds, item by item, in every file (the 独自項目 files included). 葉山町's
bundle holds none of 寒川町's rows, and 寒川町 cannot reach it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from juminkiroku.public import HELD_ITEMS, held_ranges, held_read
from juminkiroku.tests.factories import (
    family,
    household_tennyu,
    katagaki_set,
    person_fields,
    tenkyo,
    tenshutsu,
)
from migration_io.codec import decode
from migration_io.jobkinds import EXPORT, MANIFEST, bundle_open, export_dir, manifest_of
from migration_io.layout import Layout, layout_load, uncovered
from migration_io.reader import read_csv, read_xml, to_held
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tenants.testing.queries import SqlCount
from tenants.wareki import to_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
LAYOUT = "jumin_kihon_daicho"


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
    return job


def _hayama_registry() -> dict[str, Any]:
    """A household of three that moved within the town, one of whom left (a 除票); a
    single person whose 方書 starts with a formula character; a 外国人住民."""
    _, (taro, hanako, ichiro) = household_tennyu("hayama", members=family("移行", "イコウ"))
    tenkyo([taro, hanako, ichiro], ido_date=date(2021, 6, 1), todoke_date=date(2021, 6, 3))
    tenshutsu(ichiro, ido_date=date(2022, 3, 31), todoke_date=date(2022, 3, 20))
    _, (single,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="令和　一人",
                shimei_kana="レイワ　ヒトリ",
                birth_date="2019-05-01",
                kojin_bango="",
            )
        ],
        ido_date=date(2023, 1, 10),
    )
    katagaki_set(single.pk, "-101号室")
    _, (alien,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="SMITH JOHN",
                shimei_kana="スミス　ジョン",
                alpha_name="SMITH JOHN",
                shubetsu="2",
                kokuseki="アメリカ合衆国",
                zairyu_shikaku="永住者",
                zairyu_kubun="1",
                zairyu_card_no="AB12345678CD",
                zairyu_kikan_to="2030-01-01",
                honseki="",
                hittosha="",
                birth_date="1960-02-29",
            )
        ],
        ido_date=date(2024, 4, 1),
    )
    return {"taro": taro, "ichiro": ichiro, "single": single, "alien": alien}


def _held(layout: Layout) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for held_set in layout.sets:
        records = []
        for r in held_ranges(held_set, 1000):
            records.extend(held_read(held_set, r.first_id, r.last_id))
        out[held_set] = records
    return out


def _read_back(job: Job, layout: Layout, fmt: str, file_id: str) -> list[dict[str, str]]:
    file = layout.file(file_id)
    with bundle_open(job, f"{file_id}.{fmt}") as handle:
        if fmt == "csv":
            return list(read_csv(handle, file, encoding=job.params["encoding"]))
        return list(read_xml(handle, layout, file))


def _assert_same_as_registry(job: Job, layout: Layout, dantai_code: str) -> int:
    """Every item of every file, read back, equals the registry's value. Returns the
    number of items compared."""
    held = _held(layout)
    compared = 0
    for fmt in job.params["formats"]:
        for file in layout.files:
            rows = _read_back(job, layout, fmt, file.id)
            records = held[file.set]
            assert len(rows) == len(records), (fmt, file.id)
            for texts, record in zip(rows, records, strict=True):
                back = to_held(layout, file, texts)
                for item in file.items:
                    if item.const:
                        assert texts[item.id] == dantai_code
                    elif item.derive:
                        day = record.values[item.of]
                        w = to_wareki(day)
                        expected = (
                            layout.code_lists[item.code].to_layout[w.era]
                            if item.derive == "gengo"
                            else f"{w.year:02d}{w.month:02d}{w.day:02d}"
                        )
                        assert texts[item.id] == expected, (file.id, item.id)
                    else:
                        want = record.values[item.source]
                        got = back[item.source]
                        if want is None and item.type not in ("日付", "日時", "数値"):
                            want = ""
                        assert got == want, (fmt, file.id, record.id, item.id, got, want)
                    compared += 1
    return compared


def test_the_layout_leaves_nothing_held_out_and_marks_every_item():
    # given / when
    layout = layout_load(LAYOUT)
    # then: every held item of every set is in some file, each item says its basis
    assert uncovered(layout) == {}
    for held_set, items in HELD_ITEMS.items():
        if held_set in layout.sets:
            assert items, held_set
    for file in layout.files:
        assert {i.basis for i in file.items} <= ({"独自", "推定"} if file.is_dokuji else {"推定"})
        assert file.key and file.key[0] in {i.id for i in file.items}
    assert layout.file("JUMIN").items[13].id == "SEINENGAPPI_GENGO"
    gengo = layout.code_lists["GENGO"]
    assert {len(e.code) for e in gengo.entries} == {2}  # 年号コード 2桁 (V1.0 から)
    assert gengo.to_layout["令和"] == "05"


def test_held_read_is_one_query_a_chunk(in_alpha):
    # given
    _hayama_registry()
    for held_set in ("persons", "versions", "idos", "households"):
        (r,) = held_ranges(held_set, 10_000)
        # when / then
        with SqlCount() as queries:
            records = held_read(held_set, r.first_id, r.last_id)
        assert queries.count == 1
        assert len(records) == r.count > 0


def test_csv_and_xml_read_back_equal_the_registry_item_by_item(
    alpha, bundles, django_capture_on_commit_callbacks, monkeypatch
):
    # given: small chunks, so every set is cut into several parts
    connection.set_tenant(alpha.municipality)
    people = _hayama_registry()
    monkeypatch.setattr(EXPORT, "chunk_records", 2)
    # when
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv", "xml"])
    # then
    assert job.status == JobStatus.SUCCEEDED, list(job.log.values_list("message", flat=True))
    assert job.chunks.count() > 4
    layout = layout_load(LAYOUT)
    compared = _assert_same_as_registry(job, layout, alpha.municipality.dantai_code)
    assert compared > 500
    jumin = {r["ATENA_NO"]: r for r in _read_back(job, layout, "csv", "JUMIN")}
    ichiro = jumin[people["ichiro"].atena_no]
    assert ichiro["JUMIN_JOTAI"] == "2"  # 転出 (a 除票)
    assert ichiro["SHOJO_JIYU"] == "201"  # 転出, through the code list
    assert ichiro["SHOJO_DATE"] == "20220331"
    single = jumin[people["single"].atena_no]
    assert (single["SEINENGAPPI_GENGO"], single["SEINENGAPPI_WAREKI"]) == ("05", "010501")
    assert single["KATAGAKI"] == "-101号室"  # neutralised in the file, read back as held
    alien = jumin[people["alien"].atena_no]
    assert (alien["JUMIN_SHUBETSU"], alien["HO30_45_KUBUN"]) == ("2", "1")
    # the manifest: counts and SHA-256 of every file, as stored
    manifest = manifest_of(job)
    assert manifest is not None and manifest["dantai_code"] == "143014"
    assert manifest["uncovered"] == {}
    names = {f["name"] for f in manifest["files"]}
    assert {"JUMIN.csv", "JUMIN.xml", "RIREKI_DOKUJI.xml", "03_data_komoku_ichiran.csv"} <= names
    for entry in manifest["files"]:
        with bundle_open(job, entry["name"]) as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    by_name = {f["name"]: f for f in manifest["files"]}
    assert by_name["JUMIN.csv"]["records"] == len(jumin) == 5
    # no part file is left behind
    assert default_storage.listdir(f"{export_dir(job)}/parts")[1] == []
    # each chunk wrote one EXPORT access row with the records it read
    rows = AccessLog.objects.filter(action=AccessAction.EXPORT, screen=f"job:{EXPORT.code}")
    assert sum(rows.values_list("record_count", flat=True)) == job.total


def test_a_chunk_run_again_replaces_its_parts(
    alpha, bundles, django_capture_on_commit_callbacks, monkeypatch
):
    # given: a finished export
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    monkeypatch.setattr(EXPORT, "chunk_records", 3)
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv"])
    first = {f["name"]: f["sha256"] for f in manifest_of(job)["files"]}  # type: ignore[index]
    # when: every chunk runs again (as after a worker taken for dead) and finish again
    for chunk in job.chunks.order_by("index"):
        EXPORT.run_chunk(job, chunk)
        EXPORT.run_chunk(job, chunk)
    EXPORT.finish(job)
    # then: the same files, not doubled rows
    again = {f["name"]: f["sha256"] for f in manifest_of(job)["files"]}  # type: ignore[index]
    assert again == first


def test_cp932_reads_back_and_a_name_cp932_cannot_hold_fails_the_chunk(
    alpha, bundles, django_capture_on_commit_callbacks
):
    # given
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    # when: Shift_JIS
    job = _export(
        alpha, django_capture_on_commit_callbacks, bundles, formats=["csv"], encoding="cp932"
    )
    # then
    assert job.status == JobStatus.SUCCEEDED
    _assert_same_as_registry(job, layout_load(LAYOUT), "143014")
    with bundle_open(job, "JUMIN.csv") as handle:
        assert not handle.read().startswith(b"\xef\xbb\xbf")
    # when: a name with 𠮷, which cp932 cannot hold
    household_tennyu("hayama", members=[person_fields(shimei="𠮷田　太郎")])
    failed = _export(
        alpha, django_capture_on_commit_callbacks, bundles, formats=["csv"], encoding="cp932"
    )
    # then: refused, never replaced; the log names file, line and column, not the name
    assert failed.status == JobStatus.FAILED
    log = " ".join(failed.log.values_list("message", flat=True))
    assert "住民情報" in log and "𠮷田" not in log
    assert manifest_of(failed) is None


def test_hayama_bundle_holds_none_of_samukawa_and_samukawa_cannot_reach_it(
    alpha, beta, bundles, django_capture_on_commit_callbacks, login
):
    # given: people in both towns
    connection.set_tenant(beta.municipality)
    _, samukawa = household_tennyu(
        "samukawa", members=family("寒川", "サムカワ"), ido_date=date(2020, 5, 1)
    )
    samukawa_nos = {a.atena_no for a in samukawa}
    connection.set_tenant(alpha.municipality)
    hayama = _hayama_registry()
    # when
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv", "xml"])
    # then: no row of 寒川町 in any file of 葉山町's bundle
    layout = layout_load(LAYOUT)
    for fmt in ("csv", "xml"):
        text = ""
        for file in layout.files:
            with bundle_open(job, f"{file.id}.{fmt}") as handle:
                text += handle.read().decode("utf-8-sig")
        assert "寒川" not in text and "サムカワ" not in text
        jumin = {r["ATENA_NO"] for r in _read_back(job, layout, fmt, "JUMIN")}
        assert hayama["taro"].atena_no in jumin
        assert all(r["DANTAI_CODE"] == "143014" for r in _read_back(job, layout, fmt, "JUMIN"))
    # and 寒川町's own export holds only its own people
    other = _export(beta, django_capture_on_commit_callbacks, bundles, formats=["csv"])
    connection.set_tenant(beta.municipality)
    rows = _read_back(other, layout, "csv", "JUMIN")
    assert {r["ATENA_NO"] for r in rows} == samukawa_nos
    assert {r["DANTAI_CODE"] for r in rows} == {"143219"}
    # and 寒川町's administrator cannot reach 葉山町's bundle on its own host
    connection.set_schema_to_public()
    admin = login("samukawa-admin", BETA_HOST)
    # (job ids are per schema: the same number names 寒川町's own job there, if any)
    r = admin.get(f"/migration/export/{job.pk}/files/JUMIN.csv")
    body = b"".join(r.streaming_content) if r.status_code == 200 else r.content
    assert "イコウ".encode() not in body and b"143014" not in body
    if job.pk == other.pk:  # the number names 寒川町's own bundle there: its own rows only
        assert r.status_code == 200 and b"143219" in body
    else:
        assert r.status_code == 404
    # nor a 葉山町 session on 寒川町's host
    hayama_admin = login("hayama-admin", ALPHA_HOST)
    hayama_admin.defaults["HTTP_HOST"] = BETA_HOST
    assert hayama_admin.get(f"/migration/export/{job.pk}/").status_code in (302, 403, 404)


def test_screens_start_show_and_download_with_the_access_log(
    alpha, bundles, django_capture_on_commit_callbacks, login
):
    # given
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    # the layout's 表形式 is open to the 業務; the export to its 管理 role only
    page = viewer.get("/migration/layouts/jumin_kihon_daicho/").content.decode()
    assert "移行ファイル構成表" in page and "データ項目一覧表" in page and "年号コード" in page
    assert clerk.get("/migration/export/").status_code == 403
    assert viewer.get("/migration/export/").status_code == 403
    assert "中間標準レイアウトでのデータ提供" in admin.get("/migration/export/").content.decode()
    # when: the administrator starts it
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post("/migration/export/", {"formats": ["csv"], "encoding": "utf-8-sig"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    job = Job.objects.get(kind=EXPORT.code)
    bundles.append((alpha, job))
    assert job.status == JobStatus.SUCCEEDED
    connection.set_schema_to_public()
    # then: the result screen lists the files with their checksums
    result = admin.get(f"/migration/export/{job.pk}/").content.decode()
    assert "JUMIN.csv" in result and "SHA-256" in result and "manifest.json" in result
    assert clerk.get(f"/migration/export/{job.pk}/").status_code == 403
    # and a download is an EXPORT in the access log with its record count
    r = admin.get(f"/migration/export/{job.pk}/files/JUMIN.csv")
    assert r.status_code == 200
    body = b"".join(r.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and "宛名番号".encode() in body
    assert admin.get(f"/migration/export/{job.pk}/files/..%2Fsecret").status_code == 404
    got = admin.get(f"/migration/export/{job.pk}/files/{MANIFEST}")
    manifest = json.loads(b"".join(got.streaming_content))
    assert manifest["files"][0]["name"] == "JUMIN.csv"
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.filter(record_type="mio_bundle_file").order_by("id").first()
    assert row is not None and row.action == AccessAction.EXPORT
    assert row.record_count == 5 and row.detail["file"] == "JUMIN.csv"
    assert row.username == "hayama-admin"


def test_the_command_writes_a_bundle_that_verifies(
    alpha, bundles, tmp_path: Path, capsys, django_capture_on_commit_callbacks
):
    # given
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    connection.set_schema_to_public()
    # when: started (the workers run it), then copied out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("migration_export", "--schema", alpha.schema)
        # (in the test the commit comes here, after the command left the town's schema)
        connection.set_tenant(alpha.municipality)
    job = Job.objects.get(kind=EXPORT.code)
    bundles.append((alpha, job))
    connection.set_schema_to_public()
    call_command(
        "migration_export", "--schema", alpha.schema, "--job", str(job.pk), "--out", str(tmp_path)
    )
    # then: every file the manifest lists is there with its checksum
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 8 * 2 + 5
    for entry in manifest["files"]:
        data = (tmp_path / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    assert "JUMIN.csv" in capsys.readouterr().out


def test_decode_refuses_a_code_not_in_the_list():
    layout = layout_load(LAYOUT)
    item = next(i for i in layout.file("JUMIN").items if i.id == "SEIBETSU")
    assert decode(layout, item, "2") == "2"
    with pytest.raises(KeyError):
        decode(layout, item, "9")


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("", "", "")],
        [("a&b<c>d\"e'f", "1", ""), ("x\ry\nz\tw", "", "]]>"), ("葛\U000e0100", "髙", "𠮷")],
        [("&amp;", "&#13;", "<REC>")],
    ],
)
def test_xml_rows_are_the_bytes_lxml_writes(rows):
    """The XML part written as text equals lxml's elements byte for byte (escapes, the
    carriage return as a reference, empty items left out, characters outside the BMP)."""
    import io

    from migration_io.writers import _xml_part_lxml, xml_rows

    ids = ["SHIMEI", "KANA", "BIKO"]
    fast, slow = io.BytesIO(), io.BytesIO()
    assert xml_rows(fast, ids, rows) == _xml_part_lxml(slow, ids, rows) == len(rows)
    assert fast.getvalue() == slow.getvalue()


@pytest.mark.parametrize("bad", ["a\x01b", "\x0b", "a\ufffeb"])
def test_xml_rows_refuse_what_xml_cannot_carry_as_lxml_does(bad):
    import io

    from migration_io.writers import xml_rows

    stream = io.BytesIO()
    with pytest.raises(ValueError, match="XML compatible"):
        xml_rows(stream, ["A", "B"], [("ok", ""), (bad, "x")])


def _reference_file(layout: Layout, file_id: str, fmt: str, *, chunk: int, dantai: str) -> bytes:
    """A bundle file made the slow way: every record's texts by ``record_texts`` (item by
    item, record by record), the XML parts through lxml's elements and the CSV rows through
    the platform writer's ``writerow``, cut into the export job's chunks and joined."""
    import io

    from migration_io.codec import Context, record_texts
    from migration_io.writers import _xml_part_lxml, xml_join
    from tenants.csvout import CsvWriter, csv_join

    file = layout.file(file_id)
    ctx = Context(dantai_code=dantai)
    ids = [item.id for item in file.items]
    parts: list[io.BytesIO] = []
    count = 0
    for r in held_ranges(file.set, chunk):
        rows = [
            record_texts(layout, file_id, h.id, h.values, ctx)
            for h in held_read(file.set, r.first_id, r.last_id)
        ]
        count += len(rows)
        part = io.BytesIO()
        if fmt == "xml":
            _xml_part_lxml(part, ids, rows)
        else:
            writer = CsvWriter(part, encoding="utf-8-sig", bom=False)
            for row in rows:
                writer.writerow(row)
        part.seek(0)
        parts.append(part)
    out = io.BytesIO()
    if fmt == "xml":
        xml_join(out, layout, file, parts, count=count, dantai_code=dantai)
    else:
        csv_join(out, file.headings, parts, encoding="utf-8-sig")
    return out.getvalue()


def test_the_export_files_are_byte_for_byte_the_record_by_record_reference(
    alpha, bundles, django_capture_on_commit_callbacks, monkeypatch
):
    """Pins the export's bytes: the column-by-column path (``chunk_columns``,
    ``xml_columns``, ``CsvWriter.write_texts``) writes every CSV and XML file exactly as
    the record-by-record reference does (issue 19: the export cut per record must not
    change an item)."""
    # given: 葉山町's small registry (a 除票, a formula character, a 外国人住民), chunks of 2
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    monkeypatch.setattr(EXPORT, "chunk_records", 2)
    # when
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv", "xml"])
    # then: each file's SHA-256 is the reference's
    assert job.status == JobStatus.SUCCEEDED, list(job.log.values_list("message", flat=True))
    layout = layout_load(LAYOUT)
    manifest = manifest_of(job)
    assert manifest is not None
    checked = 0
    for entry in manifest["files"]:
        if not entry["personal"]:
            continue
        reference = _reference_file(
            layout, entry["file"], entry["format"], chunk=2, dantai=alpha.municipality.dantai_code
        )
        with bundle_open(job, entry["name"]) as handle:
            data = handle.read()
        assert data == reference, entry["name"]
        assert hashlib.sha256(reference).hexdigest() == entry["sha256"]
        checked += 1
    assert checked == 2 * len(layout.files) == 16
