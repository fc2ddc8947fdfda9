"""児童手当 staff screens for decisions beyond the 認定 (mounted at /fukushi/jidoteate/): the
却下 of a 認定請求, the 決定通知書 of one decision as a PDF (認定通知書・額改定通知書・
却下通知書), the mass print of the 認定通知書 / 額改定通知書 decided in a date range, and the
支払差止 / 差止解除 of a 受給者.

Paths carry internal ids only; a printed notice is logged (印刷) with the person's id.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJukyusha,
    JidoteateKyakka,
    JidoteateRireki,
    JidoteateSashitome,
    KyakkaRiyu,
    RirekiKind,
    SashitomeRiyu,
)
from fukushi.printjobs_jidoteate_kettei import (
    MASS_FORMS,
    KetteiTsuchiPrint,
    kettei_render,
    kyakka_tsuchi,
    rireki_tsuchi,
)
from fukushi.rules import jidoteate as rules
from fukushi.services.jidoteate import JidoteateRefused
from fukushi.services.jidoteate_kyakka import seikyu_kyakka
from fukushi.services.jidoteate_sashitome import sashitome_kaijo, sashitome_register
from juminkiroku.public import person_identity
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import access_record, actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = JIDO_TEATE
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")


class KyakkaForm(forms.Form):
    seikyu_date = WarekiDateField(label="認定請求日", help_text=DATE_HELP)
    kettei_date = WarekiDateField(label="却下の決定日", help_text=DATE_HELP)
    riyu = forms.ChoiceField(label="却下の理由", choices=KyakkaRiyu.choices)
    riyu_detail = TextField(
        label="理由の補足（「その他」のときは必須）", max_length=200, required=False
    )
    jido_su = forms.IntegerField(
        label="請求書に書かれた児童の数", min_value=0, max_value=20, initial=0
    )


class SashitomeForm(forms.Form):
    riyu = forms.ChoiceField(label="差止の理由", choices=SashitomeRiyu.choices)
    start_month = WarekiDateField(
        label="差し止める最初の手当の月（その月のいずれかの日）", help_text=DATE_HELP
    )
    kettei_date = WarekiDateField(label="差止の決定日", help_text=DATE_HELP)
    riyu_detail = TextField(
        label="理由の補足（「その他」のときは必須）", max_length=200, required=False
    )


class KaijoForm(forms.Form):
    kaijo_date = WarekiDateField(label="解除日", help_text=DATE_HELP)
    kaijo_riyu = TextField(label="解除の理由（届出の受理など）", max_length=200, required=False)


class MassForm(forms.Form):
    form = forms.ChoiceField(label="通知書", choices=list(MASS_FORMS.items()))
    date_from = WarekiDateField(label="決定日（から）", help_text=DATE_HELP)
    date_to = WarekiDateField(label="決定日（まで）", help_text=DATE_HELP)


def _messages(request: HttpRequest, errors: dict[str, str] | forms.Form) -> None:
    if isinstance(errors, forms.Form):
        for errs in errors.errors.values():
            for e in errs:
                messages.error(request, str(e))
    else:
        for m in errors.values():
            messages.error(request, m)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def kyakka(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = KyakkaForm(request.POST)
    if not form.is_valid():
        _messages(request, form)
        return redirect("fukushi_jidoteate_person", pk=pk)
    d = form.cleaned_data
    try:
        row = seikyu_kyakka(
            atena_id=pk,
            seikyu_date=d["seikyu_date"],
            kettei_date=d["kettei_date"],
            riyu=d["riyu"],
            riyu_detail=d.get("riyu_detail") or "",
            jido_su=d.get("jido_su") or 0,
            actor=actor_from_request(request),
        )
    except JidoteateRefused as exc:
        _messages(request, exc.errors)
    else:
        messages.success(
            request,
            f"認定請求を却下しました（理由: {row.get_riyu_display()}）。却下通知書を印刷できます。",
        )
    return redirect("fukushi_jidoteate_person", pk=pk)


def _pdf(request: HttpRequest, pdf: bytes, *, name: str, record_type: str, record_id: int,
         atena_id: int, form: str) -> HttpResponse:  # fmt: skip
    access_record(
        request=request,
        action=AccessAction.PRINT,
        gyomu=GYOMU,
        screen="fukushi.jidoteate_tsuchi_pdf",
        record_type=record_type,
        record_id=record_id,
        detail={"atena_ids": [atena_id], "form": form},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # logged here as a 印刷 with the person's id
@require_GET
def rireki_pdf(request: HttpRequest, rireki_id: int) -> HttpResponse:
    r = get_object_or_404(
        JidoteateRireki.objects.select_related("jukyusha"),
        pk=rireki_id,
        kind__in=[RirekiKind.NINTEI, RirekiKind.KAITEI],
    )
    try:
        notices = rireki_tsuchi([r])
    except rules.SeidoMissing as exc:
        raise Http404(str(exc)) from exc
    if not notices:
        raise Http404("通知書の宛先（住所）が見つかりません。")
    return _pdf(
        request,
        kettei_render(notices),
        name=f"jidoteate_{r.kind}_{r.pk}.pdf",
        record_type="fukushi.JidoteateRireki",
        record_id=r.pk,
        atena_id=r.jukyusha.atena_id,
        form=str(r.kind),
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # logged here as a 印刷 with the person's id
@require_GET
def kyakka_pdf(request: HttpRequest, kyakka_id: int) -> HttpResponse:
    k = get_object_or_404(JidoteateKyakka, pk=kyakka_id)
    notices = kyakka_tsuchi([k])
    if not notices:
        raise Http404("その方は見つかりません。")
    return _pdf(
        request,
        kettei_render(notices),
        name=f"jidoteate_kyakka_{k.pk}.pdf",
        record_type="fukushi.JidoteateKyakka",
        record_id=k.pk,
        atena_id=k.atena_id,
        form="kyakka",
    )


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@no_personal_data  # a form; the job logs what it prints
@require_http_methods(["GET", "POST"])
def mass_print(request: HttpRequest) -> HttpResponse:
    form = MassForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            _messages(request, form)
        else:
            d = form.cleaned_data
            try:
                job = job_start(
                    kind=KetteiTsuchiPrint.code,
                    params={
                        "form": d["form"],
                        "date_from": d["date_from"].isoformat(),
                        "date_to": d["date_to"].isoformat(),
                    },
                    actor=actor_from_request(request),
                )
            except (JobRefused, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                return redirect("job_detail", pk=job.pk)
    return TemplateResponse(
        request,
        "fukushi/jidoteate/tsuchi.html",
        {"form": form, "can_write": request.role_levels.get(GYOMU, 0) >= RoleLevel.WRITE},  # type: ignore[attr-defined]
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def sashitome(request: HttpRequest, jukyusha_id: int) -> HttpResponse:
    row = get_object_or_404(JidoteateJukyusha, pk=jukyusha_id)
    form = SashitomeForm(request.POST)
    if not form.is_valid():
        _messages(request, form)
        return redirect("fukushi_jidoteate_person", pk=row.atena_id)
    d = form.cleaned_data
    try:
        s = sashitome_register(
            jukyusha_id=row.pk,
            riyu=d["riyu"],
            start_month=d["start_month"],
            kettei_date=d["kettei_date"],
            riyu_detail=d.get("riyu_detail") or "",
            actor=actor_from_request(request),
        )
    except JidoteateRefused as exc:
        _messages(request, exc.errors)
    else:
        messages.success(
            request,
            f"支払を差し止めました（{s.start_month.year}年{s.start_month.month}月分から）。",
        )
    return redirect("fukushi_jidoteate_person", pk=row.atena_id)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def kaijo(request: HttpRequest, sashitome_id: int) -> HttpResponse:
    s = get_object_or_404(JidoteateSashitome.objects.select_related("jukyusha"), pk=sashitome_id)
    form = KaijoForm(request.POST)
    if not form.is_valid():
        _messages(request, form)
        return redirect("fukushi_jidoteate_person", pk=s.jukyusha.atena_id)
    try:
        sashitome_kaijo(
            sashitome_id=s.pk,
            kaijo_date=form.cleaned_data["kaijo_date"],
            riyu=form.cleaned_data.get("kaijo_riyu") or "",
            actor=actor_from_request(request),
        )
    except JidoteateRefused as exc:
        _messages(request, exc.errors)
    else:
        messages.success(
            request,
            "差止を解除しました。差し止めた月の手当は次の支払（定例払・随時払）で支払います。",
        )
    return redirect("fukushi_jidoteate_person", pk=s.jukyusha.atena_id)


urlpatterns: list[URLPattern] = [
    path(
        "jidoteate/jukyusha/<int:jukyusha_id>/sashitome/",
        sashitome,
        name="fukushi_jidoteate_sashitome",
    ),
    path("jidoteate/sashitome/<int:sashitome_id>/kaijo/", kaijo, name="fukushi_jidoteate_kaijo"),
    path("jidoteate/persons/<int:pk>/kyakka/", kyakka, name="fukushi_jidoteate_kyakka"),
    path(
        "jidoteate/rireki/<int:rireki_id>/tsuchi.pdf",
        rireki_pdf,
        name="fukushi_jidoteate_rireki_pdf",
    ),
    path(
        "jidoteate/kyakka/<int:kyakka_id>/tsuchi.pdf",
        kyakka_pdf,
        name="fukushi_jidoteate_kyakka_pdf",
    ),
    path("jidoteate/tsuchi/", mass_print, name="fukushi_jidoteate_tsuchi_mass"),
]
