"""自立支援給付 screens (障害福祉サービスの支給決定、補装具費・日常生活用具), mounted at
/fukushi/jiritsu-shien/ under the 障害者福祉 業務.

要配慮個人情報, walled as the 障害者手帳 are (fukushi/views/shogai.py): beside the 業務 role every
screen that shows or touches a record needs the grant ``SHOGAI_TECHO``; without it a record URL
answers 404 whether it exists or not, the first screen shows no search, list or count, and the
payment file is 404. A record opens only after the clerk has entered the 利用目的 (kept in the
session for 30 minutes) and every read writes its access-log row with it. Search criteria
travel in POST bodies, never in URLs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import (
    JiritsuJotai,
    JiritsuKettei,
    YoguHoho,
    YoguJotai,
    YoguKind,
    YoguKyufu,
    YoguShiharai,
)
from fukushi.printjobs_jiritsu import jukyushasho_render, yogu_tsuchi_render
from fukushi.rules.jiritsu import KUBUN_LABELS, SHIEN_KUBUN
from fukushi.services.jiritsu import (
    JiritsuRefused,
    KetteiInput,
    jiritsu_henko,
    jiritsu_kettei,
    jiritsu_koshin,
    jiritsu_kyakka,
    jiritsu_nintei,
    jiritsu_shinsei,
    jiritsu_torikeshi,
    service_kinds,
    tani_words,
)
from fukushi.services.jiritsu_yogu import (
    YoguInput,
    yogu_furikomi_file,
    yogu_kettei,
    yogu_shiharai,
    yogu_shinsei,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo, may_write, techo_wall, walled_get
from juminkiroku.public import AtenaLookup, atena_resolve, person_identities
from tenants import zengin
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
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = SHOGAISHA_FUKUSHI
RECORD_TYPE = "fukushi.JiritsuKettei"
YOGU_TYPE = "fukushi.YoguKyufu"
PURPOSES = {
    RECORD_TYPE: PurposeSession("fukushi_jiritsu_mokuteki"),
    YOGU_TYPE: PurposeSession("fukushi_yogu_mokuteki"),
}
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
NOT_FOUND = "ページが見つかりません。"


# --- the wall and the purpose -----------------------------------------------------------------


def _kettei(request: HttpRequest, pk: int) -> JiritsuKettei:
    return walled_get(request, JiritsuKettei.objects.select_related("nintei"), pk)


def _yogu(request: HttpRequest, pk: int) -> YoguKyufu:
    return walled_get(request, YoguKyufu.objects.all(), pk)


def mokuteki_of(request: HttpRequest, kind: str, pk: int) -> str:
    return PURPOSES[kind].get(request, pk)


def mokuteki_set(request: HttpRequest, kind: str, pk: int, purpose: str) -> None:
    PURPOSES[kind].put(request, pk, purpose)


def _resolve(request: HttpRequest, form: forms.Form, field: str) -> int | None:
    """The 宛名 id of the 宛名番号 in ``field``; a refused 照会 is logged, an error added."""
    found: AtenaLookup = atena_resolve(form.cleaned_data[field])
    if not found.found or found.atena_id is None:
        if found.atena_id is not None:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
            )
        form.add_error(field, found.message or "その宛名番号の方は見つかりません。")
        return None
    return found.atena_id


def _add_errors(form: forms.Form, exc: JiritsuRefused) -> None:
    for field, msg in exc.errors:
        form.add_error(field if field in form.fields else None, msg)


def _flash(request: HttpRequest, exc: JiritsuRefused) -> None:
    for _, msg in exc.errors:
        messages.error(request, msg)


# --- forms ------------------------------------------------------------------------------------


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この記録を開く目的（例: 支給量の変更の受付）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    atena_no = TextField(label="宛名番号", max_length=12, required=False)
    jukyusha_bango = TextField(label="受給者証番号", max_length=10, required=False)
    include_closed = forms.BooleanField(label="却下・取消を含める", required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ShinseiForm(forms.Form):
    atena_no = TextField(label="宛名番号（本人）", max_length=12)
    haigusha_atena_no = TextField(
        label="配偶者の宛名番号",
        max_length=12,
        required=False,
        help_text="負担上限月額は本人と配偶者の市町村民税で判定します。配偶者がいなければ空。",
    )
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class NinteiForm(forms.Form):
    kubun = forms.ChoiceField(label="障害支援区分", choices=list(SHIEN_KUBUN.items()))
    nintei_date = WarekiDateField(label="認定日（有効期間の開始日）", help_text=DATE_HELP)


class KetteiForm(forms.Form):
    """The 支給決定: one 支給量 field per service kind of the year (blank: not given)."""

    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    kaishi = WarekiDateField(label="支給決定期間の開始日", help_text=DATE_HELP)
    shuryo = WarekiDateField(label="支給決定期間の終了日", help_text=DATE_HELP)

    def __init__(self, *args: Any, day: date, initial_services: dict[str, int] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for code, spec in service_kinds(day).items():
            self.fields[f"svc_{code}"] = forms.IntegerField(
                label=f"{spec['name']}（{tani_words(str(spec.get('tani')))}）",
                min_value=0,
                max_value=744,
                required=False,
                initial=(initial_services or {}).get(code),
            )

    def services(self) -> dict[str, int]:
        return {
            name.removeprefix("svc_"): int(v)
            for name, v in self.cleaned_data.items()
            if name.startswith("svc_") and v
        }


class HenkoForm(KetteiForm):
    """変更: the new 支給量 of every service from ``kettei_date`` (the 変更日)."""

    riyu = TextField(label="変更の理由", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kaishi"]
        del self.fields["shuryo"]
        self.fields["kettei_date"].label = "変更日"


IDO_CHOICES = [
    ("koshin", "更新（次の支給決定期間）"),
    ("torikeshi", "取消"),
    ("kyakka", "申請の却下"),
]


class IdoForm(forms.Form):
    ido = forms.ChoiceField(label="処理", choices=IDO_CHOICES, widget=forms.RadioSelect)
    jiyu_date = WarekiDateField(label="年月日", help_text=DATE_HELP)
    shuryo = WarekiDateField(
        label="更新後の支給決定期間の終了日（更新のみ）", required=False, help_text=DATE_HELP
    )
    riyu = TextField(label="理由", max_length=200, required=False)


class YoguSearchForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, help_text="アクセス記録に残ります。")
    atena_no = TextField(label="宛名番号", max_length=12, required=False)
    kind = forms.ChoiceField(
        label="種類", choices=[("", "（すべて）"), *YoguKind.choices], required=False
    )
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class YoguShinseiForm(forms.Form):
    atena_no = TextField(label="宛名番号（本人）", max_length=12)
    haigusha_atena_no = TextField(label="配偶者の宛名番号", max_length=12, required=False)
    kind = forms.ChoiceField(label="種類", choices=YoguKind.choices)
    hinmoku = TextField(
        label="品目",
        max_length=60,
        help_text="補装具は種目と型式、日常生活用具は町の要綱の品目名のとおり。",
    )
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    gyosha = TextField(label="事業者", max_length=100)
    kakaku = forms.IntegerField(label="見積額（円）", min_value=1, max_value=10_000_000)
    kijun_gaku = forms.IntegerField(
        label="基準額（円・補装具のみ）",
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text="告示の基準額（更生相談所の判定による）。日常生活用具は町の要綱の額を使います。",
    )
    hoho = forms.ChoiceField(label="支給の方法", choices=YoguHoho.choices)
    kinyu_kikan = TextField(label="振込先 金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


class YoguKetteiForm(forms.Form):
    kekka = forms.ChoiceField(label="決定", choices=[("shikyu", "支給"), ("kyakka", "却下")])
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    riyu = TextField(label="却下の理由", max_length=200, required=False)


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_date"]
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text=DATE_HELP)


# --- 支給決定 screens -------------------------------------------------------------------------


def _rows(ketteis: list[JiritsuKettei]) -> list[dict[str, Any]]:
    people = person_identities(k.atena_id for k in ketteis)
    return [
        {
            "pk": k.pk,
            "k": k,
            "atena_no": people[k.atena_id].atena_no if k.atena_id in people else "",
            "shimei": people[k.atena_id].shimei if k.atena_id in people else "",
            "futan": KUBUN_LABELS.get(k.futan_kubun, ""),
        }
        for k in ketteis
    ]


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.jiritsu_top")
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The 支給決定 search (purpose first, paged) for holders of the grant; for others a
    notice only: no list, no count."""
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = JiritsuKettei.objects.all()
        if not d.get("include_closed"):
            qs = qs.filter(jotai__in=[JiritsuJotai.SHINSEI, JiritsuJotai.YUKO])
        if d.get("jukyusha_bango"):
            qs = qs.filter(jukyusha_bango=d["jukyusha_bango"].strip())
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if found.atena_id is None or not found.found:
                ok = False
            else:
                qs = qs.filter(atena_id=found.atena_id)
        items = list(qs.order_by("jukyusha_bango", "pk")) if ok else []
        page = Paginator(items, PAGE_SIZE).get_page(d.get("page") or 1)
        results = _rows(list(page.object_list))
        for r in results:
            mokuteki_set(request, RECORD_TYPE, r["pk"], d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/jiritsu/top.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
# shows no person (the 申請 is logged by its service); a refused 照会 writes a row here
@logs_reads(
    Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.jiritsu_shinsei")
)
@require_http_methods(["GET", "POST"])
def shinsei(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = ShinseiForm(request.POST or None, initial={"shinsei_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        atena_id = _resolve(request, form, "atena_no")
        haigusha = (
            _resolve(request, form, "haigusha_atena_no") if d.get("haigusha_atena_no") else None
        )
        if atena_id is not None and not form.errors:
            try:
                k = jiritsu_shinsei(
                    atena_id=atena_id,
                    shinsei_date=d["shinsei_date"],
                    haigusha_atena_id=haigusha,
                    actor=actor_from_request(request),
                )
            except JiritsuRefused as exc:
                _add_errors(form, exc)
            else:
                mokuteki_set(request, RECORD_TYPE, k.pk, "支給申請の受付")
                messages.success(
                    request, f"支給申請を受け付けました（受給者証番号 {k.jukyusha_bango}）。"
                )
                return redirect("fukushi_jiritsu_detail", pk=k.pk)
    return TemplateResponse(request, "fukushi/jiritsu/shinsei.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the record is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _kettei(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mokuteki_set(request, RECORD_TYPE, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_jiritsu_detail", pk=pk)
    return TemplateResponse(request, "fukushi/jiritsu/mokuteki.html", {"form": form})


def _service_rows(k: JiritsuKettei, day: date) -> list[dict[str, Any]]:
    kinds = service_kinds(day)
    return [
        {
            "name": kinds.get(s.service, {}).get("name", s.service),
            "ryo": s.shikyu_ryo,
            "tani": tani_words(str(kinds.get(s.service, {}).get("tani"))),
        }
        for s in k.services.order_by("id")
    ]


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="k", screen="fukushi.jiritsu_detail"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 支給決定: 本人, 障害支援区分, services and 支給量, 期間, 負担上限月額 with every figure
    used, the history; for a writer the forms of the next step."""
    k = _kettei(request, pk)
    purpose = mokuteki_of(request, RECORD_TYPE, pk)
    if not purpose:
        return redirect(reverse("fukushi_jiritsu_mokuteki", kwargs={"pk": pk}))
    today = timezone.localdate()
    day = k.kikan_kaishi or today
    p = person_identities([k.atena_id]).get(k.atena_id)
    current = {s.service: s.shikyu_ryo for s in k.services.all()}
    ctx: dict[str, Any] = {
        "k": k,
        "shimei": p.shimei if p else "",
        "atena_no": p.atena_no if p else "",
        "birth": p.birth_date if p else None,
        "nintei_kubun": SHIEN_KUBUN.get(k.nintei.kubun, "") if k.nintei else "",
        "services": _service_rows(k, day),
        "futan": KUBUN_LABELS.get(k.futan_kubun, ""),
        "rireki": list(k.rireki.order_by("id")),
        "can_write": may_write(request),
        "open": k.jotai in (JiritsuJotai.SHINSEI, JiritsuJotai.YUKO),
    }
    if ctx["can_write"] and ctx["open"]:
        ctx["nintei_form"] = NinteiForm(initial={"nintei_date": today})
        if k.jotai == JiritsuJotai.SHINSEI:
            ctx["kettei_form"] = KetteiForm(day=today, initial={"kettei_date": today})
        else:
            ctx["henko_form"] = HenkoForm(
                day=today, initial_services=current, initial={"kettei_date": today}
            )
        ctx["ido_form"] = IdoForm(initial={"jiyu_date": today})
    access_note(request, purpose=purpose, detail={"atena_ids": [k.atena_id]})
    return TemplateResponse(request, "fukushi/jiritsu/detail.html", ctx)


def _write_guard(request: HttpRequest, pk: int) -> HttpResponse | None:
    _kettei(request, pk)
    if not mokuteki_of(request, RECORD_TYPE, pk):
        return redirect(reverse("fukushi_jiritsu_mokuteki", kwargs={"pk": pk}))
    return None


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 認定 is logged by jiritsu_nintei; the answer is a redirect
@require_POST
def nintei(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    form = NinteiForm(request.POST)
    if form.is_valid():
        try:
            jiritsu_nintei(pk=pk, kubun=form.cleaned_data["kubun"],
                           nintei_date=form.cleaned_data["nintei_date"],
                           actor=actor_from_request(request))  # fmt: skip
        except JiritsuRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "障害支援区分の認定を登録しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_jiritsu_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 支給決定 or 変更 is logged by its service
@require_POST
def kettei(request: HttpRequest, pk: int) -> HttpResponse:
    """支給決定 of an 申請, or 変更 of a decision (the form's 支給量 replace the old ones)."""
    if (r := _write_guard(request, pk)) is not None:
        return r
    k = _kettei(request, pk)
    today = timezone.localdate()
    henko = k.jotai == JiritsuJotai.YUKO
    form: KetteiForm = (
        HenkoForm(request.POST, day=today) if henko else KetteiForm(request.POST, day=today)
    )
    if form.is_valid():
        d = form.cleaned_data
        actor = actor_from_request(request)
        try:
            if henko:
                jiritsu_henko(pk=pk, day=d["kettei_date"], services=form.services(),
                              riyu=d.get("riyu") or "", actor=actor)  # fmt: skip
            else:
                jiritsu_kettei(
                    pk=pk,
                    data=KetteiInput(d["kettei_date"], d["kaishi"], d["shuryo"], form.services()),
                    actor=actor,
                )
        except JiritsuRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "変更しました。" if henko else "支給決定しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_jiritsu_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # 更新・取消・却下 are logged by their services
@require_POST
def ido(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    form = IdoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        actor = actor_from_request(request)
        riyu = d.get("riyu") or ""
        try:
            if d["ido"] == "koshin":
                if not d.get("shuryo"):
                    raise JiritsuRefused(
                        [("shuryo", "更新後の支給決定期間の終了日を入力してください。")]
                    )
                jiritsu_koshin(pk=pk, day=d["jiyu_date"], shuryo=d["shuryo"], riyu=riyu,
                               actor=actor)  # fmt: skip
            elif d["ido"] == "torikeshi":
                jiritsu_torikeshi(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
            else:
                jiritsu_kyakka(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
        except JiritsuRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "登録しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_jiritsu_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.jiritsu_pdf")
)
@require_GET
def jukyushasho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 障害福祉サービス受給者証 of a decision in force (the shared print path)."""
    k = _kettei(request, pk)
    purpose = mokuteki_of(request, RECORD_TYPE, pk)
    if not purpose:
        return redirect(reverse("fukushi_jiritsu_mokuteki", kwargs={"pk": pk}))
    if k.jotai != JiritsuJotai.YUKO:
        raise Http404(NOT_FOUND)
    pdf = jukyushasho_render(k, hakko=timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": [k.atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jiritsu_{k.pk}.pdf"'
    return response


# --- 補装具費・日常生活用具 screens ---------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        YOGU_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.jiritsu_yogu_top"
    )
)
@require_http_methods(["GET", "POST"])
def yogu_top(request: HttpRequest) -> HttpResponse:
    allowed = may_see_techo(request)
    form = YoguSearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = YoguKyufu.objects.all()
        if d.get("kind"):
            qs = qs.filter(kind=d["kind"])
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if found.atena_id is None or not found.found:
                ok = False
            else:
                qs = qs.filter(atena_id=found.atena_id)
        items = list(qs.order_by("-shinsei_date", "-pk")) if ok else []
        page = Paginator(items, PAGE_SIZE).get_page(d.get("page") or 1)
        objs = list(page.object_list)
        people = person_identities(y.atena_id for y in objs)
        results: list[dict[str, Any]] = [
            {"pk": y.pk, "y": y,
             "shimei": people[y.atena_id].shimei if y.atena_id in people else ""}
            for y in objs
        ]  # fmt: skip
        for y in objs:
            mokuteki_set(request, YOGU_TYPE, y.pk, d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/jiritsu/yogu_top.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.jiritsu_yogu"))
@require_http_methods(["GET", "POST"])
def yogu_new(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = YoguShinseiForm(request.POST or None, initial={"shinsei_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        atena_id = _resolve(request, form, "atena_no")
        haigusha = (
            _resolve(request, form, "haigusha_atena_no") if d.get("haigusha_atena_no") else None
        )
        if atena_id is not None and not form.errors:
            try:
                y = yogu_shinsei(
                    YoguInput(
                        atena_id=atena_id,
                        kind=d["kind"],
                        hinmoku=d["hinmoku"],
                        shinsei_date=d["shinsei_date"],
                        gyosha=d["gyosha"],
                        kakaku=d["kakaku"],
                        kijun_gaku=d.get("kijun_gaku"),
                        hoho=d["hoho"],
                        account=zengin.Account(d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"],
                                               d["koza_bango"], d["meigi_kana"]),
                        haigusha_atena_id=haigusha,
                    ),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except JiritsuRefused as exc:
                _add_errors(form, exc)
            else:
                mokuteki_set(request, YOGU_TYPE, y.pk, "給付の申請の受付")
                messages.success(request, "申請を受け付けました。")
                return redirect("fukushi_jiritsu_yogu_detail", pk=y.pk)
    return TemplateResponse(request, "fukushi/jiritsu/yogu_new.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the record is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def yogu_mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _yogu(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mokuteki_set(request, YOGU_TYPE, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_jiritsu_yogu_detail", pk=pk)
    return TemplateResponse(request, "fukushi/jiritsu/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(YOGU_TYPE, id_kwarg="pk", shown="y", screen="fukushi.jiritsu_yogu_detail"))
@require_GET
def yogu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    y = _yogu(request, pk)
    purpose = mokuteki_of(request, YOGU_TYPE, pk)
    if not purpose:
        return redirect(reverse("fukushi_jiritsu_yogu_mokuteki", kwargs={"pk": pk}))
    p = person_identities([y.atena_id]).get(y.atena_id)
    can_write = may_write(request)
    ctx = {
        "y": y,
        "shimei": p.shimei if p else "",
        "atena_no": p.atena_no if p else "",
        "futan": KUBUN_LABELS.get(y.futan_kubun, ""),
        "can_write": can_write,
        "kettei_form": YoguKetteiForm(initial={"kettei_date": timezone.localdate()})
        if can_write and y.jotai == YoguJotai.SHINSEI
        else None,
    }
    access_note(request, purpose=purpose, detail={"atena_ids": [y.atena_id]})
    return TemplateResponse(request, "fukushi/jiritsu/yogu_detail.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 決定 is logged by yogu_kettei
@require_POST
def yogu_kettei_view(request: HttpRequest, pk: int) -> HttpResponse:
    _yogu(request, pk)
    if not mokuteki_of(request, YOGU_TYPE, pk):
        return redirect(reverse("fukushi_jiritsu_yogu_mokuteki", kwargs={"pk": pk}))
    form = YoguKetteiForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            y = yogu_kettei(
                pk=pk,
                kettei_date=d["kettei_date"],
                shikyu=d["kekka"] == "shikyu",
                riyu=d.get("riyu") or "",
                actor=actor_from_request(request),
            )
        except JiritsuRefused as exc:
            _flash(request, exc)
        else:
            if y.jotai == YoguJotai.KYAKKA:
                messages.success(request, f"却下しました（{y.kyakka_riyu}）。")
            else:
                messages.success(request, f"支給決定しました（給付額 {y.kyufu_gaku:,}円）。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_jiritsu_yogu_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(YOGU_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.jiritsu_yogu_pdf")
)
@require_GET
def yogu_tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 決定通知書 (支給 or 却下) of a decided 給付."""
    y = _yogu(request, pk)
    purpose = mokuteki_of(request, YOGU_TYPE, pk)
    if not purpose:
        return redirect(reverse("fukushi_jiritsu_yogu_mokuteki", kwargs={"pk": pk}))
    if y.jotai == YoguJotai.SHINSEI:
        raise Http404(NOT_FOUND)
    pdf = yogu_tsuchi_render(y, hakko=timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": [y.atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="yogu_{y.pk}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # runs and their totals only
@require_http_methods(["GET", "POST"])
def yogu_shiharai_view(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = ShiharaiForm(request.POST or None)
    if request.method == "POST":
        if not may_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["shiharai_date"]:
            try:
                run = yogu_shiharai(
                    shiharai_date=form.cleaned_data["shiharai_date"],
                    irainin=form.irainin(),
                    actor=actor_from_request(request),
                )
            except JiritsuRefused as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                return redirect("fukushi_jiritsu_yogu_shiharai")
    runs = YoguShiharai.objects.order_by("-shiharai_date", "-pk")[:24]
    return TemplateResponse(
        request,
        "fukushi/jiritsu/yogu_shiharai.html",
        {"form": form, "runs": runs, "can_write": may_write(request)},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.YoguShiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="fukushi.jiritsu_yogu_furikomi",
    )
)
@require_GET
def yogu_furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    techo_wall(request)
    run = get_object_or_404(YoguShiharai, pk=pk)
    return furikomi_response(yogu_furikomi_file(run), f"yogu_furikomi_{run.pk}.txt")


urlpatterns: list[URLPattern] = [
    path("", top, name="fukushi_jiritsu_top"),
    path("shinsei/", shinsei, name="fukushi_jiritsu_shinsei"),
    path("<int:pk>/", detail, name="fukushi_jiritsu_detail"),
    path("<int:pk>/mokuteki/", mokuteki, name="fukushi_jiritsu_mokuteki"),
    path("<int:pk>/nintei/", nintei, name="fukushi_jiritsu_nintei"),
    path("<int:pk>/kettei/", kettei, name="fukushi_jiritsu_kettei"),
    path("<int:pk>/ido/", ido, name="fukushi_jiritsu_ido"),
    path("<int:pk>/jukyushasho.pdf", jukyushasho_pdf, name="fukushi_jiritsu_pdf"),
    path("yogu/", yogu_top, name="fukushi_jiritsu_yogu_top"),
    path("yogu/shinsei/", yogu_new, name="fukushi_jiritsu_yogu_shinsei"),
    path("yogu/<int:pk>/", yogu_detail, name="fukushi_jiritsu_yogu_detail"),
    path("yogu/<int:pk>/mokuteki/", yogu_mokuteki, name="fukushi_jiritsu_yogu_mokuteki"),
    path("yogu/<int:pk>/kettei/", yogu_kettei_view, name="fukushi_jiritsu_yogu_kettei"),
    path("yogu/<int:pk>/tsuchi.pdf", yogu_tsuchi_pdf, name="fukushi_jiritsu_yogu_pdf"),
    path("yogu/shiharai/", yogu_shiharai_view, name="fukushi_jiritsu_yogu_shiharai"),
    path(
        "yogu/shiharai/<int:pk>/furikomi.txt", yogu_furikomi, name="fukushi_jiritsu_yogu_furikomi"
    ),
]
