"""国民年金 (the town's part) screens: the lookup by 宛名番号 (POST), a person's 届 and
申請 with the 所得 the 申請 used, the entry of a 届 and of a 申請, and the 報告 files to the
日本年金機構."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from juminkiroku.public import atena_resolve, person_identities, person_identity
from kokuho.gyomu import KOKUMIN_NENKIN
from kokuho.models import (
    NenkinHokoku,
    NenkinShinsei,
    NenkinTodoke,
    ShinseiKind,
    Shubetsu,
    TodokeJiyu,
    TodokeKind,
)
from kokuho.rules.nenkin import ROLE_LABELS, ROLES
from kokuho.services.nenkin import (
    Fuyo,
    NenkinRefused,
    dai1_shubetsu_of,
    nenkin_hokoku_make,
    nenkin_shinsei_register,
    nenkin_todoke_register,
    unsent_counts,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import CsvEncodingError
from tenants.forms.errors import message_form_errors
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.wareki import fiscal_year_of

GYOMU = KOKUMIN_NENKIN
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class TodokeForm(forms.Form):
    kind = forms.ChoiceField(label="届の種類", choices=TodokeKind.choices, widget=forms.RadioSelect)
    jiyu = forms.ChoiceField(label="事由", choices=TodokeJiyu.choices)
    shubetsu_mae = forms.ChoiceField(label="変更前の種別", choices=Shubetsu.choices)
    shubetsu_go = forms.ChoiceField(label="変更後の種別", choices=Shubetsu.choices)
    gaito_date = WarekiDateField(label="該当年月日", help_text=DATE_HELP)
    todoke_date = WarekiDateField(label="届出日", help_text=DATE_HELP)
    kiso_nenkin_bango = TextField(
        label="基礎年金番号（10桁、分かれば）", max_length=10, required=False
    )


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=20, initial=0, required=False)


def _yen(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100_000_000, initial=0, required=False
    )


class ShinseiForm(forms.Form):
    kind = forms.ChoiceField(
        label="申請の種類", choices=ShinseiKind.choices, widget=forms.RadioSelect
    )
    nendo = NendoField(label="年度（7月から翌年6月までの期間）")
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    haigusha_atena_no = TextField(
        label="配偶者の宛名番号（いる場合）", max_length=12, required=False
    )
    honnin_ippan = _count("本人の扶養親族等の数（一般）")
    honnin_rojin = _count("本人の扶養親族等の数（老人）")
    honnin_tokutei = _count("本人の扶養親族等の数（特定）")
    honnin_shakai = _yen("本人の社会保険料控除額等（円）")
    haigusha_ippan = _count("配偶者の扶養親族等の数（一般）")
    haigusha_shakai = _yen("配偶者の社会保険料控除額等（円）")
    setainushi_ippan = _count("世帯主の扶養親族等の数（一般）")
    setainushi_shakai = _yen("世帯主の社会保険料控除額等（円）")


class HokokuForm(forms.Form):
    encoding = CsvEncodingField(label="報告ファイルの文字コード")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # counts only; a lookup redirects to the person's page (which logs)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
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
            return redirect("kokuho_nenkin_person", pk=found.atena_id)
    todoke, shinsei = unsent_counts()
    return TemplateResponse(
        request,
        "kokuho/nenkin/top.html",
        {"lookup": lookup, "unsent_todoke": todoke, "unsent_shinsei": shinsei},
    )


def _shinsei_rows(shinsei: list[NenkinShinsei]) -> tuple[list[dict[str, Any]], list[int]]:
    """Each 申請 with its judged persons' figures in words; and the other persons shown."""
    others: set[int] = set()
    rows = []
    for s in shinsei:
        persons = []
        for role in ROLES:
            d = s.shotoku.get(role)
            if not d:
                continue
            others.add(int(d["atena_id"]))
            kijun = [
                (label, d.get(f"kijun_{key}"), d.get(f"ok_{key}"))
                for key, label in (
                    ("zengaku", "全額免除・納付猶予"),
                    ("sanbun_yon", "4分の3免除"),
                    ("hangaku", "半額免除"),
                    ("yonbun_ichi", "4分の1免除"),
                    ("gakusei", "学生納付特例"),
                )
                if f"kijun_{key}" in d
            ]
            persons.append(
                {"role": ROLE_LABELS[role], "atena_id": int(d["atena_id"]), "d": d, "kijun": kijun}
            )
        rows.append({"s": s, "persons": persons})
    return rows, sorted(others)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kokuho.nenkin_person"))
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    p = person_identity(pk)
    if p is None:
        raise Http404("その方は見つかりません。")
    shinsei = list(NenkinShinsei.objects.filter(atena_id=pk).order_by("-nendo", "-id"))
    rows, others = _shinsei_rows(shinsei)
    names = {a: i.shimei for a, i in person_identities(others).items()}
    for r in rows:
        for q in r["persons"]:
            q["name"] = names.get(q["atena_id"], "")
    related = [a for a in others if a != pk]
    if related:  # the 所得 of the 配偶者 and 世帯主 are shown too
        access_note(request, detail={"related_atena_ids": related})
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "kokuho/nenkin/person.html",
        {
            "person": p,
            "atena_id": pk,
            "shubetsu": dai1_shubetsu_of(pk),
            "todoke": list(NenkinTodoke.objects.filter(atena_id=pk).order_by("-gaito_date", "-id")),
            "shinsei": rows,
            "todoke_form": TodokeForm(initial={"todoke_date": today}),
            "shinsei_form": ShinseiForm(
                initial={"shinsei_date": today, "nendo": fiscal_year_of(today)}
            ),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = TodokeForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kokuho_nenkin_person", pk=pk)
    d = form.cleaned_data
    try:
        nenkin_todoke_register(
            atena_id=pk,
            kind=d["kind"],
            jiyu=d["jiyu"],
            gaito_date=d["gaito_date"],
            todoke_date=d["todoke_date"],
            shubetsu_mae=d["shubetsu_mae"],
            shubetsu_go=d["shubetsu_go"],
            kiso_nenkin_bango=d["kiso_nenkin_bango"] or "",
            actor=actor_from_request(request),
        )
    except NenkinRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "届を受け付けました。次の報告ファイルで日本年金機構へ送ります。")
    return redirect("kokuho_nenkin_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service, with whose 所得 it read)
@require_POST
def shinsei(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = ShinseiForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("kokuho_nenkin_person", pk=pk)
    d = form.cleaned_data
    haigusha = None
    if d["haigusha_atena_no"]:
        found = atena_resolve(d["haigusha_atena_no"])
        if not found.found or found.atena_id is None:
            messages.error(request, "配偶者の宛名番号の方が見つかりません。")
            return redirect("kokuho_nenkin_person", pk=pk)
        haigusha = found.atena_id

    def n(key: str) -> int:
        return int(d.get(key) or 0)

    fuyo = {
        "honnin": Fuyo(
            ippan=n("honnin_ippan"),
            rojin=n("honnin_rojin"),
            tokutei=n("honnin_tokutei"),
            shakai_hoken=n("honnin_shakai"),
        ),
        "haigusha": Fuyo(ippan=n("haigusha_ippan"), shakai_hoken=n("haigusha_shakai")),
        "setainushi": Fuyo(ippan=n("setainushi_ippan"), shakai_hoken=n("setainushi_shakai")),
    }
    try:
        row = nenkin_shinsei_register(
            atena_id=pk,
            kind=d["kind"],
            nendo=d["nendo"],
            shinsei_date=d["shinsei_date"],
            haigusha_atena_id=haigusha,
            fuyo=fuyo,
            actor=actor_from_request(request),
        )
    except NenkinRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"申請を受け付けました。町の所得審査：{row.get_hantei_display()}。"
        )
    return redirect("kokuho_nenkin_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the list of files (連番, 件数); making one is logged by its service
@require_http_methods(["GET", "POST"])
def hokoku_files(request: HttpRequest) -> HttpResponse:
    form = HokokuForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = nenkin_hokoku_make(
                actor=actor_from_request(request), encoding=form.cleaned_data["encoding"]
            )
        except (NenkinRefused, CsvEncodingError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"報告ファイル 第{made.seq}号（{made.rows:,}件）を作りました。"
            )
        return redirect("kokuho_nenkin_hokoku_files")
    todoke_n, shinsei_n = unsent_counts()
    page = Paginator(NenkinHokoku.objects.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "kokuho/nenkin/hokoku_files.html",
        {"form": form, "page": page, "unsent_todoke": todoke_n, "unsent_shinsei": shinsei_n},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "kokuho.NenkinHokoku",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="kokuho.nenkin_hokoku_download",
    )
)
@require_GET
def hokoku_download(request: HttpRequest, pk: int) -> HttpResponse:
    f = get_object_or_404(NenkinHokoku, pk=pk)
    with default_storage.open(f.path, "rb") as handle:
        content = handle.read()
    ids = set(f.todoke.values_list("atena_id", flat=True)) | set(
        f.shinsei.values_list("atena_id", flat=True)
    )
    access_note(request, count=f.rows, detail={"atena_ids": sorted(ids)})
    charset = "Shift_JIS" if f.encoding == "cp932" else "utf-8"
    response = HttpResponse(content, content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="nenkin_hokoku_{f.seq:06d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/kokuho/nenkin/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("nenkin/", top, name="kokuho_nenkin_top"),
    path("nenkin/person/<int:pk>/", person, name="kokuho_nenkin_person"),
    path("nenkin/person/<int:pk>/todoke/", todoke, name="kokuho_nenkin_todoke"),
    path("nenkin/person/<int:pk>/shinsei/", shinsei, name="kokuho_nenkin_shinsei"),
    path("nenkin/hokoku/", hokoku_files, name="kokuho_nenkin_hokoku_files"),
    path("nenkin/hokoku/<int:pk>/download/", hokoku_download, name="kokuho_nenkin_hokoku_download"),
]
