"""介護保険's periodic work, sent into each town's schema by
``tenants.tasks.dispatch_for_all_municipalities`` (config/settings/base.py, beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def nenrei_totatsu_daily() -> int:
    """65歳到達: residents who reached 65 become 第1号被保険者 from that day.
    Idempotent and catching up (kaigo.services.nenrei)."""
    from kaigo.services.nenrei import nenrei_totatsu_due

    r = nenrei_totatsu_due(today=timezone.localdate())
    return len(r.insured) + len(r.from_dai2)


@shared_task(base=TenantTask, acks_late=True)
def nintei_koshin_yokoku_daily() -> int:
    """要介護認定: remember the 認定 whose 有効期間 ends within the town's N days with no
    更新申請 (kaigo.services.nintei_shuryo). Idempotent."""
    from kaigo.services.nintei_shuryo import koshin_yokoku_due

    return len(koshin_yokoku_due(today=timezone.localdate()))
