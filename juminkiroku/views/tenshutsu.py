"""Staff screens of the 転出 (標準仕様書 4.1.3.x): the 転出's screen (転出証明書 and its
再交付, printable the same day), the paper 転入通知 and the 転入通知未着者一覧 with its
照会書. Rows are addressed by their own ids, never by anything personal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Tenshutsu, TenshutsuShomei
from juminkiroku.selectors.tenshutsu import mitchaku_days, mitchaku_list, tenshutsu_of_ido
from juminkiroku.services.shomei import ShomeiError
from juminkiroku.services.tenshutsu import TenshutsuError, receive_tennyu_tsuchi
from juminkiroku.services.tenshutsu_shomei import (
    mitchaku_shokaisho,
    tenshutsu_shomei_issue,
    tenshutsu_shomei_saikofu,
)
from juminkiroku.views.certificates import pdf_response
from tenants.access import gyomu_view
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU


class TennyuTsuchiForm(forms.Form):
    tennyu_date = WarekiDateField(label="転入日", help_text="例: 令和8年12月1日、R8.12.1")
    tennyu_jusho = TextField(label="転入先住所（転出先住所（確定））", max_length=200)
    tennyu_postal_code = TextField(
        label="郵便番号", max_length=8, required=False, help_text="例: 160-0023"
    )
    received_on = WarekiDateField(label="転入通知年月日（受理した日）")


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _show(request: HttpRequest, ido_id: int, **extra: Any) -> HttpResponse:
    rows = tenshutsu_of_ido(ido_id)
    if not rows:
        raise Http404("転出が見つかりません。")
    context = {
        "ido": rows[0].ido,
        "rows": rows,
        "today": timezone.localdate(),
        "can_write": _can_write(request),
        **extra,
    }
    return TemplateResponse(
        request, "juminkiroku/tenshutsu/detail.html", context, status=extra.get("status", 200)
    )


SHOWN = Reads(
    "atena",
    ids=lambda ctx: [t.atena_id for t in ctx.get("rows", [])],
    screen="転出の照会",
)


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(SHOWN)
@require_GET
def tenshutsu_detail(request: HttpRequest, ido_id: int) -> HttpResponse:
    """The persons of one 転出 (S01/S02): 予定 or 確定, 転入通知, 転出証明書."""
    return _show(request, ido_id)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def tenshutsu_shomei_view(request: HttpRequest, pk: int) -> HttpResponse:
    """転出証明書 (or 準ずる証明書) of one person: the PDF, inline (logged by the service)."""
    t = get_object_or_404(Tenshutsu, pk=pk)
    try:
        kofu, pdf = tenshutsu_shomei_issue(tenshutsu_id=t.pk, actor=actor_from_request(request))
    except ShomeiError as exc:
        return _show(request, t.ido_id, error=str(exc), status=400)
    return pdf_response(pdf, kofu.hakko_no)


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_POST
def tenshutsu_saikofu_view(request: HttpRequest, pk: int) -> HttpResponse:
    """再交付 of a 転出証明書 as first issued."""
    kofu = get_object_or_404(TenshutsuShomei.objects.select_related("tenshutsu"), pk=pk)
    try:
        again, pdf = tenshutsu_shomei_saikofu(shomei_id=kofu.pk, actor=actor_from_request(request))
    except ShomeiError as exc:
        return _show(request, kofu.tenshutsu.ido_id, error=str(exc), status=400)
    return pdf_response(pdf, again.hakko_no)


@checks_own_text  # TextField form
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(SHOWN)
@require_http_methods(["GET", "POST"])
def tennyu_tsuchi_view(request: HttpRequest, pk: int) -> HttpResponse:
    """転入通知 received on paper (標準仕様書 4.1.3.1.1, 4.1.3.1.3)."""
    t = get_object_or_404(Tenshutsu, pk=pk)
    if request.method != "POST":
        form = TennyuTsuchiForm(initial={"received_on": ""})
        return _show(request, t.ido_id, tsuchi_form=form, tsuchi_for=t.pk)
    form = TennyuTsuchiForm(request.POST)
    if not form.is_valid():
        return _show(request, t.ido_id, tsuchi_form=form, tsuchi_for=t.pk, status=400)
    data = form.cleaned_data
    try:
        tsuchi = receive_tennyu_tsuchi(
            atena_id=t.atena_id,
            tennyu_date=data["tennyu_date"],
            tennyu_jusho=data["tennyu_jusho"],
            tennyu_postal_code=data["tennyu_postal_code"] or "",
            source="paper",
            received_on=data["received_on"],
            actor=actor_from_request(request),
        )
    except TenshutsuError as exc:
        for key, msgs in exc.errors.items():
            for m in msgs:
                form.add_error(key if key in form.fields else None, m)
        return _show(request, t.ido_id, tsuchi_form=form, tsuchi_for=t.pk, status=400)
    text = "転入通知を受理しました。"
    if tsuchi.made_johyo:
        text += "除票としました。"
    if tsuchi.date_differs:
        text += "転入日が転出予定日と異なります。"
    messages.success(request, text)
    return redirect(f"/juminkiroku/tenshutsu/ido/{t.ido_id}/")


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids=lambda ctx: [r.atena.pk for r in ctx.get("rows", [])],
        screen="転入通知未着者一覧",
        skip_empty=True,
    )
)
@require_GET
def mitchaku_view(request: HttpRequest) -> HttpResponse:
    """転入通知未着者一覧 (標準仕様書 4.1.3.1.4): N days after the 除票 and no 転入通知."""
    today = timezone.localdate()
    days = mitchaku_days(today)
    error = ""
    raw = request.GET.get("days", "").strip()
    if raw:
        if raw.isdigit() and int(raw) <= 3650:
            days = int(raw)
        else:
            error = "日数は0から3650までの数字で指定してください。"
    rows = mitchaku_list(today=today, days=days)
    return TemplateResponse(
        request,
        "juminkiroku/tenshutsu/mitchaku.html",
        {"rows": rows, "days": days, "error": error, "can_write": _can_write(request)},
        status=400 if error else 200,
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(LOGGED_BY_SERVICE)  # the 照会書 print is logged by mitchaku_shokaisho
@require_POST
def mitchaku_shokai_view(request: HttpRequest) -> HttpResponse:
    """転入通知未着照会書 for the persons ticked on the list: the PDF, inline."""
    ids = [int(v) for v in request.POST.getlist("tenshutsu") if v.isdigit()]
    try:
        pdf = mitchaku_shokaisho(tenshutsu_ids=ids, actor=actor_from_request(request))
    except ShomeiError as exc:
        messages.error(request, str(exc))
        return redirect("/juminkiroku/tenshutsu/mitchaku/")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="tennyu_tsuchi_shokai.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("tenshutsu/ido/<int:ido_id>/", tenshutsu_detail, name="juminkiroku_tenshutsu"),
    path("tenshutsu/<int:pk>/shomei/", tenshutsu_shomei_view, name="juminkiroku_tenshutsu_shomei"),
    path(
        "tenshutsu/shomei/<int:pk>/saikofu/",
        tenshutsu_saikofu_view,
        name="juminkiroku_tenshutsu_saikofu",
    ),
    path("tenshutsu/<int:pk>/tsuchi/", tennyu_tsuchi_view, name="juminkiroku_tennyu_tsuchi"),
    path("tenshutsu/mitchaku/", mitchaku_view, name="juminkiroku_tenshutsu_mitchaku"),
    path(
        "tenshutsu/mitchaku/shokai/",
        mitchaku_shokai_view,
        name="juminkiroku_tenshutsu_mitchaku_shokai",
    ),
]
