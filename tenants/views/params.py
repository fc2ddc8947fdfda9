"""A town administrator sets the town's 条例 values per 年度 (法令の値 shown beside)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.models import RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.params.settable import ParameterValueError
from tenants.params.tenant.selectors import parameter_changes, parameters_for_year
from tenants.params.tenant.services import municipal_parameter_set, settable_years
from tenants.wareki import fiscal_year_of, format_nendo

# 年度 offered in the selector: the last five and the next one.
YEARS_SHOWN = 6


def _year(text: str | None) -> int:
    current = fiscal_year_of(timezone.localdate())
    try:
        year = int(text or current)
    except ValueError:
        return current
    return year if year in settable_years() else current


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # the town's 条例 values: no personal data
@require_http_methods(["GET", "POST"])
def municipal_parameters(request: HttpRequest) -> HttpResponse:
    year = _year(request.POST.get("fiscal_year") or request.GET.get("nendo"))
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        posted = {
            "key": key,
            "value": request.POST.get("value", ""),
            "reason": request.POST.get("reason", ""),
        }
        try:
            change = municipal_parameter_set(
                key=key,
                fiscal_year=int(request.POST.get("fiscal_year", "")),
                value_text=posted["value"],
                reason=posted["reason"],
                actor=actor_from_request(request),
            )
        except ValueError as exc:
            # ParameterValueError, or a 年度 that is not a number
            errors[key] = (
                str(exc) if isinstance(exc, ParameterValueError) else "年度が正しくありません。"
            )
        else:
            if change is None:
                messages.info(request, "同じ値が設定済みのため、変更しませんでした。")
            else:
                messages.success(request, f"{format_nendo(year)}からの値を変更しました。")
            return redirect(f"{reverse('municipal_parameters')}?nendo={year}")
    current = fiscal_year_of(timezone.localdate())
    years = [y for y in settable_years() if y > current - YEARS_SHOWN + 1]
    if year not in years:
        years.insert(0, year)
    rows = parameters_for_year(year)
    shown = {r.settable.key for r in rows}
    return render(
        request,
        "tenants/settings/parameters.html",
        {
            # an error about a key this town has no row for (it cannot set it)
            "page_errors": [msg for key, msg in errors.items() if key not in shown],
            "year": year,
            "year_label": format_nendo(year),
            "years": [(y, format_nendo(y)) for y in reversed(years)],
            "rows": [(r, errors.get(r.settable.key, "")) for r in rows],
            "posted": posted,
            "changes": parameter_changes(),
        },
    )
