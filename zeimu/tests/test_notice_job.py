"""The mass print job: one PDF per chunk with the expected pages, the print-data CSV, a
re-run that replaces instead of duplicating, a failed chunk re-rendered alone, the access
log, and 葉山町's print never holding 寒川町's people (nor its files reachable there)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import ChunkStatus, Job, JobFile, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_retry_failed, job_start
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.forms.notices import PRINT_DATA_HEADER
from zeimu.printjobs import NoticePrint
from zeimu.tests.test_notices import EMPLOYER, EMPLOYER_NO, grant_beta_juminzei, make_fuka, people

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> NoticePrint:
    """2 notices (or 2 employees) a chunk, so a handful of people make several chunks."""
    kind = get_kind("zeimu_notice_print")
    assert isinstance(kind, NoticePrint)
    monkeypatch.setattr(kind, "chunk_notices", 2)
    monkeypatch.setattr(kind, "chunk_employees", 2)
    return kind


def _hayama_taxpayers() -> dict[str, Any]:
    """5 with 普通徴収 (two also with 給与特別徴収), 1 with 給与特別徴収 only, 1 非課税."""
    atenas = people(
        "hayama",
        [
            ("郵便　五", "2400115"),
            ("郵便　一", "2400111"),
            ("郵便　三", "2400113"),
            ("郵便　二", "2400112"),
            ("郵便　四", "2400114"),
            ("給与　のみ", "2400116"),
            ("非課税　者", "2400117"),
        ],
    )
    five, one, three, two, four, kyuyo_only, _hikazei = atenas
    make_fuka(five, futsu=50_000)
    make_fuka(one, futsu=116_500, kyuyo=60_000, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    make_fuka(three, futsu=30_000)
    make_fuka(two, futsu=20_000, kyuyo=120_000, shitei_no="00099999", employer="有限会社別社")
    make_fuka(four, futsu=8_000)
    make_fuka(kyuyo_only, kyuyo=196_100, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    return {"one": one, "two": two, "three": three, "four": four, "five": five}


def _read(job_file: JobFile) -> bytes:
    with default_storage.open(job_file.path, "rb") as handle:
        return handle.read()


def _pages(job_file: JobFile) -> int:
    return len(PdfReader(io.BytesIO(_read(job_file))).pages)


def _csv(job: Job) -> list[list[str]]:
    data = _read(JobFile.objects.get(job=job, name=f"notice_{job.pk}_print_data.csv"))
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_job_writes_one_pdf_per_chunk_and_the_print_data(
    alpha, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    p = _hayama_taxpayers()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="zeimu_notice_print",
            params={"fiscal_year": 2025, "tsuchi_date": "2025-06-10"},
            actor=ACTOR,
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    # then: 普通徴収 5 → chunks of 2, 2, 1; employers: 00012345 (2 people) alone, then 00099999
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert job.params["forms"] == ["futsu", "tokucho"]
    assert [(c.params["form"], c.size) for c in job.chunks.order_by("index")] == [
        ("futsu", 2),
        ("futsu", 2),
        ("futsu", 1),
        ("tokucho", 1),
        ("tokucho", 1),
    ]
    assert (job.total, job.done, job.failed) == (7, 7, 0)
    pdfs = {f.name: f for f in job.files.all() if f.name.endswith(".pdf")}
    n = job.pk
    assert sorted(pdfs) == [
        f"notice_{n}_0001_futsu.pdf",
        f"notice_{n}_0002_futsu.pdf",
        f"notice_{n}_0003_futsu.pdf",
        f"notice_{n}_0004_tokucho.pdf",
        f"notice_{n}_0005_tokucho.pdf",
    ]
    assert [_pages(pdfs[name]) for name in sorted(pdfs)] == [2, 2, 1, 1, 1]
    assert all(f.contains_personal_data for f in job.files.all())
    # the CSV: header, then one row per notice in print order (郵便番号 for 普通徴収)
    rows = _csv(job)
    assert rows[0] == PRINT_DATA_HEADER
    body = [dict(zip(PRINT_DATA_HEADER, r, strict=True)) for r in rows[1:]]
    assert [(r["ファイル名"], r["開始頁"], r["宛名"]) for r in body] == [
        (f"notice_{n}_0001_futsu.pdf", "1", "郵便　一"),
        (f"notice_{n}_0001_futsu.pdf", "2", "郵便　二"),
        (f"notice_{n}_0002_futsu.pdf", "1", "郵便　三"),
        (f"notice_{n}_0002_futsu.pdf", "2", "郵便　四"),
        (f"notice_{n}_0003_futsu.pdf", "1", "郵便　五"),
        (f"notice_{n}_0004_tokucho.pdf", "1", EMPLOYER),
        (f"notice_{n}_0005_tokucho.pdf", "1", "有限会社別社"),
    ]
    first = body[0]
    assert first["宛名番号"] == p["one"].atena_no and first["郵便番号"] == "2400111"
    assert first["住所"] == "神奈川県三浦郡葉山町堀内2135番地"
    assert (first["年税額"], first["普通徴収税額"]) == ("176500", "116500")
    assert [first[f"第{i}期税額"] for i in range(1, 5)] == ["29500", "29000", "29000", "29000"]
    assert [first[f"第{i}期納期限"] for i in range(1, 5)] == [
        "2025-06-30",
        "2025-09-01",
        "2025-10-31",
        "2026-02-02",
    ]
    employer = body[5]
    assert (employer["特別徴収義務者指定番号"], employer["人数"], employer["年税額"]) == (
        EMPLOYER_NO,
        "2",
        "256100",
    )
    # the PDF pages match the CSV: page 2 of the first file is 郵便 二's notice
    from tenants.testing.pdf import pdf_pages

    page_texts = pdf_pages(_read(pdfs[f"notice_{n}_0001_futsu.pdf"]))
    assert "郵便一様" in page_texts[0] and "郵便二様" in page_texts[1]
    assert "令和7年6月10日" in page_texts[0]  # 通知日 of the job
    # each chunk's reading was logged, with the people it printed, then the CSV export
    prints = AccessLog.objects.filter(
        action=AccessAction.PRINT, screen="job:zeimu_notice_print"
    ).order_by("id")
    assert prints.count() == 5
    assert sum(r.record_count for r in prints) == 5 + 3
    assert sorted(a for r in prints[:3] for a in r.detail["atena_ids"]) == sorted(
        x.pk for x in p.values()
    )
    assert AccessLog.objects.filter(
        action=AccessAction.EXPORT, record_type="job", record_id=str(job.pk), record_count=7
    ).exists()
    # no part files left behind
    assert not default_storage.exists(f"jobs/{job.pk}/print-data-part-00000.csv")


def test_a_chunk_that_runs_again_replaces_its_file(
    alpha, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _hayama_taxpayers()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="zeimu_notice_print", params={"fiscal_year": 2025}, actor=ACTOR)
    job_cleanup.append(job)
    before = {f.name: _read(f) for f in job.files.all()}
    # when: a chunk is delivered again (acks_late after a killed worker)
    chunk = job.chunks.get(index=0)
    small_chunks.run_chunk(job, chunk)
    # then: still one file of that name, with the same bytes (same 通知日 and timestamp)
    files = JobFile.objects.filter(job=job, name=f"notice_{job.pk}_0001_futsu.pdf")
    assert files.count() == 1
    assert _read(files.get()) == before[f"notice_{job.pk}_0001_futsu.pdf"]
    assert JobFile.objects.filter(job=job).count() == len(before)


def test_a_failed_chunk_is_rendered_again_alone(
    alpha, small_chunks, job_cleanup, monkeypatch, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _hayama_taxpayers()
    real_render = NoticePrint.render
    calls: list[int] = []
    fail_once = {"armed": True}

    def flaky(self: NoticePrint, job: Job, form: str, notices: list[Any]) -> bytes:
        names = [n.item.get("name") for n in notices]
        calls.append(len(names))
        if fail_once["armed"] and "郵便　三" in names:  # the second chunk
            fail_once["armed"] = False
            raise OSError("printer spool full")
        return real_render(self, job, form, notices)

    monkeypatch.setattr(NoticePrint, "render", flaky)
    # when: the second chunk fails
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="zeimu_notice_print", params={"fiscal_year": 2025, "forms": ["futsu"]}, actor=ACTOR
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert [c.status for c in job.chunks.order_by("index")] == [
        ChunkStatus.DONE,
        ChunkStatus.FAILED,
        ChunkStatus.DONE,
    ]
    assert not JobFile.objects.filter(job=job, name__endswith="print_data.csv").exists()
    assert not JobFile.objects.filter(job=job, name=f"notice_{job.pk}_0002_futsu.pdf").exists()
    # ... and is retried
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry_failed(job=job, actor=ACTOR) == 1
    job.refresh_from_db()
    # then: only that chunk rendered again; every file is there
    assert calls == [2]
    assert job.status == JobStatus.SUCCEEDED and (job.done, job.failed) == (5, 0)
    assert [c.attempts for c in job.chunks.order_by("index")] == [1, 2, 1]
    names = sorted(job.files.values_list("name", flat=True))
    assert names == [
        f"notice_{job.pk}_0001_futsu.pdf",
        f"notice_{job.pk}_0002_futsu.pdf",
        f"notice_{job.pk}_0003_futsu.pdf",
        f"notice_{job.pk}_print_data.csv",
    ]
    assert [r[10] for r in _csv(job)[1:]] == [
        "郵便　一",
        "郵便　二",
        "郵便　三",
        "郵便　四",
        "郵便　五",
    ]


def test_each_town_prints_only_its_people_and_cannot_fetch_the_others_files(
    alpha, beta, login, job_cleanup, django_capture_on_commit_callbacks
):
    # given: taxpayers in both towns (寒川町 subscribes to 個人住民税 for this test)
    connection.set_tenant(alpha.municipality)
    _hayama_taxpayers()
    connection.set_tenant(beta.municipality)
    (samukawa,) = people("samukawa", [("寒川　住民", "2530111")])
    make_fuka(samukawa, futsu=77_000, kyuyo=12_000, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    grant_beta_juminzei()
    # when: 葉山町 prints
    connection.set_tenant(alpha.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="zeimu_notice_print", params={"fiscal_year": 2025}, actor=ACTOR)
    job_cleanup.append(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    # then: no 寒川町 person in the CSV or in any PDF (the shared 指定番号 included)
    text = "".join(",".join(r) for r in _csv(job))
    assert "寒川" not in text and "2530111" not in text
    from tenants.testing.pdf import pdf_pages

    for f in job.files.filter(name__endswith=".pdf"):
        assert all("寒川" not in page for page in pdf_pages(_read(f)))
    file_ids = list(job.files.values_list("pk", flat=True))
    # 寒川町's clerk: 葉山町's job and files do not exist on 寒川町's host
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    for pk in file_ids:
        assert other.get(f"/jobs/{job.pk}/files/{pk}/").status_code == 404
    # 葉山町's clerk downloads them (logged by the job framework)
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.get(f"/jobs/{job.pk}/files/{file_ids[0]}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content).startswith(b"%PDF-")


def test_print_data_goes_through_the_platform_csv_writer(
    alpha, job_cleanup, django_capture_on_commit_callbacks
):
    # given: a 方書 that a spreadsheet would run as a formula, and a name cp932 lacks
    connection.set_tenant(alpha.municipality)
    plain, yoshi = people("hayama", [("山田　太郎", "2400111"), ("𠮷田　花子", "2400112")])
    make_fuka(plain, futsu=30_000)
    from juminkiroku.tests.factories import katagaki_set

    katagaki_set(plain.pk, "=HYPERLINK(1)")
    sjis = {
        "fiscal_year": 2025,
        "forms": ["futsu"],
        "tsuchi_date": "2025-06-10",
        "print_data_encoding": "cp932",
    }
    # when: cp932 with only the plain taxpayer
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="zeimu_notice_print",
            params=sjis,
            actor=ACTOR,
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    data = _read(JobFile.objects.get(job=job, name=f"notice_{job.pk}_print_data.csv"))
    # then: Shift_JIS, no BOM, the formula cell quoted, amounts as numbers
    assert job.status == JobStatus.SUCCEEDED
    rows = list(csv.reader(io.StringIO(data.decode("cp932"))))
    assert rows[0] == PRINT_DATA_HEADER
    row = dict(zip(PRINT_DATA_HEADER, rows[1], strict=True))
    assert row["方書"] == "'=HYPERLINK(1)" and row["年税額"] == "30000"
    # when: 𠮷田 is assessed too, the cp932 print data is refused with line and column
    make_fuka(yoshi, futsu=20_000)
    with django_capture_on_commit_callbacks(execute=True):
        refused = job_start(
            kind="zeimu_notice_print",
            params=sjis,
            actor=ACTOR,
        )
    job_cleanup.append(refused)
    refused.refresh_from_db()
    log = " ".join(line.message for line in refused.log.all())
    # then: the chunk failed, nothing personal in the log, no print data
    assert refused.status == JobStatus.FAILED
    assert "3行目の11列目（宛名）に Shift_JIS（cp932）で表せない文字（U+20BB7）" in log
    assert "𠮷" not in log and "花子" not in log
    assert not JobFile.objects.filter(job=refused, name__endswith=".csv").exists()
