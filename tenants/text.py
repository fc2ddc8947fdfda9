"""Text that people and systems send us: no NUL, no other C0 control characters.

PostgreSQL refuses NUL in ``text`` and ``jsonb`` (a 500 with the value in the error), and
the other C0 controls (U+0001–U+001F) and DEL (U+007F) have no place in a name, an address
or a search: they break CSV exports, 帳票 and the 住基ネット interface. Every input path
checks text here, once, and refuses with a Japanese message naming the field; the value is
never echoed back (it may be personal data).

- ``text_problem`` / ``check_text``: one value (services that take raw dicts, CSV cells);
- ``text_errors``: every value of a ``QueryDict`` or a plain mapping (hand-read
  ``request.POST`` / query parameters), keyed like the input;
- ``NoControlCharacters``: the validator of form fields (``tenants.forms.text``) and API
  serializer fields (``tenants.api.fields``).

TAB and LF (and CR as part of CRLF, which browsers send for a ``<textarea>``) are allowed
only where a field says ``multiline=True`` (a 備考).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_TAB_LF = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = {"\t": "タブ", "\n": "改行", "\r": "改行"}
_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}

CODE = "control_characters"


class ControlCharacterError(ValueError):
    """A value with a character the field does not allow; ``message`` names the field."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def text_problem(value: str, *, label: str, multiline: bool = False) -> str | None:
    """The Japanese message refusing ``value`` for the field ``label``, or None if it is
    clean. Says which character (by code point, never the value itself)."""
    if multiline:
        found = _CONTROL_EXCEPT_TAB_LF.search(value.replace("\r\n", "\n"))
    else:
        found = _CONTROL.search(value)
    if found is None:
        return None
    char = found.group()
    if char in _LINE_BREAKS and not multiline:
        return f"{label}には改行やタブを入力できません。"
    name = _NAMES.get(char)
    code = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    return f"{label}に使えない制御文字（{code}）が含まれています。"


def check_text(value: str, *, label: str, multiline: bool = False) -> str:
    """``value`` itself, or ``ControlCharacterError``."""
    problem = text_problem(value, label=label, multiline=multiline)
    if problem is not None:
        raise ControlCharacterError(problem)
    return value


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def text_errors(
    data: Mapping[str, Any],
    *,
    label: Callable[[str], str] | Mapping[str, str] | None = None,
    multiline: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Every key of ``data`` (a ``QueryDict``: every value of it; nested JSON: every string
    in it) whose text is refused, with its message. ``label`` names the field for a key
    (a mapping, or a function); a key it does not know is named as sent."""
    allow = set(multiline)
    errors: dict[str, list[str]] = {}
    getlist = getattr(data, "getlist", None)
    for key in data:
        values = getlist(key) if getlist is not None else [data[key]]
        if callable(label):
            name = label(key)
        elif label is not None:
            name = label.get(key, key)
        else:
            name = key
        key_problem = text_problem(str(key), label="項目名")
        if key_problem is not None:
            errors.setdefault("__all__", []).append(key_problem)
            continue
        for text in _strings(values):
            problem = text_problem(text, label=name, multiline=key in allow)
            if problem is not None:
                errors.setdefault(key, []).append(problem)
                break
    return errors


@deconstructible
class NoControlCharacters:
    """Validator: refuse C0 controls and DEL (TAB/LF too unless ``multiline``).

    ``label`` names the field in the message; form and serializer fields of the platform
    fill it from their own label."""

    def __init__(self, *, label: str = "", multiline: bool = False) -> None:
        self.label = label
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        problem = text_problem(str(value), label=self.label or "入力", multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem, code=CODE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and (self.label, self.multiline) == (
            other.label,
            other.multiline,
        )
