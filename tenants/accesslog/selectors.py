"""Reads of the access log other parts of the platform need."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tenants.accesslog.models import AccessLog


def api_calls_between(start: date, end: date) -> int:
    """API requests by systems (API clients) from ``start`` to ``end`` inclusive, as the
    access log holds them: every API call that reads or writes personal data is logged,
    so this is the metered count of such calls (billing's ``api_calls`` figure)."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return AccessLog.objects.filter(at__gte=since, at__lt=until).exclude(api_client="").count()
