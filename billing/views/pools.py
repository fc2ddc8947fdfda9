"""Office screens: cost pools of a year with a rule builder, former costs and the
figures the office enters per member, and 前年度の費用区分を複写. Portal host only.

The views only route: the forms are in billing.views.pool_forms, the rule builder in
billing.services.rule_builder, checks and writes in billing.services.pools,
billing.services.member_values and billing.services.pool_rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from billing.models import CostPool, FormerCost, MemberFigure
from billing.rules.numbers import FIGURE_LABELS
from billing.services.member_values import member_values_save
from billing.services.meters import counted_figures, meter_choices
from billing.services.pool_rules import (
    check_figure_key,
    consortium_members,
    figure_display,
    pool_description,
    rule_parse,
    rule_references,
)
from billing.services.pools import (
    costpool_create,
    costpool_delete,
    costpool_update,
    costpools_copy_year,
)
from billing.views.pool_forms import MemberValuesForm, PoolForm
from tenants.access import portal_view
from tenants.models import Consortium, Gyomu, StaffUser
from tenants.wareki import fiscal_year_of, format_nendo


def _office(request: HttpRequest) -> tuple[StaffUser, Consortium]:
    user = request.user
    assert isinstance(user, StaffUser) and user.consortium_office is not None
    return user, user.consortium_office


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return fiscal_year_of(timezone.localdate())
    return year if 2000 <= year <= 2100 else fiscal_year_of(timezone.localdate())


def _add_errors(form: forms.Form, exc: ValidationError, fields: dict[str, str | None]) -> None:
    """Service errors (keyed by the service's names) onto the form's fields."""
    for key, found in exc.message_dict.items():
        target = fields.get(key)
        for message in found:
            form.add_error(target if target in form.fields else None, message)


POOL_FIELDS: dict[str, str | None] = {
    "name": "name",
    "amount_yen": "amount_yen",
    "rounding_unit_yen": "rounding_unit_yen",
    "remainder_method": "remainder_method",
    "tie_break": "tie_break",
    "fiscal_year": None,
    "rule": None,
}


def _describe(pool: CostPool, names: dict[str, str], gyomu: dict[str, str]) -> dict[str, Any]:
    try:
        figures, _ = rule_references(rule_parse(pool.rule))
    except ValidationError:
        figures = []
    return {
        "pool": pool,
        "rule": pool_description(pool, names),
        "figures": "、".join(figure_display(f, gyomu) for f in figures),
    }


# --- screens --------------------------------------------------------------------------


@portal_view()
@require_http_methods(["GET"])
def pool_list(request: HttpRequest) -> HttpResponse:
    _, consortium = _office(request)
    year = _year(request)
    pools = list(CostPool.objects.filter(consortium=consortium, fiscal_year=year))
    names = {m.dantai_code: m.name for m in consortium_members(consortium=consortium)}
    gyomu = dict(Gyomu.objects.values_list("code", "name"))
    rows = [_describe(p, names, gyomu) for p in pools]
    return render(
        request,
        "billing/pools/list.html",
        {
            "year": year,
            "rows": rows,
            "total": sum(p.amount_yen or 0 for p in pools),
            "prev_year": year - 1,
            "next_year": year + 1,
        },
    )


def _pool_form_page(
    request: HttpRequest, consortium: Consortium, year: int, pool: CostPool | None
) -> HttpResponse:
    user, _ = _office(request)
    form = PoolForm(request.POST or None, consortium=consortium, pool=pool)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings = {
            "name": data["name"],
            "amount_yen": data["amount_yen"],
            "rule": data["rule"],
            "rounding_unit_yen": data["rounding_unit_yen"],
            "remainder_method": data["remainder_method"],
            "tie_break": data["tie_break"],
            "sort": data["sort"],
            "acting_user": user,
        }
        try:
            if pool is None:
                saved = costpool_create(consortium=consortium, fiscal_year=year, **settings)
            else:
                saved = costpool_update(pool=pool, **settings)
        except ValidationError as exc:
            _add_errors(form, exc, POOL_FIELDS)
        else:
            messages.success(
                request, f"{format_nendo(saved.fiscal_year)}の「{saved.name}」を保存しました。"
            )
            return redirect(f"{reverse('billing_pools')}?year={saved.fiscal_year}")
    return render(
        request,
        "billing/pools/form.html",
        {"form": form, "pool": pool, "year": year, "meters": form.meters},
        status=400 if form.is_bound and form.errors else 200,
    )


@portal_view()
@require_http_methods(["GET", "POST"])
def pool_new(request: HttpRequest) -> HttpResponse:
    _, consortium = _office(request)
    return _pool_form_page(request, consortium, _year(request), None)


@portal_view()
@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _, consortium = _office(request)
    pool = get_object_or_404(CostPool, pk=pk, consortium=consortium)
    return _pool_form_page(request, consortium, pool.fiscal_year, pool)


@portal_view()
@require_POST
def pool_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user, consortium = _office(request)
    pool = get_object_or_404(CostPool, pk=pk, consortium=consortium)
    year, name = pool.fiscal_year, pool.name
    costpool_delete(pool=pool, acting_user=user)
    messages.success(request, f"{format_nendo(year)}の「{name}」を削除しました。")
    return redirect(f"{reverse('billing_pools')}?year={year}")


@portal_view()
@require_POST
def pool_copy_year(request: HttpRequest) -> HttpResponse:
    user, consortium = _office(request)
    try:
        year = int(request.POST.get("from_year", ""))
    except ValueError:
        messages.error(request, "複写元の年度を指定してください。")
        return redirect("billing_pools")
    try:
        result = costpools_copy_year(consortium=consortium, from_year=year, acting_user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('billing_pools')}?year={year}")
    messages.success(
        request,
        f"{format_nendo(year)}の費用区分 {len(result.copied)}件を"
        f"{format_nendo(year + 1)}に複写しました。",
    )
    if result.skipped:
        messages.warning(
            request,
            f"{format_nendo(year + 1)}に同じ費目があるため複写しなかった費用区分: "
            + "、".join(result.skipped),
        )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(f"{reverse('billing_pools')}?year={year + 1}")


# --- former costs and member figures ---------------------------------------------------


@portal_view()
@require_http_methods(["GET", "POST"])
def member_values(request: HttpRequest) -> HttpResponse:
    user, consortium = _office(request)
    year = _year(request)
    members = consortium_members(consortium=consortium)
    stored = list(
        MemberFigure.objects.filter(consortium=consortium, fiscal_year=year).select_related(
            "municipality", "entered_by"
        )
    )
    keys = sorted({f.key for f in stored} | {"staff"})
    for extra in request.GET.getlist("add") + request.POST.getlist("keys"):
        extra = extra.strip()
        if not extra or extra in keys:
            continue
        try:
            check_figure_key(extra)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            keys.append(extra)
    initial: dict[str, Any] = {}
    for code, amount in FormerCost.objects.filter(
        consortium=consortium, fiscal_year=year
    ).values_list("municipality__dantai_code", "amount_yen"):
        initial[f"former__{code}"] = amount
    for f in stored:
        initial[f"fig__{f.key}__{f.municipality.dantai_code}"] = f.value
        initial[f"source__{f.key}"] = f.source
    form = MemberValuesForm(request.POST or None, members=members, keys=keys, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_values_save(
                consortium=consortium,
                fiscal_year=year,
                former_costs={m.dantai_code: data[f"former__{m.dantai_code}"] for m in members},
                figures={
                    k: {m.dantai_code: data[f"fig__{k}__{m.dantai_code}"] for m in members}
                    for k in keys
                },
                sources={k: data[f"source__{k}"] for k in keys},
                acting_user=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"{format_nendo(year)}の現行経費・団体別の数値を保存しました。"
            )
            return redirect(f"{reverse('billing_member_values')}?year={year}")
    entered = {
        (f.key, f.municipality.dantai_code): f for f in stored
    }  # who entered what, shown under the table
    for f in stored:
        f.label = figure_display(f.key)  # type: ignore[attr-defined]
    return render(
        request,
        "billing/pools/member_values.html",
        {
            "form": form,
            "year": year,
            "keys": keys,
            "entered": sorted(entered.values(), key=lambda f: (f.key, f.municipality.dantai_code)),
            "known_keys": [
                (k, v)
                for k, v in FIGURE_LABELS.items()
                if k not in counted_figures() and k != "months"
            ],
            "meters": meter_choices(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


portal_urlpatterns: list[URLPattern] = [
    path("pools/", pool_list, name="billing_pools"),
    path("pools/new/", pool_new, name="billing_pool_new"),
    path("pools/<int:pk>/", pool_edit, name="billing_pool_edit"),
    path("pools/<int:pk>/delete/", pool_delete, name="billing_pool_delete"),
    path("pools/copy/", pool_copy_year, name="billing_pools_copy"),
    path("pools/figures/", member_values, name="billing_member_values"),
]
member_urlpatterns: list[URLPattern] = []
