"""施設型給付費 screen (/fukushi/kodomo-kosodate/kyufuhi/): the 給付費 of a month per 施設 with
each child's line (公定価格, prorated for a child entering or leaving during the month, −
利用者負担; 1号 children with their 教育標準時間 公定価格) and the totals, the entry of a
施設's 公定価格 (per 年度 and クラス年齢) and of its account; the 施設's 請求 (実績報告)
of the month received and their 審査 against the town's 算定 (一致 / 差異あり, and the
施設 that have not claimed). The payment of the 一致 請求, its 全銀 file and the
支払通知書: fukushi/views/hoiku_kyufu_shiharai.py.

Paths carry no personal data; the list's read is logged by ``logs_reads`` (the children's
宛名 ids), the writes and the file by their service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import HoikuKyufuhiSeikyu, HoikuShisetsu
from fukushi.services.hoiku_kyufu import (
    KyufuhiRefused,
    kotei_kakaku_set,
    kyufuhi_of_month,
    shisetsu_koza_set,
)
from fukushi.services.hoiku_kyufu_seikyu import MAX_GAKU, seikyu_shinsa, seikyu_uketsuke
from juminkiroku.public import person_identities
from tenants import zengin
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = KODOMO_KOSODATE
PREFIX = "kodomo-kosodate/kyufuhi/"


def _shisetsu_choices() -> list[tuple[int, str]]:
    return [(s.pk, f"{s.code} {s.name}") for s in HoikuShisetsu.objects.order_by("code")]


class KoteiForm(forms.Form):
    shisetsu = forms.TypedChoiceField(label="施設", coerce=int, choices=_shisetsu_choices)
    nendo = NendoField()
    class_age = forms.IntegerField(label="クラス年齢（0〜5）", min_value=0, max_value=5)
    hyojun = forms.IntegerField(label="保育標準時間の公定価格（月額・円）", min_value=1)
    tanjikan = forms.IntegerField(label="保育短時間の公定価格（月額・円）", min_value=1)
    kyoiku = forms.IntegerField(
        label="1号（教育標準時間）の公定価格（月額・円、2歳児（満3歳）クラス以上・任意）",
        min_value=1,
        required=False,
    )


class KozaForm(forms.Form):
    shisetsu = forms.TypedChoiceField(label="施設", coerce=int, choices=_shisetsu_choices)
    kinyu_kikan = TextField(label="金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


class SeikyuForm(forms.Form):
    shisetsu = forms.TypedChoiceField(label="施設", coerce=int, choices=_shisetsu_choices)
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    uketsuke_date = WarekiDateField(label="受付日", help_text="例 令和7年6月10日")
    ninzu = forms.IntegerField(label="請求の児童数", min_value=0, max_value=10_000)
    gaku = forms.IntegerField(label="請求額（円）", min_value=0, max_value=MAX_GAKU)


class ShinsaForm(forms.Form):
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    shinsa_date = WarekiDateField(label="審査日", help_text="例 令和7年6月20日")


def _month(value: str | None) -> date:
    try:
        y, m = (int(x) for x in (value or "").split("-"))
        return date(y, m, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _errors(request: HttpRequest, errors: list[tuple[str, str]]) -> None:
    for _, message in errors:
        messages.error(request, message)


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_ids", screen="fukushi.hoiku_kyufuhi", skip_empty=True))
@require_GET
def kyufuhi(request: HttpRequest) -> HttpResponse:
    """The 給付費 of a month (``?month=YYYY-MM``) per 施設."""
    month = _month(request.GET.get("month"))
    rows: list[Any] = []
    try:
        rows = kyufuhi_of_month(month, actor=actor_from_request(request))
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    ids = [ln.atena_id for s in rows for ln in s.lines]
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "fukushi/hoiku/kyufuhi.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "rows": [
                {"s": s, "lines": [{"ln": ln, "person": people.get(ln.atena_id)} for ln in s.lines]}
                for s in rows
            ],
            "gokei": sum(s.total for s in rows),
            "kotei_form": KoteiForm(
                initial={"nendo": month.year if month.month > 3 else month.year - 1}
            ),
            "koza_form": KozaForm(),
            "seikyu": HoikuKyufuhiSeikyu.objects.filter(month=month)
            .select_related("shisetsu")
            .order_by("shisetsu__code"),
            "seikyu_form": SeikyuForm(initial={"month": f"{month:%Y-%m}"}),
            "shinsa_form": ShinsaForm(initial={"month": f"{month:%Y-%m}"}),
            "can_write": _can_write(request),
            "atena_ids": ids,
        },
    )


def _back(month: str = "") -> HttpResponse:
    url = reverse("fukushi_hoiku_kyufuhi")
    return redirect(f"{url}?month={month}" if month else url)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def kotei(request: HttpRequest) -> HttpResponse:
    form = KoteiForm(request.POST)
    if not form.is_valid():
        _errors(request, [(k, f"{form.fields[k].label}：{e[0]}") for k, e in form.errors.items()
                          if k in form.fields])  # fmt: skip
        return _back()
    d = form.cleaned_data
    try:
        kotei_kakaku_set(
            shisetsu=HoikuShisetsu.objects.get(pk=d["shisetsu"]), nendo=d["nendo"],
            class_age=d["class_age"], hyojun=d["hyojun"], tanjikan=d["tanjikan"],
            kyoiku=d["kyoiku"], actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(request, "公定価格を登録しました。")
    return _back()


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def koza(request: HttpRequest) -> HttpResponse:
    form = KozaForm(request.POST)
    if not form.is_valid():
        _errors(request, [(k, f"{form.fields[k].label}：{e[0]}") for k, e in form.errors.items()
                          if k in form.fields])  # fmt: skip
        return _back()
    d = form.cleaned_data
    try:
        shisetsu_koza_set(
            shisetsu=HoikuShisetsu.objects.get(pk=d["shisetsu"]),
            account=zengin.Account(d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"],
                                   d["koza_bango"], d["meigi_kana"]),
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(request, "施設の口座を登録しました。")
    return _back()


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    _errors(request, [(k, f"{form.fields[k].label}：{e[0]}") for k, e in form.errors.items()
                      if k in form.fields])  # fmt: skip


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def seikyu(request: HttpRequest) -> HttpResponse:
    """Receive (or correct) a 施設's 請求 of a month."""
    form = SeikyuForm(request.POST)
    month = request.POST.get("month", "")
    if form.is_valid() and form.cleaned_data["uketsuke_date"] is None:
        form.add_error("uketsuke_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(month)
    d = form.cleaned_data
    try:
        row = seikyu_uketsuke(
            shisetsu=HoikuShisetsu.objects.get(pk=d["shisetsu"]), month=_month(month),
            uketsuke_date=d["uketsuke_date"], ninzu=d["ninzu"], gaku=d["gaku"],
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(request, f"{row.shisetsu.name}の請求を受け付けました（未審査）。")
    return _back(month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service); the 算定 logs its read of the children
@require_POST
def shinsa(request: HttpRequest) -> HttpResponse:
    """The 審査 of the month's 請求 against the town's 算定."""
    form = ShinsaForm(request.POST)
    month = request.POST.get("month", "")
    if form.is_valid() and form.cleaned_data["shinsa_date"] is None:
        form.add_error("shinsa_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(month)
    try:
        kekka = seikyu_shinsa(
            month=_month(month), shinsa_date=form.cleaned_data["shinsa_date"],
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
        return _back(month)
    sai = [r for r in kekka.judged if r.sagaku or r.seikyu_ninzu != r.santei_ninzu]
    messages.success(
        request, f"{len(kekka.judged)}施設の請求を審査しました（差異あり {len(sai)}施設）。"
    )
    for m in kekka.mi_seikyu:
        messages.warning(
            request,
            f"{m.shisetsu.name}：この月の請求がありません（算定 {m.ninzu}人 {m.gaku:,}円）。",
        )
    return _back(month)


urlpatterns: list[URLPattern] = [
    path(PREFIX, kyufuhi, name="fukushi_hoiku_kyufuhi"),
    path(f"{PREFIX}kotei/", kotei, name="fukushi_hoiku_kyufuhi_kotei"),
    path(f"{PREFIX}koza/", koza, name="fukushi_hoiku_kyufuhi_koza"),
    path(f"{PREFIX}seikyu/", seikyu, name="fukushi_hoiku_kyufuhi_seikyu"),
    path(f"{PREFIX}shinsa/", shinsa, name="fukushi_hoiku_kyufuhi_shinsa"),
]
