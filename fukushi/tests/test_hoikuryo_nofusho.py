"""The 保育所保育料's 納付書, printed by the ledger's 納付書 job (zeimu's ``shuno_nofusho``,
narrowed to the 税目 保育所保育料) in two towns (葉山町 = alpha, 寒川町 = beta): each town's job
prints its own 保護者's slip and nothing of the other's; the PDF is read back. 寒川町 does
not subscribe to 収納管理 (the test world gives it no 税 業務): its job is refused.

The fees are those of test_hoikuryo_hiwari.py (a child entering on 2025-05-15): 葉山町
prorates by 開所日数 (18,000円), 寒川町 by 暦日 (16,450円). The 納期限 is May's last day
moved to the next 開庁日 (2025-05-31 is a Saturday → 令和7年6月2日), as in
test_hoikuryo_chotei.py.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from fukushi.models.hoiku import HoikuryoChotei
from fukushi.services.hoikuryo_chotei import hoikuryo_chotei
from fukushi.tests.test_hoikuryo_hiwari import ADMIN, MAY, _town
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.services import JobRefused, job_start
from zeimu.public import NOFUSHO_JOB, Zeimoku

pytestmark = pytest.mark.django_db


def _print(capture) -> tuple[str, list[str]]:
    """Run the town's 納付書 job for 保育所保育料 of 令和7年度: (PDF text, print-data rows)."""
    with capture(execute=True):
        job = job_start(
            kind=NOFUSHO_JOB,
            # 発行日: today (the 調定 was stated today, so its balance is there from today)
            params={"zeimoku": Zeimoku.HOIKURYO.value, "nendo": 2025},
            actor=ADMIN,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    files = {f.name.rsplit(".", 1)[-1]: f for f in JobFile.objects.filter(job=job)}
    with default_storage.open(files["pdf"].path, "rb") as fh:
        pdf = fh.read()
    with default_storage.open(files["csv"].path, "rb") as fh:
        rows = fh.read().decode("utf-8-sig").splitlines()
    for f in files.values():
        default_storage.delete(f.path)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return text, rows


def test_each_towns_job_prints_its_own_hoikuryo_slips(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _town(beta, "samukawa", "reki", capture)
    hoikuryo_chotei(day=MAY, actor=ADMIN)
    b_nofu = HoikuryoChotei.objects.get().nofu_bango
    _town(alpha, "hayama", "kaisho", capture)
    hoikuryo_chotei(day=MAY, actor=ADMIN)
    a_nofu = HoikuryoChotei.objects.get().nofu_bango
    # when: 葉山町 prints the 納付書 of its 保育所保育料
    text, rows = _print(capture)
    # then: one slip, the 保護者 named as 納付義務者, the fee, the 期別, the 納期限 in 和暦
    assert "納付書　保育所保育料" in text
    assert "納付義務者" in text and "納税者" not in text
    assert "森戸　陽子　様" in text
    assert a_nofu in text and "18,000円" in text
    assert "令和7年度 5月分" in text and "令和7年6月2日" in text
    # (納付番号 are numbered per town: 寒川町's first is the same number, so the amounts tell)
    assert "16,450円" not in text
    assert len(rows) == 2 and a_nofu in rows[1] and "18000" in rows[1]
    # 寒川町 takes no 税 業務 (tests/personas.py), 収納管理 included: its 保育料 is in its own
    # ledger (posted above), but its 納付書 job is refused, and writes no job
    connection.set_tenant(beta.municipality)
    before = Job.objects.count()
    with pytest.raises(JobRefused, match="利用契約がない"):
        _print(capture)
    assert Job.objects.count() == before
    assert b_nofu and HoikuryoChotei.objects.get().amount == 16_450
