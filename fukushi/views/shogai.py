"""障害者手帳 screens (issue 21 item 1), mounted at /fukushi/shogaisha-fukushi/.

要配慮個人情報, walled as 生活保護 is (fukushi/views/seiho.py): beside the 業務 role every
screen that shows or touches a 手帳 needs the grant ``fukushi.grants_shogai.SHOGAI_TECHO``.
Without it a 手帳 URL answers 404 whether the 手帳 exists or not and the first screen shows no
search, list or count. With it, a 手帳 opens only after the clerk has entered the 利用目的
(kept a while: fukushi.views.purpose), and every read writes its access-log row with
that purpose. Search criteria travel in POST bodies, never in URLs.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.grants_shogai import SHOGAI_TECHO
from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import ShogaiTecho, TechoJotai, TechoKind
from fukushi.selectors.shogai import seishin_expiring, techo_query, techo_rows, techo_view
from fukushi.services.shogai import (
    TechoInput,
    TechoRefused,
    bui_labels,
    ryoiku_teido,
    techo_henkan,
    techo_kofu,
    techo_koshin,
    techo_saikofu,
    techo_tokyu_henko,
)
from fukushi.views.purpose import PurposeSession
from juminkiroku.public import atena_resolve
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import (
    Reads,
    access_note,
    access_refusal,
    logged_by_service,
    logs_reads,
    no_personal_data,
)
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.grants.selectors import has_grant
from tenants.models import RoleLevel

GYOMU = SHOGAISHA_FUKUSHI
RECORD_TYPE = "fukushi.ShogaiTecho"
PURPOSE = PurposeSession("fukushi_shogai_mokuteki")
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
NOT_FOUND = "ページが見つかりません。"
M = TypeVar("M", bound=Model)


# --- the wall ---------------------------------------------------------------------------------


def may_see_techo(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and has_grant(user.pk, SHOGAI_TECHO))


def techo_wall(request: HttpRequest) -> None:
    """404 for a clerk without the grant, whether the record asked for exists or not (the
    手帳, the 手当 and the 自立支援給付 screens share it)."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)


def walled_get(request: HttpRequest, records: QuerySet[M], pk: int) -> M:
    """The record ``pk`` of ``records`` behind the wall: 404 without the grant and 404 for a
    record not found, so a clerk without the grant cannot tell the two apart (the 手帳, 手当,
    自立支援給付, 通所, 高額 screens share it)."""
    techo_wall(request)
    found = records.filter(pk=pk).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _techo(request: HttpRequest, pk: int) -> ShogaiTecho:
    return walled_get(request, ShogaiTecho.objects.all(), pk)


def may_write(request: HttpRequest) -> bool:
    """The clerk holds the 障害者福祉 業務's write role (the 手帳, 手当, 自立支援給付, 通所 and
    高額 screens share the 業務)."""
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


# --- forms ------------------------------------------------------------------------------------

KIND_CHOICES = [("", "（すべて）"), *TechoKind.choices]


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この手帳を開く目的（例: 等級変更の申請の受付）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    atena_no = TextField(label="宛名番号", max_length=12, required=False)
    kind = forms.ChoiceField(label="手帳の種類", choices=KIND_CHOICES, required=False)
    techo_bango = TextField(label="手帳番号", max_length=20, required=False)
    include_closed = forms.BooleanField(label="返還・失効・転出の手帳を含める", required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ExpiringForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, initial="更新の案内")
    months = forms.IntegerField(
        label="何か月先までの有効期限", min_value=1, max_value=24, initial=3
    )


class KofuForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)
    kind = forms.ChoiceField(label="手帳の種類", choices=TechoKind.choices)
    techo_bango = TextField(label="手帳番号", max_length=20)
    tokyu = TextField(
        label="等級・程度",
        max_length=10,
        help_text="身体は1〜6（級）、精神は1〜3（級）、療育はこの町の程度の区分（例 A1）。",
    )
    bui = forms.MultipleChoiceField(
        label="障害の部位（身体のみ）", required=False, widget=forms.CheckboxSelectMultiple
    )
    kofu_date = WarekiDateField(label="交付日", help_text=DATE_HELP)
    yuko_kigen = WarekiDateField(
        label="有効期限（精神のみ）",
        required=False,
        help_text="空のときは交付日から2年を経過する月の末日。" + DATE_HELP,
    )
    riyu = TextField(label="摘要", max_length=200, required=False)

    def __init__(self, *args: Any, day: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bui"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(bui_labels(day).items())
        teido = ryoiku_teido(day)
        self.fields[
            "tokyu"
        ].help_text = (
            f"身体は1〜6（級）、精神は1〜3（級）、療育は {'・'.join(teido)}（この町の区分）。"
        )


IDO_CHOICES = [
    ("saikofu", "再交付"),
    ("tokyu_henko", "等級変更"),
    ("koshin", "更新（精神）"),
    ("henkan", "返還"),
]


class IdoForm(forms.Form):
    ido = forms.ChoiceField(label="処理", choices=IDO_CHOICES, widget=forms.RadioSelect)
    jiyu_date = WarekiDateField(label="年月日", help_text=DATE_HELP)
    tokyu = TextField(label="変更後の等級・程度", max_length=10, required=False)
    techo_bango = TextField(label="新しい手帳番号（再交付）", max_length=20, required=False)
    riyu = TextField(label="理由", max_length=200, required=False)


def _add_errors(form: forms.Form, exc: TechoRefused) -> None:
    for field, msg in exc.errors:
        form.add_error(field if field in form.fields else None, msg)


# --- screens ----------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.shogai_search"
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The 業務's first screen: for holders of the grant, the 手帳 search (purpose first,
    paged); for others a notice only: no list, no count."""
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = techo_query(
            atena_no=d.get("atena_no") or "",
            kind=d.get("kind") or "",
            techo_bango=d.get("techo_bango") or "",
            include_closed=bool(d.get("include_closed")),
        )
        page = Paginator(list(qs) if qs is not None else [], PAGE_SIZE).get_page(d.get("page") or 1)
        results = techo_rows(list(page.object_list))
        for r in results:
            PURPOSE.put(request, r.pk, d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/shogai/top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.shogai_kigen"
    )
)
@require_http_methods(["GET", "POST"])
def expiring(request: HttpRequest) -> HttpResponse:
    """精神障害者保健福祉手帳 whose 有効期限 comes within the next N months (更新の案内)."""
    techo_wall(request)
    form = ExpiringForm(request.POST or None)
    ctx: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        today = timezone.localdate()
        m = today.month - 1 + d["months"]
        until_first = date(today.year + m // 12, m % 12 + 1, 1)
        until = until_first.replace(day=calendar.monthrange(until_first.year, until_first.month)[1])
        results = techo_rows(seishin_expiring(today, until))
        for r in results:
            PURPOSE.put(request, r.pk, d["mokuteki"])
        ctx.update(results=results, until=until)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/shogai/expiring.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the 手帳 is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _techo(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_shogai_techo", pk=pk)
    return TemplateResponse(request, "fukushi/shogai/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="v", screen="fukushi.shogai_techo"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _techo(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shogai_mokuteki", kwargs={"pk": pk}))
    v = techo_view(t)
    access_note(request, purpose=purpose, detail={"atena_ids": [t.atena_id]})
    ctx = {
        "v": v,
        "can_write": may_write(request) and t.jotai == TechoJotai.YUKO,
        "ido_form": IdoForm(initial={"jiyu_date": timezone.localdate(), "tokyu": t.tokyu}),
    }
    return TemplateResponse(request, "fukushi/shogai/detail.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
# shows no person (the 交付 is logged by its service); a refused 照会 writes a row here
@logs_reads(Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.shogai_kofu"))
@require_http_methods(["GET", "POST"])
def kofu(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    today = timezone.localdate()
    form = KofuForm(request.POST or None, day=today, initial={"kofu_date": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        found = atena_resolve(d["atena_no"])
        if not found.found or found.atena_id is None:
            if found.atena_id is not None:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
                )
            form.add_error("atena_no", found.message or "その宛名番号の方は見つかりません。")
        else:
            try:
                t = techo_kofu(
                    TechoInput(
                        atena_id=found.atena_id,
                        kind=d["kind"],
                        techo_bango=d["techo_bango"],
                        tokyu=d["tokyu"].strip().upper(),
                        kofu_date=d["kofu_date"],
                        bui=tuple(d.get("bui") or ()),
                        yuko_kigen=d.get("yuko_kigen"),
                        riyu=d.get("riyu") or "",
                    ),
                    actor=actor_from_request(request),
                )
            except TechoRefused as exc:
                _add_errors(form, exc)
            else:
                PURPOSE.put(request, t.pk, "手帳の交付")
                messages.success(request, "手帳の交付を登録しました。")
                return redirect("fukushi_shogai_techo", pk=t.pk)
    return TemplateResponse(request, "fukushi/shogai/kofu.html", {"form": form})


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the write's service logs it; the answer is a redirect
@require_POST
def ido(request: HttpRequest, pk: int) -> HttpResponse:
    t = _techo(request, pk)
    if not PURPOSE.get(request, pk):
        return redirect(reverse("fukushi_shogai_mokuteki", kwargs={"pk": pk}))
    form = IdoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        actor = actor_from_request(request)
        tokyu = (d.get("tokyu") or "").strip().upper()
        riyu = d.get("riyu") or ""
        try:
            if d["ido"] == "saikofu":
                techo_saikofu(
                    pk=pk, day=d["jiyu_date"], techo_bango=d.get("techo_bango") or "", riyu=riyu,
                    actor=actor,
                )  # fmt: skip
            elif d["ido"] == "tokyu_henko":
                techo_tokyu_henko(
                    pk=pk, day=d["jiyu_date"], tokyu=tokyu, bui=None, riyu=riyu, actor=actor
                )
            elif d["ido"] == "koshin":
                techo_koshin(
                    pk=pk, day=d["jiyu_date"], tokyu=tokyu or t.tokyu, riyu=riyu, actor=actor
                )
            else:
                techo_henkan(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
        except TechoRefused as exc:
            for _, msg in exc.errors:
                messages.error(request, msg)
        else:
            messages.success(request, "登録しました。")
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    return redirect("fukushi_shogai_techo", pk=pk)


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/shogaisha-fukushi/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("", top, name="fukushi_shogai_top"),
    path("kigen/", expiring, name="fukushi_shogai_kigen"),
    path("kofu/", kofu, name="fukushi_shogai_kofu"),
    path("techo/<int:pk>/", detail, name="fukushi_shogai_techo"),
    path("techo/<int:pk>/mokuteki/", mokuteki, name="fukushi_shogai_mokuteki"),
    path("techo/<int:pk>/ido/", ido, name="fukushi_shogai_ido"),
]
