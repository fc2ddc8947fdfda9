"""Error answers: JSON under /api/ (what an integrator's client parses: ``{"detail": …}``,
as DRF answers its own errors), the Japanese HTML pages elsewhere. Set as the URLconfs'
``handler400/403/404/500`` and used by the middleware's refusals, so no HTML page is
ever served under /api/. The messages name nothing of the request (no ids, no path)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

API_PREFIX = "/api/"

MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    403: "この操作は許可されていません。",
    404: "指定されたものは存在しないか、この団体では利用できません。",
    500: "処理中にエラーが発生しました。入力内容は保存されていません。",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The answer for ``status``: JSON under /api/, the HTML page otherwise."""
    detail = message or MESSAGES[status]
    if is_api(request):
        return JsonResponse(
            {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    if status == 403:
        body = loader.render_to_string("errors/403.html", {"message": detail}, request=request)
    else:
        body = loader.render_to_string(f"{status}.html", {}, request=request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 400)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)
