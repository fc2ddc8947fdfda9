"""What the 異動's screen shows of the notices' area: the 申出 of a 職権記載等 (4.2.0.5)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from juminkiroku.models import Ido, ShokkenMoshide
from juminkiroku.services.tsuchi import shokken_kind
from tenants.wareki import format_wareki

register = template.Library()


@register.simple_tag
def ido_moshide(ido: Ido) -> dict[str, object]:
    """Whether the 異動 is a 職権記載等, its 申出 if recorded, and today for the input."""
    return {
        "shokken": shokken_kind(ido) is not None,
        "row": ShokkenMoshide.objects.filter(ido_id=ido.pk).first(),
        "today": format_wareki(timezone.localdate()),
    }
