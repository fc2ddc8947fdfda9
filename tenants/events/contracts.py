"""Declared events: the contract between the module that publishes and those that react.

The publishing module declares each event once, in its ``<app>/events.py`` (named by
``events=`` in its ``module.py``)::

    @dataclass(frozen=True)
    class TennyuPayload:
        ido_id: Annotated[int, "異動ID"]
        ido_date: Annotated[date, "異動日"]
        atena_ids: Annotated[tuple[int, ...], "宛名ID"]

    TENNYU = declare("juminkiroku.tennyu", payload=TennyuPayload, description="転入の本登録。")

A payload is a frozen dataclass of ids, codes and dates, never names, addresses or
個人番号: its fields may only be ``int``, ``str``, ``bool``, ``date``, ``X | None`` of
those, and ``tuple[int, ...]`` / ``tuple[str, ...]``, and a field name that reads like
personal data (``shimei``, ``jusho``, ``kojin_bango`` …) is refused. Every field carries
its Japanese description, ``Annotated[type, "説明"]``, for docs/events.md, and no default.
A wrong declaration raises ``EventDeclarationError`` when the module is imported, i.e.
at start-up.

``event_publish`` refuses a payload of another type or with a field of the wrong type;
subscribers receive a ``ReceivedEvent`` whose ``payload`` is the declared dataclass again.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

P = TypeVar("P")

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SCALARS: tuple[type, ...] = (int, str, bool, date)
# Words that name personal data; a payload field containing one as a "_"-separated word is
# refused (ids, codes and dates only: docs/architecture.md, rule 4).
PERSONAL_WORDS = frozenset(
    {
        "shimei",
        "name",
        "kana",
        "jusho",
        "address",
        "banchi",
        "katagaki",
        "kojin",
        "mynumber",
        "honseki",
        "tsusho",
        "kyuuji",
        "phone",
        "denwa",
        "email",
    }
)


class EventDeclarationError(RuntimeError):
    """An event declared, subscribed or published against its contract."""


@dataclass(frozen=True)
class PayloadField:
    name: str
    kind: str  # "int", "str", "bool", "date"
    many: bool  # tuple[kind, ...]
    optional: bool  # kind | None
    description: str

    @property
    def type_text(self) -> str:
        text = f"tuple[{self.kind}, ...]" if self.many else self.kind
        return f"{text} | None" if self.optional else text


@dataclass(frozen=True)
class EventType(Generic[P]):
    """One declared event. ``declared_in`` is the Python module that declared it."""

    name: str
    payload: type[P]
    description: str
    declared_in: str
    fields: tuple[PayloadField, ...]

    @property
    def app(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass(frozen=True)
class ReceivedEvent(Generic[P]):
    """What a subscriber receives: the outbox row's id and time, and the typed payload."""

    id: int
    name: str
    occurred_at: datetime
    payload: P


_declared: dict[str, EventType[Any]] = {}


def _kind_of(hint: Any) -> tuple[str, bool, bool] | None:
    """(scalar kind, many, optional) for an allowed annotation, else None."""
    optional = False
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(hint)) != 2:
            return None
        optional = True
        hint = args[0]
        origin = typing.get_origin(hint)
    many = False
    if origin is tuple:
        element = typing.get_args(hint)
        if len(element) != 2 or element[1] is not Ellipsis:
            return None
        many = True
        hint = element[0]
    if hint in SCALARS:  # datetime (a date subclass) is not: events carry dates
        return hint.__name__, many, optional
    return None


def payload_fields(payload: type) -> tuple[PayloadField, ...]:
    """Check a payload class against the rules above and describe its fields."""
    label = getattr(payload, "__qualname__", repr(payload))
    if not (inspect.isclass(payload) and dataclasses.is_dataclass(payload)):
        raise EventDeclarationError(f"payload {label} is not a dataclass")
    if not payload.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise EventDeclarationError(f"payload {label} is not frozen")
    hints = typing.get_type_hints(payload, include_extras=True)
    out: list[PayloadField] = []
    for f in dataclasses.fields(payload):
        words = set(f.name.lower().split("_"))
        if words & PERSONAL_WORDS:
            raise EventDeclarationError(
                f"payload {label}.{f.name}: personal data never goes into an event (ids only)"
            )
        hint = hints[f.name]
        notes: tuple[Any, ...] = ()
        if typing.get_origin(hint) is Annotated:
            hint, *rest = typing.get_args(hint)
            notes = tuple(rest)
        kind = _kind_of(hint)
        if kind is None:
            raise EventDeclarationError(
                f"payload {label}.{f.name}: type {hint!r} is not one of int, str, "
                "bool, date, X | None, tuple[X, ...]"
            )
        description = next((n.strip() for n in notes if isinstance(n, str)), "")
        if not description:
            raise EventDeclarationError(
                f'payload {label}.{f.name}: no Japanese description (Annotated[type, "説明"])'
            )
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            raise EventDeclarationError(f"payload {label}.{f.name}: no defaults (say it)")
        out.append(PayloadField(f.name, *kind, description=description))
    if not out:
        raise EventDeclarationError(f"payload {label} has no fields")
    return tuple(out)


def declare(name: str, *, payload: type[P], description: str) -> EventType[P]:
    """Declare an event published by the calling module's app (``<app>.<event>``)."""
    if not NAME_RE.match(name):
        raise EventDeclarationError(f"event name {name!r} is not '<app>.<event>' in lower case")
    if not description.strip():
        raise EventDeclarationError(f"event {name}: no description")
    # The declaring module (cheap: inspect.stack() would read every frame's source, which
    # cost ≈0.4 s for 19 declarations at every process start).
    frame = inspect.currentframe()
    caller = frame.f_back.f_globals.get("__name__", "") if frame and frame.f_back else ""
    event = EventType(
        name=name,
        payload=payload,
        description=description.strip(),
        declared_in=str(caller),
        fields=payload_fields(payload),
    )
    previous = _declared.get(name)
    if previous is not None and (previous.payload, previous.declared_in) != (
        payload,
        event.declared_in,
    ):
        raise EventDeclarationError(
            f"event {name} is declared twice ({previous.declared_in}, {event.declared_in})"
        )
    _declared[name] = event
    return event


def undeclare(name: str) -> None:
    """Tests declare throw-away events; they remove them with this."""
    _declared.pop(name, None)


def declared(name: str) -> EventType[Any] | None:
    return _declared.get(name)


def all_declared() -> list[EventType[Any]]:
    return list(_declared.values())


def _check_value(event: EventType[Any], f: PayloadField, value: Any) -> None:
    def fail(why: str) -> EventDeclarationError:
        return EventDeclarationError(f"event {event.name}: field {f.name} {why}")

    if value is None:
        if not f.optional:
            raise fail("is None")
        return
    values: tuple[Any, ...]
    if f.many:
        if not isinstance(value, tuple):
            raise fail(f"must be a tuple, got {type(value).__name__}")
        values = value
    else:
        values = (value,)
    for v in values:
        ok = {
            "int": isinstance(v, int) and not isinstance(v, bool),
            "str": isinstance(v, str),
            "bool": isinstance(v, bool),
            "date": isinstance(v, date) and not isinstance(v, datetime),
        }[f.kind]
        if not ok:
            raise fail(f"must be {f.type_text}, got {type(v).__name__}")


def payload_to_json(event: EventType[P], payload: P) -> dict[str, Any]:
    """Validate ``payload`` against the declaration and turn it into JSON values."""
    if type(payload) is not event.payload:
        raise EventDeclarationError(
            f"event {event.name} takes {event.payload.__qualname__}, "
            f"got {type(payload).__qualname__}"
        )
    out: dict[str, Any] = {}
    for f in event.fields:
        value = getattr(payload, f.name)
        _check_value(event, f, value)
        if value is None:
            out[f.name] = None
        elif f.kind == "date":
            out[f.name] = [v.isoformat() for v in value] if f.many else value.isoformat()
        else:
            out[f.name] = list(value) if f.many else value
    return out


def payload_from_json(event: EventType[P], data: dict[str, Any]) -> P:
    """The stored JSON back as the declared dataclass (checked the same way)."""
    values: dict[str, Any] = {}
    for f in event.fields:
        if f.name not in data:
            raise EventDeclarationError(f"event {event.name}: stored payload lacks {f.name}")
        raw = data[f.name]
        if raw is None:
            values[f.name] = None
            continue
        items = raw if f.many else [raw]
        if not isinstance(items, list):
            raise EventDeclarationError(f"event {event.name}: stored {f.name} is not a list")
        if f.kind == "date":
            items = [date.fromisoformat(v) for v in items]
        values[f.name] = tuple(items) if f.many else items[0]
    payload = event.payload(**values)
    for f in event.fields:
        _check_value(event, f, getattr(payload, f.name))
    return payload
