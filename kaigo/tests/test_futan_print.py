"""The mass print of 介護保険負担割合証 on the shared print path: one PDF a chunk (read back),
the print-data CSV, the billing meter, a judgement corrected after the plan not printed, and
葉山町's job never holding 寒川町's people."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from kaigo.forms.futan import PRINT_DATA_HEADER
from kaigo.futan_jobs import HANTEI, PRINT, FutanshoPrint
from kaigo.meters import futansho_printed_between
from kaigo.models import FutanWariai
from kaigo.tests.factories import elders, tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobChunk, JobFile, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.testing.jobs import read_job_file as _read
from tenants.testing.pdf import pdf_pages
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
TENNYU = date(2020, 4, 1)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> FutanshoPrint:
    kind = get_kind(PRINT)
    assert isinstance(kind, FutanshoPrint)
    monkeypatch.setattr(kind, "chunk_size", 1)
    return kind


def _run(capture, kind: str, params: dict) -> Job:
    with capture(execute=True):
        job = job_start(kind=kind, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job


def test_mass_print_of_futansho_in_chunks(
    alpha, beta, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given 寒川町's couple judged, and 葉山町's couple judged (the husband 2割, the wife 1割)
    connection.set_tenant(beta.municipality)
    tennyu(cap, "samukawa", members=elders("佐藤", "サトウ"), day=TENNYU)
    _run(cap, HANTEI, {"nendo": 2025, "kijun_date": "2025-08-01"})
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=TENNYU)
    kazei_set(husband.pk, 2025, nenkin=800_000, sonota=1_500_000, nenkin_shunyu=1_900_000)
    kazei_set(wife.pk, 2025, status="hikazei", nenkin=200_000, nenkin_shunyu=800_000)
    _run(cap, HANTEI, {"nendo": 2025, "kijun_date": "2025-08-01"})
    # when 葉山町 prints the 負担割合証 of 令和7年8月〜 issued on 令和7年7月15日
    job = _run(cap, PRINT, {"nendo": 2025, "kofu_date": "2025-07-15"})
    job_cleanup.append(job)
    # then two PDFs of one page each, 葉山町's people only
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert (job.total, job.done, job.failed) == (2, 2, 0)
    pdfs = sorted((f for f in job.files.all() if f.name.endswith(".pdf")), key=lambda f: f.name)
    assert [f.name for f in pdfs] == [
        f"kaigo_futan_{job.pk}_0001_futan_wariai.pdf",
        f"kaigo_futan_{job.pk}_0002_futan_wariai.pdf",
    ]
    pages = [p for f in pdfs for p in pdf_pages(_read(f))]
    assert len(pages) == 2
    assert all("介護保険負担割合証" in p and "令和7年7月15日" in p for p in pages)
    assert all("佐藤" not in p for p in pages)
    assert "高橋一郎" in pages[0] and "2割" in pages[0]
    assert "高橋和子" in pages[1] and "1割" in pages[1]
    data = _read(JobFile.objects.get(job=job, name=f"kaigo_futan_{job.pk}_print_data.csv"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == PRINT_DATA_HEADER
    assert [(r[4], r[6], r[7], r[8]) for r in rows[1:]] == [
        (husband.atena_no, "2割", "2025-08-01", "2026-07-31"),
        (wife.atena_no, "1割", "2025-08-01", "2026-07-31"),
    ]
    today = timezone.localdate()
    assert futansho_printed_between(today, today) == 2
    printed = AccessLog.objects.filter(action="print", screen=f"job:{PRINT}")
    assert sorted(a for r in printed for a in r.detail["atena_ids"]) == sorted(
        [husband.pk, wife.pk]
    )
    # and 寒川町 sees no job and no file of 葉山町's; its meter counts its own (none)
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind=PRINT).exists()
    assert not JobFile.objects.filter(name__startswith="kaigo_futan_").exists()
    assert futansho_printed_between(today, today) == 0
    assert FutanWariai.objects.count() == 2


def test_a_judgement_corrected_after_the_plan_is_not_printed(
    alpha, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=TENNYU)
    _run(cap, HANTEI, {"nendo": 2025, "kijun_date": "2025-08-01"})
    kind = get_kind(PRINT)
    assert isinstance(kind, FutanshoPrint)
    job = Job.objects.create(
        kind=PRINT, params=kind.validate({"nendo": 2025, "kofu_date": "2025-07-15"})
    )
    plan = kind.plan(job)
    # the husband's judgement is corrected after the plan
    FutanWariai.objects.filter(atena_id=husband.pk).update(is_current=False)
    chunk = JobChunk(job=job, index=0, params=plan[0][0], size=plan[0][1])
    made, gone = kind.items(job, chunk)
    assert (len(made), gone) == (0, 1)
    chunk = JobChunk(job=job, index=1, params=plan[1][0], size=plan[1][1])
    made, gone = kind.items(job, chunk)
    assert (len(made), gone, made[0].atena_ids) == (1, 0, [wife.pk])
