"""収納管理: a corporation's ledger (法人住民税・事業所税, keyed by its 法人番号; issue 18).

Opened from the 収納管理 home by 法人番号 (a POST: the number is public, 法人番号の公表, but
the screens keep paths to internal ids); the page, at ``shuno/hojin/<Hojin id>/``, shows what
the person's page shows — every 期別 with its balance and today's 延滞金, a subtotal per 税目 —
and also every entry (調定 and 収納) and the corporation's 還付・充当. A corporation's tax
affairs are confidential (地方税法第22条): the page logs the corporation's id.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Hojin, Kibetsu, NofushoHakko, Tokusoku, Zeimoku
from zeimu.rules.hojin import hojin_bango_problem
from zeimu.selectors.shuno_hojin import hojin_ledger
from zeimu.services.shuno import balances, entaikin_of
from zeimu.services.shuno_nofusho import (
    HOJIN_ZEIMOKU,
    nofusho_issue,
    nofusho_notices,
    nofusho_render,
)
from zeimu.shuno_nofusho_jobs import HOJIN_NOFUSHO

GYOMU = SHUNO_KANRI
HOJIN = "zeimu.Hojin"
NO_KIBETSU = "その法人番号の法人の調定はありません。"
NO_HOJIN = "その法人番号の法人は登録されていません。"


class HojinLookupForm(forms.Form):
    hojin_bango = TextField(label="法人番号（13桁）", max_length=15)

    def clean_hojin_bango(self) -> str:
        text = str(self.cleaned_data["hojin_bango"]).replace("-", "").replace(" ", "")
        problem = hojin_bango_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a lookup that redirects to the ledger page (logged there)
@require_http_methods(["POST"])
def shuno_hojin_lookup(request: HttpRequest) -> HttpResponse:
    """The 法人番号 form of the 収納管理 home: to the corporation's ledger, or back with why."""
    form = HojinLookupForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("zeimu_shuno")
    bango = form.cleaned_data["hojin_bango"]
    hojin = Hojin.objects.filter(hojin_bango=bango).first()
    if hojin is None:
        messages.error(request, NO_HOJIN)
        return redirect("zeimu_shuno")
    if not Kibetsu.objects.filter(hojin_bango=bango).exists():
        messages.error(request, NO_KIBETSU)
        return redirect("zeimu_shuno")
    return redirect("zeimu_shuno_hojin", hojin_id=hojin.pk)


@gyomu_view(GYOMU)
@logs_reads(Reads(HOJIN, id_kwarg="hojin_id", screen="zeimu.shuno_hojin"))
@require_http_methods(["GET"])
def shuno_hojin(request: HttpRequest, hojin_id: int) -> HttpResponse:
    hojin = get_object_or_404(Hojin, pk=hojin_id)
    ledger = hojin_ledger(hojin.hojin_bango)
    if not ledger.kibetsu:
        messages.error(request, NO_KIBETSU)
        return redirect("zeimu_shuno")
    today = timezone.localdate()
    ids = [k.pk for k, _ in ledger.kibetsu]
    tokusoku = {t.kibetsu_id: t for t in Tokusoku.objects.filter(kibetsu_id__in=ids)}
    groups: list[dict[str, Any]] = []
    for kib, bal in ledger.kibetsu:
        entaikin = entaikin_of(kib.pk, paid_on=today).entaikin if bal.zan > 0 else 0
        line = {
            "kibetsu": kib,
            "balance": bal,
            "entaikin": entaikin,
            "kagono": max(0, -bal.zan),
            "tokusoku": tokusoku.get(kib.pk),
        }
        group = next((g for g in groups if g["zeimoku"] == kib.zeimoku), None)
        if group is None:
            group = {"zeimoku": kib.zeimoku, "label": kib.get_zeimoku_display(), "lines": []}
            groups.append(group)
        group["lines"].append(line)
    for g in groups:
        g["chotei"] = sum(x["balance"].chotei for x in g["lines"])
        g["shuno"] = sum(x["balance"].shuno for x in g["lines"])
        g["zan"] = sum(x["balance"].zan for x in g["lines"] if x["balance"].zan > 0)
        g["kagono"] = sum(x["kagono"] for x in g["lines"])
        g["entaikin"] = sum(x["entaikin"] for x in g["lines"])
    bals = [b for _, b in ledger.kibetsu]
    return TemplateResponse(
        request,
        "zeimu/shuno_hojin.html",
        {
            "hojin": hojin,
            "groups": groups,
            "entries": ledger.entries,
            "kanpu": ledger.kanpu,
            "juto": ledger.juto,
            "today": today,
            "total_zan": sum(b.zan for b in bals if b.zan > 0),
            "total_kagono": -sum(b.zan for b in bals if b.zan < 0),
            "total_entaikin": sum(g["entaikin"] for g in groups),
        },
    )


class HojinNofushoForm(forms.Form):
    kibetsu_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


NO_BALANCE = "この期別には未納額がないため、納付書は発行できません。"
NOT_THIS_HOJIN = "その期別はこの法人の期別ではありません。"


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        HOJIN,
        action=AccessAction.PRINT,
        id_kwarg="hojin_id",
        screen="zeimu.shuno_hojin_nofusho_pdf",
    )
)
@require_POST
def shuno_hojin_nofusho_pdf(request: HttpRequest, hojin_id: int) -> HttpResponse:
    """The 納付書 of one 期別 of a corporation with a balance today, with its 納付番号 and
    the コンビニ barcode as for a person (``nofusho_issue``: written down, a 再発行 when
    printed before); refused, writing nothing, for a 期別 of another taxpayer or with no
    balance."""
    hojin = get_object_or_404(Hojin, pk=hojin_id)
    form = HojinNofushoForm(request.POST)
    kib = (
        Kibetsu.objects.filter(pk=form.cleaned_data["kibetsu_id"], hojin_bango=hojin.hojin_bango)
        .only("pk")
        .first()
        if form.is_valid()
        else None
    )
    if kib is None:
        messages.error(request, NOT_THIS_HOJIN)
        return redirect("zeimu_shuno_hojin", hojin_id=hojin.pk)
    today = timezone.localdate()
    if balances([kib.pk], on=today)[kib.pk].zan <= 0:
        messages.error(request, NO_BALANCE)
        return redirect("zeimu_shuno_hojin", hojin_id=hojin.pk)
    rows = nofusho_issue(
        [kib.pk], hakko_date=today, job_id=None, created_by=request.user.get_username()
    )
    pdf = nofusho_render(nofusho_notices(rows), issuer=Issuer.of(current_municipality()))
    access_note(request, detail={"kibetsu_ids": [kib.pk]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nofusho_hojin_{kib.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


class HojinNofushoJobForm(forms.Form):
    hakko_date = WarekiDateField(label="発行日", help_text="例: 令和8年6月1日、R8.6.1")
    zeimoku = forms.ChoiceField(
        label="税目",
        choices=[("", "法人住民税と事業所税")]
        + [(z.value, z.label) for z in Zeimoku if z in HOJIN_ZEIMOKU],
        required=False,
    )
    nendo = forms.IntegerField(
        label="年度（西暦。空欄: すべて）", min_value=2000, max_value=2100, required=False
    )
    ki = forms.IntegerField(label="期（空欄: すべて）", min_value=1, max_value=12, required=False)
    nouki = WarekiDateField(
        label="納期限（空欄: すべて）", required=False, help_text="例: 令和8年5月31日"
    )
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU)
@no_personal_data  # counts per 発行日; the job logs each chunk's corporations
@require_http_methods(["GET", "POST"])
def shuno_hojin_nofusho(request: HttpRequest) -> HttpResponse:
    """The corporations' mass 納付書: start the job (its progress is the job's page)."""
    form = HojinNofushoJobForm(request.POST or None, initial={"hakko_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = job_start(
                kind=HOJIN_NOFUSHO,
                params={
                    "hakko_date": d["hakko_date"].isoformat(),
                    "zeimoku": d["zeimoku"] or None,
                    "nendo": d["nendo"],
                    "ki": d["ki"],
                    "nouki": d["nouki"].isoformat() if d["nouki"] else None,
                    "print_data_encoding": d["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    slips = NofushoHakko.objects.filter(kibetsu__atena__isnull=True)
    recent = list(
        slips.values("hakko_date")
        .order_by("-hakko_date")
        .distinct()[:10]
        .values_list("hakko_date", flat=True)
    )
    counts = [
        (
            day,
            slips.filter(hakko_date=day).count(),
            slips.filter(hakko_date=day).exclude(barcode="").count(),
        )
        for day in recent
    ]
    return TemplateResponse(
        request, "zeimu/shuno_hojin_nofusho.html", {"form": form, "counts": counts}
    )


urlpatterns: list[URLPattern] = [
    path("shuno/hojin/", shuno_hojin_lookup, name="zeimu_shuno_hojin_lookup"),
    path("shuno/hojin/nofusho/", shuno_hojin_nofusho, name="zeimu_shuno_hojin_nofusho"),
    path("shuno/hojin/<int:hojin_id>/", shuno_hojin, name="zeimu_shuno_hojin"),
    path(
        "shuno/hojin/<int:hojin_id>/nofusho.pdf",
        shuno_hojin_nofusho_pdf,
        name="zeimu_shuno_hojin_nofusho_pdf",
    ),
]
