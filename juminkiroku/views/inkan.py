"""Staff screens: 印鑑登録 (登録, 一覧, 廃止・亡失) and the 印鑑登録証明書.

A person is found by 宛名番号 typed into a POST form; registrations are addressed by
their own id, never by anything personal.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import Seikyusha, ShomeiKind
from juminkiroku.gyomu import INKAN_TOROKU
from juminkiroku.models import Atena, InkanToroku
from juminkiroku.services.inkan import (
    MAX_INEI_BYTES,
    InkanError,
    inkan_boshitsu,
    inkan_haishi,
    inkan_register,
)
from juminkiroku.services.shomei import MAX_COPIES, ShomeiError, shomei_issue
from juminkiroku.views.certificates import pdf_response
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = INKAN_TOROKU
TEMPLATE = "juminkiroku/inkan/index.html"


class InkanSearchForm(forms.Form):
    atena_no = TextField(
        label="宛名番号",
        max_length=10,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )


class InkanRegisterForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=10)
    toroku_date = WarekiDateField(label="登録日", help_text="例: 令和7年4月1日、R7.4.1")
    inei = forms.FileField(label="印影（PNG、200KB以下）")

    def clean_inei(self) -> bytes:
        upload = self.cleaned_data["inei"]
        if upload.size > MAX_INEI_BYTES:
            raise forms.ValidationError("印影の画像は200KB以下にしてください。")
        data: bytes = upload.read()
        return data


class InkanEndForm(forms.Form):
    ended_date = WarekiDateField(label="届出日", required=False)
    reason = TextField(label="理由", required=False, max_length=200)


class InkanShomeiForm(forms.Form):
    copies = forms.IntegerField(label="通数", min_value=1, max_value=MAX_COPIES, initial=1)
    seikyusha = forms.ChoiceField(label="請求者", choices=Seikyusha.choices)


def _show(request: HttpRequest, person: Atena | None, **extra: Any) -> HttpResponse:
    rows: list[InkanToroku] = []
    if person is not None:
        rows = list(InkanToroku.objects.filter(atena=person).order_by("-created_at", "-id"))
    context = {
        "search_form": extra.pop("search_form", InkanSearchForm()),
        "register_form": extra.pop(
            "register_form",
            InkanRegisterForm(
                initial={"atena_no": person.atena_no if person else "", "toroku_date": ""}
            ),
        ),
        "end_form": InkanEndForm(),
        "seikyusha_choices": Seikyusha.choices,
        "person": person,
        "rows": rows,
        "can_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
        **extra,
    }
    return TemplateResponse(request, TEMPLATE, context, status=extra.get("status", 200))


# Every screen of this module shows one person's registrations through _show.
SHOWN = Reads(
    "atena",
    ids="person.pk",
    count=lambda ctx: max(1, len(ctx["rows"])),
    detail=lambda ctx: {"inkan_ids": [r.pk for r in ctx["rows"]]},
    screen="印鑑登録の照会",
)


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(SHOWN)
@require_http_methods(["GET", "POST"])
def inkan_index(request: HttpRequest) -> HttpResponse:
    """The registrations of one person, found by 宛名番号 (POST: a search, not a write)."""
    if request.method != "POST":
        return _show(request, None)
    form = InkanSearchForm(request.POST)
    if not form.is_valid():
        return _show(request, None, search_form=form)
    person = Atena.objects.filter(atena_no=form.cleaned_data["atena_no"].strip()).first()
    if person is None:
        form.add_error("atena_no", "この宛名番号の方は見つかりません。")
        return _show(request, None, search_form=form)
    return _show(request, person)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def inkan_register_view(request: HttpRequest) -> HttpResponse:
    form = InkanRegisterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _show(request, None, register_form=form, status=400)
    person = Atena.objects.filter(atena_no=form.cleaned_data["atena_no"].strip()).first()
    if person is None:
        form.add_error("atena_no", "この宛名番号の方は見つかりません。")
        return _show(request, None, register_form=form, status=400)
    try:
        toroku = inkan_register(
            atena_id=person.pk,
            image_png=form.cleaned_data["inei"],
            actor=actor_from_request(request),
            toroku_date=form.cleaned_data["toroku_date"],
        )
    except InkanError as exc:
        return _show(request, person, register_form=form, error=str(exc), status=400)
    messages.success(request, f"印鑑登録しました（印鑑登録証番号 {toroku.card_no}）。")
    return _show(request, person)


def _end_view(request: HttpRequest, pk: int, *, boshitsu: bool) -> HttpResponse:
    toroku = get_object_or_404(InkanToroku, pk=pk)
    form = InkanEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "届出日が正しくありません。")
        return _show(request, toroku.atena)
    action = inkan_boshitsu if boshitsu else inkan_haishi
    try:
        action(
            toroku_id=toroku.pk,
            actor=actor_from_request(request),
            ended_date=form.cleaned_data["ended_date"] or timezone.localdate(),
            reason=form.cleaned_data["reason"],
        )
    except InkanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "亡失の届出を受け付けました。" if boshitsu else "廃止しました。")
    return _show(request, toroku.atena)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def inkan_haishi_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _end_view(request, pk, boshitsu=False)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def inkan_boshitsu_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _end_view(request, pk, boshitsu=True)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def inkan_shomei_view(request: HttpRequest, pk: int) -> HttpResponse:
    """印鑑登録証明書 of the registration's holder: the PDF, inline."""
    toroku = get_object_or_404(InkanToroku, pk=pk)
    form = InkanShomeiForm(request.POST)
    if not form.is_valid():
        return _show(request, toroku.atena, error="通数・請求者を正しく指定してください。")
    try:
        kofu, pdf = shomei_issue(
            kind=ShomeiKind.INKAN,
            layout="",
            atena_ids=[toroku.atena_id],
            setai_id=None,
            items=None,
            copies=form.cleaned_data["copies"],
            seikyusha=form.cleaned_data["seikyusha"],
            actor=actor_from_request(request),
        )
    except ShomeiError as exc:
        return _show(request, toroku.atena, error=str(exc), status=400)
    return pdf_response(pdf, kofu.hakko_no)


urlpatterns: list[URLPattern] = [
    path("inkan/", inkan_index, name="juminkiroku_inkan"),
    path("inkan/register/", inkan_register_view, name="juminkiroku_inkan_register"),
    path("inkan/<int:pk>/haishi/", inkan_haishi_view, name="juminkiroku_inkan_haishi"),
    path("inkan/<int:pk>/boshitsu/", inkan_boshitsu_view, name="juminkiroku_inkan_boshitsu"),
    path("inkan/<int:pk>/shomei/", inkan_shomei_view, name="juminkiroku_inkan_shomei"),
]
