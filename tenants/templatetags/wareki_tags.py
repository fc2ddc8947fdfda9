"""``{{ some_date|wareki }}`` → 令和7年4月1日; ``|wareki:"short"`` → R7.4.1."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django import template
from django.utils import timezone

from tenants.wareki import format_wareki

register = template.Library()


@register.filter(name="wareki")
def wareki(value: date | datetime | None, style: str = "long") -> str:
    chosen: Literal["long", "short"] = "short" if style == "short" else "long"
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_wareki(value, style=chosen)


@register.filter(name="wareki_dt")
def wareki_dt(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_wareki(local.date())} {local:%H:%M}"
