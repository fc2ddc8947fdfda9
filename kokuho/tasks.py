"""国民健康保険's periodic work, sent into each town's schema by
``tenants.tasks.dispatch_for_all_municipalities`` (config/settings/base.py, beat)."""

from __future__ import annotations

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
