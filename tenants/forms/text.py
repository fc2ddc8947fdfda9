"""Form fields for text: every ``CharField`` on a screen is a ``TextField`` (or carries
``NoControlCharacters``), so NUL and other control characters are refused by field with a
Japanese message (``tests/test_text_input_walk.py`` fails on one that is not)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators

from tenants.text import NoControlCharacters


class TextField(forms.CharField):
    """A ``CharField`` refusing C0 controls and DEL; TAB and line breaks only when
    ``multiline=True`` (a ``<textarea>`` 備考)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # ours says the same in Japanese and names the field
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, validators.ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            NoControlCharacters(label=str(self.label or ""), multiline=multiline)
        )
