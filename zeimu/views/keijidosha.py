"""軽自動車税（種別割）staff screens, mounted at /zeimu/kei/ on a town host.

- 車両の検索: by 標識番号 (前方一致) or by the 宛名番号 of an owner or user, both POST (a
  person's number never sits in a URL), 50 vehicles a page;
- a vehicle with its 異動 history, 減免 decisions and assessments of every 年度; 名義変更・
  廃車, 減免 and 更正 from there; the 納税通知書 one at a time;
- 車両の登録 (新規・転入), the results of a 年度 (paged), the 当初賦課 and the mass print of
  notices (jobs), and the 試算 (saving nothing).

Every screen that shows owners or users logs the 宛名 ids it showed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
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
from zeimu.forms.keijidosha_notices import kei_notice_render, kei_notices
from zeimu.forms.notices import Issuer
from zeimu.gyomu import KEI_JIDOSHAZEI
from zeimu.keijidosha_jobs import TOSHO
from zeimu.keijidosha_printjobs import PRINT, latest_tsuchi_date
from zeimu.models import (
    KeiFuka,
    KeiGenmenKind,
    KeiGreenKubun,
    KeiIdo,
    KeiIdoKind,
    KeiNenryo,
    KeiSharyo,
    KeiShubetsu,
)
from zeimu.rules.keijidosha import SharyoInput
from zeimu.services.keijidosha import (
    KeiRefused,
    kei_genmen_decide,
    kei_ido_record,
    kei_kosei,
    kei_sharyo_register,
    kei_shisan,
)

GYOMU = KEI_JIDOSHAZEI
ATENA = "atena"
PAGE_SIZE = 50
FISCAL_YEAR = 2026


def _fy(request: HttpRequest) -> int:
    try:
        fy = int(request.GET.get("fiscal_year") or request.POST.get("fiscal_year") or FISCAL_YEAR)
    except ValueError:
        return FISCAL_YEAR
    return fy if 2000 <= fy <= 2100 else FISCAL_YEAR


def _people(atena_ids: set[int]) -> dict[int, dict[str, Any]]:
    people = person_identities(atena_ids)
    return {
        i: {
            "atena_no": p.atena_no,
            "shimei": p.shimei,
            "is_resident": p.is_resident,
        }
        for i, p in people.items()
    }


def _current_holders(sharyo_ids: list[int]) -> dict[int, KeiIdo]:
    """車両 id → its latest 異動 (one query)."""
    out: dict[int, KeiIdo] = {}
    for ido in KeiIdo.objects.filter(sharyo_id__in=sharyo_ids).order_by(
        "sharyo_id", "ido_date", "id"
    ):
        out[ido.sharyo_id] = ido
    return out


def _resolve(request: HttpRequest, atena_no: str, label: str) -> int | None:
    """宛名番号 → 宛名 id, or None with a message on the screen (and a refusal logged for a
    照会抑止)."""
    found = atena_resolve(atena_no)
    if found.atena_id is not None and not found.found:
        access_refusal(
            request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
        )
    if not found.found:
        messages.error(request, f"{label}: {found.message}")
        return None
    return int(found.atena_id or 0)


# --- 車両の検索 ----------------------------------------------------------------------------


class SearchForm(forms.Form):
    hyoshiki_bango = TextField(label="標識番号（前方一致）", required=False, max_length=30)
    atena_no = TextField(label="所有者・使用者の宛名番号", required=False, max_length=15)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        ATENA,
        ids="atena_ids[]",
        skip_empty=True,
        screen="zeimu.kei_search",
        detail=lambda ctx: {"criteria": ctx["criteria"], "page": ctx["page_no"]},
    )
)
@require_http_methods(["GET", "POST"])
def sharyo_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST or None)
    found: list[KeiSharyo] = []
    criteria = ""
    page_no = 1
    total = 0
    if request.method == "POST" and form.is_valid():
        plate = form.cleaned_data["hyoshiki_bango"].strip()
        atena_no = form.cleaned_data["atena_no"].strip()
        try:
            page_no = max(1, int(request.POST.get("page") or 1))
        except ValueError:
            page_no = 1
        qs = KeiSharyo.objects.none()
        if atena_no:
            criteria = "atena_no"
            atena_id = _resolve(request, atena_no, "宛名番号")
            if atena_id is not None:
                qs = KeiSharyo.objects.filter(
                    pk__in=KeiIdo.objects.filter(
                        Q(shoyusha_id=atena_id) | Q(shiyosha_id=atena_id)
                    ).values("sharyo_id")
                )
        elif plate:
            criteria = "hyoshiki_bango"
            qs = KeiSharyo.objects.filter(hyoshiki_bango__startswith=plate)
        else:
            messages.error(request, "標識番号か所有者・使用者の宛名番号を入力してください。")
        total = qs.count()
        start = (page_no - 1) * PAGE_SIZE
        found = list(qs.order_by("hyoshiki_bango", "id")[start : start + PAGE_SIZE])
    latest = _current_holders([s.pk for s in found])
    ids = {i for ido in latest.values() for i in (ido.shoyusha_id, ido.shiyosha_id) if i}
    people = _people(ids)
    rows = []
    for s in found:
        ido = latest.get(s.pk)
        rows.append(
            {
                "sharyo": s,
                "ido": ido,
                "owner": people.get(ido.shoyusha_id or 0) if ido else None,
                "user": people.get(ido.shiyosha_id or 0) if ido else None,
            }
        )
    return TemplateResponse(
        request,
        "zeimu/keijidosha_search.html",
        {
            "form": form,
            "rows": rows,
            "atena_ids": sorted(ids),
            "criteria": criteria,
            "page_no": page_no,
            "total": total,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "searched": request.method == "POST",
        },
    )


# --- a vehicle ---------------------------------------------------------------------------


class IdoForm(forms.Form):
    kind = forms.ChoiceField(
        label="異動の種類",
        choices=[
            (KeiIdoKind.MEIGI, KeiIdoKind.MEIGI.label),
            (KeiIdoKind.HAISHA, KeiIdoKind.HAISHA.label),
        ],
    )
    ido_date = WarekiDateField(label="異動日", help_text="例: 令和8年3月25日、R8.3.25")
    shoyusha_no = TextField(
        label="新しい所有者の宛名番号（名義変更のとき）", required=False, max_length=15
    )
    shiyosha_no = TextField(
        label="新しい使用者の宛名番号（所有者と違うとき）", required=False, max_length=15
    )
    shoyuken_ryuho = forms.BooleanField(label="所有権留保（使用者に課税）", required=False)
    reason = TextField(label="事由・備考", required=False, max_length=200)


class GenmenForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)
    kind = forms.ChoiceField(label="減免の事由", choices=KeiGenmenKind.choices)
    torikeshi = forms.BooleanField(label="決定済みの減免を取り消す", required=False)
    decided_on = WarekiDateField(label="決定日", help_text="例: 令和8年5月10日、R8.5.10")
    reason = TextField(label="理由（条例の条項と事由）", max_length=200)


class KoseiForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)
    reason = TextField(label="更正の理由", max_length=200)
    kosei_nouki = WarekiDateField(
        label="更正通知書の納期限（税額が増える更正のとき）",
        required=False,
        help_text=(
            "同じ納税義務者の税額が増える更正では必ず入力してください（増えた税額の納期限。"
            "例: 令和8年6月30日、R8.6.30）。減額の更正では空にしてください。"
        ),
    )


@gyomu_view(GYOMU)
@logs_reads(Reads(ATENA, ids="atena_ids[]", screen="zeimu.kei_sharyo", skip_empty=True))
@require_GET
def sharyo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = get_object_or_404(KeiSharyo, pk=pk)
    idos = list(s.ido.order_by("ido_date", "id"))
    fukas = list(s.fuka.order_by("-fiscal_year", "-version"))
    ids = {i for ido in idos for i in (ido.shoyusha_id, ido.shiyosha_id) if i} | {
        f.nozeisha_id for f in fukas
    }
    people = _people(ids)
    return TemplateResponse(
        request,
        "zeimu/keijidosha_sharyo.html",
        {
            "sharyo": s,
            "idos": [
                (i, people.get(i.shoyusha_id or 0), people.get(i.shiyosha_id or 0)) for i in idos
            ],
            "genmen": list(s.genmen.order_by("fiscal_year", "id")),
            "fukas": [(f, people.get(f.nozeisha_id)) for f in fukas],
            "atena_ids": sorted(ids),
            "can_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
            "ido_form": IdoForm(),
            "genmen_form": GenmenForm(initial={"fiscal_year": FISCAL_YEAR}),
            "kosei_form": KoseiForm(initial={"fiscal_year": FISCAL_YEAR}),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect("zeimu_kei_sharyo", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 異動 (logged by kei_ido_record), then a redirect
@require_POST
def sharyo_ido(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(KeiSharyo, pk=pk)
    form = IdoForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return _back(pk)
    data = form.cleaned_data
    owner = user = None
    if data["kind"] == KeiIdoKind.MEIGI:
        if not data["shoyusha_no"]:
            messages.error(request, "名義変更では新しい所有者の宛名番号を入力してください。")
            return _back(pk)
        owner = _resolve(request, data["shoyusha_no"], "所有者")
        if owner is None:
            return _back(pk)
        if data["shiyosha_no"]:
            user = _resolve(request, data["shiyosha_no"], "使用者")
            if user is None:
                return _back(pk)
    try:
        kei_ido_record(
            sharyo_id=pk,
            kind=data["kind"],
            ido_date=data["ido_date"],
            shoyusha_atena_id=owner,
            shiyosha_atena_id=user,
            shoyuken_ryuho=data["shoyuken_ryuho"],
            reason=data["reason"],
            actor=actor_from_request(request),
        )
    except KeiRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "異動を記録しました。賦課期日（4月1日）より前の異動なら、その年度を更正してください。",
        )
    return _back(pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 減免 (logged by kei_genmen_decide), then a redirect
@require_POST
def sharyo_genmen(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(KeiSharyo, pk=pk)
    form = GenmenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年度・事由・決定日・理由（200文字以内）を入力してください。")
        return _back(pk)
    data = form.cleaned_data
    try:
        kei_genmen_decide(
            sharyo_id=pk,
            fiscal_year=data["fiscal_year"],
            kind=data["kind"],
            torikeshi=data["torikeshi"],
            decided_on=data["decided_on"],
            reason=data["reason"],
            actor=actor_from_request(request),
        )
    except KeiRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "減免の決定を記録しました。賦課済みの年度は更正しました。")
    return _back(pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 更正 (logged by kei_kosei), then a redirect
@require_POST
def sharyo_kosei(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(KeiSharyo, pk=pk)
    form = KoseiForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "年度と更正の理由（200文字以内）を入力してください。更正通知書の納期限は日付"
            "（例: 令和8年6月30日）で入力してください。",
        )
        return _back(pk)
    try:
        kei_kosei(
            sharyo_id=pk,
            fiscal_year=form.cleaned_data["fiscal_year"],
            reason=form.cleaned_data["reason"],
            kosei_nouki=form.cleaned_data["kosei_nouki"],
            actor=actor_from_request(request),
        )
    except KeiRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "更正しました。更正前の賦課は履歴に残っています。")
    return _back(pk)


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("zeimu.KeiFuka", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.kei_notice_pdf")
)
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One 納税通知書, current assessment only."""
    fuka = get_object_or_404(
        KeiFuka.objects.select_related("sharyo"), pk=pk, is_current=True, nengaku__gt=0
    )
    notices = kei_notices([fuka])
    pdf = kei_notice_render(
        notices,
        issuer=Issuer.of(current_municipality()),
        fiscal_year=fuka.fiscal_year,
        tsuchi_date=latest_tsuchi_date(fuka.fiscal_year) or timezone.localdate(),
    )
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    return _pdf(pdf, f"kei_notice_{fuka.pk}.pdf")


# --- 車両の登録 ----------------------------------------------------------------------------


class RegisterForm(forms.Form):
    hyoshiki_bango = TextField(
        label="標識番号", max_length=30, help_text="例: 湘南 580 あ 12-34、葉山町 a 123"
    )
    shadai_bango = TextField(label="車台番号", required=False, max_length=30)
    shamei = TextField(label="車名", required=False, max_length=40)
    shubetsu = forms.ChoiceField(label="種別", choices=KeiShubetsu.choices)
    shodo_kensa = WarekiDateField(
        label="初度検査年月（三輪・四輪は必須。日は1日として扱います）",
        required=False,
        help_text="例: 平成25年3月1日、H25.3.1",
    )
    nenryo = forms.ChoiceField(label="燃料", choices=KeiNenryo.choices)
    hikennin = forms.BooleanField(label="被けん引車", required=False)
    green_kubun = forms.ChoiceField(
        label="グリーン化特例の区分", choices=KeiGreenKubun.choices, required=False
    )
    toroku_date = WarekiDateField(
        label="登録日（新規・転入）", help_text="例: 令和7年9月1日、R7.9.1"
    )
    shoyusha_no = TextField(label="所有者の宛名番号", max_length=15)
    shiyosha_no = TextField(
        label="使用者の宛名番号（所有者と違うとき）", required=False, max_length=15
    )
    shoyuken_ryuho = forms.BooleanField(label="所有権留保（使用者に課税）", required=False)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the entry form; the write is logged by kei_sharyo_register
@require_http_methods(["GET", "POST"])
def sharyo_register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = _resolve(request, data["shoyusha_no"], "所有者")
        user = _resolve(request, data["shiyosha_no"], "使用者") if data["shiyosha_no"] else None
        if owner is not None and (user is not None or not data["shiyosha_no"]):
            try:
                s = kei_sharyo_register(
                    hyoshiki_bango=data["hyoshiki_bango"],
                    shadai_bango=data["shadai_bango"],
                    shamei=data["shamei"],
                    shubetsu=data["shubetsu"],
                    shodo_kensa=data["shodo_kensa"],
                    nenryo=data["nenryo"],
                    hikennin=data["hikennin"],
                    green_kubun=data["green_kubun"] or "",
                    toroku_date=data["toroku_date"],
                    shoyusha_atena_id=owner,
                    shiyosha_atena_id=user,
                    shoyuken_ryuho=data["shoyuken_ryuho"],
                    actor=actor_from_request(request),
                )
            except KeiRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "車両を登録しました。")
                return redirect("zeimu_kei_sharyo", pk=s.pk)
    return TemplateResponse(
        request, "zeimu/keijidosha_form.html", {"form": form, "title": "軽自動車等の登録"}
    )


# --- results of a 年度, the jobs ------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        ATENA,
        ids="atena_ids[]",
        skip_empty=True,
        screen="zeimu.kei_fuka_list",
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"], "page": ctx["page"].number},
    )
)
@require_GET
def fuka_list(request: HttpRequest) -> HttpResponse:
    fy = _fy(request)
    qs = (
        KeiFuka.objects.filter(fiscal_year=fy, is_current=True)
        .select_related("sharyo")
        .order_by("sharyo__hyoshiki_bango", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ids = {f.nozeisha_id for f in rows}
    people = _people(ids)
    totals = qs.aggregate(
        n=Count("id"),
        kazei=Count("id", filter=Q(nengaku__gt=0)),
        nengaku=Sum("nengaku"),
        genmen=Sum("genmen_gaku"),
    )
    return TemplateResponse(
        request,
        "zeimu/keijidosha_fuka_list.html",
        {
            "page": page,
            "rows": [(f, people.get(f.nozeisha_id)) for f in rows],
            "atena_ids": sorted(ids),
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
        "zeimu/keijidosha_form.html",
        {
            "form": form,
            "title": "軽自動車税（種別割）当初賦課",
            "button": "当初賦課を開始",
            "lead": (
                "賦課期日（4月1日）に登録されている車両を、その日の所有者（所有権留保は使用者）に"
                "1年分課税し、収納の調定に計上します。同じ年度をもう一度実行しても二重に賦課されません。"
            ),
        },
    )


class PrintForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)
    tsuchi_date = WarekiDateField(label="通知日", help_text="例: 令和8年5月1日、R8.5.1")
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
        "zeimu/keijidosha_form.html",
        {
            "form": form,
            "title": "軽自動車税（種別割）納税通知書の一括印刷",
            "button": "印刷を開始",
            "lead": "年税額のある現在の賦課の納税通知書（納付番号つき）を車両ごとに1通作ります。",
        },
    )


# --- 試算 ----------------------------------------------------------------------------------


class ShisanForm(forms.Form):
    fiscal_year = NendoField(label="年度", before=2, after=1)
    shubetsu = forms.ChoiceField(label="種別", choices=KeiShubetsu.choices)
    shodo_kensa = WarekiDateField(
        label="初度検査年月（三輪・四輪）", required=False, help_text="例: 平成25年3月1日、H25.3.1"
    )
    nenryo = forms.ChoiceField(label="燃料", choices=KeiNenryo.choices)
    hikennin = forms.BooleanField(label="被けん引車", required=False)
    green_kubun = forms.ChoiceField(
        label="グリーン化特例の区分", choices=KeiGreenKubun.choices, required=False
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a vehicle's figures only, nothing about a person; nothing saved
@require_http_methods(["GET", "POST"])
def shisan(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(request.POST or None, initial={"fiscal_year": FISCAL_YEAR})
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shodo: date | None = data["shodo_kensa"]
        try:
            result = kei_shisan(
                fiscal_year=data["fiscal_year"],
                vehicle=SharyoInput(
                    shubetsu=data["shubetsu"],
                    shodo_kensa=shodo.replace(day=1) if shodo else None,
                    nenryo=data["nenryo"],
                    hikennin=data["hikennin"],
                    green_kubun=data["green_kubun"] or "",
                ),
            )
        except KeiRefused as exc:
            messages.error(request, str(exc))
    return TemplateResponse(
        request, "zeimu/keijidosha_shisan.html", {"form": form, "result": result}
    )


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/zeimu/kei/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("kei/", sharyo_search, name="zeimu_kei_search"),
    path("kei/sharyo/new/", sharyo_register, name="zeimu_kei_register"),
    path("kei/sharyo/<int:pk>/", sharyo_detail, name="zeimu_kei_sharyo"),
    path("kei/sharyo/<int:pk>/ido/", sharyo_ido, name="zeimu_kei_ido"),
    path("kei/sharyo/<int:pk>/genmen/", sharyo_genmen, name="zeimu_kei_genmen"),
    path("kei/sharyo/<int:pk>/kosei/", sharyo_kosei, name="zeimu_kei_kosei"),
    path("kei/fuka/", fuka_list, name="zeimu_kei_fuka_list"),
    path("kei/fuka/<int:pk>/notice.pdf", notice_pdf, name="zeimu_kei_notice_pdf"),
    path("kei/tosho/", tosho_start, name="zeimu_kei_tosho"),
    path("kei/print/", print_start, name="zeimu_kei_print"),
    path("kei/shisan/", shisan, name="zeimu_kei_shisan"),
]
