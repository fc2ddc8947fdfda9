"""税率の試算 screens (国保 管理): the list, a new scenario (or a copy of one) for a 年度, a
scenario with the town's current values beside it and its runs, a run's result (totals per
区分 side by side, the distribution of changes as a table and a chart) and its CSV.

The screens show rates and figures of the whole town only, never a household or a
person: they declare no personal data. The job that reads 所得 and writes the per-household
rows is started here; the household rows stay in the database for the totals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kokuho.models import WhatifRun, WhatifScenario
from kokuho.rules.hokenzei_params import KUBUN_LABELS
from kokuho.services.whatif import whatif_run_start, whatif_scenario_create
from kokuho.services.whatif_params import (
    RateKey,
    WhatifValuesError,
    baseline_values,
    law_gendo,
    rate_keys,
)
from kokuho.views.whatif_chart import DOWN, GENKO, SAME, SHISAN, UP, Bar, hbar_chart
from kokuho.whatif_job import WHATIF_GYOMU
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.nendo import NendoField, PercentField, PercentInput
from tenants.forms.text import TextField
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused
from tenants.labels import nendo as nendo_words
from tenants.labels import yen
from tenants.models import RoleLevel
from tenants.wareki import fiscal_year_of

RATE_DENOMINATOR = 100_000
#: 国保 管理: the finance office's what-if is an administrator's act (reads and writes)
ADMIN = RoleLevel.ADMIN
CHOICE_WORDS = {
    "rounding.kubun": {
        1: "1円（端数を切り捨てない）",
        10: "10円未満を切り捨て",
        100: "100円未満を切り捨て",
    },
    "shotokuwari.keisan": {
        1: "被保険者ごとに税率を乗じて合計する",
        2: "世帯の基準所得の合計に税率を乗じる",
    },
}


def _field_name(key: str) -> str:
    return key.replace(".", "__")


def value_words(r: RateKey, value: Any) -> str:
    """A stored value as the screen writes it."""
    if value is None:
        return "国の額" if r.item == "gendo_jorei" else "課さない"
    if r.is_rate:
        pct = (Decimal(int(value)) * 100 / RATE_DENOMINATOR).normalize()
        return f"{pct:f}%"
    if r.settable.kind == "choice":
        return CHOICE_WORDS.get(r.item, {}).get(int(value), str(value))
    return yen(value)


class YearsForm(forms.Form):
    nendo = NendoField(label="試算する年度", after=3)
    genko_nendo = NendoField(label="比較する現行税率の年度", after=3)
    shotoku_nendo = NendoField(
        label="所得の年度（個人住民税の課税資料）",
        after=3,
        help_text="その年度の個人住民税の賦課にある所得（前年中の所得）で計算します。",
    )


def _years_initial() -> dict[str, int]:
    fy = fiscal_year_of(timezone.localdate())
    return {"nendo": fy + 1, "genko_nendo": fy, "shotoku_nendo": fy}


class ScenarioForm(forms.Form):
    name = TextField(label="試算名", max_length=100)
    note = TextField(label="メモ", max_length=200, required=False)

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nendo = nendo
        self.keys = rate_keys(nendo)
        for r in self.keys:
            name = _field_name(r.key)
            if r.is_rate:
                self.fields[name] = PercentField(
                    label=f"{r.label}（%）",
                    required=r.required,
                    max_percent=100,
                    inclusive_max=True,
                    widget=PercentInput({"step": "0.001"}),
                    help_text="" if r.required else "空欄は課さない。",
                )
            elif r.settable.kind == "choice":
                words = CHOICE_WORDS.get(r.item, {})
                self.fields[name] = forms.TypedChoiceField(
                    label=r.label,
                    choices=[(c, words.get(c, str(c))) for c in r.settable.choices],
                    coerce=int,
                )
            else:
                help_text = "空欄は課さない。"
                if r.item == "gendo_jorei":
                    cap = law_gendo(r.kubun, nendo)
                    help_text = f"空欄は国の額（{cap:,}円）。国の額を超えては定められません。"
                self.fields[name] = forms.IntegerField(
                    label=f"{r.label}（円）",
                    required=r.required,
                    min_value=0,
                    help_text="" if r.required else help_text,
                )

    @staticmethod
    def initial_from(values: dict[str, Any], nendo: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in rate_keys(nendo):
            v = values.get(r.key)
            if v is None:
                continue
            out[_field_name(r.key)] = Decimal(int(v)) / RATE_DENOMINATOR if r.is_rate else v
        return out

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in self.keys:
            v = self.cleaned_data.get(_field_name(r.key))
            if v is None:
                continue
            if r.is_rate:
                scaled = Decimal(v) * RATE_DENOMINATOR
                if scaled != scaled.to_integral_value():
                    self.add_error(
                        _field_name(r.key), "税率は小数第3位（0.001%）までで入力してください。"
                    )
                    continue
                v = int(scaled)
            out[r.key] = v
        return out


def _rows(scenario: WhatifScenario) -> list[dict[str, Any]]:
    baseline, _ = baseline_values(scenario.genko_nendo, scenario.nendo)
    return [
        {
            "label": r.label,
            "genko": value_words(r, baseline.get(r.key)),
            "shisan": value_words(r, scenario.values.get(r.key)),
            "changed": baseline.get(r.key) != scenario.values.get(r.key),
        }
        for r in rate_keys(scenario.nendo)
    ]


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data  # rates and town totals only
@require_GET
def whatif_list(request: HttpRequest) -> HttpResponse:
    scenarios = list(WhatifScenario.objects.all()[:100])
    runs: dict[int, WhatifRun] = {}
    for run in WhatifRun.objects.filter(scenario__in=scenarios).order_by("created_at", "id"):
        runs[run.scenario_id] = run
    return TemplateResponse(
        request,
        "kokuho/whatif/list.html",
        {
            "rows": [(s, runs.get(s.pk)) for s in scenarios],
            "years": YearsForm(initial=_years_initial()),
        },
    )


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data
@require_http_methods(["GET", "POST"])
def whatif_new(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    years = YearsForm(source or None, initial=_years_initial())
    if not years.is_valid():
        if source:
            messages.error(request, "年度を一覧から選んでください。")
        return redirect("kokuho_whatif_list")
    y = years.cleaned_data
    copied: WhatifScenario | None = None
    copy_id = source.get("copy")
    if copy_id and str(copy_id).isdigit():
        copied = WhatifScenario.objects.filter(pk=int(copy_id)).first()
    if request.method == "POST":
        form = ScenarioForm(request.POST, nendo=y["nendo"])
        if form.is_valid():
            values = form.values()
            if form.is_valid():
                try:
                    scenario = whatif_scenario_create(
                        name=form.cleaned_data["name"],
                        nendo=y["nendo"],
                        genko_nendo=y["genko_nendo"],
                        shotoku_nendo=y["shotoku_nendo"],
                        values=values,
                        note=form.cleaned_data["note"],
                        copied_from=copied,
                        actor=actor_from_request(request),
                    )
                except WhatifValuesError as exc:
                    for key, message in exc.errors.items():
                        field = _field_name(key)
                        form.add_error(field if field in form.fields else None, message)
                except ValueError as exc:
                    form.add_error("name", str(exc))
                else:
                    messages.success(request, "試算を登録しました。")
                    return redirect("kokuho_whatif_detail", pk=scenario.pk)
    else:
        if copied is not None and copied.nendo == y["nendo"]:
            initial = ScenarioForm.initial_from(copied.values, y["nendo"])
            initial["name"] = f"{copied.name}（複写）"
        else:
            values, _ = baseline_values(y["genko_nendo"], y["nendo"])
            initial = ScenarioForm.initial_from(values, y["nendo"])
        form = ScenarioForm(initial=initial, nendo=y["nendo"])
    kubun_groups: list[tuple[str, list[Any]]] = []
    for r in form.keys:
        title = KUBUN_LABELS[r.kubun] if r.kubun else "町村の定め方"
        if not kubun_groups or kubun_groups[-1][0] != title:
            kubun_groups.append((title, []))
        kubun_groups[-1][1].append(form[_field_name(r.key)])
    return TemplateResponse(
        request,
        "kokuho/whatif/new.html",
        {"form": form, "years": y, "groups": kubun_groups, "copied": copied},
    )


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data
@require_GET
def whatif_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(WhatifScenario, pk=pk)
    runs = list(scenario.runs.all())
    jobs = {j.pk: j for j in Job.objects.filter(pk__in=[r.job_id for r in runs])}
    return TemplateResponse(
        request,
        "kokuho/whatif/detail.html",
        {
            "scenario": scenario,
            "rows": _rows(scenario),
            "runs": [(r, jobs.get(r.job_id)) for r in runs],
        },
    )


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data  # starts the job; the job reads 所得 and writes household figures
@require_POST
def whatif_start(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(WhatifScenario, pk=pk)
    try:
        job = whatif_run_start(scenario=scenario, actor=actor_from_request(request))
    except (JobRefused, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_whatif_detail", pk=pk)
    return redirect("job_detail", pk=job.pk)


def _charts(result: dict[str, Any]) -> tuple[str, str]:
    bands = [
        Bar(
            b["label"],
            b["count"],
            DOWN if b["sign"] < 0 else UP if b["sign"] > 0 else SAME,
            f"{b['count']:,}世帯",
        )
        for b in result["bands"]
    ]
    totals: list[Bar] = []
    for k in result["kubun"]:
        short = k["label"].split("（")[0]
        totals.append(Bar(f"{short}（現行）", k["genko"], GENKO, yen(k["genko"])))
        totals.append(Bar(f"{short}（試算）", k["shisan"], SHISAN, yen(k["shisan"])))
    return (
        hbar_chart("年税額の増減ごとの世帯数", bands),
        hbar_chart("区分ごとの税額の合計（現行と試算）", totals),
    )


class CsvForm(forms.Form):
    encoding = CsvEncodingField()


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data  # town totals and counts of households per band only
@require_GET
def whatif_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(WhatifRun.objects.select_related("scenario"), pk=pk)
    job = Job.objects.filter(pk=run.job_id).first()
    context: dict[str, Any] = {"run": run, "scenario": run.scenario, "job": job}
    if run.result:
        chart_bands, chart_totals = _charts(run.result)
        t = run.result["total"]
        context.update(
            result=run.result,
            kubun=[{**k, "diff": k["shisan"] - k["genko"]} for k in run.result["kubun"]],
            total_diff=t["shisan"] - t["genko"],
            chart_bands=mark_safe(chart_bands),  # noqa: S308 (built from escaped figures)
            chart_totals=mark_safe(chart_totals),  # noqa: S308
            csv_form=CsvForm(),
        )
    return TemplateResponse(request, "kokuho/whatif/run.html", context)


CSV_HEADER = ["表", "項目", "現行（円）", "試算（円）", "差（円）", "世帯数"]


def csv_rows(run: WhatifRun) -> list[list[Any]]:
    r = run.result or {}
    rows: list[list[Any]] = []
    for k in r.get("kubun", []):
        rows.append(
            ["区分別の合計", k["label"], k["genko"], k["shisan"], k["shisan"] - k["genko"], ""]
        )
    t = r.get("total", {"genko": 0, "shisan": 0})
    rows.append(
        [
            "区分別の合計",
            "年税額の合計",
            t["genko"],
            t["shisan"],
            t["shisan"] - t["genko"],
            r.get("households", 0),
        ]
    )
    for b in r.get("bands", []):
        rows.append(["増減の分布", b["label"], "", "", b["sum"], b["count"]])
    return rows


@gyomu_view(WHATIF_GYOMU, level=ADMIN, write_level=ADMIN)
@no_personal_data  # the same town figures as the screen
@require_GET
def whatif_run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(WhatifRun, pk=pk, result__isnull=False)
    form = CsvForm(request.GET)
    form.is_valid()
    response = form_csv_response(form, f"kokuho_whatif_{run.pk}.csv", CSV_HEADER, csv_rows(run))
    if response is None:  # only a cp932 refusal; these cells are all ASCII or JIS
        messages.error(request, "CSVを作れませんでした。")
        return redirect("kokuho_whatif_run", pk=pk)
    return response  # type: ignore[return-value]


urlpatterns: list[URLPattern] = [
    path("whatif/", whatif_list, name="kokuho_whatif_list"),
    path("whatif/new/", whatif_new, name="kokuho_whatif_new"),
    path("whatif/<int:pk>/", whatif_detail, name="kokuho_whatif_detail"),
    path("whatif/<int:pk>/start/", whatif_start, name="kokuho_whatif_start"),
    path("whatif/run/<int:pk>/", whatif_run, name="kokuho_whatif_run"),
    path("whatif/run/<int:pk>/csv/", whatif_run_csv, name="kokuho_whatif_run_csv"),
]

__all__ = ["nendo_words", "urlpatterns"]
