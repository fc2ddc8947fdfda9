"""Screens of データ移行: the layout's 表形式 (anyone of the 業務), and the export
(標準仕様書 10.6) for the 業務's 管理 role: start it, see its manifest, download its files.

A download of a bundle file is an export of personal data: it is written to the access
log (EXPORT, the job, the file and its record count). The bundle is not a job file on
purpose (see migration_io.jobkinds): the job page would offer it to every 閲覧 clerk.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from juminkiroku.public import GYOMU
from migration_io.documents import tables
from migration_io.jobkinds import EXPORT, FORMATS, MANIFEST, bundle_open, manifest_of
from migration_io.layout import BASIS_WORDS, LAYOUTS, LayoutError, layout_load
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.jobs import with_progress

FORMAT_CHOICES = [("csv", "CSV形式"), ("xml", "XML形式")]


class ExportForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label="出力形式",
        choices=FORMAT_CHOICES,
        initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
        help_text="両方を選ぶと、同じ内容をCSV形式とXML形式で出力します。",
    )
    encoding = CsvEncodingField()
    shukutai = forms.BooleanField(
        label="Excel 向け（縮退）",
        required=False,
        initial=False,
        help_text="CSV形式の文字を JIS X 0213 の文字に縮退します（異体字セレクタを外し、"
        "MJ縮退マップの文字に置き換えます）。表計算ソフトで開くための出力で、"
        "移行先のシステムに渡す移行ファイルには使いません。XML形式は縮退しません。",
    )


@gyomu_view(GYOMU)
@no_personal_data  # the layout's definition only
def layout_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code not in LAYOUTS:
        raise Http404
    try:
        layout = layout_load(code)
    except LayoutError as exc:  # pragma: no cover (checked by the tests)
        raise Http404 from exc
    return render(
        request,
        "migration_io/layout.html",
        {"layout": layout, "tables": tables(layout), "basis_words": BASIS_WORDS},
    )


def _exports() -> list[Job]:
    return list(Job.objects.filter(kind=EXPORT.code).order_by("-created_at", "-id")[:20])


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # starts the job; the bundle's files are logged when downloaded
@require_http_methods(["GET", "POST"])
def export_start(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind=EXPORT.code,
                params={
                    "layout": LAYOUTS[0],
                    "formats": form.cleaned_data["formats"],
                    "encoding": form.cleaned_data["encoding"],
                    "shukutai": form.cleaned_data["shukutai"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return render(
        request,
        "migration_io/export.html",
        {"form": form, "jobs": _exports(), "layout": layout_load(LAYOUTS[0])},
    )


def _export_job(pk: int) -> Job:
    return with_progress(get_object_or_404(Job, pk=pk, kind=EXPORT.code))


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # file names, counts and checksums
def export_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job(pk)
    return render(
        request,
        "migration_io/result.html",
        {"job": job, "manifest": manifest_of(job) if job.is_finished else None},
    )


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@logs_reads(
    Reads(
        "mio_bundle_file",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="mio_export",
    )
)
def export_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    job = _export_job(pk)
    manifest = manifest_of(job) if job.is_finished else None
    if manifest is None:
        raise Http404
    entry = next((f for f in manifest["files"] if f["name"] == name), None)
    if entry is None and name != MANIFEST:
        raise Http404
    records = int(entry["records"]) if entry else 0
    access_note(
        request,
        count=records if entry and entry["personal"] else 1,
        detail={"job": job.pk, "file": name, "records": records},
    )
    if name.endswith(".json"):
        content_type = "application/json"
    elif name.endswith(".xml"):
        content_type = "application/xml"
    else:
        charset = "Shift_JIS" if entry and entry["encoding"] == "cp932" else "utf-8"
        content_type = f"text/csv; charset={charset}"
    response = FileResponse(
        bundle_open(job, name), as_attachment=True, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response
