"""コンビニ収納 and 納付書 screens (issue 18 items 2 and 5): import a コンビニ収納 速報 or
確報 file, or a bank's 納付書（領収済通知書） data file (each report is the ledger's file
page), the 速報 still without a 確報, start the
納付書 job, and print the 納付書 of one taxpayer's unpaid 期別 from their ledger page (the
same rendering as the job's). Paths carry internal ids only."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from tenants.uploads import LimitedUploadHandler, limit_uploads
from tenants.wareki import fiscal_year_of
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import NofushoHakko, Zeimoku
from zeimu.services.shuno_conveni import KAKUHO_MACHI_NISSU, conveni_import, kakuho_michaku
from zeimu.services.shuno_kinyu import kinyu_import
from zeimu.services.shuno_nofusho import (
    nofusho_candidates,
    nofusho_issue,
    nofusho_notices,
    nofusho_render,
)
from zeimu.shuno_nofusho_jobs import NOFUSHO
from zeimu.views.shuno import MAX_FILE, file_import_view

GYOMU = SHUNO_KANRI


class ConveniForm(forms.Form):
    file = forms.FileField(label="コンビニ収納の速報・確報ファイル（120バイトのレコード）")


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _conveni (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the import is logged by the service; the report shows lines, not people
@require_http_methods(["GET", "POST"])
@never_cache
def shuno_conveni(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_FILE)
    return _conveni(request, handler)


@csrf_protect
def _conveni(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    today = timezone.localdate()
    return file_import_view(
        request,
        handler,
        form_class=ConveniForm,
        run=functools.partial(conveni_import, today=today),
        template="zeimu/shuno_conveni.html",
        context={
            "michaku": list(kakuho_michaku(today=today)[:200]),
            "machi": KAKUHO_MACHI_NISSU,
        },
    )


class KinyuForm(forms.Form):
    file = forms.FileField(label="金融機関の納付書データ（120バイトのレコード）")


@csrf_exempt  # as shuno_conveni: the CSRF check runs in _kinyu, after the upload handler
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the import is logged by the service; the report shows lines, not people
@require_http_methods(["GET", "POST"])
@never_cache
def shuno_kinyu(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_FILE)
    return _kinyu(request, handler)


@csrf_protect
def _kinyu(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    return file_import_view(
        request,
        handler,
        form_class=KinyuForm,
        run=functools.partial(kinyu_import, today=timezone.localdate()),
        template="zeimu/shuno_kinyu.html",
    )


class NofushoForm(forms.Form):
    hakko_date = WarekiDateField(label="発行日", help_text="例: 令和8年6月1日、R8.6.1")
    zeimoku = forms.ChoiceField(
        label="税目", choices=[("", "すべての税目"), *Zeimoku.choices], required=False
    )
    nendo = forms.IntegerField(
        label="年度（西暦。空欄: すべて）", min_value=2000, max_value=2100, required=False
    )
    ki = forms.IntegerField(label="期（空欄: すべて）", min_value=1, max_value=12, required=False)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU)
@no_personal_data  # counts per 発行日; the job logs each chunk's 宛名
@require_http_methods(["GET", "POST"])
def shuno_nofusho(request: HttpRequest) -> HttpResponse:
    form = NofushoForm(request.POST or None, initial={"hakko_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = job_start(
                kind=NOFUSHO,
                params={
                    "hakko_date": d["hakko_date"].isoformat(),
                    "zeimoku": d["zeimoku"] or None,
                    "nendo": d["nendo"],
                    "ki": d["ki"],
                    "print_data_encoding": d["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    recent = list(
        NofushoHakko.objects.values("hakko_date")
        .order_by("-hakko_date")
        .distinct()[:10]
        .values_list("hakko_date", flat=True)
    )
    counts = [
        (
            day,
            NofushoHakko.objects.filter(hakko_date=day).count(),
            NofushoHakko.objects.filter(hakko_date=day).exclude(barcode="").count(),
        )
        for day in recent
    ]
    return TemplateResponse(
        request,
        "zeimu/shuno_nofusho.html",
        {"form": form, "counts": counts, "nendo": fiscal_year_of(timezone.localdate())},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "atena",
        action=AccessAction.PRINT,
        id_kwarg="atena_id",
        screen="zeimu.shuno_nofusho_pdf",
    )
)
@require_POST
def shuno_nofusho_pdf(request: HttpRequest, atena_id: int) -> HttpResponse:
    """The 納付書 of every unpaid 期別 of one taxpayer, today (a 再発行 when printed
    before), written down as the job writes them."""
    today = timezone.localdate()
    ids = nofusho_candidates(on=today, atena_id=atena_id)
    if not ids:
        messages.info(request, "未納の期別がないため、納付書はありません。")
        return redirect("zeimu_shuno_nozeisha", atena_id=atena_id)
    rows = nofusho_issue(ids, hakko_date=today, job_id=None, created_by=request.user.get_username())
    notices = nofusho_notices(rows)
    pdf = nofusho_render(notices, issuer=Issuer.of(current_municipality()))
    access_note(request, detail={"kibetsu_ids": ids})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nofusho_{atena_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("shuno/conveni/", shuno_conveni, name="zeimu_shuno_conveni"),
    path("shuno/kinyu/", shuno_kinyu, name="zeimu_shuno_kinyu"),
    path("shuno/nofusho/", shuno_nofusho, name="zeimu_shuno_nofusho"),
    path(
        "shuno/nozeisha/<int:atena_id>/nofusho.pdf",
        shuno_nofusho_pdf,
        name="zeimu_shuno_nofusho_pdf",
    ),
]
