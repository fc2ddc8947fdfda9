"""児童扶養手当 screens of the 届出 (mounted with fukushi.views.fuyoteate at
/fukushi/jido-fuyo-teate/): the 現況届 of a year (提出の状況, the 案内 job), the
一部支給停止適用除外事由届出 and a 扶養義務者 entered by hand (both on the 受給者's page).

Paths carry internal ids only; the write is logged by its service, the reads here by
``logs_reads``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import (
    FuyoGenkyoJotai,
    FuyoGenkyoTodoke,
    FuyoJukyusha,
    FuyoTekiyoJogaiJiyu,
)
from fukushi.printjobs_fuyoteate import GenkyoAnnaiPrint
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_shosho import shosho_kofu
from fukushi.services.fuyoteate_todoke import gimusha_shuki_record, tekiyo_jogai_record
from juminkiroku.public import atena_resolve, person_identities
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.wareki import format_wareki_year

GYOMU = JIDO_FUYO_TEATE


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _nen_choices() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{format_wareki_year(y)}（{y}年）") for y in range(this + 1, this - 4, -1)]


class AnnaiForm(forms.Form):
    nen = forms.TypedChoiceField(label="届出の年", coerce=int, choices=_nen_choices)
    tsuchi_date = WarekiDateField(label="通知日", help_text="例 令和7年7月20日")
    kigen = WarekiDateField(label="提出期限", help_text="例 令和7年8月31日")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="rows[].atena_id", screen="fukushi.fuyoteate_genkyo_list", skip_empty=True)
)
@require_http_methods(["GET", "POST"])
def genkyo_list(request: HttpRequest) -> HttpResponse:
    """提出の状況 of one year's 現況届 and the 未提出 受給者; the 案内 job starts here."""
    today = timezone.localdate()
    try:
        nen = int(request.GET.get("nen") or today.year)
    except ValueError:
        nen = today.year
    form = AnnaiForm(
        request.POST or None,
        initial={"nen": nen, "tsuchi_date": today, "kigen": today.replace(month=8, day=31)},
    )
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["kigen"] and form.cleaned_data["tsuchi_date"]:
            d = form.cleaned_data
            try:
                job = job_start(
                    kind=GenkyoAnnaiPrint.code,
                    params={
                        "nen": d["nen"],
                        "kigen": d["kigen"].isoformat(),
                        "tsuchi_date": d["tsuchi_date"].isoformat(),
                    },
                    actor=actor_from_request(request),
                )
            except (JobRefused, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                return redirect("job_detail", pk=job.pk)
    counts = dict(
        FuyoGenkyoTodoke.objects.filter(nen=nen)
        .values_list("jotai")
        .annotate(n=Count("id"))
        .values_list("jotai", "n")
    )
    mi = list(
        FuyoGenkyoTodoke.objects.filter(nen=nen, jotai=FuyoGenkyoJotai.MITEISHUTSU)
        .select_related("jukyusha")
        .order_by("jukyusha__jukyusha_bango")[:500]
    )
    people = person_identities(g.jukyusha.atena_id for g in mi)
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/genkyo.html",
        {
            "nen": nen,
            "nen_label": format_wareki_year(nen),
            "teishutsu": counts.get(FuyoGenkyoJotai.TEISHUTSU, 0),
            "miteishutsu": counts.get(FuyoGenkyoJotai.MITEISHUTSU, 0),
            "rows": [
                {
                    "j": g.jukyusha,
                    "atena_id": g.jukyusha.atena_id,
                    "person": people.get(g.jukyusha.atena_id),
                }
                for g in mi
            ],
            "form": form,
            "can_write": _can_write(request),
        },
    )


class TekiyoJogaiForm(forms.Form):
    todoke_date = WarekiDateField(label="届出日", help_text="例 令和7年8月5日")
    jiyu = forms.ChoiceField(label="適用除外事由", choices=FuyoTekiyoJogaiJiyu.choices)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def tekiyo_jogai(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = TekiyoJogaiForm(request.POST)
    if not form.is_valid() or form.cleaned_data["todoke_date"] is None:
        messages.error(request, "届出日と適用除外事由を正しく入力してください。")
        return redirect("fukushi_fuyoteate_detail", pk=pk)
    try:
        row = tekiyo_jogai_record(
            jukyusha=j,
            todoke_date=form.cleaned_data["todoke_date"],
            jiyu=FuyoTekiyoJogaiJiyu(form.cleaned_data["jiyu"]),
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        for _, message in exc.errors:
            messages.error(request, message)
    else:
        messages.success(
            request, f"一部支給停止適用除外事由届出を受け付けました（{row.get_jiyu_display()}）。"
        )
    return redirect("fukushi_fuyoteate_detail", pk=pk)


class GimushaForm(forms.Form):
    shotoku_nendo = NendoField(label="所得の年度（住民税の年度＝前年の所得）", before=3)
    kankei = TextField(label="受給者との続柄（例 父、兄）", max_length=20)
    atena_no = TextField(
        label="同じ世帯の人のときは宛名番号（税務の所得に代えて使う）",
        max_length=20,
        required=False,
    )
    kyuyo_shotoku = forms.IntegerField(label="給与所得（円）", min_value=0, initial=0)
    nenkin_shotoku = forms.IntegerField(
        label="公的年金等に係る所得（円）", min_value=0, initial=0, required=False
    )
    sonota_shotoku = forms.IntegerField(
        label="その他の所得（円）", min_value=0, initial=0, required=False
    )
    fuyo_shinzoku = forms.IntegerField(
        label="扶養親族等の数", min_value=0, max_value=20, initial=0, required=False
    )
    rojin = forms.IntegerField(
        label="うち老人扶養親族", min_value=0, max_value=20, initial=0, required=False
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者
@require_POST
def gimusha(request: HttpRequest, pk: int) -> HttpResponse:
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    form = GimushaForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("fukushi_fuyoteate_detail", pk=pk)
    d = form.cleaned_data
    atena_id = None
    if d["atena_no"]:
        found = atena_resolve(d["atena_no"])
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "宛名番号が見つかりません。")
            return redirect("fukushi_fuyoteate_detail", pk=pk)
        atena_id = found.atena_id
    try:
        gimusha_shuki_record(
            jukyusha=j,
            shotoku_nendo=d["shotoku_nendo"],
            kankei=d["kankei"],
            atena_id=atena_id,
            kyuyo_shotoku=d["kyuyo_shotoku"] or 0,
            nenkin_shotoku=d["nenkin_shotoku"] or 0,
            sonota_shotoku=d["sonota_shotoku"] or 0,
            fuyo_shinzoku=d["fuyo_shinzoku"] or 0,
            rojin=d["rojin"] or 0,
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        for _, message in exc.errors:
            messages.error(request, message)
    else:
        messages.success(request, f"扶養義務者（{d['kankei']}）を登録しました。")
    return redirect("fukushi_fuyoteate_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the 交付 is logged (PRINT) and recorded by its service
@require_POST
def shosho(request: HttpRequest, pk: int) -> HttpResponse:
    """児童扶養手当証書 (a 交付: POST, with its history row), returned as the PDF."""
    j = get_object_or_404(FuyoJukyusha, pk=pk)
    try:
        pdf = shosho_kofu(
            jukyusha=j, kofu_date=timezone.localdate(), actor=actor_from_request(request)
        )
    except FuyoteateRefused as exc:
        for _, message in exc.errors:
            messages.error(request, message)
        return redirect("fukushi_fuyoteate_detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fuyoteate_shosho_{j.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("genkyo/", genkyo_list, name="fukushi_fuyoteate_genkyo_list"),
    path("<int:pk>/tekiyo-jogai/", tekiyo_jogai, name="fukushi_fuyoteate_tekiyo_jogai"),
    path("<int:pk>/gimusha/", gimusha, name="fukushi_fuyoteate_gimusha"),
    path("<int:pk>/shosho/", shosho, name="fukushi_fuyoteate_shosho"),
]
