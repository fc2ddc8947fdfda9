"""Staff screens for the 住居表示・地番 (標準仕様書 1.3.2) and 方書 (1.3.4) masters, and the
candidates the 異動 entry form asks for (方書 4.0.7, 本籍 4.0.6).

The masters hold places, not persons: their pages show no personal data. The 本籍
candidates do (the household's 本籍・筆頭者): their reads are logged.
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
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Banchi, BanchiKubun, JushoJisho, Katagaki, Setai
from juminkiroku.selectors.jusho_kouho import honseki_kouho, katagaki_kouho
from juminkiroku.services.jisho import JishoError
from juminkiroku.services.jusho_master import (
    BanchiInput,
    KatagakiInput,
    banchi_save,
    katagaki_save,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import parse_wareki

PAGE_SIZE = 50


class BanchiForm(forms.Form):
    kubun = forms.ChoiceField(label="区分", choices=BanchiKubun.choices)
    hyoki = TextField(label="番地表記（例: 1番2号、123番地4）", max_length=60)
    valid_from = WarekiDateField(label="有効開始日", required=False)
    valid_to = WarekiDateField(label="有効終了日（廃止した日）", required=False)
    ato_jusho_code = TextField(
        label="実施後の住所コード（住居表示・区画整理）", max_length=20, required=False
    )
    ato_hyoki = TextField(label="実施後の番地表記", max_length=60, required=False)


def _banchi_input(d: dict[str, Any]) -> BanchiInput:
    return BanchiInput(
        d["kubun"], d["hyoki"], d["valid_from"], d["valid_to"], d["ato_jusho_code"], d["ato_hyoki"]
    )


class KatagakiForm(forms.Form):
    name = TextField(label="方書（アパート・マンション・寮等）", max_length=120)
    kana = TextField(label="フリガナ", max_length=200, required=False)
    banchi = forms.TypedChoiceField(label="番地", required=False, coerce=int, empty_value=None)
    valid_from = WarekiDateField(label="有効開始日", required=False)
    valid_to = WarekiDateField(label="有効終了日（廃止した日）", required=False)

    def __init__(self, *args: Any, jisho: JushoJisho, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["banchi"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "町字全体（番地なし）"),
            *Banchi.objects.filter(jisho=jisho).values_list("pk", "hyoki"),
        ]


class KatagakiSearchForm(forms.Form):
    q = TextField(label="方書・フリガナ（前方一致）", required=False, max_length=60)


def _errors_to_form(form: forms.Form, exc: JishoError) -> None:
    for key, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(key if key in form.fields else None, msg)


def _jisho(pk: int) -> JushoJisho:
    jisho = JushoJisho.objects.filter(pk=pk).first()
    if jisho is None:
        raise Http404
    return jisho


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@no_personal_data  # places; a write is logged by banchi_save
@require_http_methods(["GET", "POST"])
def banchi_list(request: HttpRequest, jisho_pk: int) -> HttpResponse:
    """The 住居表示・地番 of one 町字, sorted by their numeric codes, and the form to add one."""
    jisho = _jisho(jisho_pk)
    form = BanchiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            banchi_save(
                jisho=jisho,
                data=_banchi_input(d),
                actor=actor_from_request(request),
            )
        except JishoError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "番地を登録しました。")
            return redirect(f"/juminkiroku/jisho/{jisho.pk}/banchi/")
    return TemplateResponse(
        request,
        "juminkiroku/jisho/banchi.html",
        {
            "jisho": jisho,
            "form": form,
            "rows": Banchi.objects.filter(jisho=jisho).select_related("ato__jisho"),
            "katagaki": Katagaki.objects.filter(jisho=jisho).select_related("banchi"),
        },
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a place; the write is logged by banchi_save
@require_http_methods(["GET", "POST"])
def banchi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = Banchi.objects.select_related("jisho", "ato__jisho").filter(pk=pk).first()
    if row is None:
        raise Http404
    initial = {
        "kubun": row.kubun,
        "hyoki": row.hyoki,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "ato_jusho_code": row.ato.jisho.jusho_code if row.ato else "",
        "ato_hyoki": row.ato.hyoki if row.ato else "",
    }
    form = BanchiForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            banchi_save(
                jisho=row.jisho,
                data=_banchi_input(d),
                actor=actor_from_request(request),
                pk=row.pk,
            )
        except JishoError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "番地を修正しました。")
            return redirect(f"/juminkiroku/jisho/{row.jisho_id}/banchi/")
    return TemplateResponse(
        request,
        "juminkiroku/jisho/master_edit.html",
        {"form": form, "jisho": row.jisho, "title": "住居表示・地番の修正"},
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@no_personal_data  # 方書 are places (buildings)
@require_http_methods(["GET", "POST"])
def katagaki_list(request: HttpRequest) -> HttpResponse:
    form = KatagakiSearchForm(request.POST or None)
    qs = Katagaki.objects.select_related("jisho", "banchi").order_by(
        "jisho__jusho_code", "kana", "name"
    )
    if request.method == "POST" and form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        qs = qs.filter(Q(name__startswith=q) | Q(kana__startswith=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.POST.get("page") or 1)
    return TemplateResponse(
        request, "juminkiroku/jisho/katagaki.html", {"form": form, "page": page}
    )


def _katagaki_edit(request: HttpRequest, jisho: JushoJisho, row: Katagaki | None) -> HttpResponse:
    initial = (
        {
            "name": row.name,
            "kana": row.kana,
            "banchi": row.banchi_id or "",
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        if row
        else {}
    )
    form = KatagakiForm(request.POST or None, initial=initial, jisho=jisho)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            katagaki_save(
                jisho=jisho,
                data=KatagakiInput(
                    d["name"], d["kana"], d["banchi"], d["valid_from"], d["valid_to"]
                ),
                actor=actor_from_request(request),
                pk=row.pk if row else None,
            )
        except JishoError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, "方書を登録しました。" if row is None else "方書を修正しました。"
            )
            return redirect(f"/juminkiroku/jisho/{jisho.pk}/banchi/")
    title = "方書の修正" if row else "方書の登録"
    return TemplateResponse(
        request,
        "juminkiroku/jisho/master_edit.html",
        {"form": form, "jisho": jisho, "title": title},
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a building; the write is logged by katagaki_save
@require_http_methods(["GET", "POST"])
def katagaki_new(request: HttpRequest, jisho_pk: int) -> HttpResponse:
    return _katagaki_edit(request, _jisho(jisho_pk), None)


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a building; the write is logged by katagaki_save
@require_http_methods(["GET", "POST"])
def katagaki_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = Katagaki.objects.select_related("jisho").filter(pk=pk).first()
    if row is None:
        raise Http404
    return _katagaki_edit(request, row.jisho, row)


# --- candidates for the 異動 entry form (htmx; the form is POSTed, nothing in the URL) ---


def _ido_date(request: HttpRequest) -> Any:
    try:
        return parse_wareki(request.POST.get("ido_date", ""))
    except ValueError:
        return timezone.localdate()


def _prefix(request: HttpRequest) -> str:
    """``c-``, ``n3-`` or ``m42-``: the part of the field's name before the item."""
    key = request.POST.get("kouho_for", "")
    head, sep, _item = key.rpartition("-")
    if not sep or not (head == "c" or (head[:1] in "nm" and head[1:].isdigit())):
        raise Http404
    return head + "-"


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE)
@no_personal_data  # 方書 of the master for the address typed: places
@require_POST
def katagaki_kouho_view(request: HttpRequest) -> HttpResponse:
    """方書入力補助 (4.0.7): ``<option>``s for the 方書 field's datalist."""
    prefix = _prefix(request)
    post = request.POST
    # The address is common to the form (c-) or typed for the person (m<pk>-).
    src = prefix if f"{prefix}banchi" in post else "c-"
    rows = katagaki_kouho(
        jusho_code=post.get(f"{src}jusho_code", ""),
        jusho=post.get(f"{src}jusho", ""),
        banchi=post.get(f"{src}banchi", ""),
        on=_ido_date(request),
    )
    return TemplateResponse(
        request,
        "juminkiroku/jisho/_kouho.html",
        {"options": [(r.name, f"{r.banchi.hyoki if r.banchi else '町字全体'}") for r in rows]},
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="本籍入力補助", shown="options"))
@require_POST
def honseki_kouho_view(request: HttpRequest) -> HttpResponse:
    """本籍入力補助 (4.0.6): ``<option>``s for the 本籍 (or 筆頭者) field's datalist."""
    prefix = _prefix(request)
    post = request.POST
    item = post.get("kouho_for", "").rpartition("-")[2]
    kind = prefix[0]
    setai: Setai | None = None
    genjusho = tennyu_mae = ""
    if kind == "m":
        person = Atena.objects.filter(pk=int(prefix[1:-1])).select_related("setai").first()
        if person is None:
            raise Http404
        genjusho = f"{person.jusho}{person.banchi}"
        tennyu_mae = person.tennyu_mae_jusho
        setai = person.setai
    else:
        genjusho = f"{post.get('c-jusho', '')}{post.get('c-banchi', '')}"
        tennyu_mae = post.get("c-tennyu_mae_jusho", "")
        if post.get("setai_mode") == "existing" and post.get("setai_no", "").strip():
            setai = Setai.objects.filter(setai_no=post["setai_no"].strip()).first()
    typed = [
        (post.get(k, ""), post.get(k[: -len("honseki")] + "hittosha", ""))
        for k in post
        if k.endswith("-honseki") and k[:1] == kind and not k.startswith(prefix)
    ]
    found, atena_ids = honseki_kouho(
        genjusho=genjusho, tennyu_mae=tennyu_mae, setai=setai, typed=typed
    )
    if item == "hittosha":
        options = [(k.hittosha, f"{k.source}の筆頭者") for k in found if k.hittosha]
    else:
        options = [
            (k.honseki, f"{k.source}{'（筆頭者 ' + k.hittosha + '）' if k.hittosha else ''}")
            for k in found
        ]
    return TemplateResponse(
        request,
        "juminkiroku/jisho/_kouho.html",
        {"options": options, "atena_ids": atena_ids},
    )


urlpatterns = [
    path("jisho/<int:jisho_pk>/banchi/", banchi_list, name="juminkiroku_banchi"),
    path("jisho/banchi/<int:pk>/", banchi_edit, name="juminkiroku_banchi_edit"),
    path("jisho/katagaki/", katagaki_list, name="juminkiroku_katagaki"),
    path("jisho/<int:jisho_pk>/katagaki/new/", katagaki_new, name="juminkiroku_katagaki_new"),
    path("jisho/katagaki/<int:pk>/", katagaki_edit, name="juminkiroku_katagaki_edit"),
    path("ido/kouho/katagaki/", katagaki_kouho_view, name="jk_kouho_katagaki"),
    path("ido/kouho/honseki/", honseki_kouho_view, name="jk_kouho_honseki"),
]
