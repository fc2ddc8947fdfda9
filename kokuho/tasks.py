"""国民健康保険's periodic work, sent into each town's schema by
``tenants.tasks.dispatch_for_all_municipalities`` (config/settings/base.py, beat)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def koki_ido_daily() -> int:
    """75歳到達: insured persons whose 75th birthday has come move to 後期高齢者医療.
    Idempotent and catching up (kokuho.services.koki)."""
    from kokuho.services.koki import koki_ido_due
    from kokuho.services.koki_iryo import koki_shikaku_due

    moved = len(koki_ido_due(today=timezone.localdate()).moved)
    # and the 後期高齢者医療 資格 itself, for everyone reaching 75 (issue 15 item 5)
    koki_shikaku_due(today=timezone.localdate())
    return moved


@shared_task(base=TenantTask, acks_late=True)
def fuka_kosei_daily() -> int:
    """国保税 更正候補: once a day, the sweep job of the current 年度 in a town that has
    assessed it (kokuho.fuka_jobs). Skipped quietly where the 業務 is not used or a 賦課
    job of the 年度 runs; the job itself replaces each household's open candidate.
    Returns the job id, 0 when none was started."""
    from kokuho.fuka_jobs import KOSEI_SWEEP
    from kokuho.models import KokuhoFuka
    from tenants.accesslog.services import Actor
    from tenants.jobs.services import JobRefused, job_start

    today = timezone.localdate()
    fy = today.year if today.month >= 4 else today.year - 1
    if not KokuhoFuka.objects.filter(fiscal_year=fy, is_current=True).exists():
        return 0
    try:
        job = job_start(
            kind=KOSEI_SWEEP,
            params={"fiscal_year": fy, "kijun_date": today.isoformat()},
            actor=Actor(user_id=None, username="system:kokuho_fuka_kosei"),
        )
    except (JobRefused, ValueError):
        return 0
    return int(job.pk)


@shared_task(base=TenantTask, bind=True, acks_late=True, max_retries=240)
def demo_honsantei(self: Any, fiscal_year: int) -> int:
    """Demo only (kokuho_demo): the 国保税 本算定 of ``fiscal_year``, started once no other
    job of the town is queued or running (the 住民税 当初賦課 whose 所得 it reads is one),
    checked every 15 s. Does nothing when the 年度 has a 本算定 already. Returns the job id."""
    from kokuho.fuka_jobs import HONSANTEI
    from tenants.accesslog.services import Actor
    from tenants.jobs.models import Job, JobStatus
    from tenants.jobs.services import job_start

    if Job.objects.filter(kind=HONSANTEI, params__fiscal_year=fiscal_year).exists():
        return 0
    if Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        raise self.retry(countdown=15)
    job = job_start(
        kind=HONSANTEI,
        params={"fiscal_year": fiscal_year, "kijun_date": f"{fiscal_year}-07-01"},
        actor=Actor(user_id=None, username="load_kokuho_demo"),
    )
    return int(job.pk)
