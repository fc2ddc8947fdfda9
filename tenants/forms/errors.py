"""A refused form's errors as the screen's messages, each with the label of its field.

Every screen that answers a refused POST with a redirect (not a re-rendered form) tells the
clerk what was wrong through ``django.contrib.messages``; the field's label goes first so
that "この項目は必須です。" says which item ("依頼日：この項目は必須です。").
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest


def message_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """Add one error message per error of ``form``, prefixed by its field's label."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else str(e))
