"""Office screen: the simulator (試算). Shows today's allocation next to a scenario's;
nothing is saved (see billing.services.simulator)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from billing.models import CostPool
from billing.services.meters import meter_choices
from billing.services.rule_builder import population_choices
from billing.services.simulator import (
    JOINING,
    LEAVING,
    Joining,
    PoolChange,
    Scenario,
    ScenarioError,
    SimulationResult,
    simulate,
)
from tenants.access import portal_view
from tenants.forms.nendo import NendoField, PercentField
from tenants.forms.text import TextField
from tenants.models import Gyomu, Municipality, MunicipalityStatus, StaffUser
from tenants.wareki import fiscal_year_of

# 年度 order: April … March.
MONTH_CHOICES = [(str(m), f"{m}月") for m in [*range(4, 13), *range(1, 4)]]


def _weight_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=12, decimal_places=6
    )


class SimulationForm(forms.Form):
    fiscal_year = NendoField()
    # (a) a town joins
    join_name = TextField(label="加入する団体の名称", required=False, max_length=100)
    join_population = forms.IntegerField(
        label="人口",
        required=False,
        error_messages={"invalid": "人口は整数で入力してください。"},
    )
    join_modules = forms.MultipleChoiceField(
        label="利用する業務", required=False, widget=forms.CheckboxSelectMultiple
    )
    join_go_live_month = forms.ChoiceField(
        label="稼働開始月（年度内）",
        choices=MONTH_CHOICES,
        initial="4",
        error_messages={"invalid_choice": "稼働開始月は1〜12の月から選んでください。"},
    )
    join_former_cost = forms.IntegerField(
        label="加入団体の現行経費（円、任意）", required=False, min_value=0
    )
    # (b) members leave
    leave = forms.MultipleChoiceField(
        label="脱退する団体", required=False, widget=forms.CheckboxSelectMultiple
    )
    # (c) a pool's rule / amount
    pool = forms.ChoiceField(label="変更する費用区分", required=False)
    kinto_weight = _weight_field("均等割の割合")
    jinko_weight = _weight_field("人口割の割合")
    jinko_figure = forms.ChoiceField(label="人口割の基礎", choices=[], required=False)
    pool_amount = forms.IntegerField(
        label="金額（円、空欄は変更なし）", required=False, min_value=0
    )
    # (d) the guarantee
    min_saving = PercentField(
        label="保障する最低削減率（%、空欄は現在のまま）",
        help_text="例: 30",
        required=False,
        max_percent=100,
    )
    no_guarantee = forms.BooleanField(label="削減保障をしない", required=False)

    def __init__(self, *args: Any, consortium_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consortium_id = consortium_id
        # The figures a rule can use: the official population and the registered meters.
        self.meters = meter_choices()
        jinko = self.fields["jinko_figure"]
        assert isinstance(jinko, forms.ChoiceField)
        jinko.choices = population_choices(self.meters)
        modules = self.fields["join_modules"]
        assert isinstance(modules, forms.MultipleChoiceField)
        modules.choices = list(Gyomu.objects.values_list("code", "name"))
        leave = self.fields["leave"]
        assert isinstance(leave, forms.MultipleChoiceField)
        leave.choices = [
            (m.dantai_code, m.name)
            for m in Municipality.objects.filter(consortium_id=consortium_id)
            .exclude(status=MunicipalityStatus.WITHDRAWN)
            .order_by("dantai_code")
        ]
        names = (
            CostPool.objects.filter(consortium_id=consortium_id)
            .order_by("sort", "name")
            .values_list("name", flat=True)
        )
        pool = self.fields["pool"]
        assert isinstance(pool, forms.ChoiceField)
        pool.choices = [("", "（変更しない）"), *((n, n) for n in dict.fromkeys(names))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joining = bool(data.get("join_name")) or data.get("join_population") is not None
        if joining:
            if not data.get("join_name"):
                self.add_error("join_name", "加入する団体の名称を入力してください。")
            if data.get("join_population") is None:
                self.add_error("join_population", "人口を入力してください。")
        elif data.get("join_modules") or data.get("join_former_cost") is not None:
            self.add_error("join_name", "加入する団体の名称と人口を入力してください。")
        weights = (data.get("kinto_weight"), data.get("jinko_weight"))
        changes_pool = any(w is not None for w in weights) or data.get("pool_amount") is not None
        if changes_pool and not data.get("pool"):
            self.add_error("pool", "変更する費用区分を選んでください。")
        if any(w is not None for w in weights) and None in weights:
            self.add_error("jinko_weight", "均等割と人口割の割合を両方入力してください。")
        if None not in weights and sum(w for w in weights if w is not None) == 0:
            self.add_error("jinko_weight", "割合の合計が0です。")
        return data

    def scenario(self, existing_rules: dict[str, dict[str, Any]]) -> Scenario:
        data = self.cleaned_data
        join = None
        if data.get("join_name"):
            join = Joining(
                name=data["join_name"],
                population=data["join_population"],
                modules=tuple(data.get("join_modules") or ()),
                go_live_month=int(data["join_go_live_month"]),
                former_cost_yen=data.get("join_former_cost"),
            )
        pools: tuple[PoolChange, ...] = ()
        if data.get("pool"):
            rule = None
            if data.get("kinto_weight") is not None:
                old = existing_rules.get(data["pool"], {})
                rule = {
                    "type": "mix",
                    "rounding_point": old.get("rounding_point", "combined")
                    if old.get("type") == "mix"
                    else "combined",
                    "parts": [
                        [_weight_text(data["kinto_weight"]), {"type": "kintowari"}],
                        [
                            _weight_text(data["jinko_weight"]),
                            {
                                "type": "jinkowari",
                                "figure": data.get("jinko_figure") or "population",
                            },
                        ],
                    ],
                }
            if rule is not None or data.get("pool_amount") is not None:
                pools = (
                    PoolChange(pool=data["pool"], rule=rule, amount_yen=data.get("pool_amount")),
                )
        rate = data.get("min_saving")
        return Scenario(
            join=join,
            leave=tuple(data.get("leave") or ()),
            pools=pools,
            min_saving=None if rate is None else format(rate, "f"),
            no_guarantee=bool(data.get("no_guarantee")),
        )


def _weight_text(value: Decimal) -> str:
    """ "3" for 3.000000, "0.05" for 0.050000: exact strings for the codec."""
    return format(value.normalize(), "f")


# Where a service error is shown on the form.
FIELD_OF = {
    "fiscal_year": "fiscal_year",
    "join.name": "join_name",
    "join.population": "join_population",
    "join.modules": "join_modules",
    "join.go_live_month": "join_go_live_month",
    "join.former_cost_yen": "join_former_cost",
    "leave": "leave",
    "pools": "pool",
    "min_saving": "min_saving",
}


def _signed_yen(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value:+,}円" if value else "0円"


def _yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


def result_rows(result: SimulationResult) -> list[dict[str, Any]]:
    """The comparison table's rows, formatted for the template."""
    rows = []
    for m in result.members:
        note = {JOINING: "（加入）", LEAVING: "（脱退）"}.get(m.status, "")
        rows.append(
            {
                "name": m.name,
                "note": note,
                "code": "" if m.status == JOINING else m.member_id,
                "current": "—" if m.status == JOINING else _yen(m.current_total),
                "scenario": "—" if m.status == LEAVING else _yen(m.scenario_total),
                "difference": _signed_yen(m.difference_yen),
                "percent": "—" if m.difference_percent is None else f"{m.difference_percent}%",
                "pools": [
                    (
                        _yen(m.current.get(p, 0)) if m.status != JOINING else "—",
                        (_yen(m.scenario.get(p, 0)) if m.status != LEAVING else "—")
                        if result.scenario_total is not None
                        else "—",
                    )
                    for p in result.pools
                ],
            }
        )
    return rows


def _office(request: HttpRequest) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


@portal_view()
@require_http_methods(["GET", "POST"])
def billing_simulate(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    consortium = user.consortium_office
    assert consortium is not None
    year = fiscal_year_of(timezone.localdate())
    form = SimulationForm(
        request.POST or None,
        initial={"fiscal_year": year, "join_go_live_month": "4"},
        consortium_id=consortium.pk,
    )
    result: SimulationResult | None = None
    if request.method == "POST" and form.is_valid():
        fiscal_year = form.cleaned_data["fiscal_year"]
        rules = dict(
            CostPool.objects.filter(consortium=consortium, fiscal_year=fiscal_year).values_list(
                "name", "rule"
            )
        )
        try:
            result = simulate(
                consortium=consortium,
                fiscal_year=fiscal_year,
                scenario=form.scenario(rules),
            )
        except ScenarioError as exc:
            for name, message in exc.errors:
                form.add_error(FIELD_OF.get(name), message)
    context: dict[str, Any] = {"form": form, "result": result, "meters": form.meters}
    if result is not None:
        context["rows"] = result_rows(result)
        context["total"] = {
            "current": _yen(result.current_total),
            "scenario": _yen(result.scenario_total),
            "difference": _signed_yen(result.difference_yen),
            "percent": "—"
            if result.difference_percent is None
            else f"{result.difference_percent}%",
        }
        context["pool_totals"] = [
            (
                p,
                _yen(result.current_pool_totals.get(p, 0)),
                "—"
                if result.scenario_total is None
                else _yen(result.scenario_pool_totals.get(p, 0)),
            )
            for p in result.pools
        ]
    return render(request, "billing/simulator/simulate.html", context)


portal_urlpatterns: list[URLPattern] = [
    path("simulate/", billing_simulate, name="billing_simulate"),
]
member_urlpatterns: list[URLPattern] = []
