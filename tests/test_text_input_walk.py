"""Every text field a person or a system can post refuses NUL and other control
characters (issue 12, item 3): each ``CharField`` of a screen form is a
``tenants.forms.text.TextField`` and each writable ``CharField`` of an API request body a
``tenants.api.fields.TextField`` (or carries ``tenants.text.NoControlCharacters``).

Driven from the URLconfs: the forms are every ``Form`` class of the project's apps once
both URLconfs are loaded (their views import them), the request serializers are what the
OpenAPI generator finds for each POST/PUT/PATCH. A new field is checked with no edit here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from tenants.text import NoControlCharacters
from tests.urlwalk import walk

URLCONFS = ("config.urls_tenant", "config.urls_public")
WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _project_module(name: str) -> bool:
    top = name.split(".")[0]
    return top in _apps() and ".tests" not in name and not name.startswith("tests.")


def _apps() -> set[str]:
    from django.apps import apps

    return {
        a.name.split(".")[0]
        for a in apps.get_app_configs()
        if not a.path.startswith(str(_site_packages()))
    }


def _site_packages() -> str:
    import django

    return django.__path__[0].rsplit("/", 1)[0]


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _guarded(field: Any) -> bool:
    return any(isinstance(v, NoControlCharacters) for v in field.validators)


def _form_fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = dict(form_class.base_fields)  # type: ignore[attr-defined]
    # fields a form adds in __init__ (one per module, …); a form that needs arguments
    # shows its base fields
    with contextlib.suppress(Exception):
        fields.update(form_class().fields)
    return fields


def unguarded_form_fields() -> list[str]:
    for urlconf in URLCONFS:
        walk(urlconf)  # imports every view module, and so its forms
    found = []
    for cls in set(_subclasses(forms.BaseForm)):
        if not _project_module(cls.__module__):
            continue
        for name, field in _form_fields(cls).items():
            if isinstance(field, forms.CharField) and not _guarded(field):
                found.append(f"{cls.__module__}.{cls.__name__}.{name}")
    return sorted(found)


def _serializer_fields(ser: Any, where: str, out: set[str]) -> None:
    if isinstance(ser, type):
        ser = ser()
    if isinstance(ser, serializers.ListSerializer):
        ser = ser.child
    if not isinstance(ser, serializers.BaseSerializer) or not hasattr(ser, "fields"):
        return
    for name, field in ser.fields.items():
        for f in (field, getattr(field, "child", None)):
            if isinstance(f, serializers.BaseSerializer):
                _serializer_fields(f, where, out)
            elif isinstance(f, serializers.CharField) and not f.read_only and not _guarded(f):
                out.add(f"{type(ser).__module__}.{type(ser).__name__}.{name} ({where})")


def unguarded_request_fields() -> list[str]:
    found: set[str] = set()
    for urlconf in URLCONFS:
        generator = SchemaGenerator(urlconf=urlconf)
        generator._initialise_endpoints()
        for path, path_regex, method, view in generator._get_paths_and_endpoints():
            if method not in WRITE_METHODS:
                continue
            schema = view.schema
            schema.path, schema.path_regex, schema.method = path, path_regex, method
            schema.view = view
            request = schema.get_request_serializer()
            if request is not None:
                _serializer_fields(request, f"{method} {path}", found)
    return sorted(found)


@pytest.mark.django_db
def test_every_form_text_field_refuses_control_characters():
    assert unguarded_form_fields() == []


def test_every_api_request_text_field_refuses_control_characters():
    assert unguarded_request_fields() == []


@pytest.mark.parametrize("kind", ["form", "serializer"])
def test_the_walk_finds_an_unguarded_field(kind):
    # a plain CharField defined now is reported by the same walk (the check can fail)
    if kind == "form":

        class CanaryForm(forms.Form):
            name = forms.CharField()

        CanaryForm.__module__ = "tenants.views.canary"
        assert "tenants.views.canary.CanaryForm.name" in unguarded_form_fields()
    else:

        class CanarySerializer(serializers.Serializer):
            name = serializers.CharField()

        CanarySerializer.__module__ = "tenants.api.canary"
        out: set[str] = set()
        _serializer_fields(CanarySerializer, "POST /x/", out)
        assert out == {"tenants.api.canary.CanarySerializer.name (POST /x/)"}
