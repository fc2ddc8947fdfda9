"""児童扶養手当 返還金の納付書と督促 (mounted with fukushi.views.fuyoteate at
/fukushi/jido-fuyo-teate/):

- the 督促 screen: the 返還金 未納 past their 納期限 and not yet 督促'd (督促の対象), the
  督促 made so far with their 督促日 and 指定期限 (paged), and the 督促 job (督促状 in one PDF);
- on one 受給者's 過払 page: the 納付書 of a 返還金 (PDF, for its 残額) and its 督促状 (the
  first print records the 督促 of today; later prints are marked 再発行).

Paths carry internal ids only; every screen that shows a person writes its access-log row;
each write is logged by its service (the PDFs as PRINT).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoKabarai, FuyoKabaraiTokusoku
from fukushi.printjobs_fuyoteate_kabarai import KabaraiTokusokuPrint
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai_tokusoku import (
    kabarai_nofusho,
    kabarai_tokusoku,
    shitei_kigen_of,
    tokusoku_pdf,
    tokusoku_taisho,
)
from fukushi.views.responses import pdf_response
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = JIDO_FUYO_TEATE
PAGE_SIZE = 50


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _refused(request: HttpRequest, exc: FuyoteateRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


class TokusokuForm(forms.Form):
    tokusoku_date = WarekiDateField(label="督促日", help_text="例 令和8年1月5日")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="atena_ids", screen="fukushi.fuyoteate_kabarai_tokusoku_list",
          skip_empty=True)
)  # fmt: skip
@require_http_methods(["GET", "POST"])
def tokusoku_list(request: HttpRequest) -> HttpResponse:
    """督促の対象 (as of today) and the 督促 made so far (newest first, 50 a page); the 督促
    job starts here."""
    today = timezone.localdate()
    form = TokusokuForm(request.POST or None, initial={"tokusoku_date": today})
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["tokusoku_date"] is None:
            form.add_error("tokusoku_date", "督促日を入力してください。")
        if form.is_valid():
            try:
                job = job_start(
                    kind=KabaraiTokusokuPrint.code,
                    params={"tokusoku_date": form.cleaned_data["tokusoku_date"].isoformat()},
                    actor=actor_from_request(request),
                )
            except (JobRefused, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                return redirect("job_detail", pk=job.pk)
    taisho = list(tokusoku_taisho(today)[:500])
    done = Paginator(
        FuyoKabaraiTokusoku.objects.select_related("kabarai__jukyusha").order_by(
            "-tokusoku_date", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    ids = [k.jukyusha.atena_id for k in taisho] + [
        t.kabarai.jukyusha.atena_id for t in done.object_list
    ]
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/kabarai_tokusoku.html",
        {
            "taisho": [
                {"k": k, "person": people.get(k.jukyusha.atena_id), "zan": k.gaku - k.nofu_gaku}
                for k in taisho
            ],
            "page": done,
            "done": [
                {"t": t, "person": people.get(t.kabarai.jukyusha.atena_id)}
                for t in done.object_list
            ],
            "kigen": shitei_kigen_of(today),
            "form": form,
            "can_write": _can_write(request),
            "atena_ids": list(dict.fromkeys(ids)),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF is logged (PRINT) and recorded by its service
@require_POST
def kabarai_nofusho_pdf(request: HttpRequest, pk: int, kid: int) -> HttpResponse:
    """The 納付書 of one 返還金 (its 残額), as the PDF."""
    k = get_object_or_404(FuyoKabarai.objects.select_related("jukyusha"), pk=kid, jukyusha_id=pk)
    try:
        pdf = kabarai_nofusho(
            kabarai=k, hakko_date=timezone.localdate(), actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    return pdf_response(pdf, f"fuyoteate_henkan_nofusho_{k.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the 督促 and the PDF are logged by their services
@require_POST
def kabarai_tokusoku_pdf(request: HttpRequest, pk: int, kid: int) -> HttpResponse:
    """The 督促状 of one 返還金: the first print records the 督促 of today, a later one
    prints the same 督促 again (再発行)."""
    k = get_object_or_404(FuyoKabarai.objects.select_related("jukyusha"), pk=kid, jukyusha_id=pk)
    actor = actor_from_request(request)
    t: Any = FuyoKabaraiTokusoku.objects.filter(kabarai=k).first()
    try:
        if t is None:
            t = kabarai_tokusoku(kabarai=k, tokusoku_date=timezone.localdate(), actor=actor)
            pdf = tokusoku_pdf(tokusoku=t, actor=actor)
        else:
            pdf = tokusoku_pdf(tokusoku=t, actor=actor, saihakko=True)
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    return pdf_response(pdf, f"fuyoteate_henkan_tokusoku_{k.pk}.pdf")


urlpatterns: list[URLPattern] = [
    path("henkankin/tokusoku/", tokusoku_list, name="fukushi_fuyoteate_kabarai_tokusoku_list"),
    path(
        "<int:pk>/kabarai/<int:kid>/nofusho/",
        kabarai_nofusho_pdf,
        name="fukushi_fuyoteate_kabarai_nofusho",
    ),
    path(
        "<int:pk>/kabarai/<int:kid>/tokusoku/",
        kabarai_tokusoku_pdf,
        name="fukushi_fuyoteate_kabarai_tokusoku",
    ),
]
