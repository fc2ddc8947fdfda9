"""Control characters in what a request carries are refused before any view reads them.

- **Query parameters and the path** (a ``<str:…>`` argument): always. No query parameter
  of the product is free text (searches for persons are POST with the criteria in the
  body), and views read them by hand (``?status=``, ``?page=``): a NUL reaching PostgreSQL
  was a 500 (``/api/v1/zeimu/tokucho/%00/2024/``).
- **Url-encoded and JSON bodies**: NUL, the other C0 controls and DEL in any value (TAB,
  LF and CRLF are left to the field: a ``<textarea>`` may hold them, a single-line
  ``TextField`` refuses them), unless the view says ``checks_own_text``: it checks every
  value itself and names the field in Japanese (``TextField``s, ``tenants.text``
  helpers), which reads better than the parameter name this guard can give.
  ``tests/test_text_input_walk.py`` checks that forms and serializers do.
- Multipart bodies are read only where the CSRF check reads them anyway: not for a
  ``csrf_exempt`` view (the API, whose serializers check their fields; an upload view
  choosing its own upload handlers). Files are not looked at.

Placed after the module gate, so a URL a town does not subscribe stays a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

from tenants.access import view_attr
from tenants.text import text_errors, text_problem

V = TypeVar("V")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def checks_own_text(view: V) -> V:
    """Mark a view (function or class) that checks every text value it reads itself."""
    view.checks_own_text = True  # type: ignore[attr-defined]
    return view


def _query_label(key: str) -> str:
    return f"URLの項目「{key}」"


def _body_label(key: str) -> str:
    return f"入力項目「{key}」"


def _refusal(request: HttpRequest, found: dict[str, list[str]]) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(found, status=400, json_dumps_params={"ensure_ascii": False})
    items = "".join(f"<li>{escape(m)}</li>" for msgs in found.values() for m in msgs)
    return HttpResponseBadRequest(
        '<!doctype html><html lang="ja"><meta charset="utf-8"><title>入力の誤り</title>'
        f"<h1>入力の誤り</h1><ul>{items}</ul><p>何も処理していません。</p></html>",
        content_type="text/html; charset=utf-8",
    )


def _body(request: HttpRequest, view_func: Callable[..., Any]) -> dict[str, Any] | None:
    if request.content_type == "application/x-www-form-urlencoded":
        return request.POST
    if request.content_type == "multipart/form-data" and not getattr(
        view_func, "csrf_exempt", False
    ):
        # the CSRF check has read this body already; a csrf_exempt view (an API, an upload
        # choosing its own upload handlers) reads its own
        return request.POST
    if request.content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # the view answers its own parse error
        return data if isinstance(data, dict) else {"body": data}
    return None


class TextGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = text_errors(request.GET, label=_query_label) if request.GET else {}
        problem = text_problem(request.path_info, label="URL")
        if problem is not None:
            found["path"] = [problem]
        if found:
            return _refusal(request, found)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if request.method not in WRITE_METHODS or view_attr(view_func, "checks_own_text", False):
            return None
        data = _body(request, view_func)
        if not data:
            return None
        found = text_errors(data, label=_body_label, multiline=list(data))
        return _refusal(request, found) if found else None
