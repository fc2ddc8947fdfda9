"""収納管理 screens (issue 18): a taxpayer's ledger across every 税目, 窓口 収納, the
口座振替 result file and its report, 延滞金 試算. Lookups by 宛名番号 or 納付番号 are POSTs;
paths carry internal ids only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from juminkiroku.public import atena_resolve, person_identity
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.uploads import LimitedUploadHandler, limit_uploads
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kibetsu, Nofu, NofuStatus, ShunoFile, Tokusoku
from zeimu.services.shuno import (
    NOFU_BANGO_INVALID,
    ShunoRefused,
    entaikin_of,
    madoguchi_nofu,
    nofu_bango_valid,
    taxpayer_balances,
)
from zeimu.services.shuno_files import FileRefused, koza_kekka_import

GYOMU = SHUNO_KANRI
MAX_FILE = 50 * 1024 * 1024  # 100,000 lines of 122 bytes is 12 MB


def too_large_message() -> str:
    return "ファイルが大きすぎます（上限 50MB）。金融機関のファイルを分けて取り込んでください。"


def _today() -> date:
    return timezone.localdate()


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # counts and files; a 宛名番号 lookup redirects to the ledger (logged there)
@require_http_methods(["GET", "POST"])
def shuno_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        lookup = atena_resolve(request.POST.get("atena_no", ""))
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
        if not lookup.found or lookup.atena_id is None:
            messages.error(request, lookup.message)
        elif not Kibetsu.objects.filter(atena_id=lookup.atena_id).exists():
            messages.error(request, "その宛名番号の方の調定はありません。")
        else:
            return redirect("zeimu_shuno_nozeisha", atena_id=lookup.atena_id)
    return TemplateResponse(
        request,
        "zeimu/shuno_home.html",
        {
            "yokakunin": Nofu.objects.filter(status=NofuStatus.YOKAKUNIN).count(),
            "files": ShunoFile.objects.order_by("-created_at")[:20],
        },
    )


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="atena_id", screen="zeimu.shuno_nozeisha"))
@require_http_methods(["GET"])
def shuno_nozeisha(request: HttpRequest, atena_id: int) -> HttpResponse:
    """名寄せ: every 期別 of the taxpayer across every 税目, with the 延滞金 if paid today."""
    rows = taxpayer_balances(atena_id)
    if not rows:
        return redirect("zeimu_shuno")
    today = _today()
    tokusoku = {t.kibetsu_id: t for t in Tokusoku.objects.filter(kibetsu__atena_id=atena_id)}
    lines: list[dict[str, Any]] = []
    for kib, bal in rows:
        entaikin = entaikin_of(kib.pk, paid_on=today).entaikin if bal.zan > 0 else 0
        lines.append(
            {
                "kibetsu": kib,
                "balance": bal,
                "entaikin": entaikin,
                "kagono": max(0, -bal.zan),
                "tokusoku": tokusoku.get(kib.pk),
            }
        )
    return TemplateResponse(
        request,
        "zeimu/shuno_nozeisha.html",
        {
            "person": person_identity(atena_id),
            "lines": lines,
            "today": today,
            "total_zan": sum(b.zan for _, b in rows if b.zan > 0),
            "total_kagono": -sum(b.zan for _, b in rows if b.zan < 0),
            "total_entaikin": sum(x["entaikin"] for x in lines),
        },
    )


class NofuBangoField(TextField):
    """The 納付番号 printed on a 納付書: 20 digits whose last is the check digit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="納付番号（20桁）", max_length=20, **kwargs)

    def clean(self, value: Any) -> str:
        text = str(super().clean(value)).strip()
        if not nofu_bango_valid(text):
            raise forms.ValidationError(NOFU_BANGO_INVALID)
        return text


class MadoguchiForm(forms.Form):
    nofu_bango = NofuBangoField()
    amount = forms.IntegerField(label="金額（円）", min_value=1, max_value=10**11)
    shuno_date = WarekiDateField(label="収納日")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a form; the receipt is logged by the service
@require_http_methods(["GET", "POST"])
def shuno_madoguchi(request: HttpRequest) -> HttpResponse:
    form = MadoguchiForm(request.POST or None, initial={"shuno_date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            nofu = madoguchi_nofu(
                nofu_bango=form.cleaned_data["nofu_bango"],
                amount=form.cleaned_data["amount"],
                shuno_date=form.cleaned_data["shuno_date"],
                actor=actor_from_request(request),
            )
        except ShunoRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{nofu.amount:,}円を収納しました。")
            return redirect("zeimu_shuno_madoguchi_done", pk=nofu.pk)
    return TemplateResponse(request, "zeimu/shuno_madoguchi.html", {"form": form})


class KozaKekkaForm(forms.Form):
    file = forms.FileField(label="口座振替結果ファイル（全銀協形式）")


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _koza_kekka (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the import is logged by the service; the report shows lines, not people
@require_http_methods(["GET", "POST"])
@never_cache
def shuno_koza_kekka(request: HttpRequest) -> HttpResponse:
    # streamed to disk; stopped at the limit, before the rest of the body is read
    handler = limit_uploads(request, limit=MAX_FILE)
    return _koza_kekka(request, handler)


def file_import_view(
    request: HttpRequest,
    handler: LimitedUploadHandler,
    *,
    form_class: type[forms.Form],
    run: Callable[..., Any],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """What every 収納 file import's screen does: the form; the upload handler's size
    refusal on the file field; ``run(data=, name=, actor=)`` (the module's importer, which
    logs the import); its whole-file refusal on the file field; the file's report page when
    it is taken. Called inside ``csrf_protect``, after the upload handler is set."""
    form = form_class(request.POST or None, request.FILES or None)
    if handler.exceeded:
        form = form_class({}, MultiValueDict())
        form.full_clean()
        form.errors["file"] = form.error_class([too_large_message()])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = run(
                data=upload.read(), name=str(upload.name), actor=actor_from_request(request)
            )
        except FileRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("zeimu_shuno_file", pk=result.file_id)
    return TemplateResponse(request, template, {"form": form, **(context or {})})


@csrf_protect
def _koza_kekka(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    return file_import_view(
        request,
        handler,
        form_class=KozaKekkaForm,
        run=functools.partial(koza_kekka_import, today=_today()),
        template="zeimu/shuno_koza_kekka.html",
    )


@gyomu_view(GYOMU)
@no_personal_data  # counts and the lines in error (line, field, reason): no person
@require_http_methods(["GET"])
def shuno_file(request: HttpRequest, pk: int) -> HttpResponse:
    f = get_object_or_404(ShunoFile, pk=pk)
    return TemplateResponse(request, "zeimu/shuno_file.html", {"f": f})


class EntaikinForm(forms.Form):
    nofu_bango = NofuBangoField()
    paid_on = WarekiDateField(label="納付予定日")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("zeimu.Kibetsu", record_id="kibetsu.pk", screen="zeimu.shuno_entaikin"))
@require_http_methods(["GET", "POST"])
def shuno_entaikin(request: HttpRequest) -> HttpResponse:
    """延滞金 試算: what a 期別 bears if paid in full on a given day (nothing saved)."""
    form = EntaikinForm(request.POST or None, initial={"paid_on": _today()})
    ctx: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        kib = Kibetsu.objects.filter(nofu_bango=form.cleaned_data["nofu_bango"]).first()
        if kib is None:
            form.add_error("nofu_bango", "この納付番号の期別はありません。")
        else:
            try:
                ctx["result"] = entaikin_of(kib.pk, paid_on=form.cleaned_data["paid_on"])
                ctx["has_josan"] = any(s.josan for s in ctx["result"].segments)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                ctx["kibetsu"] = kib
    return TemplateResponse(request, "zeimu/shuno_entaikin.html", ctx)


urlpatterns: list[URLPattern] = [
    path("shuno/", shuno_home, name="zeimu_shuno"),
    path("shuno/nozeisha/<int:atena_id>/", shuno_nozeisha, name="zeimu_shuno_nozeisha"),
    path("shuno/madoguchi/", shuno_madoguchi, name="zeimu_shuno_madoguchi"),
    path("shuno/koza-kekka/", shuno_koza_kekka, name="zeimu_shuno_koza_kekka"),
    path("shuno/files/<int:pk>/", shuno_file, name="zeimu_shuno_file"),
    path("shuno/entaikin/", shuno_entaikin, name="zeimu_shuno_entaikin"),
]
