"""固定資産税・都市計画税 staff screens, mounted at /zeimu/kotei/ on a town host.

- 課税台帳の検索: by 地番／家屋番号 or by the owner's 宛名番号, both POST (an owner's number
  never sits in a URL), 50 納税義務者 a page;
- a parcel, a house, a 納税義務者's 名寄帳 (screen and PDF) with the year's assessment, its
  期別, 課税明細 and history; 更正 and 減免 from there; the 納税通知書 one at a time;
- the results of a 年度 (paged), the 当初賦課 and the mass print of notices (jobs).

Every screen that shows owners logs the ids of the 納税義務者 it showed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from juminkiroku.public import atena_resolve, person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from tenants.wareki import format_nendo
from zeimu.forms.kotei_notices import kotei_notice_render, kotei_notices, meisai_rows, nayose_render
from zeimu.forms.notices import Issuer
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.kotei_jobs import TOSHO
from zeimu.kotei_printjobs import PRINT, latest_tsuchi_date
from zeimu.models import (
    KoteiFuka,
    KoteiKaoku,
    KoteiKyoyusha,
    KoteiNozeisha,
    KoteiTochi,
)
from zeimu.services.kotei import KoteiRefused, kotei_genmen, kotei_kosei
from zeimu.services.kotei_chotei import kotei_nofu_bango

GYOMU = KOTEI_SHISANZEI
NOZEISHA = "zeimu.KoteiNozeisha"
PAGE_SIZE = 50
FISCAL_YEAR = 2025


def _fy(request: HttpRequest) -> int:
    try:
        fy = int(request.GET.get("fiscal_year") or request.POST.get("fiscal_year") or FISCAL_YEAR)
    except ValueError:
        return FISCAL_YEAR
    return fy if 2000 <= fy <= 2100 else FISCAL_YEAR


def _owners(nozeisha_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """納税義務者 id → its owners (宛名番号, 氏名, 持分, 代表者); two queries."""
    rows = list(
        KoteiKyoyusha.objects.filter(nozeisha_id__in=nozeisha_ids).order_by(
            "nozeisha_id", "-is_daihyo", "id"
        )
    )
    people = person_identities(r.atena_id for r in rows)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        p = people.get(r.atena_id)
        out.setdefault(r.nozeisha_id, []).append(
            {
                "atena_no": p.atena_no if p else "",
                "shimei": p.shimei if p else "",
                "is_resident": p.is_resident if p else False,
                "mochibun": f"{r.mochibun_bunshi}/{r.mochibun_bunbo}",
                "is_daihyo": r.is_daihyo,
            }
        )
    return out


# --- 課税台帳の検索 ------------------------------------------------------------------------


class SearchForm(forms.Form):
    chiban = TextField(label="地番・家屋番号（前方一致）", required=False, max_length=30)
    atena_no = TextField(label="所有者の宛名番号", required=False, max_length=15)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        NOZEISHA,
        ids="nozeisha_ids[]",
        skip_empty=True,
        screen="zeimu.kotei_search",
        detail=lambda ctx: {"criteria": ctx["criteria"], "page": ctx["page_no"]},
    )
)
@require_http_methods(["GET", "POST"])
def daicho_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    tochi: list[KoteiTochi] = []
    kaoku: list[KoteiKaoku] = []
    criteria = ""
    page_no = 1
    total = 0
    if request.method == "POST" and form.is_valid():
        chiban = form.cleaned_data["chiban"].strip()
        atena_no = form.cleaned_data["atena_no"].strip()
        try:
            page_no = max(1, int(request.POST.get("page") or 1))
        except ValueError:
            page_no = 1
        tq = KoteiTochi.objects.none()
        hq = KoteiKaoku.objects.none()
        if atena_no:
            criteria = "atena_no"
            found = atena_resolve(atena_no)
            if found.atena_id is not None and not found.found:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
                )
            if not found.found:
                messages.error(request, found.message)
            else:
                if found.message:
                    messages.warning(request, found.message)
                owned = KoteiKyoyusha.objects.filter(atena_id=int(found.atena_id or 0)).values(
                    "nozeisha_id"
                )
                tq = KoteiTochi.objects.filter(nozeisha_id__in=owned)
                hq = KoteiKaoku.objects.filter(nozeisha_id__in=owned)
        elif chiban:
            criteria = "chiban"
            tq = KoteiTochi.objects.filter(chiban__startswith=chiban)
            hq = KoteiKaoku.objects.filter(kaoku_bango__startswith=chiban)
        else:
            messages.error(request, "地番・家屋番号か所有者の宛名番号を入力してください。")
        total = tq.count() + hq.count()
        start = (page_no - 1) * PAGE_SIZE
        tochi = list(tq.order_by("shozai", "chiban", "id")[start : start + PAGE_SIZE])
        rest = max(0, start + PAGE_SIZE - tq.count())
        if rest:
            h_start = max(0, start - tq.count())
            kaoku = list(hq.order_by("shozai", "kaoku_bango", "id")[h_start : h_start + rest])
    ids = sorted({t.nozeisha_id for t in tochi} | {h.nozeisha_id for h in kaoku})
    owners = _owners(ids)
    return TemplateResponse(
        request,
        "zeimu/kotei_search.html",
        {
            "form": form,
            "tochi": [(t, owners.get(t.nozeisha_id, [])) for t in tochi],
            "kaoku": [(h, owners.get(h.nozeisha_id, [])) for h in kaoku],
            "nozeisha_ids": ids,
            "criteria": criteria,
            "page_no": page_no,
            "total": total,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "searched": request.method == "POST",
        },
    )


# --- a parcel, a house ---------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads(NOZEISHA, ids="nozeisha_ids[]", screen="zeimu.kotei_tochi"))
@require_GET
def tochi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tochi = get_object_or_404(KoteiTochi, pk=pk)
    return TemplateResponse(
        request,
        "zeimu/kotei_tochi.html",
        {
            "tochi": tochi,
            "kakaku": list(tochi.kakaku.order_by("-fiscal_year")),
            "owners": _owners([tochi.nozeisha_id]).get(tochi.nozeisha_id, []),
            "nozeisha_ids": [tochi.nozeisha_id],
        },
    )


@gyomu_view(GYOMU)
@logs_reads(Reads(NOZEISHA, ids="nozeisha_ids[]", screen="zeimu.kotei_kaoku"))
@require_GET
def kaoku_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kaoku = get_object_or_404(KoteiKaoku, pk=pk)
    return TemplateResponse(
        request,
        "zeimu/kotei_kaoku.html",
        {
            "kaoku": kaoku,
            "kakaku": list(kaoku.kakaku.order_by("-fiscal_year")),
            "owners": _owners([kaoku.nozeisha_id]).get(kaoku.nozeisha_id, []),
            "nozeisha_ids": [kaoku.nozeisha_id],
        },
    )


# --- 名寄帳 and the assessment ---------------------------------------------------------


class KoseiForm(forms.Form):
    reason = TextField(label="更正の理由", max_length=200)
    kosei_nouki = WarekiDateField(
        label="更正通知書の納期限（税額が増える更正のとき）",
        required=False,
        help_text=(
            "税額が増える更正では必ず入力してください（増えた税額の納期限。例: 令和8年6月30日、"
            "R8.6.30）。減額の更正では空にしてください。"
        ),
    )


class GenmenForm(forms.Form):
    genmen_kotei = forms.IntegerField(label="減免額（固定資産税、円）", min_value=0, initial=0)
    genmen_toshi = forms.IntegerField(label="減免額（都市計画税、円）", min_value=0, initial=0)
    reason = TextField(label="減免の理由（条例の条項と事由）", max_length=200)


def _due_dates(kibetsu: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**k, "due": date.fromisoformat(k["due"])} for k in kibetsu]


def _with_nofu_bango(fuka: KoteiFuka) -> list[dict[str, Any]]:
    """The 期別 with their due dates and the 納付番号 the 収納 ledger gave them."""
    bango = kotei_nofu_bango([fuka])
    return [
        {**k, "nofu_bango": bango.get((fuka.fiscal_year, fuka.nozeisha_id, n), "")}
        for n, k in enumerate(_due_dates(fuka.kibetsu), start=1)
    ]


@gyomu_view(GYOMU)
@logs_reads(Reads(NOZEISHA, id_kwarg="pk", screen="zeimu.kotei_nayose"))
@require_GET
def nayose(request: HttpRequest, pk: int) -> HttpResponse:
    nozeisha = get_object_or_404(KoteiNozeisha, pk=pk)
    fy = _fy(request)
    history = list(nozeisha.fuka.filter(fiscal_year=fy).order_by("version"))
    fuka = next((f for f in history if f.is_current), None)
    years = sorted(set(nozeisha.fuka.values_list("fiscal_year", flat=True)), reverse=True)
    return TemplateResponse(
        request,
        "zeimu/kotei_nayose.html",
        {
            "nozeisha": nozeisha,
            "owners": _owners([pk]).get(pk, []),
            "tochi": list(nozeisha.tochi.order_by("shozai", "chiban")),
            "kaoku": list(nozeisha.kaoku.order_by("shozai", "kaoku_bango")),
            "fiscal_year": fy,
            "years": years,
            "fuka": fuka,
            "meisai": meisai_rows(fuka) if fuka else [],
            "kibetsu": _with_nofu_bango(fuka) if fuka else [],
            "history": history,
            "can_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
            "kosei_form": KoseiForm(),
            "genmen_form": GenmenForm(),
        },
    )


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU)
@logs_reads(
    Reads(NOZEISHA, action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.kotei_nayose_pdf")
)
@require_GET
def nayose_pdf(request: HttpRequest, pk: int, fiscal_year: int) -> HttpResponse:
    fuka = KoteiFuka.objects.filter(
        nozeisha_id=pk, fiscal_year=fiscal_year, is_current=True
    ).first()
    if fuka is None:
        raise Http404("この年度の賦課はありません。")
    pdf = nayose_render(
        fuka, issuer=Issuer.of(current_municipality()), printed=timezone.localdate()
    )
    return _pdf(pdf, f"nayose_{pk}_{fiscal_year}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "zeimu.KoteiFuka", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.kotei_notice_pdf"
    )
)
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One 納税通知書 (with its 課税明細書), current assessment only."""
    fuka = get_object_or_404(KoteiFuka.objects.select_related("nozeisha"), pk=pk, is_current=True)
    notices = kotei_notices([fuka])
    pdf = kotei_notice_render(
        notices,
        issuer=Issuer.of(current_municipality()),
        fiscal_year=fuka.fiscal_year,
        tsuchi_date=latest_tsuchi_date(fuka.fiscal_year) or timezone.localdate(),
    )
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    return _pdf(pdf, f"kotei_notice_{fuka.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 更正 (logged by kotei_kosei), then a redirect
@require_POST
def fuka_kosei(request: HttpRequest, pk: int) -> HttpResponse:
    fuka = get_object_or_404(KoteiFuka, pk=pk)
    form = KoseiForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "更正の理由を200文字以内で、更正通知書の納期限は日付（例: 令和8年6月30日）で"
            "入力してください。",
        )
    else:
        try:
            kotei_kosei(
                fuka_id=pk,
                reason=form.cleaned_data["reason"],
                kosei_nouki=form.cleaned_data["kosei_nouki"],
                actor=actor_from_request(request),
            )
        except KoteiRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "更正しました。更正前の賦課は履歴に残っています。")
    return redirect(f"/zeimu/kotei/nayose/{fuka.nozeisha_id}/?fiscal_year={fuka.fiscal_year}")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 減免 (logged by kotei_genmen), then a redirect
@require_POST
def fuka_genmen(request: HttpRequest, pk: int) -> HttpResponse:
    fuka = get_object_or_404(KoteiFuka, pk=pk)
    form = GenmenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "減免額（0円以上）と理由を入力してください。")
    else:
        try:
            kotei_genmen(
                fuka_id=pk,
                genmen_kotei=form.cleaned_data["genmen_kotei"],
                genmen_toshi=form.cleaned_data["genmen_toshi"],
                reason=form.cleaned_data["reason"],
                actor=actor_from_request(request),
            )
        except KoteiRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "減免を記録しました。減免前の賦課は履歴に残っています。")
    return redirect(f"/zeimu/kotei/nayose/{fuka.nozeisha_id}/?fiscal_year={fuka.fiscal_year}")


# --- results of a 年度, the jobs ----------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        NOZEISHA,
        ids="nozeisha_ids[]",
        skip_empty=True,
        screen="zeimu.kotei_fuka_list",
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"], "page": ctx["page"].number},
    )
)
@require_GET
def fuka_list(request: HttpRequest) -> HttpResponse:
    fy = _fy(request)
    qs = KoteiFuka.objects.filter(fiscal_year=fy, is_current=True).order_by("nozeisha_id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ids = [f.nozeisha_id for f in rows]
    owners = _owners(ids)
    totals = qs.aggregate(
        n=Count("id"),
        kazei=Count("id", filter=Q(nengaku__gt=0)),
        kotei=Sum("kotei_zeigaku"),
        toshi=Sum("toshi_zeigaku"),
        nengaku=Sum("nengaku"),
    )
    return TemplateResponse(
        request,
        "zeimu/kotei_fuka_list.html",
        {
            "page": page,
            "rows": [(f, owners.get(f.nozeisha_id, [])) for f in rows],
            "nozeisha_ids": ids,
            "fiscal_year": fy,
            "nendo": format_nendo(fy),
            "totals": totals,
        },
    )


class ToshoForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the 当初賦課 job
@require_http_methods(["GET", "POST"])
def tosho_start(request: HttpRequest) -> HttpResponse:
    form = ToshoForm(request.POST or None, initial={"fiscal_year": FISCAL_YEAR})
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind=TOSHO,
                params={"fiscal_year": form.cleaned_data["fiscal_year"]},
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(
        request,
        "zeimu/kotei_job.html",
        {"form": form, "title": "固定資産税・都市計画税 当初賦課", "button": "当初賦課を開始"},
    )


class PrintForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)
    tsuchi_date = WarekiDateField(label="通知日", help_text="例: 令和7年4月10日、R7.4.10")
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def print_start(request: HttpRequest) -> HttpResponse:
    form = PrintForm(request.POST or None, initial={"fiscal_year": FISCAL_YEAR})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=PRINT,
                params={
                    "fiscal_year": data["fiscal_year"],
                    "tsuchi_date": data["tsuchi_date"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(
        request,
        "zeimu/kotei_job.html",
        {
            "form": form,
            "title": "固定資産税・都市計画税 納税通知書の一括印刷",
            "button": "印刷を開始",
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/zeimu/kotei/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("kotei/", daicho_search, name="zeimu_kotei_search"),
    path("kotei/tochi/<int:pk>/", tochi_detail, name="zeimu_kotei_tochi"),
    path("kotei/kaoku/<int:pk>/", kaoku_detail, name="zeimu_kotei_kaoku"),
    path("kotei/nayose/<int:pk>/", nayose, name="zeimu_kotei_nayose"),
    path(
        "kotei/nayose/<int:pk>/<int:fiscal_year>/nayose.pdf",
        nayose_pdf,
        name="zeimu_kotei_nayose_pdf",
    ),
    path("kotei/fuka/", fuka_list, name="zeimu_kotei_fuka_list"),
    path("kotei/fuka/<int:pk>/notice.pdf", notice_pdf, name="zeimu_kotei_notice_pdf"),
    path("kotei/fuka/<int:pk>/kosei/", fuka_kosei, name="zeimu_kotei_kosei"),
    path("kotei/fuka/<int:pk>/genmen/", fuka_genmen, name="zeimu_kotei_genmen"),
    path("kotei/tosho/", tosho_start, name="zeimu_kotei_tosho"),
    path("kotei/print/", print_start, name="zeimu_kotei_print"),
]
