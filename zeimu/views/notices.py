"""納税通知書・特別徴収税額決定通知書: start the mass print, reprint one notice.

The reprint renders from the same template and with the same 通知日 as the last mass
print of the year, so it is the page the print house printed. URLs carry record ids and
the employer's 指定番号 only (an employer number is not personal data); the PDF's name
is made of ids too.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from zeimu.forms.notices import (
    FORM_FUTSU,
    FORM_LABELS,
    FORM_TOKUCHO,
    Issuer,
    futsu_notice,
    futsu_render,
    tokucho_notices,
    tokucho_render,
)
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Fuka
from zeimu.printjobs import NoticePrint, latest_tsuchi_date

GYOMU = KOJIN_JUMINZEI


class NoticePrintForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[(2026, "令和8年度"), (2025, "令和7年度"), (2024, "令和6年度")],
    )
    forms = forms.MultipleChoiceField(
        label="帳票",
        choices=[(FORM_FUTSU, FORM_LABELS[FORM_FUTSU]), (FORM_TOKUCHO, FORM_LABELS[FORM_TOKUCHO])],
        initial=[FORM_FUTSU, FORM_TOKUCHO],
        widget=forms.CheckboxSelectMultiple,
    )
    tsuchi_date = WarekiDateField(label="通知日", help_text="例: 令和7年6月10日、R7.6.10")
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def notice_print_start(request: HttpRequest) -> HttpResponse:
    form = NoticePrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=NoticePrint.code,
                params={
                    "fiscal_year": data["fiscal_year"],
                    "forms": data["forms"],
                    "tsuchi_date": data["tsuchi_date"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return render(request, "zeimu/notice_print.html", {"form": form})


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _tsuchi_date(fiscal_year: int) -> date:
    return latest_tsuchi_date(fiscal_year) or timezone.localdate()


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fuka",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="納税通知書（普通徴収）の再発行",
    )
)
@require_GET
def futsu_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One taxpayer's 納税通知書（普通徴収）, current assessment only (404 otherwise)."""
    fuka = get_object_or_404(
        Fuka.objects.filter(is_current=True).filter(
            Q(futsu_choshu_gaku__gt=0) | Q(nenkin_tokucho_gaku__gt=0)
        ),
        pk=pk,
    )
    notice = futsu_notice(fuka)
    pdf = futsu_render(
        [notice],
        issuer=Issuer.of(current_municipality()),
        fiscal_year=fuka.fiscal_year,
        tsuchi_date=_tsuchi_date(fuka.fiscal_year),
    )
    access_note(request, detail={"atena_ids": notice.atena_ids})
    return _pdf(pdf, f"notice_{fuka.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "tokucho_gimusha",
        action=AccessAction.PRINT,
        id_kwarg="shitei_no",
        screen="特別徴収税額決定通知書の再発行",
    )
)
@require_GET
def tokucho_notice_pdf(request: HttpRequest, shitei_no: str, fiscal_year: int) -> HttpResponse:
    """One employer's 特別徴収税額決定通知書（特別徴収義務者用）."""
    notices = tokucho_notices(fiscal_year, [shitei_no])
    if not notices:
        raise Http404("この特別徴収義務者の特別徴収はありません。")
    pdf = tokucho_render(
        notices,
        issuer=Issuer.of(current_municipality()),
        fiscal_year=fiscal_year,
        tsuchi_date=_tsuchi_date(fiscal_year),
    )
    access_note(
        request,
        count=len(notices[0].atena_ids),
        detail={"fiscal_year": fiscal_year, "atena_ids": notices[0].atena_ids},
    )
    return _pdf(pdf, f"tokucho_{fiscal_year}.pdf")


urlpatterns: list[URLPattern] = [
    path("notices/", notice_print_start, name="zeimu_notice_print"),
    path("fuka/<int:pk>/notice.pdf", futsu_notice_pdf, name="zeimu_futsu_notice_pdf"),
    path(
        "tokucho/<str:shitei_no>/<int:fiscal_year>/notice.pdf",
        tokucho_notice_pdf,
        name="zeimu_tokucho_notice_pdf",
    ),
]
