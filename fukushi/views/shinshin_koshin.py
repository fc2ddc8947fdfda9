"""心身障害者医療 一斉更新 as a job (SG-18), mounted beside the 受給者 screens at
/fukushi/shinshin-shogaisha-iryo/ (fukushi/urls.py): start the job of a year, then the job's
results — the list (screen and CSV) and the 更新通知 (PDF, one page per person).

Behind the grant ``SHOGAI_TECHO`` as every 受給者 screen (fukushi/views/shinshin.py): 404
without it, whether the job exists or not; every read of the results is in the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import ShinshinKoshinKekka
from fukushi.printjobs_shinshin import koshin_render
from fukushi.shinshin_jobs import KOSHIN
from fukushi.views.shinshin import KoshinForm
from fukushi.views.shogai import may_see_techo
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = SHINSHIN_SHOGAISHA_IRYO
RECORD_TYPE = "fukushi.ShinshinJukyusha"
NOT_FOUND = "ページが見つかりません。"
HEADER = ["受給者番号", "氏名", "結果", "有効期間", "根拠", "更新しない理由"]


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the job (which logs what it changes)
@require_POST
def koshin_job(request: HttpRequest) -> HttpResponse:
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    form = KoshinForm(request.POST, prefix="job")
    if not form.is_valid():
        messages.error(request, "更新する年を正しく入力してください。")
        return redirect("fukushi_shinshin_top")
    try:
        job = job_start(
            kind=KOSHIN, params={"nen": form.cleaned_data["nen"]}, actor=actor_from_request(request)
        )
    except (JobRefused, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("fukushi_shinshin_top")
    return redirect("job_detail", pk=job.pk)


def _rows(request: HttpRequest, job_id: int) -> tuple[Job, list[ShinshinKoshinKekka]]:
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    job = Job.objects.filter(pk=job_id, kind=KOSHIN).first()
    if job is None:
        raise Http404(NOT_FOUND)
    rows = list(
        ShinshinKoshinKekka.objects.filter(job_id=job.pk)
        .select_related("jukyusha")
        .order_by("jukyusha__jukyusha_bango")
    )
    return job, rows


def _table(rows: list[ShinshinKoshinKekka]) -> list[list[str]]:
    names = person_identities(k.jukyusha.atena_id for k in rows)
    out = []
    for k in rows:
        p = names.get(k.jukyusha.atena_id)
        kikan = (
            f"{format_wareki(k.kaishi)}から{format_wareki(k.yuko_shuryo)}まで"
            if k.kekka == "koshin"
            else f"{format_wareki(k.yuko_shuryo)}まで"
        )
        out.append(
            [
                k.jukyusha.jukyusha_bango,
                p.shimei if p else "",
                k.get_kekka_display(),
                kikan,
                k.konkyo,
                k.riyu,
            ]
        )
    return out


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, ids="ids[]", shown="rows", screen="fukushi.shinshin_koshin_kekka"))
@require_GET
def kekka(request: HttpRequest, job_id: int) -> HttpResponse:
    job, rows = _rows(request, job_id)
    return TemplateResponse(
        request,
        "fukushi/shinshin/koshin_kekka.html",
        {
            "job": job,
            "rows": rows,
            "table": _table(rows),
            "ids": [k.jukyusha_id for k in rows],
            "koshin": sum(1 for k in rows if k.kekka == "koshin"),
            "shuryo": sum(1 for k in rows if k.kekka == "shuryo"),
        },
    )


def _export_note(request: HttpRequest, job: Job, rows: list[ShinshinKoshinKekka]) -> None:
    ids = [k.jukyusha_id for k in rows]
    access_note(request, ids=ids, count=len(ids), detail={"job_id": job.pk})


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="job", screen="fukushi.shinshin_koshin_tsuchi"
    )
)
@require_GET
def kekka_pdf(request: HttpRequest, job_id: int) -> HttpResponse:
    job, rows = _rows(request, job_id)
    if not rows:
        messages.error(request, "この一斉更新で更新・終了した受給者証はありません。")
        return redirect("fukushi_shinshin_koshin_kekka", job_id=job.pk)
    pdf = koshin_render(rows, tsuchi_date=timezone.localdate())
    _export_note(request, job, rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shinshin_koshin_{job.pk}.pdf"'
    return response


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.EXPORT, shown="job", screen="fukushi.shinshin_koshin_csv"
    )
)
@require_GET
def kekka_csv(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job, rows = _rows(request, job_id)
    _export_note(request, job, rows)
    return csv_response(f"shinshin_koshin_{job.pk}.csv", HEADER, _table(rows))


urlpatterns: list[URLPattern] = [
    path("koshin/job/", koshin_job, name="fukushi_shinshin_koshin_job"),
    path("koshin/<int:job_id>/", kekka, name="fukushi_shinshin_koshin_kekka"),
    path("koshin/<int:job_id>/tsuchi.pdf", kekka_pdf, name="fukushi_shinshin_koshin_pdf"),
    path("koshin/<int:job_id>/kekka.csv", kekka_csv, name="fukushi_shinshin_koshin_csv"),
]
