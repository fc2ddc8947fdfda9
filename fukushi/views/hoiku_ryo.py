"""保育料 screens, mounted at /fukushi/hoikuryo/: the fees of a month (the 業務's first screen)
with the 算定 (the whole 年度, or the September recompute of 9月〜3月 once the new 所得割 is
known), one child's 決定通知書 (PDF, on the shared print path), and the 試算 (figures typed
in, nothing read about a person, nothing saved)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import HOIKURYO
from fukushi.hoikuryo_jobs import KIRIKAE
from fukushi.models.hoiku import Hitsuyoryo, HoikuNintei, HoikuryoChotei, HoikuryoGetsugaku
from fukushi.printjobs_hoiku import henko_render, henko_tsuchi, hoikuryo_tsuchi_render
from fukushi.rules.hoiku import nendo_of
from fukushi.services.hoiku_ryo import (
    FISCAL_MONTHS,
    ShisanInput,
    ShisanRefused,
    hoikuryo_compute,
    month_first,
    shisan,
)
from fukushi.services.hoikuryo_chotei import ChoteiRefused, hoikuryo_chotei
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import access_record, actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.params.services import ParameterMissing
from tenants.printing.yearly import issuer_name

GYOMU = HOIKURYO
PREFIX = "hoikuryo/"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和5年6月15日", "R5.6.15", "2023/6/15")
MONTH_CHOICES = [(m, f"{m}月") for m in FISCAL_MONTHS]
RANGE_CHOICES = [
    ("all", "年度のすべての月（4月〜3月）"),
    ("kirikae", "9月〜3月（当年度の所得割で再算定）"),
]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class MonthForm(forms.Form):
    nendo = NendoField(label="年度")
    month = forms.TypedChoiceField(label="月", coerce=int, choices=MONTH_CHOICES)


class ComputeForm(forms.Form):
    nendo = NendoField(label="年度")
    hani = forms.ChoiceField(label="算定する月", choices=RANGE_CHOICES)


class KirikaeForm(forms.Form):
    nendo = NendoField(label="切替する年度")


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        ids="atena_ids",
        skip_empty=True,
        detail=lambda ctx: {"month": ctx["day"].isoformat()},
        screen="fukushi.hoikuryo_list",
    )
)
@require_GET
def hoikuryo_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MonthForm(request.GET or None, initial={"nendo": nendo_of(today), "month": today.month})
    if form.is_bound and form.is_valid():
        day = month_first(form.cleaned_data["nendo"], form.cleaned_data["month"])
    else:
        day = today.replace(day=1)
    qs = HoikuryoGetsugaku.objects.filter(month=day).order_by("atena_id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    persons = person_identities(g.atena_id for g in rows)
    # what the 収納 ledger was told for each child of the page (保育所 only; a child whose
    # 保護者 changed has the old 期別 at 0 and the new one with the fee)
    chotei: dict[int, HoikuryoChotei] = {}
    for c in HoikuryoChotei.objects.filter(
        month=day, atena_id__in=[g.atena_id for g in rows]
    ).order_by("posted_at", "pk"):
        if c.amount or c.atena_id not in chotei:
            chotei[c.atena_id] = c
    return TemplateResponse(
        request,
        "fukushi/hoiku/hoikuryo_list.html",
        {
            "form": form,
            "day": day,
            "page": page,
            "rows": [(g, persons.get(g.atena_id), chotei.get(g.atena_id)) for g in rows],
            "chotei_total": HoikuryoChotei.objects.filter(month=day).aggregate(s=Sum("amount"))[
                "s"
            ],
            "chotei_form": MonthForm(
                initial={"nendo": nendo_of(day), "month": day.month}, prefix="chotei"
            ),
            "atena_ids": [g.atena_id for g in rows],
            "total": qs.aggregate(s=Sum("amount"))["s"] or 0,
            "compute": ComputeForm(initial={"nendo": nendo_of(day), "hani": "all"}),
            "kirikae": KirikaeForm(initial={"nendo": nendo_of(day)}, prefix="kirikae"),
            "henko": HenkoQuery(request.GET).is_valid() and request.GET.get("henko"),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def hoikuryo_compute_view(request: HttpRequest) -> HttpResponse:
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年度と算定する月を選んでください。")
        return redirect("fukushi_hoikuryo_list")
    nendo = form.cleaned_data["nendo"]
    months = FISCAL_MONTHS if form.cleaned_data["hani"] == "all" else FISCAL_MONTHS[5:]
    try:
        res = hoikuryo_compute(nendo=nendo, months=months, actor=actor_from_request(request))
    except ParameterMissing as exc:
        messages.error(request, str(exc))
        return redirect("fukushi_hoikuryo_list")
    messages.success(
        request,
        f"保育料を算定しました（{res.computed}件、変更{res.changed}件、削除{res.removed}件）。",
    )
    henko = f"&henko={min(res.rireki_ids)}-{max(res.rireki_ids)}" if res.rireki_ids else ""
    if res.waiting:
        messages.warning(
            request,
            f"保護者の市町村民税の課税の情報がない{len(res.waiting)}人は算定していません。",
        )
    return redirect(f"{reverse('fukushi_hoikuryo_list')}?nendo={nendo}&month={months[0]}{henko}")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def hoikuryo_chotei_view(request: HttpRequest) -> HttpResponse:
    """The month's 保育所保育料 to the 収納 ledger (調定)."""
    form = MonthForm(request.POST, prefix="chotei")
    if not form.is_valid():
        messages.error(request, "調定する年度と月を選んでください。")
        return redirect("fukushi_hoikuryo_list")
    nendo, month = form.cleaned_data["nendo"], form.cleaned_data["month"]
    try:
        res = hoikuryo_chotei(day=month_first(nendo, month), actor=actor_from_request(request))
    except (ChoteiRefused, ParameterMissing) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{month}月分の保育所保育料を調定しました（保育所の子ども{res.targets}人、"
            f"調定が変わった期別{res.written}件、うち0円にした期別{res.zeroed}件、"
            f"調定額の合計{res.total:,}円）。",
        )
    return redirect(f"{reverse('fukushi_hoikuryo_list')}?nendo={nendo}&month={month}")


class HenkoQuery(forms.Form):
    """The history rows of one 算定 (``first-last`` ids), as the compute's redirect gives."""

    henko = TextField(
        label="算定の履歴の範囲",
        max_length=25,
        validators=[RegexValidator(r"^[0-9]{1,12}-[0-9]{1,12}$", "範囲の形が正しくありません。")],
    )

    def ids(self) -> tuple[int, int]:
        a, b = self.cleaned_data["henko"].split("-")
        return int(a), int(b)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF's 宛名 are logged below (PRINT) once it is made
@require_GET
def henko_tsuchi_pdf(request: HttpRequest) -> HttpResponse:
    """The 決定（変更）通知書 of the fees one screen 算定 changed: one page per household."""
    query = HenkoQuery(request.GET)
    if not query.is_valid():
        raise Http404("印刷できる通知書がありません。")
    first, last = query.ids()
    notices = henko_tsuchi(rireki_ids=range(first, last + 1)) if last - first < 100_000 else []
    if not notices:
        raise Http404("印刷できる通知書がありません。")
    pdf = henko_render(notices, issuer=issuer_name(), hakko_date=timezone.localdate())
    access_record(
        request=request,
        action=AccessAction.PRINT,
        gyomu=GYOMU,
        screen="fukushi.hoikuryo_henko_tsuchi_pdf",
        record_type="fukushi.HoikuryoGetsugaku",
        record_count=len(notices),
        detail={"atena_ids": sorted({a for n in notices for a in n.atena_ids})},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="hoikuryo_henko_tsuchi.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the 切替 job (which logs what it reads and prints)
@require_POST
def kirikae_start(request: HttpRequest) -> HttpResponse:
    form = KirikaeForm(request.POST, prefix="kirikae")
    if not form.is_valid():
        messages.error(request, "切替する年度を選んでください。")
        return redirect("fukushi_hoikuryo_list")
    try:
        job = job_start(
            kind=KIRIKAE,
            params={"nendo": form.cleaned_data["nendo"]},
            actor=actor_from_request(request),
        )
    except (JobRefused, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("fukushi_hoikuryo_list")
    return redirect("job_detail", pk=job.pk)


class TsuchiQuery(forms.Form):
    nendo = NendoField(label="年度")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.HoikuNintei",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="fukushi.hoikuryo_tsuchi_pdf",
    )
)
@require_GET
def hoikuryo_tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 決定通知書 of the child of 認定 ``pk`` for ``?nendo=``."""
    query = TsuchiQuery(request.GET)
    nintei = HoikuNintei.objects.filter(pk=pk).first()
    if nintei is None or not query.is_valid():
        raise Http404("印刷できる保育料がありません。")
    nendo = query.cleaned_data["nendo"]
    pdf = hoikuryo_tsuchi_render(
        atena_id=nintei.atena_id, nendo=nendo, issuer=issuer_name(), hakko_date=timezone.localdate()
    )
    if pdf is None:
        raise Http404("印刷できる保育料がありません。")
    access_note(request, detail={"atena_ids": [nintei.atena_id], "nendo": nendo})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoikuryo_tsuchi_{pk}_{nendo}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- 試算 -----------------------------------------------------------------------------------


class ShisanForm(forms.Form):
    nendo = NendoField(label="年度")
    month = forms.TypedChoiceField(label="月", coerce=int, choices=MONTH_CHOICES)
    birth = WarekiDateField(label="子どもの生年月日", help_text=DATE_HELP)
    hitsuyoryo = forms.ChoiceField(label="保育必要量", choices=Hitsuyoryo.choices)
    seiho = forms.BooleanField(label="生活保護を受けている世帯", required=False)
    hikazei = forms.BooleanField(label="保護者が全員市町村民税非課税", required=False)
    shotokuwari = forms.IntegerField(
        label="保護者の市町村民税所得割額の合計（円）", min_value=0, max_value=10**9, initial=0
    )
    kyodai1 = WarekiDateField(
        label="数える兄弟姉妹の生年月日（1人目。保育所等を利用する就学前の子。所得割57,700円未満の世帯はすべての子）",
        required=False,
        help_text=DATE_HELP,
    )
    kyodai2 = WarekiDateField(label="同（2人目）", required=False, help_text=DATE_HELP)
    kyodai3 = WarekiDateField(label="同（3人目）", required=False, help_text=DATE_HELP)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved (the 試算 is logged as such)
@require_http_methods(["GET", "POST"])
def shisan_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShisanForm(
        request.POST or None,
        initial={"nendo": nendo_of(today), "month": today.month, "hitsuyoryo": "hyojun"},
    )
    answer: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        inp = ShisanInput(
            nendo=d["nendo"],
            month=d["month"],
            birth=d["birth"],
            hitsuyoryo=d["hitsuyoryo"],
            seiho=bool(d.get("seiho")),
            hikazei=bool(d.get("hikazei")),
            shotokuwari=d["shotokuwari"],
            kyodai_births=tuple(
                b for b in (d.get("kyodai1"), d.get("kyodai2"), d.get("kyodai3")) if b
            ),
        )
        try:
            answer = shisan(inp)
        except ShisanRefused as exc:
            messages.error(request, str(exc))
        else:
            answer["month_date"] = month_first(inp.nendo, inp.month)
            access_record(
                request=request,
                action=AccessAction.READ,
                gyomu=GYOMU,
                screen="fukushi.hoikuryo_shisan",
                record_type="fukushi.hoikuryo_shisan",
                record_count=0,
                detail={"nendo": inp.nendo},
            )
    return TemplateResponse(request, "fukushi/hoiku/shisan.html", {"form": form, "answer": answer})


urlpatterns: list[URLPattern] = [
    # the first screen of the 業務, for the platform's module page
    path(f"{PREFIX}entry/", hoikuryo_list, name=f"gyomu_entry_{HOIKURYO}"),
    path(f"{PREFIX}", hoikuryo_list, name="fukushi_hoikuryo_list"),
    path(f"{PREFIX}compute/", hoikuryo_compute_view, name="fukushi_hoikuryo_compute"),
    path(f"{PREFIX}kirikae/", kirikae_start, name="fukushi_hoikuryo_kirikae"),
    path(f"{PREFIX}chotei/", hoikuryo_chotei_view, name="fukushi_hoikuryo_chotei"),
    path(f"{PREFIX}henko-tsuchi/", henko_tsuchi_pdf, name="fukushi_hoikuryo_henko_tsuchi"),
    path(f"{PREFIX}tsuchi/<int:pk>/", hoikuryo_tsuchi_pdf, name="fukushi_hoikuryo_tsuchi"),
    path(f"{PREFIX}shisan/", shisan_view, name="fukushi_hoikuryo_shisan"),
]
