"""後期高齢者医療 (the town's part) screens: the lookup by 宛名番号 (POST), a person's 資格
with the 障害認定, their 保険料 期別 and its 収納状況 in the ledger, the 異動 files to the
広域連合, the import of its 保険料データ, the 納付書 one at a time and in bulk, the pension
insurers' 特別徴収 notices, and the 広域連合への納付 summary (list and CSV).

A person is looked up by 宛名番号 in a POST body (never in a URL); paths carry internal
ids. Every screen that shows a person writes its access-log row.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from juminkiroku.public import atena_resolve, person_identities, person_identity, zokugara_label
from kokuho.forms.koki_nofusho import nofusho_items, nofusho_render
from kokuho.gyomu import KOKI_IRYO
from kokuho.jobkinds_koki import KokiNofushoPrint, issuer_name
from kokuho.models import (
    KokiHokenryo,
    KokiHokenryoImport,
    KokiIdoFile,
    KokiShikaku,
    KokiTokuchoFile,
)
from kokuho.selectors.koki import NOFU_CSV_HEADER, nofu_csv_rows, nofu_getsuji, shuno_jokyo
from kokuho.selectors.koki_rentai import rentai_of_kibetsu
from kokuho.services.koki_hokenryo import AlreadyImported, koki_hokenryo_accept
from kokuho.services.koki_iryo import (
    KokiRefused,
    koki_ido_file_make,
    koki_shogai_nintei,
    unsent_count,
)
from kokuho.services.koki_tokucho_kekka import KokiTokuchoRefused, koki_tokucho_kekka_import
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import CsvEncodingError, csv_response
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.nenkin_tokucho import TokuchoKekkaForm
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.nenkin_tokucho import NoticeKind
from tenants.uploads import LimitedUploadHandler, limit_uploads
from tenants.wareki import fiscal_year_of

GYOMU = KOKI_IRYO
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # ≈ 380,000 persons × 12 期 of short lines


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class ShogaiForm(forms.Form):
    nintei_date = WarekiDateField(label="広域連合の障害認定日", help_text=DATE_HELP)
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class IdoFileForm(forms.Form):
    encoding = CsvEncodingField(label="異動ファイルの文字コード")


class ImportForm(forms.Form):
    file = forms.FileField(label="保険料データ（CSV）")
    encoding = CsvEncodingField(label="ファイルの文字コード")


class NofuForm(forms.Form):
    nendo = NendoField(label="会計年度")
    encoding = CsvEncodingField(label="CSVの文字コード", required=False)


class PrintForm(forms.Form):
    nendo = NendoField(label="年度")
    hakko_date = WarekiDateField(label="発行日", help_text=DATE_HELP)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


# --- top: lookup and the counts --------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # counts only; a lookup redirects to the person's page (which logs)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        found = atena_resolve(lookup.cleaned_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        else:
            if found.message:
                messages.warning(request, found.message)
            return redirect("kokuho_koki_person", pk=found.atena_id)
    today = timezone.localdate()
    insured = (
        KokiShikaku.objects.filter(shutoku_date__lte=today)
        .exclude(soshitsu_date__lte=today)
        .count()
    )
    return TemplateResponse(
        request,
        "kokuho/koki/top.html",
        {"lookup": lookup, "insured": insured, "unsent": unsent_count(), "today": today},
    )


# --- one person ---------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kokuho.koki_person"))
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    p = person_identity(pk)
    if p is None:
        raise Http404("その方は見つかりません。")
    hokenryo = list(
        KokiHokenryo.objects.filter(atena_id=pk, is_current=True)
        .prefetch_related("kibetsu")
        .order_by("-nendo")
    )
    rentai = _rentai_rows(pk, hokenryo)
    rentai_ids = sorted({r["atena_id"] for r in rentai if "atena_id" in r})
    if rentai_ids:  # the 世帯主 and spouse are read from the registry: logged with the person
        access_note(request, detail={"atena_ids": [pk, *rentai_ids]})
    return TemplateResponse(
        request,
        "kokuho/koki/person.html",
        {
            "person": p,
            "atena_id": pk,
            "periods": list(KokiShikaku.objects.filter(atena_id=pk).order_by("shutoku_date")),
            "hokenryo": [
                (h, sorted(h.kibetsu.all(), key=lambda k: (k.choshu_hoho, k.ki))) for h in hokenryo
            ],
            "shuno": shuno_jokyo(pk),
            "rentai": rentai,
            "form": ShogaiForm(),
            "can_write": _can_write(request),
        },
    )


def _rentai_rows(pk: int, hokenryo: list[KokiHokenryo]) -> list[dict[str, Any]]:
    """The 連帯納付義務者 of each 普通徴収 期別 (高齢者医療確保法第108条第2項・第3項) on its
    納期限, as rows for the screen: one per person, or the note when none is found."""
    rows: list[dict[str, Any]] = []
    judged = [(h, k, r) for h in hokenryo for k, r in _judged(pk, h)]
    names = person_identities({s.atena_id for _h, _k, r in judged for s in r.sha})
    for h, k, r in judged:
        base = {"nendo": h.nendo, "ki": k.ki, "nokigen": k.nokigen}
        for s in r.sha:
            p = names.get(s.atena_id)
            rows.append(
                {
                    **base,
                    "atena_id": s.atena_id,
                    "shimei": p.shimei if p else "",
                    "atena_no": p.atena_no if p else "",
                    "zokugara": zokugara_label(s.zokugara),
                    "konkyo": "、".join(s.konkyo),
                }
            )
        if not r.sha and not r.notes:
            rows.append({**base, "note": "住民記録から特定できる連帯納付義務者はいません。"})
        rows += [{**base, "note": n} for n in r.notes]
    return rows


def _judged(pk: int, h: KokiHokenryo) -> list[tuple[Any, Any]]:
    kibetsu = sorted(h.kibetsu.all(), key=lambda k: k.ki)
    found = rentai_of_kibetsu(kibetsu, pk)
    return [(k, found[k.pk]) for k in kibetsu if k.pk in found]


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def shogai(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = ShogaiForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("kokuho_koki_person", pk=pk)
    try:
        koki_shogai_nintei(
            atena_id=pk,
            nintei_date=form.cleaned_data["nintei_date"],
            shinsei_date=form.cleaned_data["shinsei_date"],
            actor=actor_from_request(request),
        )
    except KokiRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "障害認定による後期高齢者医療の資格を登録しました。国保の資格があった方は認定日で喪失しました。",
        )
    return redirect("kokuho_koki_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.KokiHokenryo",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="kokuho.koki_nofusho_pdf",
    )
)
@require_GET
def nofusho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 納付書 of a 年度 (the current 保険料, its 普通徴収 期)."""
    h = get_object_or_404(KokiHokenryo, pk=pk, is_current=True)
    made = nofusho_items([h])
    if not made:
        raise Http404("普通徴収の期がありません。")
    pdf = nofusho_render(made, issuer=issuer_name(), hakko_date=timezone.localdate())
    access_note(request, detail={"atena_ids": [h.atena_id], "nendo": h.nendo})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="koki_nofusho_{h.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- 異動 files to the 広域連合 ------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the list of files (連番, 件数); making one is logged by its service
@require_http_methods(["GET", "POST"])
def ido_files(request: HttpRequest) -> HttpResponse:
    form = IdoFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = koki_ido_file_make(
                actor=actor_from_request(request), encoding=form.cleaned_data["encoding"]
            )
        except (KokiRefused, CsvEncodingError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"異動ファイル 第{made.seq}号（{made.rows:,}件）を作りました。"
            )
        return redirect("kokuho_koki_ido_files")
    page = Paginator(KokiIdoFile.objects.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "kokuho/koki/ido_files.html",
        {"form": form, "page": page, "unsent": unsent_count()},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.KokiIdoFile",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="kokuho.koki_ido_download",
    )
)
@require_GET
def ido_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    f = get_object_or_404(KokiIdoFile, pk=pk)
    with default_storage.open(f.path, "rb") as handle:
        content = handle.read()
    access_note(
        request,
        count=f.rows,
        detail={"atena_ids": sorted(set(f.idos.values_list("atena_id", flat=True)))},
    )
    charset = "Shift_JIS" if f.encoding == "cp932" else "utf-8"
    response = HttpResponse(content, content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="koki_ido_{f.seq:06d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- 保険料データの取込 ------------------------------------------------------------------------


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _hokenryo_import (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # imports by line and item: never a name or number
@require_http_methods(["GET", "POST"])
@never_cache
def hokenryo_import(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
    return _hokenryo_import(request, handler)


@csrf_protect
def _hokenryo_import(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and handler.exceeded:
        form = ImportForm({}, MultiValueDict())
        form.full_clean()
        form.errors["file"] = form.error_class(
            [f"ファイルが大きすぎます（{MAX_UPLOAD_BYTES // (1024 * 1024)}MBまで）。"]
        )
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = koki_hokenryo_accept(
                file_name=upload.name,
                upload=upload.file,
                encoding=form.cleaned_data["encoding"] or "utf-8-sig",
                actor=actor_from_request(request),
            )
        except (AlreadyImported, ValueError, JobRefused) as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, "ファイルを受け付けました。取込の状況はこの画面に表示されます。"
            )
            return redirect(reverse("kokuho_koki_hokenryo_detail", args=[imp.pk]))
    page = Paginator(KokiHokenryoImport.objects.order_by("-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "kokuho/koki/hokenryo_import.html", {"form": form, "page": page})


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # an import's state and its errors by line and item
@never_cache
@require_GET
def hokenryo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(KokiHokenryoImport, pk=pk)
    return TemplateResponse(request, "kokuho/koki/hokenryo_detail.html", {"imp": imp})


# --- 納付書の一括印刷 -------------------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def print_start(request: HttpRequest) -> HttpResponse:
    form = PrintForm(request.POST or None, initial={"hakko_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=KokiNofushoPrint.code,
                params={
                    "nendo": data["nendo"],
                    "hakko_date": data["hakko_date"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(request, "kokuho/koki/print.html", {"form": form})


# --- 特別徴収: the pension insurers' notices ------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # lines are reported by number, field and reason; the import logs its persons
@require_http_methods(["GET", "POST"])
def tokucho(request: HttpRequest) -> HttpResponse:
    fy_now = fiscal_year_of(timezone.localdate())
    form = TokuchoKekkaForm(
        request.POST or None,
        request.FILES or None,
        initial={"fiscal_year": fy_now, "kind": NoticeKind.CHOSHU_KEKKA.value},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = koki_tokucho_kekka_import(
                kind=NoticeKind(form.cleaned_data["kind"]),
                fiscal_year=form.cleaned_data["fiscal_year"],
                data=upload.read(),
                file_name=upload.name,
                actor=actor_from_request(request),
            )
        except KokiTokuchoRefused as exc:
            form.add_error("file", str(exc))
    fy = form.cleaned_data["fiscal_year"] if form.is_bound and form.is_valid() else fy_now
    files = KokiTokuchoFile.objects.filter(fiscal_year=fy).order_by("-created_at", "-pk")[:50]
    return TemplateResponse(
        request,
        "kokuho/koki/tokucho.html",
        {"form": form, "result": result, "files": files, "fy": fy},
    )


# --- 広域連合への納付 ------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # sums per month of the town's own ledger: no person
@require_GET
def nofu(request: HttpRequest) -> HttpResponseBase:
    """Per month of a 会計年度, the premiums collected (高齢者医療確保法第105条); ?csv=1 the
    same as a CSV through the platform's writer."""
    form = NofuForm(request.GET or None, initial={"nendo": fiscal_year_of(timezone.localdate())})
    summary = None
    if form.is_bound and form.is_valid():
        summary = nofu_getsuji(form.cleaned_data["nendo"])
        if request.GET.get("csv"):
            try:
                return csv_response(
                    f"koki_nofu_{summary.nendo}.csv",
                    NOFU_CSV_HEADER,
                    nofu_csv_rows(summary),
                    encoding=form.cleaned_data["encoding"] or "utf-8-sig",
                )
            except CsvEncodingError as exc:
                messages.error(request, str(exc))
    return TemplateResponse(request, "kokuho/koki/nofu.html", {"form": form, "summary": summary})


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/kokuho/koki/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("koki/", top, name="kokuho_koki_top"),
    path("koki/person/<int:pk>/", person, name="kokuho_koki_person"),
    path("koki/person/<int:pk>/shogai/", shogai, name="kokuho_koki_shogai"),
    path("koki/nofusho/<int:pk>.pdf", nofusho_pdf, name="kokuho_koki_nofusho_pdf"),
    path("koki/ido/", ido_files, name="kokuho_koki_ido_files"),
    path("koki/ido/<int:pk>/download/", ido_file_download, name="kokuho_koki_ido_download"),
    path("koki/hokenryo/", hokenryo_import, name="kokuho_koki_hokenryo_import"),
    path("koki/hokenryo/<int:pk>/", hokenryo_detail, name="kokuho_koki_hokenryo_detail"),
    path("koki/print/", print_start, name="kokuho_koki_print"),
    path("koki/tokucho/", tokucho, name="kokuho_koki_tokucho"),
    path("koki/nofu/", nofu, name="kokuho_koki_nofu"),
]
