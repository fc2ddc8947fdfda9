"""児童扶養手当 screens for the 未支払の手当 of a 受給者 who died and the 過払 returned
(mounted with fukushi.views.fuyoteate at /fukushi/jido-fuyo-teate/):

- on a 受給者 who died: the 請求 by a child chosen among those who may claim (named, not
  coded), the 決定 (支給 / 不支給 with its reason), the 決定通知書 (PDF) and the claims so far;
- the 過払: the 受給者 whose 喪失 came after paid months (候補), one 受給者's 過払 months with
  the 返還金 決定, the 返還通知書 (PDF) and the payments; the list of every 返還金 with its
  balance (paged) and its CSV (the platform writer).

Paths carry internal ids only; every screen that shows a person writes its access-log row;
each write is logged by its service (the PDFs as PRINT).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoJotai,
    FuyoJukyusha,
    FuyoKabarai,
    FuyoKabaraiBunno,
    FuyoKabaraiBunnoJotai,
    FuyoKabaraiJotai,
    FuyoKabaraiTokusoku,
    FuyoMiharai,
    FuyoMishikyu,
    FuyoMishikyuKettei,
    FuyoSashitome,
    FuyoShiharaiMeisai,
    FuyoShikkakuJiyu,
)
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai import (
    kabarai_kettei,
    kabarai_nofu,
    kabarai_tsuchi,
    overpaid_months,
)
from fukushi.services.fuyoteate_mishikyu import (
    mishikyu_kettei,
    mishikyu_seikyu,
    mishikyu_tsuchi,
    seikyusha_kouho,
)
from fukushi.views.fuyoteate_kabarai_bunno import BunnoForm, TorikeshiForm
from juminkiroku.public import person_identities
from tenants import zengin
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = JIDO_FUYO_TEATE
RECORD_TYPE = "fukushi.FuyoJukyusha"
PAGE_SIZE = 50
KABARAI_CSV_HEADER = [
    "証書番号",
    "宛名番号",
    "氏名",
    "決定日",
    "返還金の額",
    "納付済額",
    "残額",
    "納期限",
    "状態",
]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _refused(request: HttpRequest, exc: FuyoteateRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


# --- 未支払の手当 ----------------------------------------------------------------------


class MishikyuSeikyuForm(forms.Form):
    seikyusha = forms.TypedChoiceField(label="請求者（死亡した受給者の監護等児童）", coerce=int)
    seikyu_date = WarekiDateField(label="請求日", help_text="例 令和7年11月5日")
    kinyu_kikan = TextField(label="請求者の口座：金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)

    def __init__(self, *args: Any, kouho: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seikyusha"].choices = kouho  # type: ignore[attr-defined]


class MishikyuKetteiForm(forms.Form):
    kettei = forms.ChoiceField(
        label="決定", choices=[("shikyu", "支給する"), ("fushikyu", "支給しない（不支給）")]
    )
    kettei_date = WarekiDateField(label="決定日", help_text="例 令和7年11月6日")
    riyu = TextField(label="不支給の理由（不支給のとき）", max_length=200, required=False)


def _kouho_choices(j: FuyoJukyusha) -> tuple[list[tuple[int, str]], list[int]]:
    """The children who may claim, as (宛名 id, 氏名（生年月日）) for the form."""
    ids = seikyusha_kouho(j)
    people = person_identities(ids)
    choices = [
        (
            aid,
            f"{people[aid].shimei}（{format_wareki(people[aid].birth_date)}生）"
            if aid in people
            else "（住民記録から読めません）",
        )
        for aid in ids
    ]
    return choices, ids


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="fukushi.fuyoteate_mishikyu_page"))
@require_http_methods(["GET", "POST"])
def mishikyu(request: HttpRequest, pk: int) -> HttpResponse:
    """未支払の手当 of one 受給者: the claims so far, the 請求 (only for one who died)."""
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    died = j.shikkaku_jiyu == FuyoShikkakuJiyu.SHIBO
    kouho, kouho_ids = _kouho_choices(j) if died else ([], [])
    form = MishikyuSeikyuForm(
        request.POST if request.method == "POST" else None,
        kouho=kouho,
        initial={"seikyu_date": timezone.localdate()},
    )
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["seikyu_date"] is None:
            form.add_error("seikyu_date", "請求日を入力してください。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                mishikyu_seikyu(
                    jukyusha=j,
                    seikyusha_atena_id=d["seikyusha"],
                    seikyu_date=d["seikyu_date"],
                    account=zengin.Account(
                        d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                        d["meigi_kana"],
                    ),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except FuyoteateRefused as exc:
                for name, message in exc.errors:
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, "未支払の手当の請求を受け付けました。決定してください。")
                return redirect("fukushi_fuyoteate_mishikyu", pk=pk)
    claims = list(j.mishikyu.select_related("shiharai").order_by("-pk"))
    ids = [j.atena_id, *kouho_ids, *(c.seikyusha_atena_id for c in claims)]
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/mishikyu.html",
        {
            "j": j,
            "person": people.get(j.atena_id),
            "died": died,
            "claims": [
                {
                    "c": c,
                    "seikyusha": people.get(c.seikyusha_atena_id),
                    "tsuki": [
                        {"month": date.fromisoformat(str(t["month"])), "gaku": int(str(t["gaku"]))}
                        for t in c.tsuki
                    ],
                    "open": c.kettei == FuyoMishikyuKettei.SEIKYU,
                    "shikyu": c.kettei == FuyoMishikyuKettei.SHIKYU,
                }
                for c in claims
            ],
            "form": form,
            "kouho": kouho,
            "kettei_form": MishikyuKetteiForm(initial={"kettei_date": timezone.localdate()}),
            "can_write": _can_write(request),
            "atena_ids": list(dict.fromkeys(ids)),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the claims
@require_POST
def mishikyu_kettei_view(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    row = get_object_or_404(FuyoMishikyu, pk=mid, jukyusha_id=pk)
    form = MishikyuKetteiForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kettei_date"] is None:
        if form.is_valid():
            messages.error(request, "決定日を入力してください。")
        message_form_errors(request, form)
        return redirect("fukushi_fuyoteate_mishikyu", pk=pk)
    d = form.cleaned_data
    try:
        row = mishikyu_kettei(
            mishikyu=row,
            shikyu=d["kettei"] == "shikyu",
            kettei_date=d["kettei_date"],
            riyu=d["riyu"] or "",
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{row.get_kettei_display()}しました。決定通知書を作成できます。")
    return redirect("fukushi_fuyoteate_mishikyu", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF is logged (PRINT) and recorded by its service
@require_POST
def mishikyu_tsuchi_pdf(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    """未支払の手当 支給（不支給）決定通知書 (POST, with its history row), as the PDF."""
    row = get_object_or_404(FuyoMishikyu.objects.select_related("jukyusha"), pk=mid, jukyusha_id=pk)
    try:
        pdf = mishikyu_tsuchi(
            mishikyu=row, tsuchi_date=timezone.localdate(), actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect("fukushi_fuyoteate_mishikyu", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fuyoteate_mishikyu_{row.pk}.pdf"'
    return response


# --- 過払・返還金 ------------------------------------------------------------------------


class KabaraiKetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text="例 令和7年11月25日")


class KabaraiNofuForm(forms.Form):
    gaku = forms.IntegerField(label="納付額（円）", min_value=1, max_value=100_000_000)
    nofu_date = WarekiDateField(label="納付日", help_text="例 令和7年12月1日")


def _kouho_queryset() -> Any:
    """受給者 who lost the 資格 and whom some run paid after the end (a cheap necessary
    condition; ``overpaid_months`` decides)."""
    after = OuterRef("shikyu_shuryo")
    return (
        FuyoJukyusha.objects.filter(jotai=FuyoJotai.SHIKKAKU, shikyu_shuryo__isnull=False)
        .filter(
            Q(
                Exists(
                    FuyoShiharaiMeisai.objects.filter(
                        jukyusha=OuterRef("pk"), shiharai__shiharai_tsuki__gt=after
                    )
                )
            )
            | Q(
                Exists(
                    FuyoSashitome.objects.filter(
                        jukyusha=OuterRef("pk"), kaijo_shiharai__isnull=False, month__gt=after
                    )
                )
            )
            | Q(
                Exists(
                    FuyoMiharai.objects.filter(
                        jukyusha=OuterRef("pk"), shiharai__isnull=False, month__gt=after
                    )
                )
            )
        )
        .order_by("jukyusha_bango")
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="rows[].atena_id", screen="fukushi.fuyoteate_kabarai_kouho", skip_empty=True)
)
@require_GET
def kabarai_kouho(request: HttpRequest) -> HttpResponse:
    """受給者 with months paid after their 喪失 not yet in a 返還金 決定."""
    found = []
    for j in _kouho_queryset():
        months = overpaid_months(j)
        if months:
            found.append((j, months))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    people = person_identities(j.atena_id for j, _ in page.object_list)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/kabarai_kouho.html",
        {
            "page": page,
            "rows": [
                {
                    "j": j,
                    "atena_id": j.atena_id,
                    "person": people.get(j.atena_id),
                    "first": months[0][0],
                    "last": months[-1][0],
                    "count": len(months),
                    "gaku": sum(g for _, g, _ in months),
                }
                for j, months in page.object_list
            ],
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen="fukushi.fuyoteate_kabarai_page"))
@require_GET
def kabarai(request: HttpRequest, pk: int) -> HttpResponse:
    """One 受給者's 過払: the months not yet decided, the 返還金 so far with their months,
    the 通知書 and the payments."""
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    months = overpaid_months(j)
    rows = list(j.kabarai.order_by("-kettei_date", "-pk").prefetch_related("tsuki"))
    tokusoku = {t.kabarai_id: t for t in FuyoKabaraiTokusoku.objects.filter(kabarai__in=rows)}
    today = timezone.localdate()
    plans: dict[int, list[Any]] = {}
    for plan in (
        FuyoKabaraiBunno.objects.filter(kabarai__in=rows).prefetch_related("ki").order_by("-pk")
    ):
        plans.setdefault(plan.kabarai_id, []).append(
            {
                "plan": plan,
                "keizoku": plan.jotai == FuyoKabaraiBunnoJotai.KEIZOKU,
                "ki": [
                    {
                        "ki": x,
                        "mino": x.gaku - x.nofu_gaku,
                        "furikou": x.nofu_gaku < x.gaku and x.nouki < today,
                    }
                    for x in plan.ki.all()
                ],
            }
        )
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/kabarai.html",
        {
            "j": j,
            "person": person_identities([j.atena_id]).get(j.atena_id),
            "months": [{"month": m, "gaku": g} for m, g, _ in months],
            "total": sum(g for _, g, _ in months),
            "rows": [
                {
                    "k": k,
                    "zan": k.gaku - k.nofu_gaku,
                    "tsuki": sorted(k.tsuki.all(), key=lambda t: t.month),
                    "mino": k.jotai == FuyoKabaraiJotai.MINO,
                    "tokusoku": tokusoku.get(k.pk),
                    "kigen_sugi": k.nouki < today,
                    "plans": plans.get(k.pk, []),
                    "keizoku": any(p["keizoku"] for p in plans.get(k.pk, [])),
                }
                for k in rows
            ],
            "kettei_form": KabaraiKetteiForm(initial={"kettei_date": timezone.localdate()}),
            "nofu_form": KabaraiNofuForm(initial={"nofu_date": timezone.localdate()}),
            "bunno_form": BunnoForm(initial={"moushide_date": today}),
            "torikeshi_form": TorikeshiForm(initial={"torikeshi_date": today}),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者's 過払
@require_POST
def kabarai_kettei_view(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = KabaraiKetteiForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kettei_date"] is None:
        if form.is_valid():
            messages.error(request, "決定日を入力してください。")
        message_form_errors(request, form)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    try:
        k = kabarai_kettei(
            jukyusha=j,
            kettei_date=form.cleaned_data["kettei_date"],
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"返還金を決定しました：{k.gaku:,}円、納期限 {format_wareki(k.nouki)}。"
            "返還通知書を作成できます。",
        )
    return redirect("fukushi_fuyoteate_kabarai", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF is logged (PRINT) and recorded by its service
@require_POST
def kabarai_tsuchi_pdf(request: HttpRequest, pk: int, kid: int) -> HttpResponse:
    """児童扶養手当返還金通知書 (POST, with its history row), as the PDF."""
    k = get_object_or_404(FuyoKabarai.objects.select_related("jukyusha"), pk=kid, jukyusha_id=pk)
    try:
        pdf = kabarai_tsuchi(
            kabarai=k, tsuchi_date=timezone.localdate(), actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fuyoteate_henkan_{k.pk}.pdf"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者's 過払
@require_POST
def kabarai_nofu_view(request: HttpRequest, pk: int, kid: int) -> HttpResponse:
    k = get_object_or_404(FuyoKabarai, pk=kid, jukyusha_id=pk)
    form = KabaraiNofuForm(request.POST)
    if not form.is_valid() or form.cleaned_data["nofu_date"] is None:
        if form.is_valid():
            messages.error(request, "納付日を入力してください。")
        message_form_errors(request, form)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    d = form.cleaned_data
    try:
        k = kabarai_nofu(
            kabarai=k, gaku=d["gaku"], nofu_date=d["nofu_date"], actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"納付を記録しました：残額 {k.gaku - k.nofu_gaku:,}円"
            + ("（完納）" if k.jotai == FuyoKabaraiJotai.KANNO else ""),
        )
    return redirect("fukushi_fuyoteate_kabarai", pk=pk)


def _kabarai_rows(jotai: str) -> Any:
    qs = FuyoKabarai.objects.select_related("jukyusha").order_by("-kettei_date", "-pk")
    return qs.filter(jotai=jotai) if jotai in FuyoKabaraiJotai.values else qs


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="rows[].atena_id", screen="fukushi.fuyoteate_kabarai_list", skip_empty=True)
)
@require_GET
def kabarai_list(request: HttpRequest) -> HttpResponse:
    """Every 返還金 with its balance, newest first, 50 to a page (未納 only on request)."""
    jotai = request.GET.get("jotai", "")
    jotai = jotai if jotai in FuyoKabaraiJotai.values else ""
    page = Paginator(_kabarai_rows(jotai), PAGE_SIZE).get_page(request.GET.get("page"))
    people = person_identities(k.jukyusha.atena_id for k in page.object_list)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/kabarai_list.html",
        {
            "page": page,
            "jotai": jotai,
            "jotai_choices": FuyoKabaraiJotai.choices,
            "rows": [
                {
                    "k": k,
                    "atena_id": k.jukyusha.atena_id,
                    "person": people.get(k.jukyusha.atena_id),
                    "zan": k.gaku - k.nofu_gaku,
                }
                for k in page.object_list
            ],
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", action=AccessAction.EXPORT, shown="csv", screen="fukushi.fuyoteate_kabarai_csv")
)
@require_GET
def kabarai_csv(request: HttpRequest) -> HttpResponseBase:
    """The list of 返還金 (all, or 未納/完納 as on the list) as CSV, logged as 抽出."""
    rows = list(_kabarai_rows(request.GET.get("jotai", "")))
    people = person_identities(k.jukyusha.atena_id for k in rows)
    access_note(request, ids=[k.jukyusha.atena_id for k in rows], count=len(rows))

    def line(k: FuyoKabarai) -> list[Any]:
        p = people.get(k.jukyusha.atena_id)
        return [
            k.jukyusha.jukyusha_bango,
            p.atena_no if p else "",
            p.shimei if p else "",
            format_wareki(k.kettei_date),
            k.gaku,
            k.nofu_gaku,
            k.gaku - k.nofu_gaku,
            format_wareki(k.nouki),
            k.get_jotai_display(),
        ]

    return csv_response(
        f"fuyoteate_henkankin_{timezone.localdate():%Y%m%d}.csv",
        KABARAI_CSV_HEADER,
        (line(k) for k in rows),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/mishikyu/", mishikyu, name="fukushi_fuyoteate_mishikyu"),
    path(
        "<int:pk>/mishikyu/<int:mid>/kettei/",
        mishikyu_kettei_view,
        name="fukushi_fuyoteate_mishikyu_kettei",
    ),
    path(
        "<int:pk>/mishikyu/<int:mid>/tsuchi/",
        mishikyu_tsuchi_pdf,
        name="fukushi_fuyoteate_mishikyu_tsuchi",
    ),
    path("kabarai/", kabarai_kouho, name="fukushi_fuyoteate_kabarai_kouho"),
    path("henkankin/", kabarai_list, name="fukushi_fuyoteate_kabarai_list"),
    path("henkankin.csv", kabarai_csv, name="fukushi_fuyoteate_kabarai_csv"),
    path("<int:pk>/kabarai/", kabarai, name="fukushi_fuyoteate_kabarai"),
    path("<int:pk>/kabarai/kettei/", kabarai_kettei_view, name="fukushi_fuyoteate_kabarai_kettei"),
    path(
        "<int:pk>/kabarai/<int:kid>/tsuchi/",
        kabarai_tsuchi_pdf,
        name="fukushi_fuyoteate_kabarai_tsuchi",
    ),
    path(
        "<int:pk>/kabarai/<int:kid>/nofu/",
        kabarai_nofu_view,
        name="fukushi_fuyoteate_kabarai_nofu",
    ),
]
