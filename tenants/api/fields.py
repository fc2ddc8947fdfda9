"""Serializer fields for text: every writable ``CharField`` of the API is a ``TextField``
(or carries ``NoControlCharacters``), so NUL and other control characters are a 400 naming
the field, never a database error (``tests/test_text_input_walk.py`` checks it)."""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from tenants.text import NoControlCharacters


class TextField(serializers.CharField):
    """A ``CharField`` refusing C0 controls and DEL; TAB and line breaks only when
    ``multiline=True``. The message names the field by its ``label`` (else its name)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        # DRF fills ``label`` from the attribute name at bind time ("Hakko no"): the message
        # names the field by an explicit label, else by its name in the request body.
        self._text_validator = NoControlCharacters(
            label=str(kwargs.get("label") or ""), multiline=multiline
        )
        self.validators.append(self._text_validator)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        if not self._text_validator.label:
            self._text_validator.label = field_name
