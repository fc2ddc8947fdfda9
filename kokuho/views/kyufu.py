"""国保 給付 screens: the list and the lookup by 宛名番号 (POST), a person's 給付 with the
申請 forms (限度額適用認定, 高額療養費, 出産育児一時金, 葬祭費), an application with its
決定 and 決定通知書, a 認定 with its 交付 and 認定証, and the 支払一覧 with its CSV.

Paths carry internal ids only; every screen showing a person logs the ids it showed; the
writes are logged by their services (``kokuho.services.kyufu``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.public import atena_resolve, households_of, person_identities, person_identity
from kokuho.forms.kyufu import kettei_items, kyufu_render, nintei_items, wareki_month
from kokuho.gyomu import KOKUHO_KYUFU
from kokuho.models import (
    GendoNintei,
    KijunShunyu,
    KozaShubetsu,
    Kyufu,
    KyufuKind,
    KyufuStatus,
    NinteiStatus,
    Shiharai,
)
from kokuho.printjobs import KetteiPrint
from kokuho.rules.kyufu import KUBUN_LABELS
from kokuho.selectors.kyufu import kyufu_parameters
from kokuho.services.kyufu import (
    Furikomi,
    FutanLine,
    KyufuRefused,
    furikomi_errors,
    gendo_nintei_kofu,
    gendo_nintei_shinsei,
    kijun_shunyu_shinsei,
    kogaku_shinsei,
    kyufu_kettei,
    shiharai_make,
    shiharai_zengin,
    shussan_shinsei,
    sosai_shinsei,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.export import CsvEncodingField, encoding_from
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.params.services import ParameterMissing
from tenants.wareki import format_wareki

GYOMU = KOKUHO_KYUFU
DATE_HELP = wareki_help("令和7年9月10日", "R7.9.10", "2025/9/10")
LIST_SIZE = 100


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _refused(request: HttpRequest, form: forms.BaseForm) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))


# --- forms -----------------------------------------------------------------------------------


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class FurikomiForm(forms.Form):
    kinyu_kikan = TextField(label="振込先の金融機関名", max_length=40, required=False)
    kinyu_kikan_code = TextField(
        label="金融機関コード（4桁）", max_length=4, required=False, help_text="例：1234"
    )
    shiten = TextField(label="支店名", max_length=40, required=False)
    shiten_code = TextField(
        label="支店コード（3桁）", max_length=3, required=False, help_text="例：001"
    )
    koza_shubetsu = forms.ChoiceField(
        label="口座種別", choices=[("", "（なし）"), *KozaShubetsu.choices], required=False
    )
    koza_bango = TextField(
        label="口座番号（7桁）", max_length=7, required=False, help_text="7桁に満たないときは前に0"
    )
    koza_meigi = TextField(label="口座名義（カナ）", max_length=30, required=False)

    def furikomi(self) -> Furikomi:
        d = self.cleaned_data
        return Furikomi(
            d.get("kinyu_kikan", ""),
            d.get("shiten", ""),
            d.get("koza_shubetsu", ""),
            d.get("koza_bango", ""),
            d.get("koza_meigi", ""),
            d.get("kinyu_kikan_code", ""),
            d.get("shiten_code", ""),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for name, message in furikomi_errors(self.furikomi()):
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class NinteiForm(forms.Form):
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class KijunForm(forms.Form):
    """基準収入額適用の申請: the 収入 of each 70歳以上 insured member (one field each) and of
    the 旧国保被保険者 (those who moved to 後期高齢者医療)."""

    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    kyu_shunyu = TextField(
        label="旧国保被保険者（後期高齢者医療へ移った方）の収入（円、複数は読点「、」で区切る）",
        max_length=100,
        required=False,
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        for atena_id, shimei in members or []:
            self.fields[f"shunyu_{atena_id}"] = forms.IntegerField(
                label=f"{shimei}さんの収入（円。70歳以上の被保険者の方だけ）",
                min_value=0,
                required=False,
            )

    def shunyu(self) -> dict[int, int]:
        return {
            int(k.removeprefix("shunyu_")): v
            for k, v in self.cleaned_data.items()
            if k.startswith("shunyu_") and v is not None
        }

    def clean_kyu_shunyu(self) -> list[int]:
        raw = (self.cleaned_data.get("kyu_shunyu") or "").replace(",", "、").replace("，", "、")
        out: list[int] = []
        for part in (p.strip().replace("円", "") for p in raw.split("、")):
            if not part:
                continue
            if not part.isascii() or not part.isdigit():
                raise forms.ValidationError(
                    "旧国保被保険者の収入は円単位の数字で入力してください。"
                )
            out.append(int(part))
        return out


class KetteiPrintForm(forms.Form):
    kettei_from = WarekiDateField(label="決定日（から）", help_text=DATE_HELP)
    kettei_to = WarekiDateField(label="決定日（まで）", help_text=DATE_HELP)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


class KofuForm(forms.Form):
    kofu_date = WarekiDateField(label="交付日", help_text=DATE_HELP)


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)


class KogakuForm(FurikomiForm):
    shinryo = WarekiDateField(
        label="診療月（その月のいずれかの日）", help_text="例：令和7年9月1日。" + DATE_HELP
    )
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class FutanForm(forms.Form):
    jushinsha = forms.TypedChoiceField(label="受診者", coerce=int, required=False)
    iryokikan = TextField(label="医療機関名", max_length=60, required=False)
    nyugai = forms.ChoiceField(label="入院・外来", choices=[("gairai", "外来"), ("nyuin", "入院")])
    ika = forms.ChoiceField(label="医科・歯科", choices=[("ika", "医科"), ("shika", "歯科")])
    ichibu_futan = forms.IntegerField(label="一部負担金（円）", min_value=0, required=False)
    iryohi = forms.IntegerField(label="医療費（10割、円）", min_value=0, required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["jushinsha"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "（選択）"), *(members or [])]


FutanFormSet = formset_factory(FutanForm, extra=4, max_num=12)


class ShussanForm(FurikomiForm):
    shussan_date = WarekiDateField(label="出産日", help_text=DATE_HELP)
    children = forms.IntegerField(label="出生した子の数", min_value=1, max_value=9, initial=1)
    sanka_hosho = forms.BooleanField(label="産科医療補償制度の対象の出産", required=False)
    chokusetsu_gaku = forms.IntegerField(
        label="直接支払制度で医療機関に支払われた額（円）", min_value=0, initial=0
    )
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class SosaiForm(FurikomiForm):
    shibo_date = WarekiDateField(label="死亡日", help_text=DATE_HELP)
    sosai_date = WarekiDateField(label="葬祭を行った日", help_text=DATE_HELP)
    moshu_atena_no = TextField(label="葬祭を行った方の宛名番号", max_length=12)
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class ShiharaiForm(forms.Form):
    shiharai_date = WarekiDateField(label="支払日", help_text=DATE_HELP)


# --- the list and the lookup -----------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="kokuho.kyufu_list"))
@require_http_methods(["GET", "POST"])
def kyufu_list(request: HttpRequest) -> HttpResponse:
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        found = atena_resolve(lookup.cleaned_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        else:
            if found.message:
                messages.warning(request, found.message)
            return redirect("kokuho_kyufu_person", pk=found.atena_id)
    open_rows = list(
        Kyufu.objects.filter(status__in=[KyufuStatus.SHINSEI, KyufuStatus.KETTEI]).order_by(
            "-shinsei_date", "-id"
        )[:LIST_SIZE]
    )
    nintei = list(GendoNintei.objects.order_by("-shinsei_date", "-id")[:LIST_SIZE])
    ids = [r.shinseisha_atena_id for r in open_rows] + [n.atena_id for n in nintei]
    names = person_identities(ids)
    return TemplateResponse(
        request,
        "kokuho/kyufu/list.html",
        {
            "lookup": lookup,
            "rows": [(r, names.get(r.shinseisha_atena_id)) for r in open_rows],
            "nintei": [(n, names.get(n.atena_id), KUBUN_LABELS.get(n.kubun, "")) for n in nintei],
            "atena_ids": sorted(set(ids)),
        },
    )


# --- one person ------------------------------------------------------------------------------


def _members(atena_id: int) -> list[tuple[int, str]]:
    today = timezone.localdate()
    household = households_of([atena_id], today).get(atena_id, [])
    ids = [m.atena_id for m in household] or [atena_id]
    names = person_identities(ids)
    return [(i, names[i].shimei) for i in ids if i in names]


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", ids="atena_ids[]", screen="kokuho.kyufu_person"))
@require_GET
def kyufu_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_identity(pk)
    if person is None:
        raise Http404("その方は見つかりません。")
    members = _members(pk)
    rows = list(
        Kyufu.objects.filter(shinseisha_atena_id=pk).union(
            Kyufu.objects.filter(taishosha_atena_id=pk)
        )
    )
    rows.sort(key=lambda r: (r.shinsei_date, r.pk), reverse=True)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "kokuho/kyufu/person.html",
        {
            "person": person,
            "atena_id": pk,
            "members": members,
            "rows": rows,
            "nintei": [
                (n, KUBUN_LABELS.get(n.kubun, ""))
                for n in GendoNintei.objects.filter(atena_id=pk).order_by("-shinsei_date", "-id")
            ],
            "atena_ids": [pk, *(m for m, _ in members)],
            "can_write": _can_write(request),
            "nintei_form": NinteiForm(initial={"shinsei_date": today}),
            "kijun_form": KijunForm(initial={"shinsei_date": today}, members=members),
            "kijun": KijunShunyu.objects.filter(atena_id=pk).order_by("-shinsei_date", "-id"),
            "kijun_p": _kijun_params(today),
            "kogaku_form": KogakuForm(initial={"shinsei_date": today}),
            "futan_formset": FutanFormSet(form_kwargs={"members": members}, prefix="futan"),
            "shussan_form": ShussanForm(initial={"shinsei_date": today}),
            "sosai_form": SosaiForm(initial={"shinsei_date": today}),
        },
    )


def _kijun_params(today: date) -> Any:
    """The bases the 基準収入額適用 section states (None when the year has no values)."""
    try:
        return kyufu_parameters(today.year, today.month)
    except (ParameterMissing, LookupError):
        return None


def _person_or_404(pk: int) -> None:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then to the 認定's page
@require_POST
def nintei_shinsei(request: HttpRequest, pk: int) -> HttpResponse:
    _person_or_404(pk)
    form = NinteiForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_kyufu_person", pk=pk)
    try:
        row = gendo_nintei_shinsei(
            atena_id=pk,
            shinsei_date=form.cleaned_data["shinsei_date"],
            actor=actor_from_request(request),
        )
    except KyufuRefused as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_kyufu_person", pk=pk)
    messages.success(request, "申請を受け付け、所得区分を判定しました。")
    return redirect("kokuho_nintei", pk=row.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person
@require_POST
def kijun_shinsei(request: HttpRequest, pk: int) -> HttpResponse:
    _person_or_404(pk)
    form = KijunForm(request.POST, members=_members(pk))
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_kyufu_person", pk=pk)
    try:
        row = kijun_shunyu_shinsei(
            atena_id=pk,
            shinsei_date=form.cleaned_data["shinsei_date"],
            shunyu=form.shunyu(),
            kyu_shunyu=form.cleaned_data["kyu_shunyu"],
            actor=actor_from_request(request),
        )
    except KyufuRefused as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_kyufu_person", pk=pk)
    if row.gaito and row.tekiyo_from and row.tekiyo_to:
        messages.success(
            request,
            f"基準収入額に該当します。{format_wareki(row.tekiyo_from)}から"
            f"{format_wareki(row.tekiyo_to)}まで、"
            "世帯の70歳以上の方の所得区分は一般です。",
        )
    else:
        messages.warning(request, "基準収入額に該当しません（" + row.detail["lines"][-1] + "）。")
    return redirect("kokuho_kyufu_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then to the application's page
@require_POST
def kogaku_shinsei_view(request: HttpRequest, pk: int) -> HttpResponse:
    _person_or_404(pk)
    members = _members(pk)
    form = KogakuForm(request.POST)
    formset = FutanFormSet(request.POST, form_kwargs={"members": members}, prefix="futan")
    if not (form.is_valid() and formset.is_valid()):
        _refused(request, form)
        for f in formset.forms:
            _refused(request, f)
        return redirect("kokuho_kyufu_person", pk=pk)
    lines = []
    for f in formset.forms:
        d = f.cleaned_data
        if not d.get("iryokikan") and not d.get("ichibu_futan"):
            continue
        if not d.get("jushinsha") or not d.get("iryokikan") or d.get("iryohi") is None:
            messages.error(
                request, "一部負担金の行は受診者・医療機関名・金額をすべて入力してください。"
            )
            return redirect("kokuho_kyufu_person", pk=pk)
        lines.append(
            FutanLine(
                atena_id=d["jushinsha"],
                iryokikan=d["iryokikan"],
                nyuin=d["nyugai"] == "nyuin",
                shika=d["ika"] == "shika",
                ichibu_futan=d["ichibu_futan"] or 0,
                iryohi=d["iryohi"],
            )
        )
    shinryo: date = form.cleaned_data["shinryo"]
    return _created(
        request,
        pk,
        lambda: kogaku_shinsei(
            atena_id=pk,
            year=shinryo.year,
            month=shinryo.month,
            lines=lines,
            shinsei_date=form.cleaned_data["shinsei_date"],
            furikomi=form.furikomi(),
            actor=actor_from_request(request),
        ),
    )


def _created(request: HttpRequest, pk: int, make: Any) -> HttpResponse:
    try:
        row = make()
    except KyufuRefused as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_kyufu_person", pk=pk)
    messages.success(request, "申請を受け付けました。")
    return redirect("kokuho_kyufu_detail", pk=row.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then to the application's page
@require_POST
def shussan_shinsei_view(request: HttpRequest, pk: int) -> HttpResponse:
    _person_or_404(pk)
    form = ShussanForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_kyufu_person", pk=pk)
    d = form.cleaned_data
    return _created(
        request,
        pk,
        lambda: shussan_shinsei(
            atena_id=pk,
            shussan_date=d["shussan_date"],
            children=d["children"],
            sanka_hosho=d["sanka_hosho"],
            chokusetsu_gaku=d["chokusetsu_gaku"],
            shinsei_date=d["shinsei_date"],
            furikomi=form.furikomi(),
            actor=actor_from_request(request),
        ),
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then to the application's page
@require_POST
def sosai_shinsei_view(request: HttpRequest, pk: int) -> HttpResponse:
    _person_or_404(pk)
    form = SosaiForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_kyufu_person", pk=pk)
    d = form.cleaned_data
    moshu = atena_resolve(d["moshu_atena_no"])
    if not moshu.found or moshu.atena_id is None:
        messages.error(request, moshu.message or "葬祭を行った方の宛名番号が見つかりません。")
        return redirect("kokuho_kyufu_person", pk=pk)
    moshu_id = moshu.atena_id
    return _created(
        request,
        pk,
        lambda: sosai_shinsei(
            atena_id=pk,
            shibo_date=d["shibo_date"],
            sosai_date=d["sosai_date"],
            shinseisha_atena_id=moshu_id,
            shinsei_date=d["shinsei_date"],
            furikomi=form.furikomi(),
            actor=actor_from_request(request),
        ),
    )


# --- an application: 決定 and 決定通知書 ------------------------------


def _kyufu_ids(k: Kyufu) -> list[int]:
    ids = {k.shinseisha_atena_id, k.taishosha_atena_id}
    ids.update(f.atena_id for f in k.futan.all())
    return sorted(ids)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="kokuho.kyufu_detail"))
@require_GET
def kyufu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    k = get_object_or_404(Kyufu, pk=pk)
    ids = _kyufu_ids(k)
    names = person_identities(ids)
    steps = [
        {**s, "name": names[s["atena_id"]].shimei if s.get("atena_id") in names else ""}
        for s in k.detail.get("steps", [])
    ]
    excluded = [
        {**e, "name": names[e["atena_id"]].shimei if e["atena_id"] in names else ""}
        for e in k.detail.get("excluded", [])
    ]
    return TemplateResponse(
        request,
        "kokuho/kyufu/detail.html",
        {
            "k": k,
            "names": names,
            "shinseisha": names.get(k.shinseisha_atena_id),
            "taishosha": names.get(k.taishosha_atena_id),
            "futan": [(f, names.get(f.atena_id)) for f in k.futan.order_by("id")],
            "shinryo": wareki_month(k.jiyu_date) if k.kind == KyufuKind.KOGAKU else "",
            "steps": steps,
            "excluded": excluded,
            "kubun_under70": KUBUN_LABELS.get(k.detail.get("kubun_under70") or "", ""),
            "kubun_over70": KUBUN_LABELS.get(k.detail.get("kubun_over70") or "", ""),
            "rireki": k.rireki.order_by("id"),
            "atena_ids": ids,
            "can_write": _can_write(request),
            "kettei_form": KetteiForm(initial={"kettei_date": timezone.localdate()}),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def kyufu_kettei_view(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Kyufu, pk=pk)
    form = KetteiForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_kyufu_detail", pk=pk)
    try:
        row = kyufu_kettei(
            kyufu_id=pk,
            kettei_date=form.cleaned_data["kettei_date"],
            actor=actor_from_request(request),
        )
    except KyufuRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{row.get_status_display()}としました（支給額 {row.shikyu_gaku:,}円）。",
        )
    return redirect("kokuho_kyufu_detail", pk=pk)


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("kokuho.Kyufu", action=AccessAction.PRINT, id_kwarg="pk", screen="kokuho.kyufu_pdf")
)
@require_GET
def kyufu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    k = get_object_or_404(Kyufu, pk=pk)
    if k.status == KyufuStatus.SHINSEI:
        raise Http404("決定前の申請には通知書がありません。")
    pdf = kyufu_render(kettei_items([k]), title="国民健康保険 給付の決定通知書")
    access_note(request, detail={"atena_ids": _kyufu_ids(k)})
    return _pdf(pdf, f"kokuho_kettei_{k.pk}")


# --- 限度額適用認定 ----------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="kokuho.nintei_detail"))
@require_GET
def nintei_detail(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(GendoNintei, pk=pk)
    return TemplateResponse(
        request,
        "kokuho/kyufu/nintei.html",
        {
            "n": n,
            "person": person_identity(n.atena_id),
            "kubun": KUBUN_LABELS.get(n.kubun, ""),
            "rireki": n.rireki.order_by("id"),
            "atena_ids": [n.atena_id],
            "can_write": _can_write(request),
            "issued": n.status == NinteiStatus.KOFU,
            "kofu_form": KofuForm(initial={"kofu_date": timezone.localdate()}),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def nintei_kofu(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(GendoNintei, pk=pk)
    form = KofuForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_nintei", pk=pk)
    try:
        gendo_nintei_kofu(
            nintei_id=pk,
            kofu_date=form.cleaned_data["kofu_date"],
            actor=actor_from_request(request),
        )
    except KyufuRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "認定証を交付しました。")
    return redirect("kokuho_nintei", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.GendoNintei", action=AccessAction.PRINT, id_kwarg="pk", screen="kokuho.nintei_pdf"
    )
)
@require_GET
def nintei_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(GendoNintei, pk=pk, status=NinteiStatus.KOFU)
    pdf = kyufu_render(nintei_items([n]), title="国民健康保険 限度額適用認定証")
    access_note(request, detail={"atena_ids": [n.atena_id]})
    return _pdf(pdf, f"kokuho_nintei_{n.pk}")


# --- 支払 --------------------------------------------------------------------------------------


@gyomu_view(GYOMU)  # the list is read, making a payment is a write
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="kokuho.shiharai"))
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    form = ShiharaiForm(request.POST or None, initial={"shiharai_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        chosen = [int(v) for v in request.POST.getlist("kyufu") if v.isdigit()]
        try:
            batch = shiharai_make(
                shiharai_date=form.cleaned_data["shiharai_date"],
                kyufu_ids=chosen,
                actor=actor_from_request(request),
            )
        except KyufuRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{batch.kensu}件を支払済にしました。")
            return redirect("kokuho_shiharai_detail", pk=batch.pk)
    rows = list(
        Kyufu.objects.filter(status=KyufuStatus.KETTEI, shikyu_gaku__gt=0).order_by(
            "kettei_date", "id"
        )
    )
    names = person_identities(r.shinseisha_atena_id for r in rows)
    return TemplateResponse(
        request,
        "kokuho/kyufu/shiharai.html",
        {
            "form": form,
            "rows": [(r, names.get(r.shinseisha_atena_id)) for r in rows],
            "total": sum(int(r.shikyu_gaku) for r in rows),
            "batches": Shiharai.objects.order_by("-shiharai_date", "-id")[:20],
            "atena_ids": sorted({r.shinseisha_atena_id for r in rows}),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="kokuho.shiharai"))
@require_GET
def shiharai_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Shiharai, pk=pk)
    rows = list(batch.kyufu.order_by("id"))
    names = person_identities(r.shinseisha_atena_id for r in rows)
    return TemplateResponse(
        request,
        "kokuho/kyufu/shiharai_detail.html",
        {
            "batch": batch,
            "rows": [(r, names.get(r.shinseisha_atena_id)) for r in rows],
            "atena_ids": sorted({r.shinseisha_atena_id for r in rows}),
        },
    )


CSV_HEADER = [
    "支払日",
    "決定番号",
    "給付の種類",
    "宛名番号",
    "申請者氏名",
    "金融機関名",
    "支店名",
    "口座種別",
    "口座番号",
    "口座名義",
    "支給額",
]


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.Shiharai", action=AccessAction.EXPORT, id_kwarg="pk", screen="kokuho.shiharai_csv"
    )
)
@require_GET
def shiharai_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = get_object_or_404(Shiharai, pk=pk)
    rows = list(batch.kyufu.order_by("id"))
    names = person_identities(r.shinseisha_atena_id for r in rows)
    data = [
        [
            batch.shiharai_date.isoformat(),
            r.pk,
            r.get_kind_display(),
            names[r.shinseisha_atena_id].atena_no if r.shinseisha_atena_id in names else "",
            names[r.shinseisha_atena_id].shimei if r.shinseisha_atena_id in names else "",
            r.kinyu_kikan,
            r.shiten,
            r.get_koza_shubetsu_display() if r.koza_shubetsu else "",
            r.koza_bango,
            r.koza_meigi,
            int(r.shikyu_gaku),
        ]
        for r in rows
    ]
    access_note(
        request,
        count=len(rows),
        detail={"atena_ids": sorted({r.shinseisha_atena_id for r in rows})},
    )
    return csv_response(
        f"kokuho_shiharai_{batch.pk}.csv", CSV_HEADER, data, encoding=encoding_from(request.GET)
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.Shiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="kokuho.shiharai_zengin",
    )
)
@require_GET
def shiharai_furikomi(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The list's 全銀協 総合振込 file for the town's bank (120-byte records, cp932)."""
    batch = get_object_or_404(Shiharai, pk=pk)
    try:
        made = shiharai_zengin(batch)
    except KyufuRefused as exc:
        # nothing was read out: the list's screen shows why (決定番号 and reasons, no names)
        messages.error(request, str(exc))
        return redirect("kokuho_shiharai_detail", pk=batch.pk)
    access_note(
        request,
        count=made.kensu,
        detail={"atena_ids": sorted({r.shinseisha_atena_id for r in batch.kyufu.all()})},
    )
    response = HttpResponse(made.data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="kokuho_furikomi_{batch.pk}.txt"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def kettei_print(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = KetteiPrintForm(request.POST or None, initial={"kettei_from": today, "kettei_to": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=KetteiPrint.code,
                params={
                    "kettei_from": data["kettei_from"].isoformat(),
                    "kettei_to": data["kettei_to"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(request, "kokuho/kyufu/kettei_print.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path("kyufu/", kyufu_list, name="kokuho_kyufu_list"),
    path("kyufu/person/<int:pk>/", kyufu_person, name="kokuho_kyufu_person"),
    path("kyufu/person/<int:pk>/nintei/", nintei_shinsei, name="kokuho_kyufu_nintei_shinsei"),
    path("kyufu/person/<int:pk>/kijun/", kijun_shinsei, name="kokuho_kyufu_kijun_shinsei"),
    path("kyufu/person/<int:pk>/kogaku/", kogaku_shinsei_view, name="kokuho_kyufu_kogaku_shinsei"),
    path(
        "kyufu/person/<int:pk>/shussan/", shussan_shinsei_view, name="kokuho_kyufu_shussan_shinsei"
    ),
    path("kyufu/person/<int:pk>/sosai/", sosai_shinsei_view, name="kokuho_kyufu_sosai_shinsei"),
    path("kyufu/<int:pk>/", kyufu_detail, name="kokuho_kyufu_detail"),
    path("kyufu/<int:pk>/kettei/", kyufu_kettei_view, name="kokuho_kyufu_kettei"),
    path("kyufu/<int:pk>/tsuchi.pdf", kyufu_pdf, name="kokuho_kyufu_pdf"),
    path("kyufu/nintei/<int:pk>/", nintei_detail, name="kokuho_nintei"),
    path("kyufu/nintei/<int:pk>/kofu/", nintei_kofu, name="kokuho_nintei_kofu"),
    path("kyufu/nintei/<int:pk>/ninteisho.pdf", nintei_pdf, name="kokuho_nintei_pdf"),
    path("kyufu/shiharai/", shiharai, name="kokuho_shiharai"),
    path("kyufu/kettei-print/", kettei_print, name="kokuho_kettei_print"),
    path("kyufu/shiharai/<int:pk>/", shiharai_detail, name="kokuho_shiharai_detail"),
    path("kyufu/shiharai/<int:pk>/kofurikomi.csv", shiharai_csv, name="kokuho_shiharai_csv"),
    path(
        "kyufu/shiharai/<int:pk>/furikomi.txt", shiharai_furikomi, name="kokuho_shiharai_furikomi"
    ),
]
