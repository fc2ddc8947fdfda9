"""Staff screens: 住所辞書の一覧・登録・修正 (標準仕様書 1.3.3).

The dictionary holds places, not persons: its pages show no personal data. Searching is
by the start of the 町字, its フリガナ or the 郵便番号, POSTed like every search.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Chiku, JushoJisho
from juminkiroku.services.jisho import JishoError, JishoInput, chiku_save, jisho_save
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.models import RoleLevel

PAGE_SIZE = 50


class JishoSearchForm(forms.Form):
    q = TextField(label="町字・フリガナ・郵便番号（前方一致）", required=False, max_length=60)


class JishoForm(forms.Form):
    jusho_code = TextField(label="住所コード", max_length=20)
    postal_code = TextField(label="郵便番号", max_length=10)
    name = TextField(label="町字", max_length=120)
    kana = TextField(label="フリガナ", max_length=200, required=False)
    chiku_code = forms.ChoiceField(label="地区", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chiku = self.fields["chiku_code"]
        assert isinstance(chiku, forms.ChoiceField)
        chiku.choices = [("", "なし"), *Chiku.objects.values_list("code", "name")]


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@no_personal_data  # places: 住所コード, 郵便番号, 町字, 地区
@require_http_methods(["GET", "POST"])
def jisho_list(request: HttpRequest) -> HttpResponse:
    form = JishoSearchForm(request.POST or None)
    qs = JushoJisho.objects.select_related("chiku").order_by("jusho_code")
    if request.method == "POST" and form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        digits = q.replace("-", "").replace("－", "")
        qs = qs.filter(
            Q(name__startswith=q) | Q(kana__startswith=q) | Q(postal_code__startswith=digits)
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.POST.get("page") or 1)
    return TemplateResponse(request, "juminkiroku/jisho/list.html", {"form": form, "page": page})


def _edit(request: HttpRequest, row: JushoJisho | None) -> HttpResponse:
    initial = (
        {
            "jusho_code": row.jusho_code,
            "postal_code": row.postal_code,
            "name": row.name,
            "kana": row.kana,
            "chiku_code": row.chiku.code if row.chiku else "",
        }
        if row
        else {}
    )
    form = JishoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            jisho_save(
                data=JishoInput(
                    jusho_code=d["jusho_code"],
                    postal_code=d["postal_code"],
                    name=d["name"],
                    kana=d["kana"],
                    chiku_code=d["chiku_code"],
                ),
                actor=actor_from_request(request),
                pk=row.pk if row else None,
            )
        except JishoError as exc:
            for key, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error(None if key == "__all__" else key, msg)
        else:
            messages.success(request, "住所辞書を更新しました。")
            return redirect("/juminkiroku/jisho/")
    return TemplateResponse(request, "juminkiroku/jisho/edit.html", {"form": form, "row": row})


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a form for a place; the write is logged by jisho_save
@require_http_methods(["GET", "POST"])
def jisho_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a form for a place; the write is logged by jisho_save
@require_http_methods(["GET", "POST"])
def jisho_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = JushoJisho.objects.select_related("chiku").filter(pk=pk).first()
    if row is None:
        raise Http404
    return _edit(request, row)


class ChikuForm(forms.Form):
    code = TextField(label="地区コード", max_length=10)
    name = TextField(label="地区名", max_length=60)


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@no_personal_data  # 地区 are places; a write is logged by chiku_save
@require_http_methods(["GET", "POST"])
def chiku_list(request: HttpRequest) -> HttpResponse:
    """地区の一覧と登録・名称の修正 (標準仕様書 1.3.5). A POST with ``pk`` renames that 地区."""
    form = ChikuForm(request.POST or None)
    if request.method == "POST":
        pk = request.POST.get("pk", "")
        if pk.isdigit():
            form.fields["code"].required = False
        if form.is_valid():
            try:
                chiku_save(
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    actor=actor_from_request(request),
                    pk=int(pk) if pk.isdigit() else None,
                )
            except JishoError as exc:
                for key, msgs in exc.errors.items():
                    for msg in msgs:
                        form.add_error(None if key == "__all__" else key, msg)
            else:
                messages.success(request, "地区を更新しました。")
                return redirect("/juminkiroku/jisho/chiku/")
    return TemplateResponse(
        request,
        "juminkiroku/jisho/chiku.html",
        {"form": form, "rows": Chiku.objects.order_by("code")},
    )


urlpatterns = [
    path("jisho/", jisho_list, name="juminkiroku_jisho"),
    path("jisho/new/", jisho_new, name="juminkiroku_jisho_new"),
    path("jisho/<int:pk>/", jisho_edit, name="juminkiroku_jisho_edit"),
    path("jisho/chiku/", chiku_list, name="juminkiroku_chiku"),
]
