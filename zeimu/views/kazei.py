"""Staff screens: 課税資料 (/zeimu/kazei/).

- ``kazei/``: find a person by 宛名番号 (posted: personal numbers never go into a URL),
  then ``kazei/<atena_id>/<所得年>/`` shows the person's 給与支払報告書 (per employer),
  公的年金等支払報告書 and 申告 for that income year; ``…/shisan/`` computes the 年度's tax
  from them without saving a 賦課.
- Forms to add, change and delete each (担当者 only; 閲覧者 read).
- ``kazei/import/``: upload a CSV (all rows or none) and the list of past imports.

Every screen that shows a person's tax data writes an access-log row (record ids only);
writes are logged by the services in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.public import PersonIdentity, atena_resolve, person_identity
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import (
    Reads,
    access_note,
    access_refusal,
    logs_reads,
    no_personal_data,
)
from tenants.accesslog.services import actor_from_request
from tenants.jobs.services import JobRefused
from tenants.models import RoleLevel
from tenants.selectors.jobs import with_progress
from tenants.uploads import LimitedUploadHandler, limit_uploads
from tenants.wareki import format_nendo
from zeimu.forms import kazei as kazei_forms
from zeimu.forms.kazei import (
    DeleteForm,
    ImportForm,
    KyuyoForm,
    LookupForm,
    NenkinForm,
    ShinkokuForm,
    bool_initial,
    too_large_message,
)
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.models import Shinkoku, ShiryoImportStatus
from zeimu.selectors.kazei import (
    kazei_shiryo_of,
    kyuyo_get,
    nenkin_get,
    shinkoku_get,
    shinkoku_of,
    shiryo_import,
    shiryo_import_state,
    shiryo_imports,
)
from zeimu.services import kazei_entry
from zeimu.services.kazei_entry import KazeiEntryError, kazei_shisan
from zeimu.services.kazei_import import AlreadyImported, kazei_import_accept
from zeimu.services.kazei_layouts import LAYOUTS

GYOMU = KOJIN_JUMINZEI
IMPORTS_PER_PAGE = 20


def _may_write(request: HttpRequest) -> bool:
    return getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE


def _person(atena_id: int) -> PersonIdentity:
    person = person_identity(atena_id)
    if person is None:
        raise Http404
    return person


def _year(year: int) -> int:
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    return year


def _reads(screen: str) -> Reads:
    """A page of one person's 課税資料 for an income year (``p`` is the person shown): the
    row names the 宛名 and the year."""
    return Reads(
        "atena",
        record_id="p.atena_id",
        shown="p",
        screen=screen,
        detail=lambda ctx: {"shotoku_year": ctx["year"]},
    )


def _person_url(atena_id: int, year: int) -> str:
    return reverse("zeimu_kazei_person", args=[atena_id, year])


# --- 検索 ---------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # the number is posted; nothing is written
@logs_reads(
    Reads("atena", shown="found", action=AccessAction.SEARCH, screen="課税資料 宛名番号で検索")
)
@require_http_methods(["GET", "POST"])
@never_cache
def kazei_home(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        lookup = atena_resolve(form.cleaned_data["atena_no"])
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
        elif lookup.found and lookup.atena_id is not None:
            # the search found one person; the page it leads to logs the read
            access_note(request, record_id=lookup.atena_id, count=1)
        if not lookup.found or lookup.atena_id is None:
            form.add_error("atena_no", lookup.message)
        else:
            if lookup.message:
                messages.warning(request, lookup.message)
            return redirect(_person_url(lookup.atena_id, form.cleaned_data["shotoku_year"]))
    return TemplateResponse(
        request, "zeimu/kazei_home.html", {"form": form, "may_write": _may_write(request)}
    )


# --- 個人の課税資料 --------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(_reads("課税資料の照会"))
@require_http_methods(["GET"])
@never_cache
def kazei_person(request: HttpRequest, atena_id: int, year: int) -> HttpResponse:
    atena, year = _person(atena_id), _year(year)
    shiryo = kazei_shiryo_of(atena_id, year)
    this_year = timezone.localdate().year
    return TemplateResponse(
        request,
        "zeimu/kazei_person.html",
        {
            "p": atena,
            "year": year,
            "nendo": format_nendo(year + 1),
            "prev_year": year - 1 if year > 2000 else None,
            "next_year": year + 1 if year < this_year else None,
            "kyuyo": shiryo.kyuyo,
            "nenkin": shiryo.nenkin,
            "shinkoku": shiryo.shinkoku,
            "may_write": _may_write(request),
        },
    )


@gyomu_view(GYOMU)
@logs_reads(_reads("課税資料の試算"))
@require_http_methods(["GET"])
@never_cache
def kazei_shisan_view(request: HttpRequest, atena_id: int, year: int) -> HttpResponse:
    """試算 from the stored 課税資料: the tax the 当初賦課 would assess; nothing is saved."""
    atena, year = _person(atena_id), _year(year)
    shinkoku = shinkoku_of(atena_id, year)
    preview, error = None, ""
    try:
        preview = kazei_shisan(
            atena_id=atena_id, birth_date=atena.birth_date, shotoku_year=year, shinkoku=shinkoku
        )
    except KazeiEntryError as exc:
        error = str(exc)
    return TemplateResponse(
        request,
        "zeimu/kazei_shisan.html",
        {
            "p": atena,
            "year": year,
            "nendo": format_nendo(year + 1),
            "preview": preview,
            "error": error,
        },
    )


# --- 給与支払報告書・公的年金等支払報告書 ---------------------------------------------------

_REPORTS: dict[str, dict[str, Any]] = {
    "kyuyo": {
        "get": kyuyo_get,
        "form": KyuyoForm,
        "save": kazei_entry.kyuyo_save,
        "delete": kazei_entry.kyuyo_delete,
        "title": "給与支払報告書",
        "fields": [
            "employer_no",
            "employer_name",
            "shiharai_kingaku",
            "shakai_hoken",
            "seimei_hoken_kojo",
            "jishin_hoken_kojo",
            "seimei_ippan_shin",
            "seimei_ippan_kyu",
            "seimei_kaigo_iryo",
            "seimei_nenkin_shin",
            "seimei_nenkin_kyu",
            "tokubetsu_choshu",
        ],
    },
    "nenkin": {
        "get": nenkin_get,
        "form": NenkinForm,
        "save": kazei_entry.nenkin_save,
        "delete": kazei_entry.nenkin_delete,
        "title": "公的年金等支払報告書",
        "fields": [
            "payer_no",
            "payer_name",
            "shiharai_kingaku",
            "shakai_hoken",
            "tokubetsu_choshu",
        ],
    },
}


def _report_edit(
    request: HttpRequest, kind: str, *, atena_id: int, year: int, obj: Any | None
) -> HttpResponse:
    spec = _REPORTS[kind]
    atena = _person(atena_id)
    form_class: type[forms.Form] = spec["form"]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                spec["save"](
                    atena_id=atena_id,
                    shotoku_year=year,
                    data=data,
                    actor=actor_from_request(request),
                    pk=obj.pk if obj is not None else None,
                )
            except KazeiEntryError as exc:
                form.add_error(None, str(exc))
            else:
                verb = "変更" if obj is not None else "登録"
                messages.success(request, f"{spec['title']}を{verb}しました。")
                return redirect(_person_url(atena_id, year))
    elif obj is not None:
        initial = {name: getattr(obj, name) for name in spec["fields"]}
        initial["tokubetsu_choshu"] = bool_initial(obj.tokubetsu_choshu)
        form = form_class(initial=initial)
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "zeimu/kazei_report_form.html",
        {
            "p": atena,
            "year": year,
            "nendo": format_nendo(year + 1),
            "title": spec["title"],
            "form": form,
            "obj": obj,
            "delete_form": DeleteForm() if obj is not None else None,
            "delete_url": (
                reverse(f"zeimu_kazei_{kind}_delete", args=[obj.pk]) if obj is not None else ""
            ),
        },
    )


def _report_get(kind: str, pk: int) -> Any:
    obj = _REPORTS[kind]["get"](pk)
    if obj is None:
        raise Http404
    return obj


def _report_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _REPORTS[kind]
    obj = _report_get(kind, pk)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "削除するときは、確認の欄にチェックを入れてください。")
        return redirect(reverse(f"zeimu_kazei_{kind}_edit", args=[pk]))
    spec["delete"](pk=pk, actor=actor_from_request(request))
    messages.success(request, f"{spec['title']}を削除しました。")
    return redirect(_person_url(obj.atena_id, obj.shotoku_year))


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(_reads("給与支払報告書の登録"))
@require_http_methods(["GET", "POST"])
@never_cache
def kyuyo_new(request: HttpRequest, atena_id: int, year: int) -> HttpResponse:
    return _report_edit(request, "kyuyo", atena_id=atena_id, year=_year(year), obj=None)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(_reads("給与支払報告書の変更"))
@require_http_methods(["GET", "POST"])
@never_cache
def kyuyo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _report_get("kyuyo", pk)
    return _report_edit(request, "kyuyo", atena_id=obj.atena_id, year=obj.shotoku_year, obj=obj)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a delete (the service logs it), then a redirect
@require_POST
def kyuyo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_delete(request, "kyuyo", pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(_reads("公的年金等支払報告書の登録"))
@require_http_methods(["GET", "POST"])
@never_cache
def nenkin_new(request: HttpRequest, atena_id: int, year: int) -> HttpResponse:
    return _report_edit(request, "nenkin", atena_id=atena_id, year=_year(year), obj=None)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(_reads("公的年金等支払報告書の変更"))
@require_http_methods(["GET", "POST"])
@never_cache
def nenkin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _report_get("nenkin", pk)
    return _report_edit(request, "nenkin", atena_id=obj.atena_id, year=obj.shotoku_year, obj=obj)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a delete (the service logs it), then a redirect
@require_POST
def nenkin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_delete(request, "nenkin", pk)


# --- 申告 ---------------------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(_reads("申告の変更"))
@require_http_methods(["GET", "POST"])
@never_cache
def shinkoku_edit(request: HttpRequest, atena_id: int, year: int) -> HttpResponse:
    """The person's 申告 for the year (new or stored). 「この内容で試算」 computes from the
    form as entered, with the stored 支払報告書, and saves nothing."""
    atena, year = _person(atena_id), _year(year)
    obj = shinkoku_of(atena_id, year)
    preview, preview_error = None, ""
    if request.method == "POST":
        form = ShinkokuForm(request.POST)
        if form.is_valid():
            data = form.model_data()
            if "preview" in request.POST:
                unsaved = Shinkoku(atena_id=atena_id, shotoku_year=year, **data)
                try:
                    preview = kazei_shisan(
                        atena_id=atena_id,
                        birth_date=atena.birth_date,
                        shotoku_year=year,
                        shinkoku=unsaved,
                    )
                except KazeiEntryError as exc:
                    preview_error = str(exc)
                access_note(request, screen="申告内容の試算")
            else:
                try:
                    kazei_entry.shinkoku_save(
                        atena_id=atena_id,
                        shotoku_year=year,
                        data=data,
                        actor=actor_from_request(request),
                        pk=obj.pk if obj is not None else None,
                    )
                except KazeiEntryError as exc:
                    form.add_error(None, str(exc))
                else:
                    verb = "変更" if obj is not None else "登録"
                    messages.success(request, f"申告を{verb}しました。")
                    return redirect(_person_url(atena_id, year))
    elif obj is not None:
        form = ShinkokuForm(initial=ShinkokuForm.initial_from(obj))
    else:
        form = ShinkokuForm()
    return TemplateResponse(
        request,
        "zeimu/kazei_shinkoku.html",
        {
            "p": atena,
            "year": year,
            "nendo": format_nendo(year + 1),
            "form": form,
            "obj": obj,
            "delete_form": DeleteForm() if obj is not None else None,
            "preview": preview,
            "preview_error": preview_error,
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a delete (the service logs it), then a redirect
@require_POST
def shinkoku_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = shinkoku_get(pk)
    if obj is None:
        raise Http404
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "削除するときは、確認の欄にチェックを入れてください。")
        return redirect(reverse("zeimu_kazei_shinkoku", args=[obj.atena_id, obj.shotoku_year]))
    kazei_entry.shinkoku_delete(pk=pk, actor=actor_from_request(request))
    messages.success(request, "申告を削除しました。")
    return redirect(_person_url(obj.atena_id, obj.shotoku_year))


# --- CSV取込 ------------------------------------------------------------------------


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _kazei_import (csrf_protect), after it
@gyomu_view(GYOMU)
@no_personal_data  # imports by file, line and field: never a name or number
@require_http_methods(["GET", "POST"])
@never_cache
def kazei_import_view(request: HttpRequest) -> HttpResponse:
    # streamed to disk; stopped at the limit, before the rest of the body is read
    handler = limit_uploads(request, limit=kazei_forms.MAX_UPLOAD_BYTES)
    return _kazei_import(request, handler)


@csrf_protect
def _kazei_import(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    may_write = _may_write(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if handler.exceeded:
        # the upload was stopped: the form holds no file, and perhaps not the kind either
        form = ImportForm({"kind": request.POST.get("kind", "")}, MultiValueDict())
        form.full_clean()
        form.errors["file"] = form.error_class([too_large_message()])
    refused = None
    if request.method == "POST" and not handler.exceeded and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            shiryo = kazei_import_accept(
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                upload=upload.file,  # streamed from the temporary file
                actor=actor_from_request(request),
            )
        except AlreadyImported as exc:
            refused = exc
        except (ValueError, JobRefused) as exc:
            form.add_error("kind", str(exc))
        else:
            messages.success(
                request, "ファイルを受け付けました。取込の状況はこの画面に表示されます。"
            )
            return redirect(reverse("zeimu_kazei_import_detail", args=[shiryo.pk]))
    page = Paginator(shiryo_imports(), IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    labels = {k: layout.label for k, layout in LAYOUTS.items()}
    return render(
        request,
        "zeimu/kazei_import.html",
        {
            "form": form,
            "may_write": may_write,
            "refused": refused,
            "page": page,
            "imports": [(s, labels.get(s.kind, s.kind)) for s in page.object_list],
        },
    )


@gyomu_view(GYOMU)
@no_personal_data  # an import's state and its errors by file, line and field
@never_cache
def kazei_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shiryo = shiryo_import(pk)
    if shiryo is None:
        raise Http404
    job = with_progress(shiryo.job) if shiryo.job is not None else None
    return render(
        request,
        "zeimu/kazei_import_detail.html",
        {
            "shiryo": shiryo,
            "label": LAYOUTS[shiryo.kind].label if shiryo.kind in LAYOUTS else shiryo.kind,
            "job": job,
            "state": shiryo_import_state(shiryo),
            "running": shiryo.status in {ShiryoImportStatus.QUEUED, ShiryoImportStatus.RUNNING},
        },
    )


urlpatterns: list[URLPattern] = [
    path("kazei/", kazei_home, name="zeimu_kazei"),
    path("kazei/import/", kazei_import_view, name="zeimu_kazei_import"),
    path("kazei/import/<int:pk>/", kazei_import_detail, name="zeimu_kazei_import_detail"),
    path("kazei/<int:atena_id>/<int:year>/", kazei_person, name="zeimu_kazei_person"),
    path("kazei/<int:atena_id>/<int:year>/shisan/", kazei_shisan_view, name="zeimu_kazei_shisan"),
    path("kazei/<int:atena_id>/<int:year>/kyuyo/new/", kyuyo_new, name="zeimu_kazei_kyuyo_new"),
    path("kazei/kyuyo/<int:pk>/", kyuyo_edit, name="zeimu_kazei_kyuyo_edit"),
    path("kazei/kyuyo/<int:pk>/delete/", kyuyo_delete, name="zeimu_kazei_kyuyo_delete"),
    path("kazei/<int:atena_id>/<int:year>/nenkin/new/", nenkin_new, name="zeimu_kazei_nenkin_new"),
    path("kazei/nenkin/<int:pk>/", nenkin_edit, name="zeimu_kazei_nenkin_edit"),
    path("kazei/nenkin/<int:pk>/delete/", nenkin_delete, name="zeimu_kazei_nenkin_delete"),
    path("kazei/<int:atena_id>/<int:year>/shinkoku/", shinkoku_edit, name="zeimu_kazei_shinkoku"),
    path("kazei/shinkoku/<int:pk>/delete/", shinkoku_delete, name="zeimu_kazei_shinkoku_delete"),
]
