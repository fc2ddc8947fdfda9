"""The mass print of the 給付's 決定通知書 (KY-9) on the shared print path: the 決定日 range
picks the decided 給付, one PDF a chunk read back, the print-data CSV, the PRINT access rows,
the same template as the one-at-a-time notice, and 葉山町's job never printing 寒川町's."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, family
from kokuho.forms.kyufu import KETTEI_PRINT_DATA_HEADER
from kokuho.models import Kyufu
from kokuho.printjobs import KetteiPrint
from kokuho.services.kyufu import Furikomi, kyufu_kettei, shussan_shinsei
from kokuho.tests.factories import tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import job_start
from tenants.testing.jobs import read_job_file as _read
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> KetteiPrint:
    kind = get_kind("kokuho_kyufu_kettei_print")
    assert isinstance(kind, KetteiPrint)
    monkeypatch.setattr(kind, "chunk_size", 1)
    return kind


def _decided(capture, town: str, surname: str, kana: str, kettei: date) -> Kyufu:
    """出産育児一時金: 500,000円 less 460,000円 paid to the hospital → 40,000円."""
    people = family(surname, kana)
    _, (_h, wife, _c) = tennyu(capture, town, members=people, day=date(2020, 4, 1))
    clerk = actor_for(f"{town}-clerk")
    row = shussan_shinsei(
        atena_id=wife.pk,
        shussan_date=date(2025, 6, 1),
        children=1,
        sanka_hosho=True,
        chokusetsu_gaku=460_000,
        shinsei_date=date(2025, 6, 20),
        furikomi=Furikomi(),
        actor=clerk,
    )
    return kyufu_kettei(kyufu_id=row.pk, kettei_date=kettei, actor=clerk)


def test_kettei_notices_of_a_range_in_chunks_with_print_data(
    alpha, beta, small_chunks, job_cleanup, django_capture_on_commit_callbacks
):
    connection.set_tenant(beta.municipality)
    _decided(django_capture_on_commit_callbacks, "samukawa", "佐藤", "サトウ", date(2025, 6, 25))
    connection.set_tenant(alpha.municipality)
    first = _decided(
        django_capture_on_commit_callbacks, "hayama", "山田", "ヤマダ", date(2025, 6, 25)
    )
    second = _decided(
        django_capture_on_commit_callbacks, "hayama", "鈴木", "スズキ", date(2025, 6, 30)
    )
    late = _decided(
        django_capture_on_commit_callbacks, "hayama", "田中", "タナカ", date(2025, 7, 1)
    )
    with pytest.raises(ValueError, match="範囲が逆"):
        small_chunks.validate({"kettei_from": "2025-06-30", "kettei_to": "2025-06-01"})
    actor = actor_for("hayama-clerk")
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="kokuho_kyufu_kettei_print",
            params={"kettei_from": "2025-06-01", "kettei_to": "2025-06-30"},
            actor=actor,
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    assert (job.total, job.done, job.failed) == (2, 2, 0)
    pdfs = sorted((f for f in job.files.all() if f.name.endswith(".pdf")), key=lambda f: f.name)
    assert [f.name for f in pdfs] == [
        f"kokuho_kettei_{job.pk}_0001_kettei.pdf",
        f"kokuho_kettei_{job.pk}_0002_kettei.pdf",
    ]
    pages = [squash(p) for f in pdfs for p in pdf_pages(_read(f))]
    assert len(pages) == 2
    assert all("出産育児一時金支給決定通知書" in p and "40,000円" in p for p in pages)
    assert "山田花子" in pages[0] and "鈴木花子" in pages[1]
    assert all("佐藤" not in p and "田中" not in p for p in pages)
    data = _read(JobFile.objects.get(job=job, name=f"kokuho_kettei_{job.pk}_print_data.csv"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == KETTEI_PRINT_DATA_HEADER
    assert [(r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        (str(first.pk), "支給", "2025-06-25", "40000"),
        (str(second.pk), "支給", "2025-06-30", "40000"),
    ]
    printed = AccessLog.objects.filter(action="print", screen="job:kokuho_kyufu_kettei_print")
    ids = sorted(a for r in printed for a in r.detail["atena_ids"])
    assert first.shinseisha_atena_id in ids and late.shinseisha_atena_id not in ids
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind="kokuho_kyufu_kettei_print").exists()
    assert not JobFile.objects.filter(name__startswith="kokuho_kettei_").exists()


def test_the_screen_refuses_a_reversed_range_and_a_viewer(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kokuho/kyufu/kettei-print/").content.decode()
    assert "給付の決定通知書の一括印刷" in page
    r = clerk.post(
        "/kokuho/kyufu/kettei-print/",
        {
            "kettei_from": "令和7年6月30日",
            "kettei_to": "令和7年6月1日",
            "print_data_encoding": "utf-8-sig",
        },
    )
    assert "決定日の範囲が逆です" in r.content.decode()
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get("/kokuho/kyufu/kettei-print/").status_code == 403
