"""福祉・子ども's periodic work, sent into each town's schema by
``tenants.tasks.dispatch_for_all_municipalities`` (config/settings/base.py, beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def shinshin_koshin_daily() -> list[str]:
    """心身障害者医療 一斉更新 (SG-18) on the town's schedule, then the new 受給者証 printed
    (fukushi.shinshin_jobs.koshin_schedule_due). Idempotent and catching up."""
    from fukushi.shinshin_jobs import koshin_schedule_due

    return koshin_schedule_due(today=timezone.localdate())
