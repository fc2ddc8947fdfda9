"""Cache invalidation only (no business logic here, see docs/architecture.md): any saved
or deleted domain, municipality, network range or subscription drops the platform cache
in every process once its transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tenants import platform_cache


def _changed(sender: Any, **kwargs: Any) -> None:
    transaction.on_commit(platform_cache.bump)


def connect() -> None:
    from tenants.models import Domain, Municipality, NetworkRange, Subscription

    for model in (Domain, Municipality, NetworkRange, Subscription):
        post_save.connect(_changed, sender=model, dispatch_uid=f"platform-cache-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"platform-cache-del-{model.__name__}"
        )
