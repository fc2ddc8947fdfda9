"""Reads about modules and subscriptions. Cached per request by callers, not here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from tenants.models import Gyomu, Subscription
from tenants.modules.spec import PLATFORM

# Platform functions (PLATFORM: access log, jobs, parameters) belong to every member:
# they are the base service, not a subscribable 業務.


def _first_of_month(on: date) -> date:
    return on.replace(day=1)


def active_subscriptions(*, municipality: Any, on: date) -> QuerySet[Subscription]:
    month = _first_of_month(on)
    return Subscription.objects.filter(municipality=municipality, start_month__lte=month).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=month)
    )


def subscribed_gyomu(*, municipality: Any, on: date) -> QuerySet[Gyomu]:
    ids = active_subscriptions(municipality=municipality, on=on).values("gyomu_id")
    return Gyomu.objects.filter(pk__in=ids).order_by("sort", "code")


def subscribed_codes(*, municipality: Any, on: date) -> set[str]:
    codes = set(
        active_subscriptions(municipality=municipality, on=on).values_list("gyomu__code", flat=True)
    )
    codes.add(PLATFORM)
    return codes


def gyomu_is_subscribed(*, municipality: Any, gyomu_code: str, on: date) -> bool:
    if gyomu_code == PLATFORM:
        return True
    if getattr(municipality, "schema_name", "public") == "public":
        return False
    return (
        active_subscriptions(municipality=municipality, on=on)
        .filter(gyomu__code=gyomu_code)
        .exists()
    )
