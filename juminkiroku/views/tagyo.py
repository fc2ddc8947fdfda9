"""他業務照会 (標準仕様書 7.2.2) on the person's page, and the 他業務連携 file intake (7.2.1).

* ``persons/<pk>/tagyo/`` — the 「他業務」 tab: each 業務's latest items in words and
  和暦, with 出所 and 更新日時, and the history of changes. Reading it is an access-logged
  read of the person. A clerk with the 更新 role corrects or enters a 業務's items with a
  reason (``persons/<pk>/tagyo/update/``, through ``juminkiroku.services.tagyo``, which
  logs it); a 業務 a module of the product provides is corrected in that module.
* ``tagyo/torikomi/`` — the files taken from the town's drop folder, with their errors by
  line and item (no cell values); 「今すぐ取り込む」 runs the periodic intake at once.
"""

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
from juminkiroku.models import TagyoTorikomi
from juminkiroku.models.tagyo import NenkinShubetsu, TagyoKind, TagyoKubun
from juminkiroku.selectors.tagyo import tagyo_lines
from juminkiroku.services.tagyo import TagyoError, tagyo_set
from juminkiroku.views.person import _person_or_404, _refuse
from tenants import tagyo
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = JUMINKIROKU
SHOKUIN_SHUTSUSHO = "住民記録（職員による修正）"
_DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
_MONTH_HELP = "その月の日付を入力（例: 令和7年4月1日）。年月として記録します。"


class TagyoForm(forms.Form):
    kind = forms.ChoiceField(label="業務", choices=TagyoKind.choices)
    gaito = forms.ChoiceField(
        label="該当の有無（選挙人名簿は登録の有無）",
        required=False,
        choices=[("", "情報なし"), ("1", "あり"), ("0", "なし")],
    )
    shutoku_date = WarekiDateField(label="資格取得年月日", required=False, help_text=_DATE_HELP)
    soshitsu_date = WarekiDateField(label="資格喪失年月日", required=False, help_text=_DATE_HELP)
    kiso_nenkin_no = TextField(label="基礎年金番号（年金のみ）", required=False, max_length=10)
    nenkin_shubetsu = forms.ChoiceField(
        label="被保険者種別（年金のみ）",
        required=False,
        choices=[("", "選択しない"), *NenkinShubetsu.choices],
    )
    shubetsu_henko_date = WarekiDateField(
        label="種別変更年月日（年金のみ）", required=False, help_text=_DATE_HELP
    )
    kaishi_ym = WarekiDateField(
        label="受給開始年月（児童手当のみ）", required=False, help_text=_MONTH_HELP
    )
    shuryo_ym = WarekiDateField(
        label="受給終了年月（児童手当のみ）", required=False, help_text=_MONTH_HELP
    )
    reason = TextField(label="修正の理由", max_length=200)


def _may_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        id_kwarg="pk",
        shown="lines",
        screen="他業務照会",
        detail=lambda ctx: {"tagyo_kinds": [ln.kind for ln in ctx["lines"] if ln.has_data]},
    )
)
@require_http_methods(["GET"])
@never_cache
def tagyo_page(request: HttpRequest, pk: int) -> HttpResponse:
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    lines = tagyo_lines(pk)
    editable = [(ln.kind, ln.label) for ln in lines if ln.editable]
    form = TagyoForm()
    form.fields["kind"].choices = editable  # type: ignore[attr-defined]
    return TemplateResponse(
        request,
        "juminkiroku/person/tagyo.html",
        {
            "p": atena,
            "lines": lines,
            "form": form,
            "may_write": _may_write(request) and bool(editable),
        },
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {n: data.get(n) for n in tagyo.ITEMS}
    values["gaito"] = {"1": True, "0": False}.get(data.get("gaito") or "")
    return values


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def tagyo_update(request: HttpRequest, pk: int) -> HttpResponse:
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    back = redirect(f"/juminkiroku/persons/{pk}/tagyo/")
    form = TagyoForm(request.POST)
    provided = tagyo.tagyo_lookup([pk])
    form.fields["kind"].choices = [  # type: ignore[attr-defined]
        (k, label) for k, label in TagyoKind.choices if k not in provided
    ]
    if not form.is_valid():
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, str(m))
        return back
    data = form.cleaned_data
    try:
        result = tagyo_set(
            atena_id=atena.pk,
            kind=data["kind"],
            values=_values(data),
            shutsusho=SHOKUIN_SHUTSUSHO,
            kubun=TagyoKubun.SHOKUIN,
            reason=data["reason"],
            actor=actor_from_request(request),
        )
    except TagyoError as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, m)
        return back
    label = TagyoKind(data["kind"]).label
    if result.changed:
        messages.success(request, f"{label}の情報を修正しました（修正前の内容は履歴に残ります）。")
    else:
        messages.info(request, f"{label}の情報は登録済みの内容と同じです。")
    return back


class TorikomiForm(forms.Form):
    """「今すぐ取り込む」: no input but the button."""


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # file names, counts and errors by line and item, never a cell value
@require_http_methods(["GET", "POST"])
@never_cache
def torikomi_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        from juminkiroku.tagyo.torikomi import tagyo_torikomi_round

        records = tagyo_torikomi_round(actor=actor_from_request(request))
        messages.success(request, f"取込フォルダのファイル {len(records)} 件を処理しました。")
        return redirect("/juminkiroku/tagyo/torikomi/")
    return TemplateResponse(
        request,
        "juminkiroku/tagyo/torikomi.html",
        {
            "records": list(TagyoTorikomi.objects.order_by("-id")[:100]),
            "may_write": _may_write(request),
        },
    )


urlpatterns: list[URLPattern] = [
    path("persons/<int:pk>/tagyo/", tagyo_page, name="jk_person_tagyo"),
    path("persons/<int:pk>/tagyo/update/", tagyo_update, name="jk_person_tagyo_update"),
    path("tagyo/torikomi/", torikomi_list, name="jk_tagyo_torikomi"),
]
