from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.models import Job, JobFile
from tenants.jobs.registry import result_url
from tenants.jobs.services import (
    JobRefused,
    job_cancel,
    job_retry_failed,
    job_start,
    stale_chunks,
)
from tenants.models import RoleLevel
from tenants.modules.spec import PLATFORM
from tenants.selectors.jobs import with_progress


def visible_jobs(request: HttpRequest):
    """Jobs of modules the user holds a role in (platform jobs for administrators)."""
    levels: dict[str, int] = request.role_levels  # type: ignore[attr-defined]
    codes = [code for code, level in levels.items() if level >= RoleLevel.READ]
    if levels.get(PLATFORM, 0) < RoleLevel.ADMIN:
        codes = [c for c in codes if c != PLATFORM]
    return Job.objects.filter(gyomu__in=codes)


@gyomu_view(PLATFORM)
@no_personal_data
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(visible_jobs(request), 25).get_page(request.GET.get("page"))
    return render(request, "tenants/jobs/list.html", {"page": page})


@gyomu_view(PLATFORM)
@no_personal_data
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = with_progress(get_object_or_404(visible_jobs(request), pk=pk))
    stale = 0 if job.is_finished else stale_chunks(job).count()
    return render(
        request,
        "tenants/jobs/detail.html",
        {
            "job": job,
            "log": job.log.all()[:200],
            "files": job.files.all(),
            "stale": stale,
            "result_url": result_url(job),
        },
    )


@gyomu_view(PLATFORM)
@no_personal_data
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment the detail page polls every second until the job ends."""
    job = with_progress(get_object_or_404(visible_jobs(request), pk=pk))
    response = render(
        request, "tenants/jobs/_progress.html", {"job": job, "result_url": result_url(job)}
    )
    if job.is_finished and request.headers.get("HX-Request"):
        # The bar reached its end: reload the page so result files and buttons update.
        response["HX-Refresh"] = "true"
    return response


@gyomu_view(PLATFORM, write_level=RoleLevel.WRITE)
@no_personal_data
@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_jobs(request), pk=pk)
    if request.role_levels.get(job.gyomu, 0) < RoleLevel.WRITE:  # type: ignore[attr-defined]
        messages.error(request, "この処理を中止する権限がありません。")
    else:
        try:
            job_cancel(job=job, actor=actor_from_request(request))
            messages.success(request, "中止を要求しました。")
        except JobRefused as exc:
            messages.error(request, str(exc))
    return redirect("job_detail", pk=pk)


@gyomu_view(PLATFORM, write_level=RoleLevel.WRITE)
@no_personal_data
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_jobs(request), pk=pk)
    if request.role_levels.get(job.gyomu, 0) < RoleLevel.WRITE:  # type: ignore[attr-defined]
        messages.error(request, "この処理を再実行する権限がありません。")
    else:
        try:
            count = job_retry_failed(job=job, actor=actor_from_request(request))
            messages.success(request, f"{count}単位を再実行します。")
        except JobRefused as exc:
            messages.error(request, str(exc))
    return redirect("job_detail", pk=pk)


@gyomu_view(PLATFORM)
@logs_reads(
    # A job's file may hold personal data (an export, printed notices): the download is
    # logged under the job's own 業務.
    Reads("job_file", action=AccessAction.EXPORT, id_kwarg="file_pk", screen="job_file_download")
)
def job_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    job = get_object_or_404(visible_jobs(request), pk=pk)
    job_file = get_object_or_404(JobFile, pk=file_pk, job=job)
    access_note(request, gyomu=job.gyomu, detail={"job": job.pk})
    handle = default_storage.open(job_file.path, "rb")
    return FileResponse(
        handle, as_attachment=True, filename=job_file.name, content_type=job_file.content_type
    )


class AccessLogExportForm(forms.Form):
    date_from = WarekiDateField(
        label="開始日", help_text=wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
    )
    date_to = WarekiDateField(label="終了日")
    encoding = CsvEncodingField()

    def clean(self):
        data = super().clean()
        if (
            data
            and data.get("date_from")
            and data.get("date_to")
            and (data["date_from"] > data["date_to"])
        ):
            raise forms.ValidationError("終了日は開始日以降の日付を入力してください。")
        return data


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # starts the export job (its file is logged when downloaded)
@require_http_methods(["GET", "POST"])
def accesslog_export_start(request: HttpRequest) -> HttpResponse:
    form = AccessLogExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind="accesslog_export",
                params={
                    "date_from": form.cleaned_data["date_from"].isoformat(),
                    "date_to": form.cleaned_data["date_to"].isoformat(),
                    "encoding": form.cleaned_data["encoding"],
                },
                actor=actor_from_request(request),
            )
        except JobRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return render(request, "tenants/jobs/accesslog_export.html", {"form": form})
