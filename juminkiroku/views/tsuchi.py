"""Staff screens for the notices (標準仕様書 4.1.0.3, 4.2.0.1, 9.4, 4.0.5): 受理通知,
職権記載等通知書 (one 異動 or every one of a period), the 成年被後見人 転出 notice and the
世帯主変更通知書, printed from a 異動 named by its 異動番号 (or from the 異動's screen); the
世帯主不在 households and their 世帯主変更依頼通知書; the 成年被後見人 setting by 宛名番号.

Only the 世帯主不在 screen shows residents (logged as read); each PDF and each setting is
logged by its service. No list of 成年被後見人 is offered: the standard says not to (9.4
【実装しない機能】).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Ido
from juminkiroku.services.setainushi_tsuchi import (
    setainushi_fuzai_setai,
    setainushi_henko_tsuchi_issue,
    setainushi_irai_issue,
)
from juminkiroku.services.tsuchi import (
    TsuchiError,
    juri_tsuchi_issue,
    koken_end,
    koken_set,
    koken_tsuchi_issue,
    shokken_kirokusho_issue,
    shokken_moshide_record,
    shokken_tsuchi_bulk,
    shokken_tsuchi_issue,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logged_by_service, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, WarekiDateInput
from tenants.models import RoleLevel
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU
TEMPLATE = "juminkiroku/tsuchi/home.html"
KOKEN_TEMPLATE = "juminkiroku/tsuchi/koken.html"


class IdoNoForm(forms.Form):
    ido_no = TextField(label="異動番号", max_length=12)


class JuriForm(IdoNoForm):
    todokenin_shimei = TextField(label="届出人氏名", max_length=100)


class BulkForm(forms.Form):
    date_from = WarekiDateField(label="異動日（から）", widget=WarekiDateInput())
    date_to = WarekiDateField(label="異動日（まで）", widget=WarekiDateInput())


class KokenForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=10)
    kaishi_date = WarekiDateField(
        label="後見開始の審判の確定日", required=False, widget=WarekiDateInput()
    )
    note = TextField(label="備考", max_length=200, required=False)


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _forms(data: Any = None, action: str = "") -> dict[str, Any]:
    return {
        "juri_form": JuriForm(data if action == "juri" else None, prefix="juri"),
        "shokken_form": IdoNoForm(data if action == "shokken" else None, prefix="shokken"),
        "bulk_form": BulkForm(
            data if action == "bulk" else None,
            prefix="bulk",
            initial={"date_from": timezone.localdate(), "date_to": timezone.localdate()},
        ),
        "koken_form": IdoNoForm(data if action == "koken" else None, prefix="koken"),
        "henko_form": IdoNoForm(data if action == "henko" else None, prefix="henko"),
        "kirokusho_form": IdoNoForm(data if action == "kirokusho" else None, prefix="kirokusho"),
    }


def _ido_id(ido_no: str) -> int:
    found = Ido.objects.filter(ido_no=ido_no.strip()).values_list("id", flat=True).first()
    if found is None:
        raise TsuchiError("この異動番号の異動は見つかりません。")
    return found


@checks_own_text  # TextField forms
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logged_by_service  # the page shows nobody; each PDF is logged (印刷) by its service
@require_http_methods(["GET", "POST"])
def tsuchi_home(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    context = _forms(request.POST, action)
    if request.method != "POST":
        return TemplateResponse(request, TEMPLATE, context)
    actor = actor_from_request(request)
    form = context.get(f"{action}_form")
    if form is None:
        context["error"] = "発行する通知書を選んでください。"
        return TemplateResponse(request, TEMPLATE, context, status=400)
    if not form.is_valid():
        return TemplateResponse(request, TEMPLATE, context, status=400)
    data = form.cleaned_data
    try:
        if action == "juri":
            hakko, pdf = juri_tsuchi_issue(
                ido_id=_ido_id(data["ido_no"]),
                todokenin_shimei=data["todokenin_shimei"],
                actor=actor,
            )
            return pdf_response(pdf, f"juri_{hakko.pk}")
        if action == "shokken":
            rows, pdf = shokken_tsuchi_issue(ido_ids=[_ido_id(data["ido_no"])], actor=actor)
            return pdf_response(pdf, f"shokken_{rows[0].pk}")
        if action == "bulk":
            rows, pdf = shokken_tsuchi_bulk(
                date_from=data["date_from"], date_to=data["date_to"], actor=actor
            )
            return pdf_response(pdf, f"shokken_{rows[0].pk}_{rows[-1].pk}")
        if action == "kirokusho":
            hakko, pdf = shokken_kirokusho_issue(ido_id=_ido_id(data["ido_no"]), actor=actor)
            return pdf_response(pdf, f"kirokusho_{hakko.pk}")
        if action == "henko":
            hakko, pdf = setainushi_henko_tsuchi_issue(ido_id=_ido_id(data["ido_no"]), actor=actor)
            return pdf_response(pdf, f"henko_{hakko.pk}")
        hakko, pdf = koken_tsuchi_issue(ido_id=_ido_id(data["ido_no"]), actor=actor)
        return pdf_response(pdf, f"koken_{hakko.pk}")
    except TsuchiError as exc:
        context["error"] = str(exc)
        return TemplateResponse(request, TEMPLATE, context, status=400)


@checks_own_text  # TextField form
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logged_by_service  # shows nobody; koken_set / koken_end log the setting
@require_http_methods(["GET", "POST"])
def koken_view(request: HttpRequest) -> HttpResponse:
    """成年被後見人の設定・解除 (9.4) by 宛名番号."""
    form = KokenForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        return TemplateResponse(request, KOKEN_TEMPLATE, context)
    if not form.is_valid():
        return TemplateResponse(request, KOKEN_TEMPLATE, context, status=400)
    data = form.cleaned_data
    atena_id = (
        Atena.objects.filter(atena_no=data["atena_no"].strip()).values_list("id", flat=True).first()
    )
    try:
        if atena_id is None:
            raise TsuchiError("この宛名番号の方は見つかりません。")
        if "end" in request.POST:
            koken_end(atena_id=atena_id, actor=actor_from_request(request))
            context["done"] = f"宛名番号 {data['atena_no']} の成年被後見人の設定を解除しました。"
        else:
            if data["kaishi_date"] is None:
                raise TsuchiError("後見開始の審判の確定日を入力してください。")
            koken_set(
                atena_id=atena_id,
                kaishi_date=data["kaishi_date"],
                note=data["note"] or "",
                actor=actor_from_request(request),
            )
            context["done"] = f"宛名番号 {data['atena_no']} を成年被後見人として設定しました。"
    except TsuchiError as exc:
        context["error"] = str(exc)
        return TemplateResponse(request, KOKEN_TEMPLATE, context, status=400)
    context["form"] = KokenForm()
    return TemplateResponse(request, KOKEN_TEMPLATE, context)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(
    # The households without a 世帯主 and their members (to choose whom to ask); the
    # notices themselves are logged (印刷) by setainushi_irai_issue.
    Reads("atena", ids="member_ids", screen="世帯主不在の世帯", skip_empty=True)
)
@require_http_methods(["GET", "POST"])
def setainushi_fuzai_view(request: HttpRequest) -> HttpResponse:
    """世帯主不在の世帯 (4.0.4) and the 世帯主変更依頼通知書 with its 対象者リスト (4.0.5)."""
    households = setainushi_fuzai_setai()
    context: dict[str, Any] = {
        "households": households,
        "member_ids": [m.pk for f in households for m in f.members],
    }
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("setai") if v.isdigit()]
        try:
            rows, pdf = setainushi_irai_issue(setai_ids=chosen, actor=actor_from_request(request))
        except TsuchiError as exc:
            context["error"] = str(exc)
            return TemplateResponse(
                request, "juminkiroku/tsuchi/setainushi.html", context, status=400
            )
        return pdf_response(pdf, f"irai_{rows[0].pk}")
    return TemplateResponse(request, "juminkiroku/tsuchi/setainushi.html", context)


class MoshideForm(forms.Form):
    moshide_date = WarekiDateField(label="申出日", widget=WarekiDateInput())


@checks_own_text  # a 和暦 date field only
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logged_by_service  # shokken_moshide_record logs it, then back to the 異動
@require_POST
def moshide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """申出を受けた職権記載等 (4.2.0.5): mark the 異動, with the 申出日."""
    if not Ido.objects.filter(pk=pk).exists():
        raise Http404
    form = MoshideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for msg in errors:
                messages.error(request, str(msg))
        return redirect("jk_ido_detail", pk=pk)
    try:
        shokken_moshide_record(
            ido_id=pk,
            moshide_date=form.cleaned_data["moshide_date"],
            actor=actor_from_request(request),
        )
    except TsuchiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "申出を受けて行った職権記載等として記録しました。")
    return redirect("jk_ido_detail", pk=pk)


urlpatterns: list[URLPattern] = [
    path("ido/<int:pk>/moshide/", moshide_view, name="juminkiroku_ido_moshide"),
    path("tsuchi/setainushi/", setainushi_fuzai_view, name="juminkiroku_setainushi_fuzai"),
    path("tsuchi/", tsuchi_home, name="juminkiroku_tsuchi"),
    path("koken/", koken_view, name="juminkiroku_koken"),
]
