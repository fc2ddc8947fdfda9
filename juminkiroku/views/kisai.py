"""統合記載欄 (標準仕様書 1.1.14) and メモ (1.1.15) of one person: read with their history,
write, correct, delete. Reading needs the module; writing its 更新 role. Writes go
through ``juminkiroku.services.kisai`` (which logs them); the page read is logged here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Ido, KisaiShurui
from juminkiroku.selectors.kisai import idos_of_person, kisai_history, kisai_of_person
from juminkiroku.services.kisai import (
    KOUMOKU_CHOICES,
    MAX_BODY,
    KisaiError,
    kisai_create,
    kisai_delete,
    kisai_update,
)
from juminkiroku.views.person import _person_or_404, _refuse
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.models import RoleLevel

GYOMU = JUMINKIROKU
ALL_KINDS = (KisaiShurui.RYUI, KisaiShurui.BIKO, KisaiShurui.MEMO)


class KisaiForm(forms.Form):
    shurui = forms.ChoiceField(label="種類", choices=KisaiShurui.choices)
    ido_id = forms.TypedChoiceField(
        label="関係する異動（留意事項のみ）", required=False, coerce=int, empty_value=None
    )
    koumoku = forms.ChoiceField(
        label="関係する異動項目（留意事項のみ）",
        required=False,
        choices=[("", "選択しない"), *KOUMOKU_CHOICES],
    )
    body = TextField(label="内容", max_length=MAX_BODY, widget=forms.TextInput)

    def __init__(self, *args: Any, idos: list[Ido], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "選択しない")]
        for ido in idos:
            choices.append((str(ido.pk), f"{ido.get_jiyu_display()}（異動番号 {ido.ido_no}）"))
        self.fields["ido_id"].choices = choices  # type: ignore[attr-defined]


def _idos_of(atena_id: int) -> list[Ido]:
    return idos_of_person(atena_id)


def _may_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="pk", shown="p", screen="統合記載欄・メモ"))
@require_http_methods(["GET"])
@never_cache
def kisai_page(request: HttpRequest, pk: int) -> HttpResponse:
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    entries = kisai_of_person(pk, shurui=ALL_KINDS)
    return TemplateResponse(
        request,
        "juminkiroku/person/kisai.html",
        {
            "p": atena,
            "togo": [e for e in entries if e.shurui != KisaiShurui.MEMO],
            "memos": [e for e in entries if e.shurui == KisaiShurui.MEMO],
            "history": kisai_history(pk, shurui=ALL_KINDS),
            "form": KisaiForm(idos=_idos_of(pk)),
            "may_write": _may_write(request),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect(f"/juminkiroku/persons/{pk}/kisai/")


def _error(request: HttpRequest, exc: KisaiError) -> None:
    for msgs in exc.errors.values():
        for m in msgs:
            messages.error(request, m)


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def kisai_new(request: HttpRequest, pk: int) -> HttpResponse:
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    form = KisaiForm(request.POST, idos=_idos_of(pk))
    if not form.is_valid():
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, str(m))
        return _back(pk)
    data = form.cleaned_data
    try:
        kisai_create(
            atena_id=atena.pk,
            shurui=data["shurui"],
            body=data["body"],
            ido_id=data["ido_id"],
            koumoku=data["koumoku"] or "",
            actor=actor_from_request(request),
        )
    except KisaiError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"{KisaiShurui(data['shurui']).label}を登録しました。")
    return _back(pk)


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def kisai_act(request: HttpRequest, pk: int, kid: int, act: str) -> HttpResponse:
    _person_or_404(pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "画面を開き直してから操作してください。")
        return _back(pk)
    actor = actor_from_request(request)
    try:
        if act == "delete":
            kisai_delete(kisai_id=kid, atena_id=pk, version=version, actor=actor)
            messages.success(request, "削除しました（履歴は残ります）。")
        else:
            kisai_update(
                kisai_id=kid,
                atena_id=pk,
                version=version,
                body=request.POST.get("body", ""),
                actor=actor,
            )
            messages.success(request, "修正しました（修正前の内容は履歴に残ります）。")
    except KisaiError as exc:
        _error(request, exc)
    return _back(pk)


urlpatterns: list[URLPattern] = [
    path("persons/<int:pk>/kisai/", kisai_page, name="jk_kisai"),
    path("persons/<int:pk>/kisai/new/", kisai_new, name="jk_kisai_new"),
    path(
        "persons/<int:pk>/kisai/<int:kid>/update/",
        kisai_act,
        {"act": "update"},
        name="jk_kisai_update",
    ),
    path(
        "persons/<int:pk>/kisai/<int:kid>/delete/",
        kisai_act,
        {"act": "delete"},
        name="jk_kisai_delete",
    ),
]
