"""The mass print of 資格確認書 / 資格情報のお知らせ on the shared print path: one PDF a
chunk (read back), the print-data CSV, a chunk run again replacing its file, a period
ended since the plan not printed, and 葉山町's job never holding 寒川町's people."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from juminkiroku.tests.factories import family
from kokuho.forms.shikaku import PRINT_DATA_HEADER
from kokuho.meters import hihokensha_at_end, kakuninsho_printed_between
from kokuho.models import ShikakuKofu
from kokuho.printjobs import ShikakuPrint
from kokuho.tests.factories import hokensha_bango_set, shibo, tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.testing.jobs import read_job_file as _read
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
TENNYU = date(2020, 4, 1)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> ShikakuPrint:
    kind = get_kind("kokuho_shikaku_print")
    assert isinstance(kind, ShikakuPrint)
    monkeypatch.setattr(kind, "chunk_size", 2)
    return kind


def test_mass_print_of_kakuninsho_in_chunks_with_print_data(
    alpha, beta, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    # given three insured in 葉山町 and two in 寒川町
    connection.set_tenant(beta.municipality)
    tennyu(
        django_capture_on_commit_callbacks,
        "samukawa",
        members=family("佐藤", "サトウ")[:2],
        day=TENNYU,
    )
    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    hokensha_bango_set("149997")
    # when 葉山町 prints the 資格確認書 issued on 令和8年8月1日
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="kokuho_shikaku_print",
            params={"form": "kakuninsho", "kofu_date": "2026-08-01"},
            actor=ACTOR,
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    # then two PDFs (2 + 1 pages), every page one of 葉山町's people
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert (job.total, job.done, job.failed) == (3, 3, 0)
    pdfs = sorted((f for f in job.files.all() if f.name.endswith(".pdf")), key=lambda f: f.name)
    assert [f.name for f in pdfs] == [
        f"kokuho_{job.pk}_0001_kakuninsho.pdf",
        f"kokuho_{job.pk}_0002_kakuninsho.pdf",
    ]
    pages = [p for f in pdfs for p in pdf_pages(_read(f))]
    assert len(pages) == 3
    assert all("国民健康保険資格確認書" in p and "令和9年7月31日" in p for p in pages)
    assert all("佐藤" not in p for p in pages)
    assert {"山田太郎", "山田花子", "山田一郎"} == {
        n for n in ("山田太郎", "山田花子", "山田一郎") for p in pages if n in p
    }
    # and the print-data CSV for the contractor, one row a page
    data = _read(JobFile.objects.get(job=job, name=f"kokuho_{job.pk}_print_data.csv"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == PRINT_DATA_HEADER
    assert [r[4] for r in rows[1:]] == [head.atena_no, wife.atena_no, child.atena_no]
    assert {r[10] for r in rows[1:]} == {"2027-07-31"}
    assert {(r[11], r[12], r[13]) for r in rows[1:]} == {("149997", "", "一斉更新")}
    assert all("保険者番号149997" in p.replace(" ", "") for p in pages)
    # and each card is a recorded issue (一斉更新) of this job
    assert sorted(ShikakuKofu.objects.values_list("atena_id", "riyu", "job_id")) == sorted(
        (a, "issei_koshin", job.pk) for a in (head.pk, wife.pk, child.pk)
    )
    # and the billing meter counts the three printed today
    today = timezone.localdate()
    assert kakuninsho_printed_between(today, today) == 3
    # and each chunk logged the 宛名 it printed
    printed = AccessLog.objects.filter(action="print", screen="job:kokuho_shikaku_print")
    assert sorted(a for r in printed for a in r.detail["atena_ids"]) == sorted(
        [head.pk, wife.pk, child.pk]
    )
    # when the wife dies and the second chunk (the child) and first run again
    shibo(django_capture_on_commit_callbacks, wife, day=date(2026, 7, 1))
    first = job.chunks.get(index=0)
    result = small_chunks.run_chunk(job, first)
    # then the chunk's file is replaced with the one still insured on the 交付日
    assert (result.done, result.failed) == (1, 1)
    (again,) = [f for f in job.files.all() if f.name.endswith("_0001_kakuninsho.pdf")]
    assert len(pdf_pages(_read(again))) == 1
    # and no issue is recorded twice
    assert ShikakuKofu.objects.filter(job_id=job.pk).count() == 3
    # and 寒川町 sees no job and no file of 葉山町's
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind="kokuho_shikaku_print").exists()
    assert not JobFile.objects.filter(name__startswith="kokuho_").exists()


def test_the_meter_counts_insured_persons_in_each_town(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    assert hihokensha_at_end(date(2024, 4, 1), date(2025, 3, 31)) == 3
    assert hihokensha_at_end(date(2019, 4, 1), date(2020, 3, 31)) == 0
    connection.set_tenant(beta.municipality)
    assert hihokensha_at_end(date(2024, 4, 1), date(2025, 3, 31)) == 0
