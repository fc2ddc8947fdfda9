"""A town administrator gives and takes back the fine-grained grants (操作権限) of the
town's staff: one form per staff member, the grants grouped by module."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.grants.selectors import grant_history, grants_offered, town_staff_grants
from tenants.grants.services import GrantError, grants_set
from tenants.models import RoleLevel
from tenants.modules.spec import PLATFORM


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # staff and their grants: no resident data
@require_http_methods(["GET", "POST"])
def grant_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            user_id = int(request.POST.get("user_id", ""))
        except ValueError:
            messages.error(request, "職員の指定が正しくありません。")
            return redirect("grant_list")
        try:
            given, revoked = grants_set(
                user_id=user_id,
                codes=request.POST.getlist("codes"),
                actor=actor_from_request(request),
            )
        except GrantError as exc:
            messages.error(request, str(exc))
        else:
            if given or revoked:
                messages.success(
                    request,
                    f"操作権限を変更しました（付与 {len(given)}件、取消 {len(revoked)}件）。",
                )
            else:
                messages.info(request, "変更はありませんでした。")
        return redirect("grant_list")
    return render(
        request,
        "tenants/settings/grants.html",
        {
            "groups": grants_offered(),
            "staff": town_staff_grants(),
            "history": grant_history(),
        },
    )
