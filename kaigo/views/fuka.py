"""介護保険料 賦課 screens: the 賦課 menu (本算定・更正候補の抽出・通知書の一括印刷), the results
of a 年度 with totals per 段階, one person's 保険料 with every figure and its versions,
the 決定通知書 / 変更通知書 (and 納入通知書) as PDF, and the 更正候補 a clerk applies or sets
aside.

Paths carry internal ids and 年度 only; every screen that shows a person writes its
access-log row (``logs_reads``).
"""

from __future__ import annotations

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

from juminkiroku.public import person_identities, person_identity, zokugara_label
from kaigo.forms.fuka import FORM_LABELS as NOTICE_LABELS
from kaigo.forms.fuka import FORMS as NOTICE_FORMS
from kaigo.forms.fuka import form_of, naiyaku, notices, notices_render
from kaigo.fuka_jobs import HONSANTEI, KOSEI_SWEEP
from kaigo.fuka_printjobs import NOTICE_PRINT, issuer_name
from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import FukaKoseiStatus, KaigoFuka, KaigoKoseiKoho, TokuchoFile
from kaigo.selectors.rentai import rentai_of_fuka
from kaigo.services.fuka import KoseiRefused, kosei_apply, kosei_dismiss
from kaigo.services.fuka_tokucho import TokuchoFileError, tokucho_import, tokucho_irai_csv
from kaigo.services.fuka_tokucho_kekka import TokuchoKekkaRefused, tokucho_kekka_import
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import CsvEncodingError, content_type
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.nenkin_tokucho import MAX_UPLOAD_BYTES, TokuchoKekkaForm
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.nenkin_tokucho import NoticeKind

GYOMU = KAIGO_HOKEN
RECORD_TYPE = "kaigo.KaigoFuka"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年7月1日", "R7.7.1", "2025/7/1")


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class HonsanteiForm(forms.Form):
    fiscal_year = NendoField()
    kijun_date = WarekiDateField(
        label="算定基準日（空欄は今日）", required=False, help_text=DATE_HELP
    )


class SweepForm(forms.Form):
    fiscal_year = NendoField()


class NoticeForm(forms.Form):
    fiscal_year = NendoField()
    form = forms.ChoiceField(
        label="帳票",
        choices=[(f, NOTICE_LABELS[f]) for f in NOTICE_FORMS],
        widget=forms.RadioSelect,
    )
    tsuchi_date = WarekiDateField(label="通知日", help_text=DATE_HELP)
    since = WarekiDateField(
        label="この日以後の更正（変更通知書のみ。空欄はすべて）",
        required=False,
        help_text=DATE_HELP,
    )
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


class KoseiForm(forms.Form):
    reason = TextField(label="理由", max_length=200)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # the forms start jobs; the summary shows counts only
@require_http_methods(["GET", "POST"])
def fuka_menu(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    fy = today.year if today.month >= 4 else today.year - 1
    initial = {"fiscal_year": fy, "tsuchi_date": today}
    action = request.POST.get("action", "")
    forms_ = {
        "honsantei": HonsanteiForm(
            request.POST if action == "honsantei" else None, initial=initial
        ),
        "sweep": SweepForm(request.POST if action == "sweep" else None, initial=initial),
        "notice": NoticeForm(request.POST if action == "notice" else None, initial=initial),
    }
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        form = forms_.get(action)
        if form is not None and form.is_valid():
            d = form.cleaned_data
            params: dict[str, Any] = {"fiscal_year": d["fiscal_year"]}
            for key in ("kijun_date", "tsuchi_date", "since"):
                if d.get(key):
                    params[key] = d[key].isoformat()
            if action == "notice":
                params["form"] = d["form"]
                params["print_data_encoding"] = d["print_data_encoding"]
            kind = {"honsantei": HONSANTEI, "sweep": KOSEI_SWEEP, "notice": NOTICE_PRINT}[action]
            try:
                job = job_start(kind=kind, params=params, actor=actor_from_request(request))
            except (JobRefused, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                return redirect("job_detail", pk=job.pk)
    years = list(
        KaigoFuka.objects.filter(is_current=True)
        .values("fiscal_year")
        .annotate(
            n=Count("id"),
            total=Sum("hokenryo"),
            open_koho=Count("koho", filter=Q(koho__status=FukaKoseiStatus.OPEN)),
        )
        .order_by("-fiscal_year")
    )
    return TemplateResponse(
        request,
        "kaigo/fuka/menu.html",
        {"forms": forms_, "years": years, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"], "page": ctx["page"].number},
        screen="kaigo.fuka_kekka",
    )
)
@require_GET
def fuka_kekka(request: HttpRequest, fy: int) -> HttpResponse:
    qs = KaigoFuka.objects.filter(fiscal_year=fy, is_current=True)
    totals = qs.aggregate(n=Count("id"), hokenryo=Sum("hokenryo"), keigen=Sum("keigengaku"))
    dankai = list(
        qs.values("dankai").annotate(n=Count("id"), total=Sum("hokenryo")).order_by("dankai")
    )
    choshu = list(
        qs.values("choshu_hoho").annotate(n=Count("id"), total=Sum("hokenryo")).order_by()
    )
    page = Paginator(qs.order_by("atena_id"), PAGE_SIZE).get_page(request.GET.get("page"))
    fukas = list(page.object_list)
    names = person_identities(f.atena_id for f in fukas)
    rows = [
        {"fuka": f, "atena_id": f.atena_id,
         "name": names[f.atena_id].shimei if f.atena_id in names else ""}
        for f in fukas
    ]  # fmt: skip
    return TemplateResponse(
        request,
        "kaigo/fuka/kekka.html",
        {
            "fiscal_year": fy,
            "totals": totals,
            "dankai": dankai,
            "choshu": [
                {**c, "label": "特別徴収" if c["choshu_hoho"] == "tokucho" else "普通徴収"}
                for c in choshu
            ],
            "page": page,
            "rows": rows,
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kaigo.fuka_person"))
@require_GET
def fuka_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 保険料: every 年度's current 賦課 with its 内訳 and 期別, and every
    version before it."""
    person = person_identity(pk)
    if person is None:
        raise Http404("その方は見つかりません。")
    rows = list(KaigoFuka.objects.filter(atena_id=pk).order_by("-fiscal_year", "-version"))
    current = [
        {"fuka": f, "naiyaku": naiyaku(f), "notice_label": NOTICE_LABELS[form_of(f)]}
        for f in rows
        if f.is_current
    ]
    rentai = _rentai_rows(pk, [f for f in rows if f.is_current])
    rentai_ids = sorted({r["atena_id"] for r in rentai if "atena_id" in r})
    if rentai_ids:  # the 世帯主 and spouse are read from the registry: logged with the person
        access_note(request, detail={"atena_ids": [pk, *rentai_ids]})
    return TemplateResponse(
        request,
        "kaigo/fuka/person.html",
        {
            "person": person,
            "atena_id": pk,
            "current": current,
            "versions": rows,
            "rentai": rentai,
            "can_write": _can_write(request),
        },
    )


RENTAI_NONE = "住民記録から特定できる連帯納付義務者はいません。"


def _rentai_rows(pk: int, current: list[KaigoFuka]) -> list[dict[str, Any]]:
    """The 連帯納付義務者 of each 普通徴収 期 (介護保険法第132条第2項・第3項) of the current
    賦課, on its 納期限, as rows for the screen: one per person, or a note."""
    judged = [(f, k, r) for f in current for k, r in rentai_of_fuka(f.kibetsu, pk)]
    names = person_identities({s.atena_id for _f, _k, r in judged for s in r.sha})
    rows: list[dict[str, Any]] = []
    for f, k, r in judged:
        base = {"nendo": f.fiscal_year, "ki_label": k["label"], "due": k["due"]}
        for s in r.sha:
            p = names.get(s.atena_id)
            rows.append(
                {
                    **base,
                    "atena_id": s.atena_id,
                    "shimei": p.shimei if p else "",
                    "atena_no": p.atena_no if p else "",
                    "zokugara": zokugara_label(s.zokugara),
                    "konkyo": "、".join(s.konkyo),
                }
            )
        if not r.sha and not r.notes:
            rows.append({**base, "note": RENTAI_NONE})
        rows += [{**base, "note": n} for n in r.notes]
    return rows


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="kaigo.fuka_tsuchi_pdf")
)
@require_GET
def fuka_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 決定通知書 (変更通知書 for a 更正; with the 納入通知書 for 普通徴収),
    dated today — the same function as the mass print."""
    fuka = get_object_or_404(KaigoFuka, pk=pk)
    today = timezone.localdate()
    made = notices([fuka], tsuchi_date=today)
    if not made:
        return HttpResponse("住所が見つからないため印刷できません。", status=404)
    pdf = notices_render(made, issuer=issuer_name(), tsuchi_date=today)
    access_note(request, detail={"atena_ids": [fuka.atena_id], "form": form_of(fuka)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaigo_fuka_{fuka.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"]},
        screen="kaigo.fuka_kosei",
    )
)
@require_GET
def kosei_list(request: HttpRequest, fy: int) -> HttpResponse:
    page = Paginator(
        KaigoKoseiKoho.objects.filter(fiscal_year=fy, status=FukaKoseiStatus.OPEN).order_by(
            "atena_id"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    kohos = list(page.object_list)
    names = person_identities(k.atena_id for k in kohos)
    rows = [
        {"koho": k, "atena_id": k.atena_id,
         "name": names[k.atena_id].shimei if k.atena_id in names else "",
         "changes": [c.get("label", "") for c in k.changes if c.get("label")]}
        for k in kohos
    ]  # fmt: skip
    return TemplateResponse(
        request,
        "kaigo/fuka/kosei.html",
        {"fiscal_year": fy, "page": page, "rows": rows, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def kosei_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("apply", "dismiss"):
        raise Http404("その操作はありません。")
    koho = get_object_or_404(KaigoKoseiKoho, pk=pk)
    form = KoseiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "理由を入力してください。")
        return redirect("kaigo_fuka_kosei_list", fy=koho.fiscal_year)
    actor = actor_from_request(request)
    try:
        if decision == "apply":
            row = kosei_apply(koho_id=koho.pk, reason=form.cleaned_data["reason"], actor=actor)
            messages.success(request, f"更正しました（第{row.version}版）。")
            return redirect("kaigo_fuka_person", pk=row.atena_id)
        kosei_dismiss(koho_id=koho.pk, reason=form.cleaned_data["reason"], actor=actor)
        messages.success(request, "更正しないことにしました。")
    except KoseiRefused as exc:
        messages.error(request, str(exc))
    return redirect("kaigo_fuka_kosei_list", fy=koho.fiscal_year)


# --- 特別徴収: the pension insurers' files ----------------------------------------------


class TokuchoImportForm(forms.Form):
    fiscal_year = NendoField()
    file = forms.FileField(label="特別徴収対象者の通知（CSV、当社定義の様式）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（50MBまで）。")
        return f


class TokuchoIraiForm(forms.Form):
    fiscal_year = NendoField()
    encoding = CsvEncodingField(label="文字コード")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the import answers by row number only; the export logs its persons
@require_http_methods(["GET", "POST"])
def tokucho(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {"fiscal_year": today.year if today.month >= 4 else today.year - 1}
    action = request.POST.get("action", "")
    imp = TokuchoImportForm(
        request.POST if action == "import" else None,
        request.FILES if action == "import" else None,
        initial=initial,
    )
    irai = TokuchoIraiForm(request.POST if action == "irai" else None, initial=initial)
    result = None
    actor = actor_from_request(request)
    if action == "import" and imp.is_valid():
        upload = imp.cleaned_data["file"]
        try:
            result = tokucho_import(
                fiscal_year=imp.cleaned_data["fiscal_year"],
                data=upload.read(),
                file_name=upload.name,
                actor=actor,
            )
        except TokuchoFileError as exc:
            imp.add_error("file", str(exc))
    if action == "irai" and irai.is_valid():
        fy = irai.cleaned_data["fiscal_year"]
        try:
            data, _n = tokucho_irai_csv(
                fiscal_year=fy, actor=actor, encoding=irai.cleaned_data["encoding"]
            )
        except CsvEncodingError as exc:
            messages.error(request, str(exc))
        else:
            response = HttpResponse(data, content_type=content_type(irai.cleaned_data["encoding"]))
            response["Content-Disposition"] = f'attachment; filename="kaigo_tokucho_irai_{fy}.csv"'
            response["Cache-Control"] = "no-store"
            return response
    return TemplateResponse(
        request, "kaigo/fuka/tokucho.html", {"imp": imp, "irai": irai, "result": result}
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # lines are reported by number, field and reason; files by name and counts
@require_http_methods(["GET", "POST"])
def tokucho_kekka(request: HttpRequest) -> HttpResponse:
    """Upload of the 依頼処理結果・特別徴収結果・各種異動 notices, the result with the lines
    not used, and the files of the 年度 imported so far."""
    today = timezone.localdate()
    fy_now = today.year if today.month >= 4 else today.year - 1
    form = TokuchoKekkaForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"fiscal_year": fy_now, "kind": NoticeKind.IRAI_KEKKA.value},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = tokucho_kekka_import(
                kind=NoticeKind(form.cleaned_data["kind"]),
                fiscal_year=form.cleaned_data["fiscal_year"],
                data=upload.read(),
                file_name=upload.name,
                actor=actor_from_request(request),
            )
        except TokuchoKekkaRefused as exc:
            form.add_error("file", str(exc))
    fy = fy_now
    if form.is_bound and form.is_valid():
        fy = form.cleaned_data["fiscal_year"]
    elif request.GET.get("nendo", "").isdigit() and len(request.GET["nendo"]) == 4:
        fy = int(request.GET["nendo"])
    files = TokuchoFile.objects.filter(fiscal_year=fy).order_by("-created_at", "-pk")[:50]
    return TemplateResponse(
        request,
        "kaigo/fuka/tokucho_kekka.html",
        {"form": form, "result": result, "files": files, "fy": fy},
    )


urlpatterns: list[URLPattern] = [
    path("fuka/tokucho/", tokucho, name="kaigo_fuka_tokucho"),
    path("fuka/tokucho/kekka/", tokucho_kekka, name="kaigo_fuka_tokucho_kekka"),
    path("fuka/", fuka_menu, name="kaigo_fuka_menu"),
    path("fuka/<int:fy>/kekka/", fuka_kekka, name="kaigo_fuka_kekka"),
    path("fuka/person/<int:pk>/", fuka_person, name="kaigo_fuka_person"),
    path("fuka/tsuchi/<int:pk>/tsuchi.pdf", fuka_pdf, name="kaigo_fuka_pdf"),
    path("fuka/<int:fy>/kosei/", kosei_list, name="kaigo_fuka_kosei_list"),
    path("fuka/kosei/<int:pk>/<str:decision>/", kosei_decide, name="kaigo_fuka_kosei_decide"),
]
