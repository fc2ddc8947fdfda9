"""The platform's screen components (デジタル庁デザインシステム), for every module's templates:

    {% load ui %}
    {% breadcrumbs "住民記録" "/juminkiroku/" "住民検索" %}   label, URL pairs; the last is the page
    {% notice "error" "本登録できません" title="確認してください" %}
    {% progress job.percent label="進捗" %}
    {% field form.birth_date %}                             label above, errors beside
    {% form_fields form %}                                  the whole form, field by field
    {% column_totals rows "cells" as totals %}              sums for a table's 合計 row

Templates in templates/ui/; styles in static/css/app.css (on the vendored DADS tokens).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()

NOTICE_KINDS = {"info", "success", "warning", "error"}


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None


@register.inclusion_tag("ui/breadcrumbs.html")
def breadcrumbs(*parts: Any) -> dict[str, Any]:
    """Label/URL pairs from the top down, the current page's label last (no URL)."""
    items = list(parts)
    crumbs: list[Crumb] = []
    while len(items) >= 2:
        label, url = items[0], items[1]
        crumbs.append(Crumb(str(label), str(url) if url else None))
        items = items[2:]
    current = str(items[0]) if items else ""
    return {"crumbs": crumbs, "current": current}


@register.inclusion_tag("ui/notice.html")
def notice(kind: str, text: str, *, title: str = "", alert: bool = False) -> dict[str, Any]:
    """A notification banner; ``alert`` makes screen readers announce it at once."""
    if kind not in NOTICE_KINDS:
        raise template.TemplateSyntaxError(f"notice kind must be one of {sorted(NOTICE_KINDS)}")
    role = "alert" if alert or kind == "error" else "status"
    return {"kind": kind, "text": text, "title": title, "role": role}


@register.inclusion_tag("ui/progress.html")
def progress(value: Any, maximum: Any = 100, *, label: str = "進捗") -> dict[str, Any]:
    """A progress bar with its figure in words beside it (value of maximum)."""
    top = Decimal(str(maximum or 0))
    now = Decimal(str(value or 0))
    percent = 0 if top <= 0 else int(min(max(now / top * 100, Decimal(0)), Decimal(100)))
    return {"percent": percent, "value": value or 0, "maximum": maximum, "label": label}


@register.inclusion_tag("ui/field.html")
def field(bound: BoundField, *, inline: bool = False) -> dict[str, Any]:
    """A form field: label above the input, help text and errors beside it, wired with
    ``aria-describedby`` and ``aria-invalid`` so a screen reader reads them together."""
    widget = bound.field.widget
    described = []
    if bound.help_text:
        described.append(f"{bound.auto_id}_helptext")
    if bound.errors:
        described.append(f"{bound.auto_id}_error")
    attrs = dict(widget.attrs)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    input_type = getattr(widget, "input_type", "")
    return {
        "f": bound,
        "widget": bound.as_widget(attrs=attrs),
        "is_check": input_type in {"checkbox", "radio"},
        "inline": inline,
    }


@register.inclusion_tag("ui/form_fields.html")
def form_fields(form: Any) -> dict[str, Any]:
    """Every field of ``form`` through ``field`` (hidden ones as bare inputs), after its
    non-field errors: what ``{{ form.as_p }}`` did, in the design system."""
    return {"form": form}


@dataclass(frozen=True)
class Totals:
    columns: list[Any]
    total: Any


def _number(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))


@register.simple_tag
def column_totals(rows: Iterable[Any], cells: str = "cells", total: str = "total") -> Totals:
    """Column sums of a table built from rows that each hold a list of figures (attribute
    or key ``cells``) and a row total (``total``): the figures of its 合計 row."""
    sums: list[Decimal] = []
    grand = Decimal(0)
    for row in rows:
        values = row[cells] if isinstance(row, dict) else getattr(row, cells)
        row_total = row[total] if isinstance(row, dict) else getattr(row, total, None)
        for i, v in enumerate(values):
            if i == len(sums):
                sums.append(Decimal(0))
            sums[i] += _number(v)
        grand += _number(row_total)
    return Totals(columns=[_plain(s) for s in sums], total=_plain(grand))


def _plain(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


@register.simple_tag(takes_context=True)
def open_links(context: template.Context, *pairs: str) -> list[dict[str, str]]:
    """A module's sub-menu, only the links that open for this user in this town: label and
    path in turn (``{% open_links "試算" "/zeimu/shisan/" … as links %}``). A link is kept
    when its view's 業務 is in the user's menu (subscribed, a role held) and the user's
    level is the one the view asks for a GET: a 閲覧者 is not offered a screen that would
    answer 403."""
    from django.urls import Resolver404, resolve

    from tenants.access import opens_for, view_attr

    request = context.get("request")
    open_codes = {g.code for group in context.get("menu") or [] for g in group["modules"]}
    links = []
    for label, path in zip(pairs[::2], pairs[1::2], strict=True):
        try:
            code = str(view_attr(resolve(path).func, "gyomu_code") or "")
        except Resolver404:
            continue
        if code in open_codes and opens_for(request, path):
            links.append({"label": label, "url": path})
    return links
