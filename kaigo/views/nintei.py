"""要介護認定 screens: the list of 申請 (filtered by state, paged), a person's 申請 and the
form for a new one, the case page with each step's form in its order and the history,
the 認定結果通知書 (PDF), and the 更新申請 reminder list.

Paths carry internal ids only; a person is reached from the 資格 screen (looked up by
宛名番号 in a POST body). Every screen that shows a person writes its access-log row.
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
from django.views.decorators.http import require_GET, require_POST

from juminkiroku.public import person_identities, person_identity
from kaigo.forms.nintei_tsuchi import FORM_LABEL as TSUCHI_LABEL
from kaigo.forms.nintei_tsuchi import kekka_tsuchi_render
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import (
    Daiko,
    IryoHoken,
    KoshinYokoku,
    Nintei,
    NinteiShinsei,
    ShinseiKubun,
    ShinseiStatus,
    TokuteiShippei,
    YokaigoKubun,
)
from kaigo.printjobs import issuer_name
from kaigo.rules.nintei import NinteiParameters, ParamsByNendo, ShoriKikan, shori_kikan
from kaigo.selectors.nintei import koshin_due, rireki_of_shinsei, shinsei_list, shinsei_of
from kaigo.services.nintei import (
    NinteiRefused,
    chosa_record,
    enki_tsuchi,
    ikensho_irai,
    ikensho_juryo,
    nintei_kettei,
    shinsakai_record,
    shinsei_end,
    shinsei_register,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = KAIGO_HOKEN
RECORD_TYPE = "kaigo.NinteiShinsei"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
BLANK = [("", "（なし）")]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class StatusFilter(forms.Form):
    status = forms.ChoiceField(
        label="状態", choices=[("", "すべて"), *ShinseiStatus.choices], required=False
    )


class ShinseiForm(forms.Form):
    shinsei_kubun = forms.ChoiceField(label="申請の種類", choices=ShinseiKubun.choices)
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    daiko = forms.ChoiceField(label="申請者（代行）", choices=Daiko.choices)
    daikosha_name = TextField(
        label="代行した方の名称（事業者名・続柄など。本人のときは空）",
        max_length=100,
        required=False,
    )
    tokutei_shippei = forms.ChoiceField(
        label="特定疾病（第2号被保険者のとき）",
        choices=BLANK + TokuteiShippei.choices,
        required=False,
    )
    iryo_hoken = forms.ChoiceField(
        label="加入している医療保険（第2号被保険者として初めて登録するとき）",
        choices=BLANK + IryoHoken.choices,
        required=False,
    )


class ChosaForm(forms.Form):
    chosa_date = WarekiDateField(label="調査日", help_text=DATE_HELP)
    chosain = TextField(label="調査員", max_length=60)
    chosa_kekka = TextField(
        label="基本調査の結果（調査票の内容を入力）",
        multiline=True,
        required=False,
        max_length=4000,
    )
    ichiji_hantei = forms.ChoiceField(
        label="一次判定の結果（判定ソフトの結果を入力）",
        choices=BLANK + YokaigoKubun.choices,
        required=False,
    )


class IkenshoIraiForm(forms.Form):
    irai_date = WarekiDateField(label="意見書の依頼日", help_text=DATE_HELP)
    ishi_name = TextField(label="主治医", max_length=60)
    iryo_kikan = TextField(label="医療機関", max_length=100)


class IkenshoJuryoForm(forms.Form):
    juryo_date = WarekiDateField(label="意見書の受領日", help_text=DATE_HELP)


class ShinsakaiForm(forms.Form):
    gogitai = TextField(label="合議体", max_length=40)
    kaisai_date = WarekiDateField(label="開催日", help_text=DATE_HELP)
    hantei = forms.ChoiceField(label="判定（要介護状態区分等）", choices=YokaigoKubun.choices)
    yuko_months = forms.IntegerField(
        label="有効期間（月数。空なら原則の月数）", min_value=1, max_value=48, required=False
    )
    iken = TextField(label="審査会の意見", multiline=True, required=False, max_length=2000)


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)


class EnkiForm(forms.Form):
    tsuchi_date = WarekiDateField(label="延期通知日", help_text=DATE_HELP)
    riyu = TextField(label="延期の理由（処理見込期間を含めて）", max_length=200)


class EndForm(forms.Form):
    kind = forms.ChoiceField(
        label="種類",
        choices=[(ShinseiStatus.TORISAGE, "取下げ"), (ShinseiStatus.KYAKKA, "却下")],
        widget=forms.RadioSelect,
    )
    day = WarekiDateField(label="取下げ・却下の日", help_text=DATE_HELP)
    riyu = TextField(label="理由", max_length=200)


def _kikan(s: NinteiShinsei, today: Any, params: ParamsByNendo | None = None) -> ShoriKikan:
    """The 30-day rule (法第27条第11項) for one 申請: decided, ended or still open today."""
    try:
        ended: Any = s.nintei.kettei_date
    except Nintei.DoesNotExist:
        ended = None if s.is_open else s.shuryo_date
    return shori_kikan(
        s.shinsei_date,
        kettei_date=ended,
        enki_tsuchi_date=s.enki_tsuchi_date,
        today=today,
        params=(params or ParamsByNendo())(s.shinsei_date),
    )


# --- 申請の一覧 ------------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number, "status": ctx["status"]},
        screen="kaigo.nintei_list",
    )
)
@require_GET
def nintei_list(request: HttpRequest) -> HttpResponse:
    filt = StatusFilter(request.GET or None)
    status = filt.cleaned_data["status"] if filt.is_bound and filt.is_valid() else ""
    page = Paginator(shinsei_list(status or None).select_related("nintei"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    persons = person_identities(s.atena_id for s in rows)
    today = timezone.localdate()
    params = ParamsByNendo()
    return TemplateResponse(
        request,
        "kaigo/nintei/list.html",
        {
            "page": page,
            "status": status,
            "filter": filt if filt.is_bound else StatusFilter(),
            "rows": [(s, persons.get(s.atena_id), _kikan(s, today, params)) for s in rows],
        },
    )


# --- 個人の申請 -------------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kaigo.nintei_person"))
@require_GET
def nintei_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_identity(pk)
    if person is None:
        raise Http404("その方は見つかりません。")
    today = timezone.localdate()
    rows = shinsei_of(pk)
    params = ParamsByNendo()
    return TemplateResponse(
        request,
        "kaigo/nintei/person.html",
        {
            "person": person,
            "atena_id": pk,
            "rows": [(s, _kikan(s, today, params)) for s in rows],
            "form": ShinseiForm(initial={"shinsei_date": today, "daiko": Daiko.HONNIN}),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then to the case page
@require_POST
def nintei_shinsei_new(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = ShinseiForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kaigo_nintei_person", pk=pk)
    d = form.cleaned_data
    try:
        row = shinsei_register(
            atena_id=pk,
            shinsei_kubun=d["shinsei_kubun"],
            shinsei_date=d["shinsei_date"],
            daiko=d["daiko"],
            daikosha_name=d.get("daikosha_name") or "",
            tokutei_shippei=d.get("tokutei_shippei") or "",
            iryo_hoken=d.get("iryo_hoken") or "",
            actor=actor_from_request(request),
        )
    except NinteiRefused as exc:
        messages.error(request, str(exc))
        return redirect("kaigo_nintei_person", pk=pk)
    messages.success(request, "申請を受け付けました。")
    return redirect("kaigo_nintei_case", pk=row.pk)


# --- 申請の手続（ケース） --------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_id", screen="kaigo.nintei_case"))
@require_GET
def nintei_case(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(NinteiShinsei.objects.select_related("mae_nintei"), pk=pk)
    person = person_identity(row.atena_id)
    nintei = Nintei.objects.filter(shinsei=row).first()
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "kaigo/nintei/case.html",
        {
            "s": row,
            "atena_id": row.atena_id,
            "person": person,
            "nintei": nintei,
            "kikan": _kikan(row, today),
            "rireki": rireki_of_shinsei(row.pk),
            "can_write": _can_write(request) and row.is_open,
            "before_shinsakai": row.status in (ShinseiStatus.UKETSUKE, ShinseiStatus.SHINSA_MACHI),
            "chosa_form": ChosaForm(),
            "irai_form": IkenshoIraiForm(),
            "juryo_form": IkenshoJuryoForm(),
            "shinsakai_form": ShinsakaiForm(),
            "kettei_form": KetteiForm(initial={"kettei_date": today}),
            "enki_form": EnkiForm(),
            "end_form": EndForm(),
            "tsuchi_label": TSUCHI_LABEL,
        },
    )


def _step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    get_object_or_404(NinteiShinsei, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kaigo_nintei_case", pk=pk)
    try:
        done = act(form.cleaned_data)
    except NinteiRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("kaigo_nintei_case", pk=pk)


def _write_view(
    form_class: type[forms.Form], act: Callable[[int, dict[str, Any], Any], str]
) -> Callable[[HttpRequest, int], HttpResponse]:
    @gyomu_view(GYOMU, level=RoleLevel.WRITE)
    @no_personal_data  # a write (logged by its service), then back to the case page
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        actor = actor_from_request(request)
        return _step(request, pk, form_class, lambda d: act(pk, d, actor))

    return view


def _chosa(pk: int, d: dict[str, Any], actor: Any) -> str:
    chosa_record(
        shinsei_id=pk,
        chosa_date=d["chosa_date"],
        chosain=d["chosain"],
        chosa_kekka=d.get("chosa_kekka") or "",
        ichiji_hantei=d.get("ichiji_hantei") or "",
        actor=actor,
    )
    return "認定調査の結果を登録しました。"


def _irai(pk: int, d: dict[str, Any], actor: Any) -> str:
    ikensho_irai(
        shinsei_id=pk,
        irai_date=d["irai_date"],
        ishi_name=d["ishi_name"],
        iryo_kikan=d["iryo_kikan"],
        actor=actor,
    )
    return "主治医意見書の依頼を登録しました。"


def _juryo(pk: int, d: dict[str, Any], actor: Any) -> str:
    ikensho_juryo(shinsei_id=pk, juryo_date=d["juryo_date"], actor=actor)
    return "主治医意見書の受領を登録しました。"


def _shinsakai(pk: int, d: dict[str, Any], actor: Any) -> str:
    shinsakai_record(
        shinsei_id=pk,
        gogitai=d["gogitai"],
        kaisai_date=d["kaisai_date"],
        hantei=d["hantei"],
        yuko_months=d.get("yuko_months"),
        iken=d.get("iken") or "",
        actor=actor,
    )
    return "介護認定審査会の判定を登録しました。"


def _kettei(pk: int, d: dict[str, Any], actor: Any) -> str:
    nintei_kettei(shinsei_id=pk, kettei_date=d["kettei_date"], actor=actor)
    return "認定を決定しました。結果通知書を印刷してください。"


def _enki(pk: int, d: dict[str, Any], actor: Any) -> str:
    enki_tsuchi(shinsei_id=pk, tsuchi_date=d["tsuchi_date"], riyu=d["riyu"], actor=actor)
    return "延期の通知を登録しました。"


def _end(pk: int, d: dict[str, Any], actor: Any) -> str:
    shinsei_end(shinsei_id=pk, kind=d["kind"], day=d["day"], riyu=d["riyu"], actor=actor)
    return "申請を取下げ・却下として終えました。"


nintei_chosa = _write_view(ChosaForm, _chosa)
nintei_ikensho_irai = _write_view(IkenshoIraiForm, _irai)
nintei_ikensho_juryo = _write_view(IkenshoJuryoForm, _juryo)
nintei_shinsakai = _write_view(ShinsakaiForm, _shinsakai)
nintei_kettei_view = _write_view(KetteiForm, _kettei)
nintei_enki = _write_view(EnkiForm, _enki)
nintei_end = _write_view(EndForm, _end)


# --- 認定結果通知書 -------------------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="kaigo.nintei_tsuchi_pdf")
)
@require_GET
def nintei_tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    nintei = get_object_or_404(Nintei.objects.select_related("shinsei"), shinsei_id=pk)
    pdf = kekka_tsuchi_render(nintei, issuer=issuer_name(), hakko_date=timezone.localdate())
    if pdf is None:
        raise Http404("印刷できる宛名がありません。")
    access_note(request, detail={"atena_ids": [nintei.atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaigo_nintei_kekka_{pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- 更新申請の勧奨 -------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number, "days": ctx["days"]},
        screen="kaigo.nintei_yokoku",
    )
)
@require_GET
def nintei_yokoku(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    days = NinteiParameters.for_date(today).koshin_kansho_nissu
    page = Paginator(koshin_due(today, days), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    persons = person_identities(n.atena_id for n in rows)
    found = dict(KoshinYokoku.objects.filter(nintei__in=rows).values_list("nintei_id", "found_on"))
    return TemplateResponse(
        request,
        "kaigo/nintei/yokoku.html",
        {
            "page": page,
            "days": days,
            "today": today,
            "rows": [(n, persons.get(n.atena_id), found.get(n.pk)) for n in rows],
        },
    )


urlpatterns: list[URLPattern] = [
    path("nintei/", nintei_list, name="kaigo_nintei_list"),
    path("nintei/yokoku/", nintei_yokoku, name="kaigo_nintei_yokoku"),
    path("nintei/person/<int:pk>/", nintei_person, name="kaigo_nintei_person"),
    path("nintei/person/<int:pk>/shinsei/", nintei_shinsei_new, name="kaigo_nintei_shinsei"),
    path("nintei/<int:pk>/", nintei_case, name="kaigo_nintei_case"),
    path("nintei/<int:pk>/chosa/", nintei_chosa, name="kaigo_nintei_chosa"),
    path("nintei/<int:pk>/ikensho/irai/", nintei_ikensho_irai, name="kaigo_nintei_ikensho_irai"),
    path("nintei/<int:pk>/ikensho/juryo/", nintei_ikensho_juryo, name="kaigo_nintei_ikensho_juryo"),
    path("nintei/<int:pk>/shinsakai/", nintei_shinsakai, name="kaigo_nintei_shinsakai"),
    path("nintei/<int:pk>/kettei/", nintei_kettei_view, name="kaigo_nintei_kettei"),
    path("nintei/<int:pk>/enki/", nintei_enki, name="kaigo_nintei_enki"),
    path("nintei/<int:pk>/end/", nintei_end, name="kaigo_nintei_end"),
    path("nintei/<int:pk>/kekka.pdf", nintei_tsuchi_pdf, name="kaigo_nintei_tsuchi_pdf"),
]
