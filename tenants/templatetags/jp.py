"""Template filters that put words, not codes, on a screen (``{% load jp %}``); the
functions are ``tenants.labels``, usable from views and PDFs alike.

- ``{{ fy|nendo }}`` 2025 → 令和7年度
- ``{{ code|yubin }}`` 2400112 → 〒240-0112; ``{{ code|yubin:"plain" }}`` → 240-0112
- ``{{ amount|yen }}`` 1234567 → 1,234,567円
- ``{{ ratio|percent }}`` 0.3 → 30%
- ``{{ "1980-05-05"|wareki_text }}`` → 昭和55年5月5日 (a date or an ISO date string)
- ``{{ year|wareki_year }}`` 2024 → 令和6年 (a 所得年: 「令和6年分」)
- ``{{ month|wareki_month }}`` 2026-04-01 → 令和8年4月 (a go-live or subscription month)
- ``{{ value|code_label:"juminkiroku.Atena.sex" }}`` "1" → 男
- ``{{ row|field:"sex" }}`` the stored value of a model instance's field, as words
- ``{{ r.gyomu|word }}`` kojin_juminzei → 個人住民税; job:zeimu_tosho_fuka → its title
- ``{{ job.started_by_name|actor }}`` demo-setup → システム（初期データ）
"""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.db import models

from tenants import labels

register = template.Library()


@register.filter(name="yubin")
def yubin(value: Any, style: str = "") -> str:
    return labels.postal(value, mark=style != "plain")


@register.filter(name="percent")
def percent(value: Any, places: int = 1) -> str:
    return labels.percent(value, int(places))


@register.filter(name="code_label")
def code_label(value: Any, path: str) -> str:
    """``path`` is "app_label.Model.field"."""
    app_label, model_name, field_name = path.split(".")
    model: type[models.Model] = apps.get_model(app_label, model_name)
    return labels.field_display(model, field_name, value)


@register.filter(name="field")
def field(obj: models.Model | None, name: str) -> str:
    if obj is None:
        return ""
    return labels.field_display(type(obj), name, getattr(obj, name, ""))


# the filters that only name a function of tenants.labels
register.filter("nendo", labels.nendo)
register.filter("yen", labels.yen)
register.filter("wareki_text", labels.wareki_date)
register.filter("wareki_year", labels.wareki_year)
register.filter("wareki_month", labels.wareki_month)
register.filter("word", labels.word_for)
register.filter("actor", labels.actor_words)
