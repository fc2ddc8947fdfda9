"""The mass print of 介護保険被保険者証 on the shared print path: one PDF a chunk (read
back), the print-data CSV, the billing meters, and 葉山町's job never holding 寒川町's
people."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from kaigo.forms.hihokenshasho import PRINT_DATA_HEADER
from kaigo.meters import dai1_at_end, hihokenshasho_printed_between
from kaigo.printjobs import HihokenshashoPrint
from kaigo.tests.factories import elders, tennyu
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
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> HihokenshashoPrint:
    kind = get_kind("kaigo_hihokenshasho_print")
    assert isinstance(kind, HihokenshashoPrint)
    monkeypatch.setattr(kind, "chunk_size", 1)
    return kind


def test_mass_print_of_hihokenshasho_in_chunks_with_print_data(
    alpha, beta, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    # given two 第1号 in 寒川町 and two in 葉山町 (and a son of 45 who is not insured)
    connection.set_tenant(beta.municipality)
    tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=elders("佐藤", "サトウ"), day=TENNYU
    )
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    # when 葉山町 prints the 被保険者証 issued on 令和8年8月1日
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="kaigo_hihokenshasho_print", params={"kofu_date": "2026-08-01"}, actor=ACTOR
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    # then two PDFs of one page each, 葉山町's people only
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert (job.total, job.done, job.failed) == (2, 2, 0)
    pdfs = sorted((f for f in job.files.all() if f.name.endswith(".pdf")), key=lambda f: f.name)
    assert [f.name for f in pdfs] == [
        f"kaigo_{job.pk}_0001_hihokenshasho.pdf",
        f"kaigo_{job.pk}_0002_hihokenshasho.pdf",
    ]
    pages = [p for f in pdfs for p in pdf_pages(_read(f))]
    assert len(pages) == 2
    assert all("介護保険被保険者証" in p and "令和8年8月1日" in p for p in pages)
    assert all("佐藤" not in p and "高橋健太" not in p for p in pages)
    assert "高橋一郎" in pages[0] and "高橋和子" in pages[1]
    # and the print-data CSV, one row a card
    data = _read(JobFile.objects.get(job=job, name=f"kaigo_{job.pk}_print_data.csv"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == PRINT_DATA_HEADER
    assert [r[4] for r in rows[1:]] == [husband.atena_no, wife.atena_no]
    assert {r[6] for r in rows[1:]} == {"第1号被保険者"}
    # the meters: cards printed today and 第1号 at the end of a period
    today = timezone.localdate()
    assert hihokenshasho_printed_between(today, today) == 2
    assert dai1_at_end(date(2025, 4, 1), date(2026, 3, 31)) == 2
    assert dai1_at_end(date(2019, 4, 1), date(2020, 3, 31)) == 0
    printed = AccessLog.objects.filter(action="print", screen="job:kaigo_hihokenshasho_print")
    assert sorted(a for r in printed for a in r.detail["atena_ids"]) == sorted(
        [husband.pk, wife.pk]
    )
    # and 寒川町 sees no job and no file of 葉山町's; its meter counts its own
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind="kaigo_hihokenshasho_print").exists()
    assert not JobFile.objects.filter(name__startswith="kaigo_").exists()
    assert hihokenshasho_printed_between(today, today) == 0
    assert dai1_at_end(date(2025, 4, 1), date(2026, 3, 31)) == 2
