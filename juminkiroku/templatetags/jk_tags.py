"""Template helpers of the 住民記録 screens."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def jk_key(*parts: Any) -> str:
    """Join parts into a form-field name: ``{% jk_key "m" m.pk "-" f.name %}`` → "m12-jusho"."""
    return "".join(str(p) for p in parts)


@register.simple_tag
def jk_value(values: dict[str, Any], *parts: Any) -> Any:
    return values.get("".join(str(p) for p in parts), "")
