"""償却資産 staff screens, mounted under /zeimu/kotei/shokyaku/ on a town host.

- a 納税義務者's 償却資産: the assets held on the 賦課期日 of a 年度 with their 評価額 and
  課税標準額, the 申告 of each year, and the entry of a 申告 (増加 lines of the
  種類別明細書 and the 減少 of assets held), logged as a read of the 納税義務者;
- the 試算 of assets typed in (nothing saved, no person).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from juminkiroku.public import atena_resolve
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import fiscal_year_of
from zeimu.forms.kotei_notices import format_wareki_ym
from zeimu.gyomu import KOTEI_SHISANZEI
from zeimu.models import (
    GenshoJiyu,
    KoteiNozeisha,
    KoteiShokyakuShisan,
    NozeishaKind,
    ShisanShurui,
    ZokaJiyu,
)
from zeimu.services.kotei import kotei_nozeisha_register
from zeimu.services.kotei_shokyaku import (
    PARAMS_MISSING,
    ShokyakuLine,
    ShokyakuRefused,
    kotei_shokyaku_shinkoku,
    shokyaku_params,
    shokyaku_results,
    shokyaku_shisan_hyoka,
)
from zeimu.views.kotei import _owners

GYOMU = KOTEI_SHISANZEI
NOZEISHA = "zeimu.KoteiNozeisha"


def _tokurei_choices() -> list[tuple[str, str]]:
    try:
        table = shokyaku_params(fiscal_year_of(timezone.localdate())).tokurei
    except PARAMS_MISSING:  # the year's table not loaded: offer no 特例 rather than fail
        table = {}
    return [("", "なし"), *((t.code, t.label) for t in table.values())]


class ShinkokuForm(forms.Form):
    fiscal_year = NendoField(after=1)
    shinkoku_date = WarekiDateField(label="申告日", help_text="例: 令和7年1月31日")
    shozai = TextField(label="資産の所在地", max_length=100)
    jigyo_shumoku = TextField(label="事業種目", max_length=60, required=False)


class LineForm(forms.Form):
    shurui = forms.TypedChoiceField(
        label="資産の種類", choices=[("", "（選択）"), *ShisanShurui.choices], coerce=int,
        required=False,
    )  # fmt: skip
    meisho = TextField(label="資産の名称", max_length=60, required=False)
    suryo = forms.IntegerField(label="数量", min_value=1, initial=1, required=False)
    shutoku = WarekiDateField(
        label="取得年月", required=False,
        help_text="例: 令和6年4月1日（日は評価に使いません。1月1日の取得は前年12月と入力）",
    )  # fmt: skip
    shutoku_kakaku = forms.IntegerField(label="取得価額（円）", min_value=1, required=False)
    taiyo_nensu = forms.IntegerField(label="耐用年数（年）", min_value=1, required=False)
    zoka_jiyu = forms.ChoiceField(label="増加事由", choices=ZokaJiyu.choices, required=False)
    tokurei = forms.ChoiceField(label="課税標準の特例", choices=_tokurei_choices, required=False)

    def line(self) -> ShokyakuLine | None:
        d = self.cleaned_data
        if not d.get("meisho") and not d.get("shutoku_kakaku"):
            return None  # an empty row
        shutoku: date | None = d.get("shutoku")
        return ShokyakuLine(
            shurui=int(d.get("shurui") or 0),
            meisho=d.get("meisho") or "",
            suryo=int(d.get("suryo") or 1),
            shutoku_year=shutoku.year if shutoku else 0,
            shutoku_month=shutoku.month if shutoku else 0,
            shutoku_kakaku=int(d.get("shutoku_kakaku") or 0),
            taiyo_nensu=int(d.get("taiyo_nensu") or 0),
            zoka_jiyu=d.get("zoka_jiyu") or ZokaJiyu.SHINPIN,
            tokurei=d.get("tokurei") or "",
        )


LineFormSet = forms.formset_factory(LineForm, extra=5, max_num=50)


def _lines(formset: Any) -> list[ShokyakuLine]:
    return [ln for f in formset.forms if (ln := f.line()) is not None]


def _fy(request: HttpRequest) -> int:
    try:
        fy = int(request.GET.get("fiscal_year") or 0)
    except ValueError:
        fy = 0
    return fy if 2000 <= fy <= 2100 else fiscal_year_of(timezone.localdate())


@gyomu_view(GYOMU)
@logs_reads(Reads(NOZEISHA, id_kwarg="pk", screen="zeimu.kotei_shokyaku"))
@require_http_methods(["GET", "POST"])
def shokyaku(request: HttpRequest, pk: int) -> HttpResponse:
    """The 納税義務者's 償却資産 for a 年度, and (for 担当者) the entry of a 申告."""
    nozeisha = get_object_or_404(KoteiNozeisha, pk=pk)
    fy = _fy(request)
    can_write = getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE
    # assets a 申告 of the 年度 may declare gone: acquired before it, not gone already
    held = list(
        KoteiShokyakuShisan.objects.filter(
            nozeisha_id=pk, gensho_nendo__isnull=True, shutoku_year__lt=fy
        ).order_by("shurui", "shutoku_year", "shutoku_month", "id")
    )
    form = ShinkokuForm(
        request.POST if request.method == "POST" else None,
        initial={"fiscal_year": fy, "shinkoku_date": timezone.localdate()},
    )
    lines = LineFormSet(request.POST if request.method == "POST" else None, prefix="z")
    errors: list[str] = []
    if request.method == "POST":
        if not can_write:
            return HttpResponse("申告を入力する権限がありません。", status=403)
        gensho = [
            (a.pk, request.POST.get(f"gensho_{a.pk}", ""))
            for a in held
            if request.POST.get(f"gensho_{a.pk}", "")
        ]
        if form.is_valid() and lines.is_valid():
            try:
                kotei_shokyaku_shinkoku(
                    nozeisha_id=pk,
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    shinkoku_date=form.cleaned_data["shinkoku_date"],
                    shozai=form.cleaned_data["shozai"],
                    jigyo_shumoku=form.cleaned_data.get("jigyo_shumoku") or "",
                    zoka=_lines(lines),
                    gensho=gensho,
                    actor=actor_from_request(request),
                )
            except ShokyakuRefused as exc:
                errors = [str(e["message"]) for e in exc.errors]
            else:
                messages.success(request, "償却資産の申告を登録しました。")
                return redirect(
                    f"/zeimu/kotei/shokyaku/{pk}/?fiscal_year={form.cleaned_data['fiscal_year']}"
                )
        else:
            errors = ["入力に誤りがあります。各欄の表示を確認してください。"]
    try:
        valued = shokyaku_results([pk], fy, shokyaku_params(fy)).get(pk, [])
    except PARAMS_MISSING:  # no table for the year: show the assets without figures
        valued = []
    for row, _ in valued:
        y, m = (int(x) for x in str(row["shutoku"]).split("-"))
        row["shutoku_label"] = format_wareki_ym(y, m)
    return TemplateResponse(
        request,
        "zeimu/kotei_shokyaku.html",
        {
            "nozeisha": nozeisha,
            "nozeisha_id": pk,
            "owners": _owners([pk]).get(pk, []),
            "fiscal_year": fy,
            "valued": [row for row, _ in valued],
            "total": sum(r.hyojun for _, r in valued),
            "held": held,
            "shinkoku": list(nozeisha.shokyaku_shinkoku.order_by("-fiscal_year")),
            "can_write": can_write,
            "form": form,
            "lines": lines,
            "gensho_choices": GenshoJiyu.choices,
            "errors": errors,
        },
    )


class ShinkokushaForm(forms.Form):
    atena_no = TextField(label="申告者（所有者）の宛名番号", max_length=15)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # a 閲覧者 may look up; only 担当者 register
@no_personal_data  # finds or registers the 納税義務者 (logged by the service), then redirects
@require_http_methods(["GET", "POST"])
def shinkokusha(request: HttpRequest) -> HttpResponse:
    """The way in for a 申告: the owner by 宛名番号 (POST, never in a URL); their 納税義務者
    as single owner is found, or registered for a first 申告 (担当者 only)."""
    form = ShinkokushaForm(request.POST or None)
    can_write = getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE
    if request.method == "POST" and form.is_valid():
        found = atena_resolve(form.cleaned_data["atena_no"].strip())
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message)
        else:
            atena_id = int(found.atena_id)
            existing = (
                KoteiNozeisha.objects.filter(owners__atena_id=atena_id, kind=NozeishaKind.TANDOKU)
                .values_list("pk", flat=True)
                .first()
            )
            if existing is None and not can_write:
                messages.error(request, "この人は固定資産税の納税義務者として登録されていません。")
            else:
                pk = existing or kotei_nozeisha_register(
                    owners=[(atena_id, 1, 1)], daihyo_atena_id=atena_id,
                    actor=actor_from_request(request),
                ).pk  # fmt: skip
                return redirect("zeimu_kotei_shokyaku", pk=pk)
    return TemplateResponse(request, "zeimu/kotei_shokyaku_shinkokusha.html", {"form": form})


class ShisanForm(forms.Form):
    fiscal_year = NendoField(after=1)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved
@require_http_methods(["GET", "POST"])
def shokyaku_shisan(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(
        request.POST or None, initial={"fiscal_year": fiscal_year_of(timezone.localdate())}
    )
    lines = LineFormSet(request.POST or None, prefix="z")
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        typed = _lines(lines)
        if not typed:
            errors = ["資産を1件以上入力してください。"]
        else:
            found, problems = shokyaku_shisan_hyoka(
                typed, fiscal_year=form.cleaned_data["fiscal_year"]
            )
            errors = [str(e["message"]) for e in problems]
            results = [
                {"meisho": ln.meisho, "hyoka": r.hyoka, "hyojun": r.hyojun, "lines": r.lines}
                for ln, r in zip(typed, found, strict=False)
            ]
    return TemplateResponse(
        request,
        "zeimu/kotei_shokyaku_shisan.html",
        {
            "form": form,
            "lines": lines,
            "results": results,
            "total": sum(r["hyojun"] for r in results),
            "errors": errors,
        },
    )


urlpatterns: list[URLPattern] = [
    path("kotei/shokyaku/", shinkokusha, name="zeimu_kotei_shokyaku_shinkokusha"),
    path("kotei/shokyaku/shisan/", shokyaku_shisan, name="zeimu_kotei_shokyaku_shisan"),
    path("kotei/shokyaku/<int:pk>/", shokyaku, name="zeimu_kotei_shokyaku"),
]
