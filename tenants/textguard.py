"""Query parameters (and paths) holding NUL or another control character are refused before
any view.

No query parameter of the product is multi-line or free text (searches for persons are
POST with the criteria in the body), and views read them by hand (``?status=``,
``?fiscal_year=``, ``?page=``) where a NUL reached PostgreSQL as a 500. Bodies are checked
by their fields, which name the field in Japanese: form and serializer ``TextField``s
(``tests/test_text_input_walk.py``) and ``tenants.text.text_errors`` where a view reads
``request.POST`` by hand; a multipart body is not read here, so that an upload view can
still choose its upload handlers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

from tenants.text import text_errors, text_problem


def _label(key: str) -> str:
    return f"URLの項目「{key}」"


class QueryTextGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = text_errors(request.GET, label=_label) if request.GET else {}
        problem = text_problem(request.path_info, label="URL")  # a <str:…> path argument
        if problem is not None:
            found["path"] = [problem]
        if not found:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(found, status=400, json_dumps_params={"ensure_ascii": False})
        items = "".join(f"<li>{escape(m)}</li>" for msgs in found.values() for m in msgs)
        return HttpResponseBadRequest(
            '<!doctype html><html lang="ja"><meta charset="utf-8"><title>入力の誤り</title>'
            f"<h1>入力の誤り</h1><ul>{items}</ul><p>何も処理していません。</p></html>",
            content_type="text/html; charset=utf-8",
        )
