"""Personal data out of every log record and error report.

A database error quotes the values it refused: PostgreSQL's ``DETAIL:  Key (kojin_bango)=
(…) already exists``, ``Failing row contains (…, 葉山　一郎, …)``, ``CONTEXT:  JSON data,
line 1: …`` and, with client-side binding, ``LINE 1: …`` with the statement's literals.
Django and Celery log the exception's text with its traceback, so a 500 put a resident's
name and 個人番号 into the application log (issue 12).

Three layers, each covering what the one before cannot see:

* ``install_record_factory`` (run by ``configure_logging``, Django's LOGGING_CONFIG, and by
  Celery's setup_logging in config/celery.py) rewrites every LogRecord as it is created,
  whichever logger or handler it goes to (gunicorn's and pytest's included): the message is
  formatted and scrubbed, the exception's traceback is formatted safely into ``exc_text``,
  and ``exc_info`` keeps the traceback but only scrubbed exception values.
* ``ScrubPersonalData``, a filter on every handler of settings.LOGGING and on the loggers
  that attach extra attributes (``celery.app.trace`` puts the raw traceback in
  ``record.data``): it scrubs those attributes, which the factory cannot see (extras are
  set on the record after it is created).
* ``PersonalDataReporterFilter`` / ``PersonalDataExceptionReporter`` (settings
  DEFAULT_EXCEPTION_REPORTER_FILTER / DEFAULT_EXCEPTION_REPORTER) for Django's error
  reports, the ADMINS mail and the DEBUG page: no POST, GET, cookie or local-variable
  values, and the scrubbed exception text.

A database error is described by an allow-list: its SQLSTATE, the schema, table, column and
constraint PostgreSQL names, and its primary message cut at the first colon, with quoted
strings kept only when they look like SQL identifiers. Any other text is scrubbed by a
deny-list: DETAIL / CONTEXT / LINE lines, "Failing row contains", "Key (…)=(…)", and
anything shaped like a 個人番号 (12 digits, optionally 4-4-4, with a valid check digit:
tenants.checkdigits). A name in the text of some other exception is not recognisable and
not caught: exceptions must not carry personal data (house rule).
"""

from __future__ import annotations

import logging
import logging.config
import re
import traceback
import unicodedata
from collections.abc import Callable, ItemsView
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from tenants.checkdigits import is_valid_kojin_bango

__all__ = [
    "PersonalDataExceptionReporter",
    "PersonalDataReporterFilter",
    "ScrubPersonalData",
    "ScrubbedException",
    "configure_logging",
    "exception_text",
    "format_exception",
    "install_record_factory",
    "scrub_record",
    "scrub_text",
]

SCRUBBED = "[scrubbed]"

# PostgreSQL's secondary fields, English and Japanese (lc_messages = ja): to the end of
# the line, which may be a repr() with its newlines escaped: everything after is dropped.
_SECONDARY = re.compile(r"\b(DETAIL|CONTEXT|LINE \d+|詳細|文脈|行 \d+):[^\n]*")
_FAILING_ROW = re.compile(r"(Failing row contains|失敗した行は)[^\n]*")
_KEY_VALUES = re.compile(r"(Key|キー) \(([^)\n]*)\)=\([^\n]*")
# 12 digits, half or full width, optionally grouped 4-4-4 by a hyphen or space.
_SEP = r"[-‐－ 　]?"
_KOJIN_BANGO_SHAPE = re.compile(rf"(?<!\d)\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_QUOTED = re.compile(r'"([^"\n]*)"')
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*")


def _kojin_bango(match: re.Match[str]) -> str:
    digits = "".join(
        str(unicodedata.digit(ch))
        for ch in match.group(0)
        if unicodedata.digit(ch, None) is not None
    )
    return "[scrubbed: 個人番号?]" if is_valid_kojin_bango(digits) else match.group(0)


def scrub_text(text: str) -> str:
    """The deny-list: database details and 個人番号-shaped numbers out of any text."""
    text = _SECONDARY.sub(lambda m: f"{m.group(1)}: {SCRUBBED}", text)
    text = _FAILING_ROW.sub(lambda m: f"{m.group(1)} {SCRUBBED}", text)
    text = _KEY_VALUES.sub(lambda m: f"{m.group(1)} ({m.group(2)})={SCRUBBED}", text)
    return _KOJIN_BANGO_SHAPE.sub(_kojin_bango, text)


def _psycopg_error(exc: BaseException) -> Any | None:
    """The psycopg error behind ``exc`` (itself, or what Django's wrapper was raised from)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, psycopg.Error):
            return current
        seen.add(id(current))
        current = current.__cause__
    return None


def _keep_identifiers(message: str) -> str:
    return _QUOTED.sub(
        lambda m: m.group(0) if _IDENTIFIER.fullmatch(m.group(1)) else f'"{SCRUBBED}"', message
    )


def exception_text(exc: BaseException) -> str:
    """What may be logged of ``str(exc)``."""
    pg = _psycopg_error(exc)
    diag = getattr(pg, "diag", None)
    sqlstate = getattr(diag, "sqlstate", None)
    if pg is None or diag is None or not sqlstate:
        # not a server error: psycopg's own messages (NUL bytes, adaptation, connection)
        # carry no values; the deny-list for anything else
        return scrub_text(_safe_str(exc))
    primary = (diag.message_primary or "").split(":", 1)[0]
    names = [
        f"{label}={value}"
        for label, value in (
            ("sqlstate", sqlstate),
            ("schema", diag.schema_name),
            ("table", diag.table_name),
            ("column", diag.column_name),
            ("constraint", diag.constraint_name),
        )
        if value
    ]
    return scrub_text(f"{_keep_identifiers(primary)} ({', '.join(names)}; values {SCRUBBED})")


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return f"<unprintable {type(exc).__name__}>"


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    if cls.__module__ in {"builtins", "__main__"}:
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exceptions in the order Python prints them (innermost cause first)."""
    out: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        out.append(current)
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    out.reverse()
    return out


def format_exception(exc: BaseException) -> str:
    """A traceback like Python's, with ``exception_text`` for every exception's value."""
    lines: list[str] = []
    chain = _chain(exc)
    for i, e in enumerate(chain):
        if e.__traceback__ is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(e.__traceback__))
        lines.append(f"{_type_name(e)}: {exception_text(e)}\n")
        for note in getattr(e, "__notes__", None) or []:
            lines.append(scrub_text(str(note)) + "\n")
        if i + 1 < len(chain):
            # the line Python prints between an exception and the one it caused
            lines.append(f"\n{_link_for(chain, i)}\n\n")
    return "".join(lines).rstrip("\n")


_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def _link_for(chain: list[BaseException], i: int) -> str:
    return _CAUSE if chain[i + 1].__cause__ is chain[i] else _CONTEXT


class ScrubbedException(Exception):
    """Stands in for a logged exception in ``record.exc_info``: same traceback, cause and
    context, scrubbed text. ``original_type`` names the class it replaces."""

    def __init__(self, text: str, original_type: str) -> None:
        super().__init__(text)
        self.original_type = original_type

    def __str__(self) -> str:
        return str(self.args[0])


def _stand_in(exc: BaseException, memo: dict[int, ScrubbedException]) -> ScrubbedException:
    if id(exc) in memo:
        return memo[id(exc)]
    stand_in = ScrubbedException(exception_text(exc), _type_name(exc))
    memo[id(exc)] = stand_in
    stand_in.__traceback__ = exc.__traceback__
    stand_in.__suppress_context__ = exc.__suppress_context__
    if exc.__cause__ is not None:
        stand_in.__cause__ = _stand_in(exc.__cause__, memo)
    if exc.__context__ is not None:
        stand_in.__context__ = _stand_in(exc.__context__, memo)
    return stand_in


def _exceptions_of(record: logging.LogRecord) -> list[BaseException]:
    found: list[BaseException] = []
    if record.exc_info and isinstance(record.exc_info, tuple) and record.exc_info[1] is not None:
        found.append(record.exc_info[1])
    args = record.args
    values = args.values() if isinstance(args, dict) else (args or ())
    found += [v for v in values if isinstance(v, BaseException)]
    chained: list[BaseException] = []
    for exc in found:
        chained += _chain(exc)
    return chained


def _replacements(exceptions: list[BaseException]) -> list[tuple[str, str]]:
    """Raw exception texts (and their repr() forms) with what may replace them."""
    pairs: list[tuple[str, str]] = []
    for exc in exceptions:
        raw, safe = _safe_str(exc), exception_text(exc)
        if raw and raw != safe:
            pairs.append((raw, safe))
            pairs.append((repr(raw)[1:-1], repr(safe)[1:-1]))
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    return pairs


def _scrub_with(text: str, pairs: list[tuple[str, str]]) -> str:
    for raw, safe in pairs:
        if raw:
            text = text.replace(raw, safe)
    return scrub_text(text)


def _deep_scrub(value: Any, depth: int = 0) -> Any:
    if depth > 5:
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, BaseException):
        return _stand_in(value, {})
    if isinstance(value, dict):
        return {k: _deep_scrub(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_deep_scrub(v, depth + 1) for v in value)
    return value


_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "jc_scrubbed",
    "jc_extras_scrubbed",
}


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Message, arguments and exception of ``record`` made safe, in place (idempotent)."""
    if getattr(record, "jc_scrubbed", False):
        return record
    pairs = _replacements(_exceptions_of(record))
    try:
        message = record.getMessage()
    except Exception:
        # a broken format: logging would print msg and args raw to stderr
        message = f"{record.msg} [arguments dropped: the message could not be formatted]"
    record.msg = _scrub_with(message, pairs)
    record.args = None
    if record.exc_info and isinstance(record.exc_info, tuple) and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        record.exc_text = format_exception(exc)
        record.exc_info = (record.exc_info[0], _stand_in(exc, {}), record.exc_info[2])
    elif record.exc_text:
        record.exc_text = scrub_text(record.exc_text)
    record.jc_scrubbed = True
    return record


def scrub_extras(record: logging.LogRecord) -> None:
    """The attributes a logger's caller attached (``extra=``), which the factory cannot see."""
    if getattr(record, "jc_extras_scrubbed", False):
        return
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRIBUTES and key != "request":
            setattr(record, key, _deep_scrub(value))
    data = getattr(record, "data", None)
    if record.name == "celery.app.trace" and isinstance(data, dict):
        # Celery puts repr(exception) and the raw traceback here (celery.app.trace._log_error)
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            data["exc"] = f"{getattr(exc, 'original_type', type(exc).__name__)}({str(exc)!r})"
        data["traceback"] = record.exc_text or ""
        # a task's arguments are ids by house rule, but nothing checks it: not logged
        for key in ("args", "kwargs"):
            if key in data:
                data[key] = "[not logged]"
    record.jc_extras_scrubbed = True


class ScrubPersonalData(logging.Filter):
    """On every handler (and on loggers that add extras): scrub, never drop."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        scrub_extras(record)
        return True


_installed: list[Callable[..., logging.LogRecord]] = []


def install_record_factory() -> None:
    """Scrub every record as it is created (once per process, whatever calls it)."""
    if _installed:
        return
    base = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(base(*args, **kwargs))

    _installed.append(factory)
    logging.setLogRecordFactory(factory)


def configure_logging(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: the record factory, then ``dictConfig(settings.LOGGING)``."""
    install_record_factory()
    if config:
        logging.config.dictConfig(config)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports (DEBUG page, ADMINS mail) with no request or local values.

    Always active, DEBUG or not: a developer's database may hold a copy of real data."""

    def is_active(self, request: Any) -> bool:
        return True

    def get_post_parameters(self, request: Any) -> dict[str, str]:
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_safe_cookies(self, request: Any) -> dict[str, str]:
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.COOKIES}

    def get_safe_request_meta(self, request: Any) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if "QUERY_STRING" in meta:
            meta["QUERY_STRING"] = self.cleansed_substitute
        return {key: scrub_text(v) if isinstance(v, str) else v for key, v in meta.items()}

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> ItemsView[str, Any]:
        return {name: self.cleansed_substitute for name in tb_frame.f_locals}.items()


class _Text:
    """Renders as the given text (for a template that prints an exception object)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's reporter with scrubbed exception texts and no GET, FILES or query string."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.exc_value is not None:
            data["exception_value"] = exception_text(self.exc_value)
            if "exception_notes" in data:
                data["exception_notes"] = scrub_text(data["exception_notes"])
        data["unicode_hint"] = ""
        for frame in data.get("frames", []):
            cause = frame.get("exc_cause")
            if isinstance(cause, BaseException):
                frame["exc_cause"] = _Text(exception_text(cause))
        if self.request is not None:
            cleansed = self.filter.cleansed_substitute
            data["request_GET_items"] = [(k, cleansed) for k in self.request.GET]
            data["request_FILES_items"] = [(k, cleansed) for k in self.request.FILES]
            data["request_insecure_uri"] = scrub_text(
                f"{self.request.scheme}://{self.request.get_host()}{self.request.path}"
            )
        return data
