"""介護保険 資格 screens: 被保険者の一覧 and search, a person's 資格 with its history and
the 届 (住所地特例, 他市町村の住所地特例者, 適用除外施設, 第2号被保険者の登録), the
介護保険被保険者証 one at a time and the mass print.

A person is looked up by 宛名番号 in a POST body (never in a URL); paths carry internal
ids. Every screen that shows a person writes its access-log row (``logs_reads``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.public import atena_resolve, person_identities, person_identity
from kaigo.forms.hihokenshasho import FORM_LABEL, cards, cards_render
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import IryoHoken, JogaiShisetsu, JutokuShisetsu, Shikaku
from kaigo.printjobs import HihokenshashoPrint, issuer_name
from kaigo.selectors.shikaku import bango_of, periods_of, periods_on, rireki_of, todoke_of
from kaigo.services.rorei import rorei_of
from kaigo.services.todoke import (
    TodokeRefused,
    dai2_register,
    jogai_nyusho,
    jogai_taisho,
    jutoku_nyusho,
    jutoku_taisho,
    tashi_jutoku_register,
    tashi_jutoku_taisho,
)
from kaigo.views.rorei import RoreiTorokuForm
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = KAIGO_HOKEN
RECORD_TYPE = "kaigo.Shikaku"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
KIND_CHOICES = [("nyusho", "入所"), ("taisho", "退所")]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class JutokuForm(forms.Form):
    kind = forms.ChoiceField(label="届出の種類", choices=KIND_CHOICES, widget=forms.RadioSelect)
    shisetsu_shurui = forms.ChoiceField(
        label="施設の種類（入所のとき）", choices=JutokuShisetsu.choices, required=False
    )
    shisetsu_name = TextField(label="施設の名称（入所のとき）", max_length=100, required=False)
    shozai_dantai_code = TextField(
        label="施設所在市町村の団体コード（入所のとき、6桁）", max_length=6, required=False
    )
    shozai_name = TextField(label="施設所在市町村（入所のとき）", max_length=40, required=False)
    jiyu_date = WarekiDateField(label="入所日・退所日", help_text=DATE_HELP)
    todoke_date = WarekiDateField(label="届出日", help_text=DATE_HELP)
    stays_there = forms.ChoiceField(
        label="退所後の住所（退所のとき）",
        choices=[("kannai", "町内に戻る"), ("soko", "施設所在市町村に住む")],
        required=False,
        widget=forms.RadioSelect,
    )


class TashiForm(forms.Form):
    kind = forms.ChoiceField(label="届出の種類", choices=KIND_CHOICES, widget=forms.RadioSelect)
    hokensha_dantai_code = TextField(
        label="保険者（市町村）の団体コード（入所のとき、6桁）", max_length=6, required=False
    )
    hokensha_name = TextField(label="保険者（市町村）（入所のとき）", max_length=40, required=False)
    shisetsu_shurui = forms.ChoiceField(
        label="施設の種類（入所のとき）", choices=JutokuShisetsu.choices, required=False
    )
    shisetsu_name = TextField(label="施設の名称（入所のとき）", max_length=100, required=False)
    jiyu_date = WarekiDateField(label="入所日・退所日", help_text=DATE_HELP)


class JogaiForm(forms.Form):
    kind = forms.ChoiceField(label="届出の種類", choices=KIND_CHOICES, widget=forms.RadioSelect)
    shisetsu_shurui = forms.ChoiceField(
        label="施設の種類（入所のとき）", choices=JogaiShisetsu.choices, required=False
    )
    shisetsu_name = TextField(label="施設の名称（入所のとき）", max_length=100, required=False)
    jiyu_date = WarekiDateField(label="入所日・退所日", help_text=DATE_HELP)


class Dai2Form(forms.Form):
    iryo_hoken = forms.ChoiceField(label="加入している医療保険", choices=IryoHoken.choices)
    shinsei_date = WarekiDateField(label="要介護認定の申請日", help_text=DATE_HELP)


class PrintForm(forms.Form):
    kofu_date = WarekiDateField(
        label="交付年月日（この日に第1号被保険者である方を印刷）", help_text=DATE_HELP
    )
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


# --- 被保険者の一覧 and the lookup --------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number},
        screen="kaigo.hihokensha_list",
    )
)
@require_http_methods(["GET", "POST"])
def hihokensha_list(request: HttpRequest) -> HttpResponse:
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        # By 宛名番号 in the body, so the number never sits in a URL.
        found = atena_resolve(lookup.cleaned_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        else:
            if found.message:
                messages.warning(request, found.message)
            return redirect("kaigo_person", pk=found.atena_id)
    today = timezone.localdate()
    page = Paginator(periods_on(today).order_by("atena_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    persons = person_identities(s.atena_id for s in rows)
    numbers = bango_of(s.atena_id for s in rows)
    return TemplateResponse(
        request,
        "kaigo/hihokensha_list.html",
        {
            "page": page,
            "rows": [(s, persons.get(s.atena_id), numbers.get(s.atena_id, "")) for s in rows],
            "today": today,
            "lookup": lookup,
        },
    )


# --- one person: 資格, 届 -----------------------------------------------------------------


def _person_context(atena_id: int) -> dict[str, Any]:
    person = person_identity(atena_id)
    if person is None:
        raise Http404("その方は見つかりません。")
    todoke = todoke_of(atena_id)
    return {
        "person": person,
        "atena_id": atena_id,
        "bango": bango_of([atena_id]).get(atena_id, ""),
        "periods": periods_of([atena_id]),
        "rireki": rireki_of([atena_id]),
        "jutoku": todoke.jutoku,
        "tashi": todoke.tashi,
        "jogai": todoke.jogai,
        "rorei": rorei_of(atena_id),
    }


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kaigo.person"))
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _person_context(pk)
    ctx.update(
        {
            "jutoku_form": JutokuForm(),
            "tashi_form": TashiForm(),
            "jogai_form": JogaiForm(),
            "dai2_form": Dai2Form(),
            "rorei_form": RoreiTorokuForm(),
            "can_write": _can_write(request),
            "form_label": FORM_LABEL,
        }
    )
    return TemplateResponse(request, "kaigo/person.html", ctx)


def _todoke(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("kaigo_person", pk=pk)
    try:
        done = act(form.cleaned_data)
    except TodokeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("kaigo_person", pk=pk)


def _needed(data: dict[str, Any], *keys: str) -> None:
    if any(not data.get(k) for k in keys):
        raise TodokeRefused("入所のときは施設の種類・名称と市町村を入力してください。")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_jutoku(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        if d["kind"] == "nyusho":
            _needed(d, "shisetsu_shurui", "shisetsu_name", "shozai_dantai_code", "shozai_name")
            jutoku_nyusho(
                atena_id=pk,
                shisetsu_shurui=d["shisetsu_shurui"],
                shisetsu_name=d["shisetsu_name"],
                shozai_dantai_code=d["shozai_dantai_code"],
                shozai_name=d["shozai_name"],
                nyusho_date=d["jiyu_date"],
                todoke_date=d["todoke_date"],
                actor=actor,
            )
            return "住所地特例を登録しました。転出しても当町の被保険者のままです。"
        jutoku_taisho(
            atena_id=pk,
            taisho_date=d["jiyu_date"],
            stays_there=d.get("stays_there") == "soko",
            actor=actor,
        )
        return "住所地特例の終了を登録しました。"

    return _todoke(request, pk, JutokuForm, act)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_tashi(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        if d["kind"] == "nyusho":
            _needed(d, "hokensha_dantai_code", "hokensha_name", "shisetsu_shurui", "shisetsu_name")
            tashi_jutoku_register(
                atena_id=pk,
                hokensha_dantai_code=d["hokensha_dantai_code"],
                hokensha_name=d["hokensha_name"],
                shisetsu_shurui=d["shisetsu_shurui"],
                shisetsu_name=d["shisetsu_name"],
                nyusho_date=d["jiyu_date"],
                actor=actor,
            )
            return "他市町村の住所地特例者として登録しました（当町の被保険者ではありません）。"
        tashi_jutoku_taisho(atena_id=pk, taisho_date=d["jiyu_date"], actor=actor)
        return "他市町村の住所地特例者の退所を登録しました。"

    return _todoke(request, pk, TashiForm, act)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_jogai(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        if d["kind"] == "nyusho":
            _needed(d, "shisetsu_shurui", "shisetsu_name")
            jogai_nyusho(
                atena_id=pk,
                shisetsu_shurui=d["shisetsu_shurui"],
                shisetsu_name=d["shisetsu_name"],
                nyusho_date=d["jiyu_date"],
                actor=actor,
            )
            return "適用除外施設の入所を登録しました。"
        jogai_taisho(atena_id=pk, taisho_date=d["jiyu_date"], actor=actor)
        return "適用除外施設の退所を登録しました。"

    return _todoke(request, pk, JogaiForm, act)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_dai2(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)

    def act(d: dict[str, Any]) -> str:
        dai2_register(
            atena_id=pk, iryo_hoken=d["iryo_hoken"], shinsei_date=d["shinsei_date"], actor=actor
        )
        return "第2号被保険者として登録しました。"

    return _todoke(request, pk, Dai2Form, act)


# --- 介護保険被保険者証 --------------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="kaigo.hihokenshasho_pdf",
    )
)
@require_GET
def hihokenshasho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 介護保険被保険者証, issued today (open periods only)."""
    shikaku = get_object_or_404(Shikaku, pk=pk, soshitsu_date__isnull=True, torikeshi=False)
    today = timezone.localdate()
    made = cards([shikaku], kofu_date=today)
    if not made:
        raise Http404("印刷できる資格がありません。")
    pdf = cards_render(made, issuer=issuer_name(), kofu_date=today)
    access_note(request, detail={"atena_ids": [shikaku.atena_id], "kubun": shikaku.kubun})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaigo_hihokenshasho_{shikaku.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def print_start(request: HttpRequest) -> HttpResponse:
    form = PrintForm(request.POST or None, initial={"kofu_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=HihokenshashoPrint.code,
                params={
                    "kofu_date": data["kofu_date"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(request, "kaigo/print.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path("", hihokensha_list, name="kaigo_hihokensha_list"),
    path("person/<int:pk>/", person, name="kaigo_person"),
    path("person/<int:pk>/jutoku/", todoke_jutoku, name="kaigo_todoke_jutoku"),
    path("person/<int:pk>/tashi/", todoke_tashi, name="kaigo_todoke_tashi"),
    path("person/<int:pk>/jogai/", todoke_jogai, name="kaigo_todoke_jogai"),
    path("person/<int:pk>/dai2/", todoke_dai2, name="kaigo_todoke_dai2"),
    path("shikaku/<int:pk>/hihokenshasho.pdf", hihokenshasho_pdf, name="kaigo_hihokenshasho_pdf"),
    path("print/", print_start, name="kaigo_print"),
]
