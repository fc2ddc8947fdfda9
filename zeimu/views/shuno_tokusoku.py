"""督促 screens (issue 18 item 6): start the 督促 job (one 納期限, or every 期別 due) and
see what was sent per 発付日 (counts only), and reprint one 督促状 from the taxpayer's
ledger (the same rendering as the job's)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Tokusoku
from zeimu.services.shuno_tokusoku import tokusoku_notices, tokusoku_render
from zeimu.shuno_tokusoku_jobs import TOKUSOKU

GYOMU = SHUNO_KANRI


class TokusokuForm(forms.Form):
    hakko_date = WarekiDateField(label="発付日", help_text="例: 令和7年7月20日、R7.7.20")
    nouki = WarekiDateField(label="納期限（空欄: 納期限を過ぎたすべての期別）", required=False)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU)
@no_personal_data  # counts per 発付日; the job logs each chunk's 宛名
@require_http_methods(["GET", "POST"])
def shuno_tokusoku(request: HttpRequest) -> HttpResponse:
    form = TokusokuForm(request.POST or None, initial={"hakko_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=TOKUSOKU,
                params={
                    "hakko_date": data["hakko_date"].isoformat(),
                    "nouki": data["nouki"].isoformat() if data["nouki"] else None,
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    sent = (
        Tokusoku.objects.values("hakko_date")
        .annotate(n=Count("id"), late=Count("id", filter=Q(late=True)), zan=Sum("zan"))
        .order_by("-hakko_date")[:20]
    )
    return TemplateResponse(
        request, "zeimu/shuno_tokusoku.html", {"form": form, "sent": list(sent)}
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "zeimu.Tokusoku",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="zeimu.shuno_tokusoku_pdf",
    )
)
@require_GET
def shuno_tokusoku_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One 督促状 again, as the job printed it."""
    row = get_object_or_404(Tokusoku.objects.select_related("kibetsu"), pk=pk)
    notices = tokusoku_notices([row])
    pdf = tokusoku_render(notices, issuer=Issuer.of(current_municipality()))
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tokusoku_{row.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("shuno/tokusoku/", shuno_tokusoku, name="zeimu_shuno_tokusoku"),
    path(
        "shuno/tokusoku/<int:pk>/tokusoku.pdf", shuno_tokusoku_pdf, name="zeimu_shuno_tokusoku_pdf"
    ),
]
