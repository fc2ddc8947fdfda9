"""Declarative logging of reads of personal data: a view says what it shows, the platform
writes the access-log row.

A view declares ``Reads(...)``: the kind of record it shows and where the record ids are
in what it returns (the template context of a ``TemplateResponse``, or the data of a DRF
``Response``). After the answer, exactly one row is written for the request through
``access_record``, with the ids, their count, the 業務 the view declared, the screen, the
purpose (``X-Purpose``) and whether a 個人番号 was in the answer. Nothing in the view body
has to remember it:

    @gyomu_view(GYOMU)
    @logs_reads(Reads("atena", id_kwarg="pk", shown="p", screen="住民照会"))
    def person_detail(request, pk): ...   # returns TemplateResponse(..., {"p": atena, ...})

    class SearchAPIView(TenantAPIView):   # TenantAPIView/TenantViewSet write the row
        access_reads = Reads("atena", action=AccessAction.SEARCH, ids="results[].atena_id")

A view that shows no personal data says so (``@no_personal_data`` or
``access_reads = NO_PERSONAL_DATA``); an API view answering with a write's outcome says
``LOGGED_BY_SERVICE`` (the service logged it in the write's transaction).
tests/test_url_walk.py fails on a tenant URL whose view declares none of these.

The row is written for a 2xx answer (or a screen shown again with a 4xx error) that
carries the declared output (``shown``, else the first name of ``ids``/``record_id``): an
empty search form carries no result and logs nothing. What only the view knows (the kinds
of search criteria, the count of a CSV or a PDF that has no context) it adds with
``access_note(request, ...)``; a refusal (照会抑止) is ``access_refusal(request, ...)``,
logged as ``denied`` whatever the status.

Paths: names separated by dots, each a key of a mapping or an attribute; ``name[]``
iterates a list. ``"results[].atena_id"`` is every result's id; ``None`` is skipped (a
row masked by 照会抑止 carries no id, and was not shown). A path without ``[]`` names one
record, which becomes the row's ``record_id``; a list goes to ``detail["<type>_ids"]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest
from django.template.response import SimpleTemplateResponse

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import access_record

F = TypeVar("F", bound=Callable[..., Any])
Source = str | Callable[[Any], Any]

NOTE_ATTR = "_jc_access_note"
REFUSAL_ATTR = "_jc_access_refusal"


@dataclass(frozen=True)
class Reads:
    """What a view shows of personal data, and so what its access-log row says."""

    record_type: str
    # Where the ids of the records shown are in the view's output.
    ids: Source = ""
    screen: str = ""
    action: str = AccessAction.READ
    # The row's ``record_id`` (default: the id when exactly one record is shown).
    record_id: Source = ""
    # Or the URL keyword argument naming the record shown (``pk``): a 2xx answer showed it.
    id_kwarg: str = ""
    # The row's ``record_count`` (default: the number of ids, at least 1).
    count: Source = ""
    # A truthy value here means a 個人番号 was in the answer (``mynumber_viewed``).
    mynumber: Source = ""
    # Non-personal details from the output (a page number, a 基準日).
    detail: Callable[[Any], Mapping[str, Any]] | None = None
    # The key of the id list in ``detail`` (default ``<record_type>_ids``).
    ids_key: str = ""
    # The output name whose presence means records were shown (default: the first name
    # of ``ids``, else of ``record_id``).
    shown: str = ""
    # An answer whose ``ids`` are empty (an empty page of a list) writes no row.
    skip_empty: bool = False

    def __post_init__(self) -> None:
        if self.action not in AccessAction.values:
            raise ValueError(f"unknown access action {self.action!r}")
        if not (self.ids or self.record_id or self.id_kwarg or self.shown):
            raise ValueError("Reads needs ids, record_id, id_kwarg or shown")

    @property
    def detail_key(self) -> str:
        return self.ids_key or f"{self.record_type.split('.')[-1].lower()}_ids"

    @property
    def shown_name(self) -> str:
        if self.shown:
            return self.shown
        for source in (self.ids, self.record_id):
            if isinstance(source, str) and source:
                return source.split(".", 1)[0].removesuffix("[]")
        return ""


class _Marker:
    """A declaration that writes no read row: see NO_PERSONAL_DATA, LOGGED_BY_SERVICE."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# The view shows no personal data (a form, a count, a redirect after a write).
NO_PERSONAL_DATA = _Marker("NO_PERSONAL_DATA")
# The view answers with the outcome of a write (仮登録, 本登録, 更正) whose service writes
# the access-log row in the write's transaction; a second row would say the same.
LOGGED_BY_SERVICE = _Marker("LOGGED_BY_SERVICE")
Declaration = Reads | Mapping[str, "Reads | _Marker"] | _Marker


# --- paths ----------------------------------------------------------------------------


_MISSING = object()


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, _MISSING)
    return getattr(obj, name, _MISSING)


def resolve(output: Any, source: Source) -> list[Any]:
    """Every value at ``source`` in ``output`` (missing and None values dropped)."""
    if callable(source):
        value = source(output)
        if value is None:
            return []
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            return [v for v in value if v is not None]
        return [value]
    values = [output]
    for part in source.split("."):
        many = part.endswith("[]")
        name = part.removesuffix("[]")
        step: list[Any] = []
        for value in values:
            got = _get(value, name)
            if got is _MISSING or got is None:
                continue
            if many:
                step.extend(v for v in got if v is not None)
            else:
                step.append(got)
        values = step
    return values


def _one(output: Any, source: Source) -> Any:
    values = resolve(output, source) if source else []
    return values[0] if values else None


def has_output(output: Any, decl: Reads) -> bool:
    name = decl.shown_name
    if not name and decl.id_kwarg:
        return True
    if not name:  # callables only: shown when they find something
        return bool(resolve(output, decl.ids or decl.record_id))
    got = _get(output, name)
    return got is not _MISSING and got is not None


# --- what a view adds ------------------------------------------------------------------


def _http(request: Any) -> HttpRequest:
    return getattr(request, "_request", request)


def access_note(
    request: Any,
    *,
    ids: Iterable[Any] | None = None,
    record_id: str | int | None = None,
    count: int | None = None,
    action: str | None = None,
    record_type: str | None = None,
    gyomu: str | None = None,
    screen: str | None = None,
    mynumber_viewed: bool | None = None,
    detail: Mapping[str, Any] | None = None,
    purpose: str | None = None,
) -> None:
    """Add to (or override in) this request's row what only the view knows; also makes
    the row be written for an answer that carries no declared output (a CSV, a PDF).
    ``purpose`` is the 利用目的 a clerk entered on a screen (生活保護: a purpose form
    before a case opens); it wins over the ``X-Purpose`` header."""
    note: dict[str, Any] = getattr(_http(request), NOTE_ATTR, None) or {}
    given = {
        "ids": list(ids) if ids is not None else None,
        "record_id": record_id,
        "count": count,
        "action": action,
        "record_type": record_type,
        "gyomu": gyomu,
        "screen": screen,
        "mynumber_viewed": mynumber_viewed,
        "purpose": purpose,
    }
    note.update({k: v for k, v in given.items() if v is not None})
    if detail:
        note["detail"] = {**note.get("detail", {}), **detail}
    setattr(_http(request), NOTE_ATTR, note)


def access_refusal(request: Any, *, record_type: str, record_id: str | int, reason: str) -> None:
    """The view refuses to show a record (照会抑止, a missing grant): the row is ``denied``."""
    setattr(
        _http(request),
        REFUSAL_ATTR,
        {"record_type": record_type, "record_id": record_id, "reason": reason},
    )


# --- writing the row ---------------------------------------------------------------------


def output_of(response: Any) -> Any:
    """What the view returned to be shown: a template's context or an API's data."""
    data = getattr(response, "data", None)  # a DRF Response (itself a template response)
    if data is not None:
        return data
    if isinstance(response, SimpleTemplateResponse):
        return response.context_data or {}
    return {}


def _answered(response: Any, decl: Reads) -> bool:
    """2xx; or a screen re-shown with an error (4xx) that still carries the records."""
    status = getattr(response, "status_code", 500)
    if 200 <= status < 300:
        return True
    return (
        400 <= status < 500
        and isinstance(response, SimpleTemplateResponse)
        and getattr(response, "data", None) is None
        and bool(decl.shown_name)
    )


def log_reads(
    request: Any,
    response: Any,
    decl: Reads | None,
    *,
    gyomu: str,
    screen: str,
    kwargs: Mapping[str, Any] | None = None,
) -> None:
    """Write this request's one access-log row, if the answer showed or refused anything."""
    http = _http(request)
    refusal = http.__dict__.pop(REFUSAL_ATTR, None)
    note: dict[str, Any] = http.__dict__.pop(NOTE_ATTR, None) or {}
    screen = note.get("screen") or (decl.screen if decl is not None else "") or screen
    gyomu = note.get("gyomu") or gyomu
    if refusal is not None:
        access_record(
            request=http,
            action=AccessAction.DENIED,
            gyomu=gyomu,
            screen=screen,
            record_type=refusal["record_type"],
            record_id=refusal["record_id"],
            detail={"reason": refusal["reason"]},
        )
        return
    # A note also counts for a redirect: a lookup that found the record and sends the
    # user on to it (the search is logged here, the read by the page it leads to).
    redirected = bool(note) and 300 <= getattr(response, "status_code", 500) < 400
    if decl is None or not (_answered(response, decl) or redirected):
        return
    output = output_of(response)
    shown = has_output(output, decl)
    if not (shown or note):
        return
    # What the declaration reads from the output applies only when the output is there
    # (a CSV or a PDF carries none: the view's note says what it held).
    ids: list[Any] = note.get("ids", [])
    if "ids" not in note and shown and decl.ids:
        ids = resolve(output, decl.ids)
        if len(ids) == 1 and isinstance(ids[0], list | tuple | set | frozenset):
            # ``ids="page_ids"`` naming a list (not ``page_ids[]``): its ids, not the list
            # itself as one record id (a page of 50 would not fit the column)
            ids = [i for i in ids[0] if i is not None]
    if decl.skip_empty and not ids:
        return
    record_id = note.get("record_id")
    if record_id is None and shown and decl.record_id:
        record_id = _one(output, decl.record_id)
    if record_id is None and decl.id_kwarg:
        record_id = (kwargs or {}).get(decl.id_kwarg)
    # A view of one record (``ids="p.pk"``) logs it as the row's record_id; a list
    # (``results[].atena_id``, a callable, ids noted by the view) logs its ids in detail.
    single = (
        record_id is None
        and "ids" not in note
        and isinstance(decl.ids, str)
        and "[]" not in decl.ids
        and len(ids) == 1
    )
    if single:
        record_id = ids[0]
    count = note.get("count")
    if count is None:
        count = _one(output, decl.count) if shown and decl.count else max(1, len(ids))
    detail: dict[str, Any] = dict(decl.detail(output)) if shown and decl.detail else {}
    if ids and not single:
        detail[decl.detail_key] = ids
    detail.update(note.get("detail", {}))
    mynumber = note.get("mynumber_viewed")
    if mynumber is None:
        mynumber = bool(shown and decl.mynumber and any(resolve(output, decl.mynumber)))
    access_record(
        request=http,
        action=note.get("action") or decl.action,
        gyomu=gyomu,
        screen=screen,
        record_type=note.get("record_type") or decl.record_type,
        record_id="" if record_id is None else record_id,
        record_count=int(count or 0),
        purpose=(note.get("purpose") or http.headers.get("X-Purpose", ""))[:200],
        mynumber_viewed=mynumber,
        detail=detail,
    )


def declaration_for(declared: Declaration | None, key: str) -> Reads | None:
    """The Reads for one method (``GET``) or viewset action (``list``), if any."""
    if declared is None or isinstance(declared, _Marker):
        return None
    if isinstance(declared, Reads):
        return declared
    found = declared.get(key) or declared.get(key.upper())
    return found if isinstance(found, Reads) else None


# --- function views --------------------------------------------------------------------


def logs_reads(declared: Declaration) -> Callable[[F], F]:
    """For a function view showing personal data: after a 2xx answer carrying the
    declared output, one access-log row. ``declared`` may map methods to Reads."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            log_reads(
                request,
                response,
                declaration_for(declared, request.method or "GET"),
                gyomu=getattr(request, "gyomu_code", "") or kwargs.get("gyomu_code", ""),
                screen=view.__name__,
                kwargs=kwargs,
            )
            return response

        wrapper.access_reads = declared  # type: ignore[attr-defined]
        wrapper.access_logged = True  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def no_personal_data(view: F) -> F:
    """Marks a view that shows no personal data (the URL walk checks every view is marked)."""
    view.access_reads = NO_PERSONAL_DATA  # type: ignore[attr-defined]
    return view


def logged_by_service(view: F) -> F:
    """Marks a view whose answer is a write's outcome, logged by the write's service."""
    view.access_reads = LOGGED_BY_SERVICE  # type: ignore[attr-defined]
    return view
