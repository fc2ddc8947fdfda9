"""Screens of the import: upload a bundle's files (the 住民記録 管理 role), follow the job,
read the report by file, line and item, download it as CSV (``tenants.csvout``).

The upload is streamed to disk and stopped past the limit (``tenants.uploads``); the
request only stores the files and starts the job, so a town's whole registry never meets
the web server's timeout. The report names files, lines and items, never a value: the
screens show no personal data.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from juminkiroku.public import GYOMU
from migration_io.importer.jobkind import IMPORT, import_accept, import_report
from migration_io.importer.readers import max_bytes
from migration_io.importer.report import REPORT_HEADER
from migration_io.importer.run import REQUIRED_FILES
from migration_io.layout import LAYOUTS, layout_load
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.export import CsvEncodingField, encoding_from
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused
from tenants.models import RoleLevel
from tenants.selectors.jobs import with_progress
from tenants.uploads import LimitedUploadHandler, limit_uploads

FORMAT_CHOICES = [("csv", "CSV形式"), ("xml", "XML形式")]
#: findings shown on the result screen (the CSV holds them all)
SHOWN = 200


class ImportForm(forms.Form):
    format = forms.ChoiceField(label="形式", choices=FORMAT_CHOICES, initial="csv")
    encoding = CsvEncodingField(
        label="CSVの文字コード", help_text="XML形式のときは使いません（XMLはUTF-8）。"
    )
    dry_run = forms.BooleanField(
        label="試行（確認だけ行い、登録しない）",
        required=False,
        initial=True,
        help_text="まず試行で誤りがないことを確かめてから、外して取り込んでください。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout = layout_load(LAYOUTS[0])
        for f in layout.files:
            self.fields[f"file_{f.id}"] = forms.FileField(
                label=f"{f.name}（{f.id}）",
                required=f.id in REQUIRED_FILES,
                help_text="" if f.id in REQUIRED_FILES else "独自項目のファイルは省略できます。",
            )

    def files_by_id(self) -> dict[str, Any]:
        return {
            name.removeprefix("file_"): value.file
            for name, value in self.cleaned_data.items()
            if name.startswith("file_") and value
        }


def too_large_message() -> str:
    return (
        f"ファイルが大きすぎます（1ファイル{max_bytes():,}バイトまで）。"
        "システム担当に設定 JC_MIGRATION_IMPORT_MAX_BYTES の確認を依頼してください。"
    )


def _imports() -> list[Job]:
    return list(Job.objects.filter(kind=IMPORT.code).order_by("-created_at", "-id")[:20])


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _import_start (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # stores the files and starts the job; the report names no value
@require_http_methods(["GET", "POST"])
@never_cache
def import_start(request: HttpRequest) -> HttpResponse:
    count = len(layout_load(LAYOUTS[0]).files)
    handler = limit_uploads(request, limit=max_bytes() * count)
    return _import_start(request, handler)


@csrf_protect
def _import_start(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if handler.exceeded:
        form = ImportForm({"format": request.POST.get("format", "csv")}, MultiValueDict())
        form.full_clean()
        form.add_error(None, too_large_message())
    elif request.method == "POST" and form.is_valid():
        try:
            job = import_accept(
                files=form.files_by_id(),
                fmt=form.cleaned_data["format"],
                encoding=form.cleaned_data["encoding"],
                dry_run=form.cleaned_data["dry_run"],
                actor=actor_from_request(request),
            )
        except (ValueError, JobRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "ファイルを受け付けました。結果はこの画面に表示されます。")
            return redirect("mio_import_result", pk=job.pk)
    return render(
        request,
        "migration_io/import/start.html",
        {"form": form, "jobs": _imports(), "layout": layout_load(LAYOUTS[0])},
    )


def _import_job(pk: int) -> Job:
    return with_progress(get_object_or_404(Job, pk=pk, kind=IMPORT.code))


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # the report: files, lines, items and messages, never a value
@never_cache
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(pk)
    report = import_report(job)
    names = {f.id: f.name for f in layout_load(LAYOUTS[0]).files}
    counts = [(names.get(k, k), n) for k, n in report.counts.items()] if report else []
    return render(
        request,
        "migration_io/import/result.html",
        {
            "job": job,
            "report": report,
            "counts": counts,
            "findings": report.findings[:SHOWN] if report else [],
            "more": len(report.findings) > SHOWN if report else False,
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # the report: files, lines, items and messages, never a value
def import_report_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _import_job(pk)
    report = import_report(job)
    if report is None:
        raise Http404
    return csv_response(
        f"migration_import_{job.pk}_report.csv",
        REPORT_HEADER,
        report.rows(),
        encoding=encoding_from(request.GET),
    )
