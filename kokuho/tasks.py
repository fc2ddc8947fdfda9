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
