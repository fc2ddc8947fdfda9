"""除票用データベース (標準仕様書 9.3): start the yearly move, its result, a moved 除票."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.jobkinds import JohyoIkou
from juminkiroku.models import IkouKekka, JohyoArchive, JohyoIkouKekka
from juminkiroku.selectors.johyo import restore
from juminkiroku.services.johyo import hanbouki_months, ikou_nensu
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = JUMINKIROKU
KEKKA_PAGE = 100


class IkouForm(forms.Form):
    kijun = WarekiDateField(label="基準日（この日に消除から定められた年数を経過した除票を移行）")


@gyomu_view(GYOMU, level=RoleLevel.ADMIN)
@no_personal_data  # a form, counts and the list of past jobs
@require_http_methods(["GET", "POST"])
def johyo_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = IkouForm(request.POST or None, initial={"kijun": today})
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind=JohyoIkou.code,
                params={"kijun": form.cleaned_data["kijun"].isoformat()},
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(
        request,
        "juminkiroku/johyo/index.html",
        {
            "form": form,
            "archived": JohyoArchive.objects.count(),
            "nensu": ikou_nensu(today),
            "hanbouki": hanbouki_months(today),
            "jobs": Job.objects.filter(kind=JohyoIkou.code).order_by("-created_at")[:10],
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.ADMIN)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        screen="除票移行の結果",
        skip_empty=True,
        detail=lambda ctx: {"job_id": ctx["job"].pk, "page": ctx["page"].number},
    )
)
@require_GET
def johyo_kekka(request: HttpRequest, job_id: int) -> HttpResponse:
    job = Job.objects.filter(pk=job_id, kind=JohyoIkou.code).first()
    if job is None:
        raise Http404
    only = request.GET.get("kekka", "")
    rows = JohyoIkouKekka.objects.filter(job_id=job.pk).order_by("atena_no")
    if only in IkouKekka.values:
        rows = rows.filter(kekka=only)
    page = Paginator(rows, KEKKA_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "juminkiroku/johyo/kekka.html",
        {"job": job, "page": page, "only": only, "kekka_choices": IkouKekka.choices},
    )


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="atena_id", shown="p", screen="除票用データベースの除票"))
@require_GET
@never_cache
def johyo_person(request: HttpRequest, atena_id: int) -> HttpResponse:
    restored = restore(atena_id)
    if restored is None:
        raise Http404
    context: dict[str, Any] = {
        "p": restored.atena,
        "versions": restored.standing(),
        "archive": restored.archive,
        "may_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
    }
    return TemplateResponse(request, "juminkiroku/johyo/person.html", context)


urlpatterns: list[URLPattern] = [
    path("johyo/", johyo_index, name="juminkiroku_johyo"),
    path("johyo/jobs/<int:job_id>/", johyo_kekka, name="juminkiroku_johyo_kekka"),
    path("johyo/persons/<int:atena_id>/", johyo_person, name="juminkiroku_johyo_person"),
]
