"""請求書 PDFs (office and member), 前年度比較 and the charts of a run.

Office screens are on the portal host; a member's own 請求書 is on its town host, where the
member is always the host's own municipality (no other member is addressable there).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone

from billing.charts import saving_rate, savings_bars, share_stacked_bars
from billing.forms.seikyusho import seikyusho_filename, seikyusho_pdf
from billing.models import AllocationRun
from billing.selectors import run_table
from billing.selectors_compare import compare_runs
from billing.services.invoices import InvoiceError, Schedule, invoice_build
from tenants.access import gyomu_view, portal_view
from tenants.accesslog.reads import no_personal_data
from tenants.forms.nendo import NendoField
from tenants.models import Municipality, RoleLevel, StaffUser
from tenants.modules.spec import PLATFORM
from tenants.selectors.current import current_municipality
from tenants.wareki import fiscal_year_of, format_nendo


class ScheduleForm(forms.Form):
    schedule = forms.ChoiceField(
        label="支払方法", choices=Schedule.choices, required=False, initial=Schedule.LUMP
    )


class CompareForm(forms.Form):
    year = NendoField()


def _office(request: HttpRequest) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "billing/invoices/error.html", {"message": message}, status=400)


def invoice_response(
    request: HttpRequest, run: AllocationRun, member: Municipality
) -> HttpResponse:
    """The 請求書 PDF with the schedule from ``?schedule=`` (default 一括)."""
    form = ScheduleForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, "支払方法は 一括・四半期・毎月 のいずれかを指定してください。")
    schedule = form.cleaned_data["schedule"] or Schedule.LUMP
    try:
        invoice = invoice_build(
            run=run, member=member, schedule=schedule, issued_on=timezone.localdate()
        )
    except InvoiceError as exc:
        return _bad_request(request, str(exc))
    response = HttpResponse(seikyusho_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{seikyusho_filename(invoice)}"'
    return response


@portal_view()
def billing_invoice_pdf(request: HttpRequest, pk: int, dantai_code: str) -> HttpResponse:
    user = _office(request)
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=user.consortium_office_id)
    member = get_object_or_404(
        Municipality, dantai_code=dantai_code, consortium_id=user.consortium_office_id
    )
    return invoice_response(request, run, member)


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN)
@no_personal_data  # the town's own 請求書
def my_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    member = current_municipality()
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=member.consortium_id)
    return invoice_response(request, run, member)


@portal_view()
def billing_compare(request: HttpRequest) -> HttpResponse:
    consortium = _office(request).consortium_office
    assert consortium is not None  # the portal middleware lets only office users in
    runs = AllocationRun.objects.filter(consortium=consortium)
    latest = runs.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    default_year = latest if latest is not None else fiscal_year_of(timezone.localdate())
    form = CompareForm(request.GET if "year" in request.GET else {"year": default_year})
    comparison = None
    if form.is_valid():
        year = form.cleaned_data["year"]
        comparison = compare_runs(consortium, year)
    return render(
        request,
        "billing/invoices/compare.html",
        {
            "form": form,
            "comparison": comparison,
            "nendo": format_nendo(comparison.fiscal_year) if comparison else "",
            "previous_nendo": format_nendo(comparison.fiscal_year - 1) if comparison else "",
        },
    )


@portal_view()
def billing_run_charts(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=user.consortium_office_id)
    table = run_table(run)
    names = [row["member"].name for row in table["rows"]]
    former_costs: dict[str, int] = run.inputs.get("former_cost") or {}
    savings = [
        {
            "member": row["member"],
            "former": former_costs.get(row["member"].dantai_code),
            "current": row["total"],
        }
        for row in table["rows"]
    ]
    nendo = format_nendo(run.fiscal_year)
    shares_svg = share_stacked_bars(
        members=names,
        pools=table["pools"],
        amounts=[row["cells"] for row in table["rows"]],
        title=f"{nendo} 構成団体別・費目別の負担額（按分番号 {run.pk}）",
        id_prefix="shares",
    )
    savings_svg = savings_bars(
        members=names,
        former=[s["former"] for s in savings],
        current=[s["current"] for s in savings],
        title=f"{nendo} 現行経費と負担金（按分番号 {run.pk}）",
        id_prefix="savings",
    )
    for s in savings:
        s["rate"] = saving_rate(s["former"], s["current"])
    return render(
        request,
        "billing/invoices/charts.html",
        {
            "run": run,
            "nendo": nendo,
            "shares_svg": shares_svg,
            "savings_svg": savings_svg,
            "savings": savings,
            **table,
        },
    )


portal_urlpatterns: list[URLPattern] = [
    path(
        "runs/<int:pk>/<str:dantai_code>/seikyusho.pdf",
        billing_invoice_pdf,
        name="billing_invoice_pdf",
    ),
    path("runs/<int:pk>/charts/", billing_run_charts, name="billing_run_charts"),
    path("compare/", billing_compare, name="billing_compare"),
]
member_urlpatterns: list[URLPattern] = [
    path("<int:pk>/seikyusho.pdf", my_invoice_pdf, name="my_invoice_pdf"),
]
