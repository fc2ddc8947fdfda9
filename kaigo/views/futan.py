"""負担割合 and 負担限度額認定 screens: the menu (the yearly 判定 job, the mass print of
負担割合証, figures of the town per 年度, the lookup by 宛名番号 in a POST body), the list of a
年度's judgements, one person's judgements with their history and 負担限度額 申請 (申請 → 判定
→ 決定), and the 負担割合証 / 負担限度額認定証 one at a time (the same function as the mass print).

Paths carry internal ids and years only. Every screen that shows a person writes its
access-log row (``logs_reads``); writes are logged by their services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.public import atena_resolve, person_identities, person_identity
from kaigo.forms.futan import (
    FORM_GENDOGAKU_LABEL,
    FORM_WARIAI_LABEL,
    gendogaku_sho,
    sho_render,
    wariai_sho,
)
from kaigo.futan_jobs import HANTEI, PRINT, nendo_label
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FutanWariai, GendogakuNintei, GendogakuStatus, Wari
from kaigo.printjobs import issuer_name
from kaigo.rules.futan_gendogaku import DANKAI_LABELS, KYOJUHI_LABELS, SHOKUHI_LABELS
from kaigo.services.futan import FutanRefused, futan_of, futan_saihantei, nendo_of
from kaigo.services.futan_gendogaku import (
    GendogakuRefused,
    gendogaku_hantei_run,
    gendogaku_kettei,
    gendogaku_of,
    gendogaku_shinsei,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = KAIGO_HOKEN
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
NENDO_LABEL = "年度（8月1日から翌年7月31日までの期間が始まる年）"


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _this_nendo() -> int:
    return nendo_of(timezone.localdate())


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class HanteiForm(forms.Form):
    nendo = NendoField(label=NENDO_LABEL)
    kijun_date = WarekiDateField(
        label="判定基準日（この日に被保険者である方を判定。8月1日より前なら8月1日）",
        help_text=DATE_HELP,
    )


class PrintForm(forms.Form):
    nendo = NendoField(label=NENDO_LABEL)
    kofu_date = WarekiDateField(label="交付年月日", help_text=DATE_HELP)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


class SaihanteiForm(forms.Form):
    nendo = NendoField(label=NENDO_LABEL)


class ShinseiForm(forms.Form):
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    yochokin = forms.IntegerField(
        label="預貯金等の額（配偶者の分を含む・円）", min_value=0, max_value=10**12
    )
    hikazei_nenkin_shunyu = forms.IntegerField(
        label="非課税年金（遺族年金・障害年金）の収入額（円）",
        min_value=0,
        max_value=10**10,
        required=False,
    )
    haigusha = forms.BooleanField(label="配偶者がいる", required=False)
    haigusha_kazei = forms.BooleanField(label="配偶者（別世帯を含む）が住民税課税", required=False)


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)


# --- the menu: jobs, figures and the lookup ---------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # the lookup is a POST; jobs check _can_write
@no_personal_data  # town figures per 年度; a lookup redirects to the person's page
@require_http_methods(["GET", "POST"])
def futan_menu(request: HttpRequest) -> HttpResponse:
    nendo = _this_nendo()
    lookup = LookupForm(request.POST if "atena_no" in request.POST else None)
    hantei = HanteiForm(
        request.POST if "kijun_date" in request.POST else None,
        initial={"nendo": nendo, "kijun_date": timezone.localdate()},
    )
    printing = PrintForm(
        request.POST if "kofu_date" in request.POST else None,
        initial={"nendo": nendo, "kofu_date": timezone.localdate()},
    )
    if request.method == "POST":
        if lookup.is_bound and lookup.is_valid():
            found = atena_resolve(lookup.cleaned_data["atena_no"])
            if found.atena_id is not None and not found.found:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
                )
            if not found.found or found.atena_id is None:
                messages.error(request, found.message or "その宛名番号の方は見つかりません。")
            else:
                return redirect("kaigo_futan_person", pk=found.atena_id)
        for form, kind, build in (
            (hantei, HANTEI, lambda d: {"kijun_date": d["kijun_date"].isoformat()}),
            (
                printing,
                PRINT,
                lambda d: {
                    "kofu_date": d["kofu_date"].isoformat(),
                    "print_data_encoding": d["print_data_encoding"],
                },
            ),
        ):
            if form.is_bound and form.is_valid():
                if not _can_write(request):
                    messages.error(request, "処理を開始する権限がありません。")
                    break
                data = form.cleaned_data
                try:
                    job = job_start(
                        kind=kind,
                        params={"nendo": data["nendo"], **build(data)},
                        actor=actor_from_request(request),
                    )
                except (JobRefused, ValueError) as exc:
                    messages.error(request, str(exc))
                else:
                    return redirect("job_detail", pk=job.pk)
    counts: dict[int, dict[int, int]] = {}
    for n, w, c in (
        FutanWariai.objects.filter(is_current=True)
        .values_list("nendo", "wari")
        .annotate(c=Count("id"))
        .values_list("nendo", "wari", "c")
    ):
        counts.setdefault(n, {})[w] = c
    years = [
        {
            "nendo": n,
            "kikan": nendo_label(n),
            "counts": [by.get(w, 0) for w in Wari.values],
            "total": sum(by.values()),
        }
        for n, by in sorted(counts.items(), reverse=True)
    ]
    gendo = (
        GendogakuNintei.objects.filter(status=GendogakuStatus.NINTEI)
        .values_list("nendo")
        .annotate(c=Count("id"))
        .order_by("-nendo")
    )
    return TemplateResponse(
        request,
        "kaigo/futan/menu.html",
        {
            "lookup": lookup,
            "hantei": hantei,
            "printing": printing,
            "years": years,
            "wari_labels": Wari.labels,
            "gendo": [{"nendo": n, "kikan": nendo_label(n), "count": c} for n, c in gendo],
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number, "nendo": ctx["nendo"]},
        screen="kaigo.futan_list",
    )
)
@require_GET
def futan_list(request: HttpRequest, nendo: int) -> HttpResponse:
    qs = FutanWariai.objects.filter(nendo=nendo, is_current=True).order_by("atena_id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    persons = person_identities(r.atena_id for r in items)
    return TemplateResponse(
        request,
        "kaigo/futan/list.html",
        {
            "nendo": nendo,
            "kikan": nendo_label(nendo),
            "page": page,
            "rows": [
                {"atena_id": r.atena_id, "r": r, "person": persons.get(r.atena_id)} for r in items
            ],
        },
    )


# --- one person ----------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kaigo.futan_person"))
@require_GET
def futan_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_identity(pk)
    if person is None:
        raise Http404("その方は見つかりません。")
    nendo = _this_nendo()
    return TemplateResponse(
        request,
        "kaigo/futan/person.html",
        {
            "person": person,
            "atena_id": pk,
            "wariai": futan_of(pk),
            "gendogaku": [
                {
                    "n": n,
                    "limits": kyojuhi_rows(n.hantei_result),
                    "dankai": DANKAI_LABELS.get(n.dankai, ""),
                }
                for n in gendogaku_of(pk)
            ],
            "saihantei_form": SaihanteiForm(initial={"nendo": nendo}),
            "shinsei_form": ShinseiForm(initial={"shinsei_date": timezone.localdate()}),
            "kettei_form": KetteiForm(initial={"kettei_date": timezone.localdate()}),
            "can_write": _can_write(request),
            "wariai_label": FORM_WARIAI_LABEL,
            "gendogaku_label": FORM_GENDOGAKU_LABEL,
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def futan_saihantei_view(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = SaihanteiForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kaigo_futan_person", pk=pk)
    try:
        out = futan_saihantei(
            atena_id=pk, nendo=form.cleaned_data["nendo"], actor=actor_from_request(request)
        )
    except (FutanRefused, LookupError, ValueError) as exc:
        messages.error(request, str(exc) or "この年度は判定できません。")
    else:
        if out.kosei:
            messages.success(request, "所得・世帯が変わっていたため、負担割合を更正しました。")
        elif out.created:
            messages.success(request, "負担割合を判定しました。")
        else:
            messages.info(request, "判定に用いる所得・世帯に変更はありません。")
    return redirect("kaigo_futan_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def gendogaku_shinsei_view(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = ShinseiForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kaigo_futan_person", pk=pk)
    d = form.cleaned_data
    try:
        gendogaku_shinsei(
            atena_id=pk,
            shinsei_date=d["shinsei_date"],
            yochokin=d["yochokin"],
            hikazei_nenkin_shunyu=d.get("hikazei_nenkin_shunyu") or 0,
            haigusha=bool(d.get("haigusha")),
            haigusha_kazei=bool(d.get("haigusha_kazei")),
            actor=actor_from_request(request),
        )
    except (GendogakuRefused, LookupError) as exc:
        messages.error(request, str(exc) or "この申請は受け付けられません。")
    else:
        messages.success(request, "負担限度額認定の申請を受け付けました。")
    return redirect("kaigo_futan_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def gendogaku_hantei_view(request: HttpRequest, pk: int) -> HttpResponse:
    nintei = get_object_or_404(GendogakuNintei, pk=pk)
    try:
        done = gendogaku_hantei_run(nintei_id=nintei.pk, actor=actor_from_request(request))
    except GendogakuRefused as exc:
        messages.error(request, str(exc))
    else:
        label = DANKAI_LABELS.get(done.dankai, "対象外")
        messages.success(request, f"判定しました：{label}（{done.riyu}）")
    return redirect("kaigo_futan_person", pk=nintei.atena_id)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def gendogaku_kettei_view(request: HttpRequest, pk: int) -> HttpResponse:
    nintei = get_object_or_404(GendogakuNintei, pk=pk)
    form = KetteiForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kaigo_futan_person", pk=nintei.atena_id)
    try:
        done = gendogaku_kettei(
            nintei_id=nintei.pk,
            kettei_date=form.cleaned_data["kettei_date"],
            actor=actor_from_request(request),
        )
    except GendogakuRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{done.get_status_display()}と決定しました。")
    return redirect("kaigo_futan_person", pk=nintei.atena_id)


# --- the 証, one at a time -------------------------------------------------------------------


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kaigo.FutanWariai", action=AccessAction.PRINT, id_kwarg="pk", screen="kaigo.futansho_pdf"
    )
)
@require_GET
def futansho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 介護保険負担割合証 (current judgements only), issued today."""
    row = get_object_or_404(FutanWariai, pk=pk, is_current=True)
    today = timezone.localdate()
    made = wariai_sho([row], kofu_date=today)
    if not made:
        raise Http404("印刷できる判定がありません。")
    body = sho_render(made, title=FORM_WARIAI_LABEL, issuer=issuer_name(), kofu_date=today)
    access_note(request, detail={"atena_ids": [row.atena_id], "nendo": row.nendo})
    return _pdf(body, f"kaigo_futan_{row.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kaigo.GendogakuNintei",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="kaigo.gendogakusho_pdf",
    )
)
@require_GET
def gendogakusho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 介護保険負担限度額認定証 (認定 only)."""
    row = get_object_or_404(GendogakuNintei, pk=pk, status=GendogakuStatus.NINTEI)
    kofu = row.kettei_date or timezone.localdate()
    made = gendogaku_sho([row], kofu_date=kofu)
    if not made:
        raise Http404("印刷できる認定がありません。")
    body = sho_render(made, title=FORM_GENDOGAKU_LABEL, issuer=issuer_name(), kofu_date=kofu)
    access_note(request, detail={"atena_ids": [row.atena_id], "nendo": row.nendo})
    return _pdf(body, f"kaigo_gendogaku_{row.pk}.pdf")


def kyojuhi_rows(result: dict[str, Any] | None) -> list[tuple[str, int]]:
    if not result:
        return []
    kyo, sho = result.get("kyojuhi", {}), result.get("shokuhi", {})
    return [(f"居住費（{v}）", kyo[k]) for k, v in KYOJUHI_LABELS.items() if k in kyo] + [
        (v, sho[k]) for k, v in SHOKUHI_LABELS.items() if k in sho
    ]


urlpatterns: list[URLPattern] = [
    path("futan/", futan_menu, name="kaigo_futan"),
    path("futan/<int:nendo>/", futan_list, name="kaigo_futan_list"),
    path("futan/person/<int:pk>/", futan_person, name="kaigo_futan_person"),
    path("futan/person/<int:pk>/saihantei/", futan_saihantei_view, name="kaigo_futan_saihantei"),
    path(
        "futan/person/<int:pk>/gendogaku/",
        gendogaku_shinsei_view,
        name="kaigo_gendogaku_shinsei",
    ),
    path("futan/gendogaku/<int:pk>/hantei/", gendogaku_hantei_view, name="kaigo_gendogaku_hantei"),
    path("futan/gendogaku/<int:pk>/kettei/", gendogaku_kettei_view, name="kaigo_gendogaku_kettei"),
    path("futan/sho/<int:pk>/futan.pdf", futansho_pdf, name="kaigo_futansho_pdf"),
    path("futan/gendogaku/<int:pk>/nintei.pdf", gendogakusho_pdf, name="kaigo_gendogakusho_pdf"),
]
