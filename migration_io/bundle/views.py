"""Screens of the signed exit bundle, for the 管理 role of the 業務 whose data it carries:
the finished exports with their signature state, one bundle (sign it, see its signed
manifest, download it as one ZIP), and the platform's public key (open to the 業務: it
is public by nature).

A download is an export of personal data: it is written to the access log (EXPORT, the
job, the number of personal records in the bundle).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from juminkiroku.public import GYOMU
from migration_io.bundle.keys import ALGORITHM, SigningKeyError, key_id, public_key, public_pem
from migration_io.bundle.sign import (
    BundleError,
    bundle_body,
    bundle_folder,
    bundle_sign,
    bundle_zip,
    personal_records,
)
from migration_io.jobkinds import EXPORT
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.jobs.models import Job, JobStatus
from tenants.models import RoleLevel


def _finished_export(pk: int) -> Job:
    return get_object_or_404(Job, pk=pk, kind=EXPORT.code, status=JobStatus.SUCCEEDED)


def _key_context() -> dict[str, str]:
    try:
        key = public_key()
    except SigningKeyError as exc:
        return {"key_error": str(exc)}
    return {"key_id": key_id(key), "key_pem": public_pem(key), "algorithm": ALGORITHM}


@gyomu_view(GYOMU)
@no_personal_data  # the platform's public key
def bundle_key(request: HttpRequest) -> HttpResponse:
    return render(request, "migration_io/bundle/key.html", _key_context())


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # job numbers, dates and counts
def bundle_list(request: HttpRequest) -> HttpResponse:
    jobs = list(
        Job.objects.filter(kind=EXPORT.code, status=JobStatus.SUCCEEDED).order_by("-id")[:20]
    )
    rows = []
    for job in jobs:
        body = bundle_body(job)
        rows.append((job, datetime.fromisoformat(body["signed_at"]) if body else None))
    return render(request, "migration_io/bundle/list.html", {"rows": rows})


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@no_personal_data  # file names, counts and checksums; the files go by bundle_download
@require_http_methods(["GET", "POST"])
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _finished_export(pk)
    if request.method == "POST":
        try:
            bundle_sign(job)
        except (BundleError, SigningKeyError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "署名付きバンドルを作成しました。")
        return redirect("mio_bundle_detail", pk=job.pk)
    body = bundle_body(job)
    return render(
        request,
        "migration_io/bundle/detail.html",
        {
            "job": job,
            "body": body,
            "records": personal_records(body) if body else 0,
            "signed_at": datetime.fromisoformat(body["signed_at"]) if body else None,
            **_key_context(),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@logs_reads(Reads("mio_bundle", action=AccessAction.EXPORT, id_kwarg="pk", screen="mio_bundle"))
def bundle_download(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    job = _finished_export(pk)
    body = bundle_body(job)
    if body is None:
        raise Http404
    records = personal_records(body)
    access_note(
        request,
        count=max(records, 1),
        detail={"job": job.pk, "files": len(body["files"]), "records": records},
    )
    name = f"{bundle_folder(body)}.zip"
    response = StreamingHttpResponse(bundle_zip(job, body), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
