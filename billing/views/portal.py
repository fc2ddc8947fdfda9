"""Consortium office: pools, allocation runs, every member's statement."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from billing.forms.pdf import render_pdf
from billing.models import AllocationRun, CostPool
from billing.rules import GuaranteeInfeasible
from billing.selectors import run_table, statement_for
from billing.services.allocation import allocation_run
from tenants.access import portal_view
from tenants.csvout import CsvEncodingError, csv_response
from tenants.forms.export import encoding_from
from tenants.forms.nendo import NendoField, PercentField
from tenants.models import Municipality, StaffUser
from tenants.wareki import fiscal_year_of, format_nendo


class RunForm(forms.Form):
    fiscal_year = NendoField()
    min_saving = PercentField(
        label="保障する最低削減率（%、空欄は保障なし）",
        help_text="例: 30（現行経費より30%以上安くなるよう保障します）",
        required=False,
        max_percent=100,
        inclusive_max=True,
    )


def _office(request: HttpRequest) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


@portal_view()
@require_http_methods(["GET", "POST"])
def billing_home(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    year = fiscal_year_of(timezone.localdate())
    form = RunForm(request.POST or None, initial={"fiscal_year": year})
    if request.method == "POST" and form.is_valid():
        rate = form.cleaned_data["min_saving"]
        try:
            run = allocation_run(
                consortium=user.consortium_office,  # type: ignore[arg-type]
                fiscal_year=form.cleaned_data["fiscal_year"],
                acting_user=user,
                min_saving=format(rate, "f") if rate else None,
            )
        except (ValueError, GuaranteeInfeasible) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{format_nendo(run.fiscal_year)}の按分を実行しました。")
            return redirect("billing_run", pk=run.pk)
    pools = CostPool.objects.filter(consortium=user.consortium_office).order_by(
        "-fiscal_year", "sort"
    )
    runs = AllocationRun.objects.filter(consortium=user.consortium_office).select_related("run_by")[
        :50
    ]
    return render(request, "billing/home.html", {"form": form, "pools": pools, "runs": runs})


@portal_view()
def billing_run(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=user.consortium_office_id)
    return render(request, "billing/run.html", {"run": run, **run_table(run)})


@portal_view()
def billing_run_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _office(request)
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=user.consortium_office_id)
    table = run_table(run)
    try:
        return csv_response(
            f"futankin_{run.fiscal_year}_{run.pk}.csv",
            ["団体コード", "団体名", *table["pools"], "合計"],
            (
                [row["member"].dantai_code, row["member"].name, *row["cells"], row["total"]]
                for row in table["rows"]
            ),
            encoding=encoding_from(request.GET),
        )
    except CsvEncodingError as exc:
        messages.error(request, str(exc))
        return redirect("billing_run", pk=run.pk)


@portal_view()
def billing_statement_pdf(request: HttpRequest, pk: int, dantai_code: str) -> HttpResponse:
    user = _office(request)
    run = get_object_or_404(AllocationRun, pk=pk, consortium_id=user.consortium_office_id)
    member = get_object_or_404(
        Municipality, dantai_code=dantai_code, consortium_id=user.consortium_office_id
    )
    return statement_response(run, member)


def statement_response(run: AllocationRun, member: Municipality) -> HttpResponse:
    pdf = render_pdf("billing/statement_pdf.html", statement_for(run=run, municipality=member))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="futankin_meisai_{run.fiscal_year}_{member.dantai_code}.pdf"'
    )
    return response
