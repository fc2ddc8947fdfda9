"""口座振替 screens (issue 18 item 4): the registrations (search by 宛名番号 — a POST —, the
latest ones, a taxpayer's history with the paper entry and the stop), the bank's 受付結果 file,
the 依頼 job and the files it made, and the 口座振替不能通知 of a result file."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from juminkiroku.public import atena_resolve, person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import KozaIrai, KozaToroku, ShunoFile, YokinShumoku, Zeimoku
from zeimu.rules.shuno_koza import UKETSUKE_COLUMNS, Account
from zeimu.services.shuno import ShunoRefused
from zeimu.services.shuno_koza import (
    koza_funo_notices,
    koza_funo_render,
    koza_toroku_register,
    koza_toroku_stop,
    koza_uketsuke_import,
)
from zeimu.shuno_koza_jobs import KOZA_IRAI

GYOMU = SHUNO_KANRI
MAX_FILE = 10 * 1024 * 1024


class UketsukeForm(forms.Form):
    file = forms.FileField(label="口座振替受付結果ファイル（CSV）")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="zeimu.shuno_koza"))
@require_http_methods(["GET", "POST"])
def shuno_koza(request: HttpRequest) -> HttpResponse:
    """Search by 宛名番号 (POST), counts per bank and the latest registrations."""
    if request.method == "POST":
        lookup = atena_resolve(request.POST.get("atena_no", ""))
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
        if not lookup.found or lookup.atena_id is None:
            messages.error(request, lookup.message)
        else:
            return redirect("zeimu_shuno_koza_person", atena_id=lookup.atena_id)
    latest = list(KozaToroku.objects.order_by("-created_at", "-pk")[:30])
    people = person_identities(t.atena_id for t in latest)
    banks = (
        KozaToroku.objects.filter(teishi_date__isnull=True)
        .values("kinyu_kikan")
        .annotate(n=Count("id"))
        .order_by("kinyu_kikan")
    )
    return TemplateResponse(
        request,
        "zeimu/shuno_koza.html",
        {
            "latest": [(t, people.get(t.atena_id)) for t in latest],
            "banks": list(banks),
            "atena_ids": sorted({t.atena_id for t in latest}),
            "upload": UketsukeForm(),
            "columns": UKETSUKE_COLUMNS,
        },
    )


class TorokuForm(forms.Form):
    zeimoku = forms.ChoiceField(label="税目", choices=Zeimoku.choices)
    kinyu_kikan = TextField(label="金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=YokinShumoku.choices)
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)
    kaishi_date = WarekiDateField(label="振替開始日")


class StopForm(forms.Form):
    toroku_id = forms.IntegerField(widget=forms.HiddenInput)
    teishi_date = WarekiDateField(label="振替停止日")
    reason = TextField(label="停止の理由", max_length=100)


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@logs_reads(Reads("atena", id_kwarg="atena_id", screen="zeimu.shuno_koza_person"))
@require_http_methods(["GET", "POST"])
def shuno_koza_person(request: HttpRequest, atena_id: int) -> HttpResponse:
    """A taxpayer's registrations with their history; a new one from the paper 依頼書; a stop."""
    person = person_identities([atena_id]).get(atena_id)
    if person is None:
        return HttpResponse(status=404)
    today = timezone.localdate()
    form = TorokuForm(
        request.POST if "register" in request.POST else None, initial={"kaishi_date": today}
    )
    stop = StopForm(request.POST if "stop" in request.POST else None)
    actor = actor_from_request(request)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            koza_toroku_register(
                atena_id=atena_id, zeimoku=d["zeimoku"],
                account=Account(d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"],
                                d["koza_bango"], d["meigi_kana"]),
                kaishi_date=d["kaishi_date"], actor=actor,
            )  # fmt: skip
        except ShunoRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "口座振替を登録しました。")
            return redirect("zeimu_shuno_koza_person", atena_id=atena_id)
    if stop.is_bound and stop.is_valid():
        d = stop.cleaned_data
        if not KozaToroku.objects.filter(pk=d["toroku_id"], atena_id=atena_id).exists():
            return HttpResponse(status=404)
        try:
            koza_toroku_stop(toroku_id=d["toroku_id"], teishi_date=d["teishi_date"],
                             reason=d["reason"], actor=actor)  # fmt: skip
        except ShunoRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "口座振替を停止しました。")
            return redirect("zeimu_shuno_koza_person", atena_id=atena_id)
    rows = list(KozaToroku.objects.filter(atena_id=atena_id).order_by("zeimoku", "-kaishi_date"))
    return TemplateResponse(
        request,
        "zeimu/shuno_koza_person.html",
        {"person": person, "rows": rows, "form": form, "today": today},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the import is logged by the service; the report shows lines, not people
@require_http_methods(["POST"])
def shuno_koza_uketsuke(request: HttpRequest) -> HttpResponse:
    form = UketsukeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "ファイルを選んでください。")
        return redirect("zeimu_shuno_koza")
    upload = form.cleaned_data["file"]
    if upload.size > MAX_FILE:
        messages.error(request, "ファイルが大きすぎます（上限 10MB）。")
        return redirect("zeimu_shuno_koza")
    result = koza_uketsuke_import(data=upload.read(), actor=actor_from_request(request))
    return TemplateResponse(request, "zeimu/shuno_koza_uketsuke.html", {"result": result})


class IraiForm(forms.Form):
    nouki = WarekiDateField(label="納期限（引落日）")
    saifurikae = forms.BooleanField(
        label="再振替（前回の振替不能分を団体の再振替日に）", required=False
    )


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # counts per file; the job logs the rows it wrote
@require_http_methods(["GET", "POST"])
def shuno_koza_irai(request: HttpRequest) -> HttpResponse:
    form = IraiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind=KOZA_IRAI,
                params={
                    "nouki": form.cleaned_data["nouki"].isoformat(),
                    "saifurikae": form.cleaned_data["saifurikae"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    made = KozaIrai.objects.order_by("-furikae_date", "kinyu_kikan")[:50]
    results = (
        ShunoFile.objects.filter(channel="koza")
        .annotate(n=Count("rows", filter=Q(rows__status="funo")), yen=Sum("amount"))
        .order_by("-created_at")[:20]
    )
    return TemplateResponse(
        request,
        "zeimu/shuno_koza_irai.html",
        {"form": form, "made": made, "results": results},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("zeimu.ShunoFile", action=AccessAction.PRINT, id_kwarg="pk",
          screen="zeimu.shuno_koza_funo_pdf")
)  # fmt: skip
@require_GET
def shuno_koza_funo_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """口座振替不能通知 of every 振替不能 line of one result file."""
    f = get_object_or_404(ShunoFile, pk=pk, channel="koza")
    notices = koza_funo_notices(f.pk, hakko_date=timezone.localdate())
    if not notices:
        return HttpResponse("このファイルに振替不能の期別はありません。", status=404)
    access_note(request, detail={"atena_ids": sorted({i for n in notices for i in n.atena_ids})})
    pdf = koza_funo_render(notices, issuer=Issuer.of(current_municipality()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="koza_funo_{f.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("shuno/koza/", shuno_koza, name="zeimu_shuno_koza"),
    path("shuno/koza/nozeisha/<int:atena_id>/", shuno_koza_person, name="zeimu_shuno_koza_person"),
    path("shuno/koza/uketsuke/", shuno_koza_uketsuke, name="zeimu_shuno_koza_uketsuke"),
    path("shuno/koza/irai/", shuno_koza_irai, name="zeimu_shuno_koza_irai"),
    path(
        "shuno/koza/funo/<int:pk>/funo.pdf", shuno_koza_funo_pdf, name="zeimu_shuno_koza_funo_pdf"
    ),
]
