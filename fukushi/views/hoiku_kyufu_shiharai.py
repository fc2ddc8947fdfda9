"""施設型給付費の支払 screens (/fukushi/kodomo-kosodate/kyufuhi/shiharai/), beside the
施設型給付費 screen (fukushi/views/hoiku_kyufu.py): the payments of a month (施設, 児童数,
支払額, 支払日) and every payment made so far (the history, 施設番号 and month), the payment
of the month's 一致 請求, the month's 全銀 総合振込 file and one 施設's 支払通知書 (PDF).

Paths carry internal ids only; the payments name 施設, never a person (``no_personal_data``);
the writes, the file and the notice are logged by their service.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import HoikuKyufuhiSeikyu, HoikuKyufuhiShiharai, KyufuhiSeikyuJotai
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from fukushi.views.furikomi import IraininForm
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = KODOMO_KOSODATE
PREFIX = "kodomo-kosodate/kyufuhi/shiharai/"
PAGE_SIZE = 50


class ShiharaiForm(IraininForm):
    field_order = ["month", "shiharai_date"]
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    shiharai_date = WarekiDateField(label="支払日（振込日）", help_text="例 令和7年7月10日")


class FileForm(forms.Form):
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    shiharai_date = WarekiDateField(
        label="支払日（その月を複数の日に支払ったとき）",
        required=False,
        help_text="例 令和7年7月10日",
    )


class TsuchiForm(forms.Form):
    tsuchi_date = WarekiDateField(label="通知日", help_text="例 令和7年7月10日")


def _month(value: str | None) -> date | None:
    try:
        y, m = (int(x) for x in (value or "").split("-"))
        return date(y, m, 1)
    except ValueError:
        return None


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _errors(request: HttpRequest, errors: list[tuple[str, str]]) -> None:
    for _, message in errors:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    _errors(request, [(k, f"{form.fields[k].label}：{e[0]}") for k, e in form.errors.items()
                      if k in form.fields])  # fmt: skip


def _back(month: date | None) -> HttpResponse:
    url = reverse("fukushi_hoiku_kyufuhi_shiharai")
    return redirect(f"{url}?month={month:%Y-%m}" if month else url)


@gyomu_view(GYOMU)
@no_personal_data  # 施設 and amounts only
@require_GET
def shiharai_list(request: HttpRequest) -> HttpResponse:
    """The month's 請求 with their payment (or why not yet), and the history of payments."""
    month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    seikyu = list(
        HoikuKyufuhiSeikyu.objects.filter(month=month)
        .select_related("shisetsu", "shiharai")
        .order_by("shisetsu__code")
    )
    history = Paginator(
        HoikuKyufuhiShiharai.objects.select_related("shisetsu").order_by(
            "-month", "shisetsu__code"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "fukushi/hoiku/kyufuhi_shiharai.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "seikyu": seikyu,
            "itchi": KyufuhiSeikyuJotai.ITCHI,
            "history": history,
            "can_write": _can_write(request),
            "shiharai_form": ShiharaiForm(initial={"month": f"{month:%Y-%m}"}),
            "file_form": FileForm(initial={"month": f"{month:%Y-%m}"}),
            "tsuchi_form": TsuchiForm(),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def shiharai(request: HttpRequest) -> HttpResponse:
    """Pay every 施設 of the month whose 請求 is 一致 and not yet paid."""
    form = ShiharaiForm(request.POST)
    month = _month(request.POST.get("month"))
    if month is None:
        form.add_error("month", "YYYY-MM の形で入力してください。")
    if form.is_valid() and form.cleaned_data["shiharai_date"] is None:
        form.add_error("shiharai_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(month)
    assert month is not None
    try:
        made = kyufuhi_shiharai(
            month=month, shiharai_date=form.cleaned_data["shiharai_date"],
            irainin=form.irainin(), actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(
            request,
            f"{len(made)}施設に給付費を支払いました（合計 {sum(p.gaku for p in made):,}円）。"
            "総合振込ファイルと支払通知書を作成できます。",
        )
    return _back(month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 施設 accounts only; its EXPORT is logged by the service
@require_POST
def furikomi(request: HttpRequest) -> HttpResponse:
    """The 全銀 総合振込 file of the month's payments (as recorded)."""
    form = FileForm(request.POST)
    month = _month(request.POST.get("month"))
    if month is None or not form.is_valid():
        messages.error(request, "給付費の月（YYYY-MM）と支払日を正しく入力してください。")
        return _back(month)
    try:
        data, _ = shiharai_furikomi(
            month=month, shiharai_date=form.cleaned_data["shiharai_date"],
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
        return _back(month)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="kyufuhi_shiharai_{month:%Y%m}.txt"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a notice to a 施設; its PRINT is logged by the service
@require_POST
def tsuchi(request: HttpRequest, pk: int) -> HttpResponse:
    """The 支払通知書 of one payment (PDF, opened in a new tab)."""
    p = get_object_or_404(HoikuKyufuhiShiharai, pk=pk)
    form = TsuchiForm(request.POST)
    if form.is_valid() and form.cleaned_data["tsuchi_date"] is None:
        form.add_error("tsuchi_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(p.month)
    pdf = shiharai_tsuchi(
        shiharai=p, tsuchi_date=form.cleaned_data["tsuchi_date"], actor=actor_from_request(request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kyufuhi_shiharai_tsuchi_{p.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path(PREFIX, shiharai_list, name="fukushi_hoiku_kyufuhi_shiharai"),
    path(f"{PREFIX}shiharau/", shiharai, name="fukushi_hoiku_kyufuhi_shiharai_run"),
    path(f"{PREFIX}furikomi/", furikomi, name="fukushi_hoiku_kyufuhi_shiharai_furikomi"),
    path(f"{PREFIX}<int:pk>/tsuchi/", tsuchi, name="fukushi_hoiku_kyufuhi_shiharai_tsuchi"),
]
