"""Staff screen: start the 当初賦課 batch (progress, cancel and retry on the job page)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.public import person_identity
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.wareki import format_nendo
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka, FukaStatus, KoseiKiin
from zeimu.selectors.fuka import (
    fuka_current,
    fuka_history,
    fuka_of_person,
    monthly_totals,
    status_counts,
    tokucho_employers,
    with_persons,
)
from zeimu.services.fuka import KoseiRefused, kosei

GYOMU = KOJIN_JUMINZEI
RECORD_TYPE = "zeimu.Fuka"


class ToshoFukaForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[(2026, "令和8年度"), (2025, "令和7年度"), (2024, "令和6年度")],
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the 当初賦課 job
@require_http_methods(["GET", "POST"])
def tosho_fuka_start(request: HttpRequest) -> HttpResponse:
    form = ToshoFukaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind="zeimu_tosho_fuka",
                params={"fiscal_year": form.cleaned_data["fiscal_year"]},
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(request, "zeimu/tosho_fuka.html", {"form": form})


urlpatterns: list[URLPattern] = [path("tosho-fuka/", tosho_fuka_start, name="zeimu_tosho_fuka")]


# --- results: list, one person's assessment with its explanation and history, 更正 ----

FISCAL_YEARS = [(2026, "令和8年度"), (2025, "令和7年度"), (2024, "令和6年度")]
PAGE_SIZE = 50


def _fiscal_year(request: HttpRequest) -> int:
    try:
        fy = int(request.GET.get("fiscal_year") or request.POST.get("fiscal_year") or 0)
    except ValueError:
        fy = 0
    return fy if fy in dict(FISCAL_YEARS) else FISCAL_YEARS[1][0]


def _kibetsu_rows(fuka: Fuka) -> dict[str, list[dict[str, Any]]]:
    """The stored 期別 with dates as dates (for the 和暦 filter)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for method in ("futsu", "kyuyo", "nenkin"):
        items = []
        for item in fuka.kibetsu.get(method, []):
            row = dict(item)
            for k in ("due", "nominal"):
                if row.get(k):
                    row[k] = date.fromisoformat(row[k])
            items.append(row)
        out[method] = items
    return out


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        ids="page.object_list[].pk",
        skip_empty=True,
        detail=lambda ctx: {
            "fiscal_year": ctx["fiscal_year"],
            "status": ctx["status"],
            "page": ctx["page"].number,
        },
        screen="zeimu.fuka_list",
    )
)
@require_http_methods(["GET", "POST"])
def fuka_list(request: HttpRequest) -> HttpResponse:
    fy = _fiscal_year(request)
    if request.method == "POST":
        # Looking one person up by 宛名番号: POST, so the number never sits in a URL.
        found = fuka_of_person(request.POST.get("atena_no", ""), fy)
        if found.lookup.atena_id is not None and not found.lookup.found:
            access_refusal(
                request,
                record_type="atena",
                record_id=found.lookup.atena_id,
                reason="shokai_yokushi",
            )
        if not found.lookup.found:
            messages.error(request, found.lookup.message)
        elif found.fuka is None:
            messages.error(request, f"{format_nendo(fy)}の賦課がその宛名番号にはありません。")
        else:
            if found.lookup.message:
                messages.warning(request, found.lookup.message)
            return redirect("zeimu_fuka_detail", pk=found.fuka.pk)
    status = request.GET.get("status", "")
    if status not in FukaStatus.values:
        status = ""
    page = Paginator(fuka_current(fy, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_persons(list(page.object_list))
    counts = status_counts(fy)
    return TemplateResponse(
        request,
        "zeimu/fuka_list.html",
        {
            "page": page,
            "rows": rows,
            "fiscal_year": fy,
            "years": FISCAL_YEARS,
            "status": status,
            "statuses": FukaStatus.choices,
            "counts": [(label, counts[v]) for v, label in FukaStatus.choices],
        },
    )


class KoseiForm(forms.Form):
    reason = TextField(label="更正の理由", max_length=200)
    kiin = forms.ChoiceField(label="更正の原因", choices=KoseiKiin.choices, required=False)
    tsuchi_date = WarekiDateField(
        label="更正の通知日（所得税の修正申告・更正によるとき。空欄は今日）", required=False
    )


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, ids="fuka.pk", screen="zeimu.fuka_detail"))
@require_http_methods(["GET"])
def fuka_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fuka = get_object_or_404(Fuka, pk=pk)
    result = fuka.detail.get("result", {})
    return TemplateResponse(
        request,
        "zeimu/fuka_detail.html",
        {
            "fuka": fuka,
            "person": person_identity(fuka.atena_id),
            "result": result,
            "explanation": result.get("explanation", []),
            "choshu": fuka.detail.get("choshu", {}),
            "kibetsu": _kibetsu_rows(fuka),
            "history": fuka_history(fuka),
            "can_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
            "kosei_form": KoseiForm(),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 更正 (logged by kosei), then a redirect
@require_POST
def fuka_kosei(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Fuka, pk=pk)
    form = KoseiForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect("zeimu_fuka_detail", pk=pk)
    try:
        new = kosei(
            fuka_id=pk,
            reason=form.cleaned_data["reason"],
            actor=actor_from_request(request),
            kiin=form.cleaned_data["kiin"] or "",
            tsuchi_date=form.cleaned_data["tsuchi_date"],
        )
    except KoseiRefused as exc:
        messages.error(request, str(exc))
        return redirect("zeimu_fuka_detail", pk=pk)
    messages.success(request, "更正しました。更正前の賦課は履歴に残っています。")
    return redirect("zeimu_fuka_detail", pk=new.pk)


@gyomu_view(GYOMU)
@no_personal_data  # employers with head counts and totals
@require_http_methods(["GET"])
def tokucho_list(request: HttpRequest) -> HttpResponse:
    fy = _fiscal_year(request)
    return TemplateResponse(
        request,
        "zeimu/tokucho_list.html",
        {"employers": tokucho_employers(fy), "fiscal_year": fy, "years": FISCAL_YEARS},
    )


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        RECORD_TYPE,
        ids="rows[].pk",
        detail=lambda ctx: {
            "fiscal_year": ctx["fiscal_year"],
            "tokucho_shitei_no": ctx["shitei_no"],
        },
        screen="zeimu.tokucho_detail",
    )
)
@require_http_methods(["GET"])
def tokucho_detail(request: HttpRequest, shitei_no: str, fiscal_year: int) -> HttpResponse:
    fukas = list(fuka_current(fiscal_year, shitei_no=shitei_no))
    if not fukas:
        raise Http404
    months = [item["label"] for item in fukas[0].kibetsu.get("kyuyo", [])]
    return TemplateResponse(
        request,
        "zeimu/tokucho_detail.html",
        {
            "rows": with_persons(fukas),
            "fiscal_year": fiscal_year,
            "shitei_no": shitei_no,
            "employer_name": fukas[0].tokucho_employer_name,
            "months": months,
            "monthly": monthly_totals(fukas),
            "total": sum(f.kyuyo_tokucho_gaku for f in fukas),
        },
    )


urlpatterns += [
    path("fuka/", fuka_list, name="zeimu_fuka_list"),
    path("fuka/<int:pk>/", fuka_detail, name="zeimu_fuka_detail"),
    path("fuka/<int:pk>/kosei/", fuka_kosei, name="zeimu_fuka_kosei"),
    path("tokucho/", tokucho_list, name="zeimu_tokucho_list"),
    path("tokucho/<str:shitei_no>/<int:fiscal_year>/", tokucho_detail, name="zeimu_tokucho_detail"),
]
