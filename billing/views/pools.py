"""Office screens: cost pools of a year with a rule builder, former costs and the
figures the office enters per member, and 前年度の費用区分を複写. Portal host only."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from billing.models import CostPool, FormerCost, MemberFigure
from billing.rules import describe_rule
from billing.rules.numbers import FIGURE_LABELS
from billing.services.pools import (
    ROUNDING_UNITS,
    check_figure_key,
    consortium_members,
    costpool_create,
    costpool_delete,
    costpool_update,
    costpools_copy_year,
    figure_display,
    member_values_save,
    rule_parse,
    rule_references,
)
from tenants.access import portal_view
from tenants.models import Consortium, Gyomu, StaffUser, Subscription
from tenants.wareki import fiscal_year_of

POPULATION_CHOICES = [
    ("population", "人口（公表値）"),
    ("population_registry", "住民基本台帳人口（1月1日現在）"),
]
KIND_CHOICES = [
    ("kintowari", "均等割"),
    ("jinkowari", "人口割"),
    ("mix", "均等割:人口割（比率を指定）"),
    ("metered", "従量（単価×使用月数・証明書交付通数）"),
    ("teigen", "逓減（人口の区分ごとの単価）"),
    ("kobetsu", "個別（1団体が全額負担）"),
    ("figure", "団体別の数値割（職員数など）"),
    ("advanced", "詳細設定（JSONで直接指定）"),
]
NO_LIMIT = ("", "-", "－", "なし", "上限なし")


def _office(request: HttpRequest) -> tuple[StaffUser, Consortium]:
    user = request.user
    assert isinstance(user, StaffUser) and user.consortium_office is not None
    return user, user.consortium_office


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return fiscal_year_of(timezone.localdate())
    return year if 2000 <= year <= 2100 else fiscal_year_of(timezone.localdate())


def _add_errors(form: forms.Form, exc: ValidationError, fields: dict[str, str | None]) -> None:
    """Service errors (keyed by the service's names) onto the form's fields."""
    for key, found in exc.message_dict.items():
        target = fields.get(key)
        for message in found:
            form.add_error(target if target in form.fields else None, message)


# --- rule builder ---------------------------------------------------------------------


def _parse_weights(text: str) -> list[int | str]:
    cleaned = text.replace("：", ":").replace("％", "%").replace(" ", "")
    parts = [p.rstrip("%") for p in cleaned.split(":")]
    if len(parts) != 2 or not all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        raise forms.ValidationError(
            "比率は「均等割:人口割」の形で入力してください（例: 4:6、5:95、5%:95%）。"
        )
    weights: list[int | str] = [int(p) if "." not in p else p for p in parts]
    if all(Decimal(p) == 0 for p in parts):
        raise forms.ValidationError("比率の合計が0です。")
    return weights


def _parse_tiers(text: str) -> list[list[int | None]]:
    tiers: list[list[int | None]] = []
    lines = [line.strip() for line in text.replace("，", ",").splitlines() if line.strip()]
    if not lines:
        raise forms.ValidationError("逓減の区分を「上限人口,単価」の形で1行ずつ入力してください。")
    for number, line in enumerate(lines, start=1):
        parts = [p.strip().replace(",", "") for p in re.split(r"[,\t]", line, maxsplit=1)]
        if len(parts) != 2:
            raise forms.ValidationError(
                f"{number}行目: 「上限人口,単価」の形で入力してください（例: 10000,500）。"
            )
        upto_text, price_text = parts
        if upto_text in NO_LIMIT:
            upto = None
        elif upto_text.isdigit():
            upto = int(upto_text)
        else:
            raise forms.ValidationError(f"{number}行目: 上限人口は整数で入力してください。")
        if not price_text.isdigit():
            raise forms.ValidationError(f"{number}行目: 単価は円単位の整数で入力してください。")
        tiers.append([upto, int(price_text)])
    if tiers[-1][0] is not None:
        raise forms.ValidationError(
            "最後の行は上限なしにしてください（例: 「,200」または「上限なし,200」）。"
        )
    return tiers


def _tiers_text(tiers: list[list[Any]]) -> str:
    return "\n".join(f"{'' if u is None else u},{p}" for u, p in tiers)


def _builder_initial(rule: dict[str, Any]) -> dict[str, Any]:
    """Builder fields for a stored rule; anything uncommon opens in 詳細設定."""
    initial: dict[str, Any] = {"rule_json": json.dumps(rule, ensure_ascii=False, indent=2)}
    kind = rule.get("type")
    population = {c for c, _ in POPULATION_CHOICES}
    if kind == "kintowari":
        initial["kind"] = "kintowari"
    elif kind == "jinkowari" and rule.get("figure", "population") in population:
        if not rule.get("label"):
            initial.update(kind="jinkowari", population_figure=rule.get("figure", "population"))
    elif kind == "jinkowari":
        initial.update(kind="figure", figure_key=rule["figure"], figure_label=rule.get("label"))
    elif kind == "metered":
        initial.update(
            kind="metered",
            metered_figure=rule.get("figure", "months"),
            unit_price_yen=rule.get("unit_price_yen"),
        )
    elif kind == "teigen" and rule.get("figure", "population") in population:
        initial.update(
            kind="teigen",
            population_figure=rule.get("figure", "population"),
            tiers=_tiers_text(rule.get("tiers", [])),
        )
    elif kind == "kobetsu":
        initial.update(kind="kobetsu", kobetsu_member=rule.get("member_id"))
    elif kind == "mix" and len(rule.get("parts", [])) == 2:
        (w1, r1), (w2, r2) = rule["parts"]
        if (
            r1 == {"type": "kintowari"}
            and r2.get("type") == "jinkowari"
            and r2.get("figure", "population") in population
            and not r2.get("label")
        ):
            initial.update(
                kind="mix",
                weights=f"{w1}:{w2}",
                population_figure=r2.get("figure", "population"),
                rounding_point=rule.get("rounding_point", "combined"),
            )
    initial.setdefault("kind", "advanced")
    return initial


class PoolForm(forms.Form):
    name = forms.CharField(label="費目", max_length=100)
    amount_yen = forms.IntegerField(
        label="金額（円）",
        required=False,
        min_value=0,
        help_text="従量制（単価×数量）・逓減方式の基準額で請求する場合は空欄",
    )
    rounding_unit_yen = forms.TypedChoiceField(
        label="端数処理単位",
        coerce=int,
        choices=[(u, f"{u:,}円") for u in ROUNDING_UNITS],
        initial=1,
    )
    sort = forms.IntegerField(label="表示順", required=False, min_value=0)
    kind = forms.ChoiceField(label="按分方法", choices=KIND_CHOICES, initial="mix")
    population_figure = forms.ChoiceField(
        label="人口の種類（人口割・比率・逓減）", choices=POPULATION_CHOICES, initial="population"
    )
    weights = forms.CharField(
        label="均等割:人口割 の比率",
        required=False,
        initial="4:6",
        help_text="例: 4:6、5:95、5%:95%",
    )
    rounding_point = forms.ChoiceField(
        label="比率の端数処理",
        choices=[
            ("combined", "合算した比率で1回だけ端数処理"),
            ("per_component", "均等割分・人口割分それぞれで端数処理"),
        ],
        initial="combined",
    )
    metered_figure = forms.ChoiceField(label="従量の数量", choices=[])
    unit_price_yen = forms.IntegerField(label="単価（円）", required=False, min_value=0)
    tiers = forms.CharField(
        label="逓減の区分（1行に「上限人口,1人あたり単価」、最後の行は上限なし）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "10000,500\n30000,300\n,200"}),
    )
    kobetsu_member = forms.ChoiceField(label="個別負担する団体", choices=[], required=False)
    figure_key = forms.CharField(
        label="団体別の数値の名前",
        required=False,
        initial="staff",
        help_text="例: staff（職員数）。値は「現行経費・団体別の数値」で入力します。",
    )
    figure_label = forms.CharField(
        label="数値の表示名（任意）", required=False, max_length=30, help_text="例: 職員数"
    )
    rule_json = forms.CharField(
        label="詳細設定（按分ルールのJSON）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="按分方法で「詳細設定」を選んだときに使います。",
    )

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = consortium_members(consortium=consortium)
        codes = (
            Subscription.objects.filter(municipality__in=members)
            .values_list("gyomu__code", flat=True)
            .distinct()
        )
        gyomu = Gyomu.objects.filter(code__in=list(codes)).order_by("sort", "code")
        field = self.fields["metered_figure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *((f"months:{g.code}", f"使用月数（{g.name}）") for g in gyomu),
            ("certificates", "証明書交付通数"),
        ]
        member_field = self.fields["kobetsu_member"]
        assert isinstance(member_field, forms.ChoiceField)
        member_field.choices = [("", "—")] + [(m.dantai_code, m.name) for m in members]
        entered = sorted(
            set(MemberFigure.objects.filter(consortium=consortium).values_list("key", flat=True))
        )
        if entered:
            self.fields["figure_key"].help_text += " 入力済み: " + "、".join(
                f"{k}（{figure_display(k)}）" for k in entered
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        population = data.get("population_figure", "population")
        rule: dict[str, Any] | None = None
        try:
            if kind == "kintowari":
                rule = {"type": "kintowari"}
            elif kind == "jinkowari":
                rule = {"type": "jinkowari", "figure": population}
            elif kind == "mix":
                w1, w2 = _parse_weights(data.get("weights") or "")
                rule = {
                    "type": "mix",
                    "rounding_point": data.get("rounding_point", "combined"),
                    "parts": [
                        [w1, {"type": "kintowari"}],
                        [w2, {"type": "jinkowari", "figure": population}],
                    ],
                }
            elif kind == "metered":
                if data.get("unit_price_yen") is None:
                    raise forms.ValidationError("従量の単価を入力してください。")
                rule = {
                    "type": "metered",
                    "unit_price_yen": data["unit_price_yen"],
                    "figure": data.get("metered_figure"),
                }
            elif kind == "teigen":
                rule = {
                    "type": "teigen",
                    "figure": population,
                    "tiers": _parse_tiers(data.get("tiers") or ""),
                }
            elif kind == "kobetsu":
                if not data.get("kobetsu_member"):
                    raise forms.ValidationError("個別負担する団体を選んでください。")
                rule = {"type": "kobetsu", "member_id": data["kobetsu_member"]}
            elif kind == "figure":
                key = (data.get("figure_key") or "").strip()
                try:
                    check_figure_key(key)
                except ValidationError as exc:
                    raise forms.ValidationError(exc.messages) from exc
                rule = {"type": "jinkowari", "figure": key}
                if data.get("figure_label"):
                    rule["label"] = data["figure_label"]
            elif kind == "advanced":
                text = data.get("rule_json") or ""
                try:
                    # Decimals typed as numbers stay exact: they arrive as strings.
                    rule = json.loads(text, parse_float=str)
                except json.JSONDecodeError as exc:
                    raise forms.ValidationError(
                        f"按分ルールのJSONを読み取れません（{exc.lineno}行目 {exc.colno}文字目）。"
                    ) from exc
        except forms.ValidationError as exc:
            self.add_error(None, exc)
            return data
        data["rule"] = rule
        return data


POOL_FIELDS: dict[str, str | None] = {
    "name": "name",
    "amount_yen": "amount_yen",
    "rounding_unit_yen": "rounding_unit_yen",
    "fiscal_year": None,
    "rule": None,
}


def _describe(pool: CostPool, names: dict[str, str], gyomu: dict[str, str]) -> dict[str, Any]:
    try:
        rule = rule_parse(pool.rule)
    except ValidationError:
        return {"pool": pool, "rule": "（按分ルールが正しくありません）", "figures": ""}
    figures, _ = rule_references(rule)
    return {
        "pool": pool,
        "rule": describe_rule(
            rule,
            rounding_unit_yen=pool.rounding_unit_yen,
            pool_given=pool.amount_yen is not None,
            names=names,
        ),
        "figures": "、".join(figure_display(f, gyomu) for f in figures),
    }


# --- screens --------------------------------------------------------------------------


@portal_view()
@require_http_methods(["GET"])
def pool_list(request: HttpRequest) -> HttpResponse:
    _, consortium = _office(request)
    year = _year(request)
    pools = list(CostPool.objects.filter(consortium=consortium, fiscal_year=year))
    names = {m.dantai_code: m.name for m in consortium_members(consortium=consortium)}
    gyomu = dict(Gyomu.objects.values_list("code", "name"))
    rows = [_describe(p, names, gyomu) for p in pools]
    return render(
        request,
        "billing/pools/list.html",
        {
            "year": year,
            "rows": rows,
            "total": sum(p.amount_yen or 0 for p in pools),
            "prev_year": year - 1,
            "next_year": year + 1,
        },
    )


def _pool_form_page(
    request: HttpRequest, consortium: Consortium, year: int, pool: CostPool | None
) -> HttpResponse:
    user, _ = _office(request)
    initial: dict[str, Any] = {}
    if pool is not None:
        initial = {
            "name": pool.name,
            "amount_yen": pool.amount_yen,
            "rounding_unit_yen": pool.rounding_unit_yen,
            "sort": pool.sort,
            **_builder_initial(pool.rule),
        }
    form = PoolForm(request.POST or None, consortium=consortium, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if pool is None:
                saved = costpool_create(
                    consortium=consortium,
                    fiscal_year=year,
                    name=data["name"],
                    amount_yen=data["amount_yen"],
                    rule=data["rule"],
                    rounding_unit_yen=data["rounding_unit_yen"],
                    sort=data["sort"],
                    acting_user=user,
                )
            else:
                saved = costpool_update(
                    pool=pool,
                    name=data["name"],
                    amount_yen=data["amount_yen"],
                    rule=data["rule"],
                    rounding_unit_yen=data["rounding_unit_yen"],
                    sort=data["sort"],
                    acting_user=user,
                )
        except ValidationError as exc:
            _add_errors(form, exc, POOL_FIELDS)
        else:
            messages.success(request, f"{saved.fiscal_year}年度の「{saved.name}」を保存しました。")
            return redirect(f"{reverse('billing_pools')}?year={saved.fiscal_year}")
    return render(
        request,
        "billing/pools/form.html",
        {"form": form, "pool": pool, "year": year},
        status=400 if form.is_bound and form.errors else 200,
    )


@portal_view()
@require_http_methods(["GET", "POST"])
def pool_new(request: HttpRequest) -> HttpResponse:
    _, consortium = _office(request)
    return _pool_form_page(request, consortium, _year(request), None)


@portal_view()
@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _, consortium = _office(request)
    pool = get_object_or_404(CostPool, pk=pk, consortium=consortium)
    return _pool_form_page(request, consortium, pool.fiscal_year, pool)


@portal_view()
@require_POST
def pool_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user, consortium = _office(request)
    pool = get_object_or_404(CostPool, pk=pk, consortium=consortium)
    year, name = pool.fiscal_year, pool.name
    costpool_delete(pool=pool, acting_user=user)
    messages.success(request, f"{year}年度の「{name}」を削除しました。")
    return redirect(f"{reverse('billing_pools')}?year={year}")


@portal_view()
@require_POST
def pool_copy_year(request: HttpRequest) -> HttpResponse:
    user, consortium = _office(request)
    try:
        year = int(request.POST.get("from_year", ""))
    except ValueError:
        messages.error(request, "複写元の年度を指定してください。")
        return redirect("billing_pools")
    try:
        result = costpools_copy_year(consortium=consortium, from_year=year, acting_user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('billing_pools')}?year={year}")
    messages.success(
        request, f"{year}年度の費用区分 {len(result.copied)}件を{year + 1}年度に複写しました。"
    )
    if result.skipped:
        messages.warning(
            request,
            f"{year + 1}年度に同じ費目があるため複写しなかった費用区分: "
            + "、".join(result.skipped),
        )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(f"{reverse('billing_pools')}?year={year + 1}")


# --- former costs and member figures ---------------------------------------------------


class MemberValuesForm(forms.Form):
    """One row per member: 現行経費 and one column per figure key."""

    def __init__(self, *args: Any, members: list[Any], keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.keys = keys
        for key in keys:
            self.fields[f"source__{key}"] = forms.CharField(
                label=f"{figure_display(key)}の出典",
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"aria-label": f"{figure_display(key)}の出典"}),
            )
        for m in members:
            self.fields[f"former__{m.dantai_code}"] = forms.IntegerField(
                label=f"{m.name} 現行経費",
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"aria-label": f"{m.name} 現行経費（円）"}),
            )
            for key in keys:
                self.fields[f"fig__{key}__{m.dantai_code}"] = forms.IntegerField(
                    label=f"{m.name} {figure_display(key)}",
                    required=False,
                    min_value=0,
                    widget=forms.NumberInput(
                        attrs={"aria-label": f"{m.name} {figure_display(key)}"}
                    ),
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "member": m,
                "former": self[f"former__{m.dantai_code}"],
                "cells": [self[f"fig__{k}__{m.dantai_code}"] for k in self.keys],
            }
            for m in self.members
        ]

    def columns(self) -> list[dict[str, Any]]:
        return [
            {"key": k, "label": figure_display(k), "source": self[f"source__{k}"]}
            for k in self.keys
        ]


@portal_view()
@require_http_methods(["GET", "POST"])
def member_values(request: HttpRequest) -> HttpResponse:
    user, consortium = _office(request)
    year = _year(request)
    members = consortium_members(consortium=consortium)
    stored = list(
        MemberFigure.objects.filter(consortium=consortium, fiscal_year=year).select_related(
            "municipality", "entered_by"
        )
    )
    keys = sorted({f.key for f in stored} | {"staff"})
    for extra in request.GET.getlist("add") + request.POST.getlist("keys"):
        extra = extra.strip()
        if not extra or extra in keys:
            continue
        try:
            check_figure_key(extra)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            keys.append(extra)
    initial: dict[str, Any] = {}
    for code, amount in FormerCost.objects.filter(
        consortium=consortium, fiscal_year=year
    ).values_list("municipality__dantai_code", "amount_yen"):
        initial[f"former__{code}"] = amount
    for f in stored:
        initial[f"fig__{f.key}__{f.municipality.dantai_code}"] = f.value
        initial[f"source__{f.key}"] = f.source
    form = MemberValuesForm(request.POST or None, members=members, keys=keys, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_values_save(
                consortium=consortium,
                fiscal_year=year,
                former_costs={m.dantai_code: data[f"former__{m.dantai_code}"] for m in members},
                figures={
                    k: {m.dantai_code: data[f"fig__{k}__{m.dantai_code}"] for m in members}
                    for k in keys
                },
                sources={k: data[f"source__{k}"] for k in keys},
                acting_user=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{year}年度の現行経費・団体別の数値を保存しました。")
            return redirect(f"{reverse('billing_member_values')}?year={year}")
    entered = {
        (f.key, f.municipality.dantai_code): f for f in stored
    }  # who entered what, shown under the table
    return render(
        request,
        "billing/pools/member_values.html",
        {
            "form": form,
            "year": year,
            "keys": keys,
            "entered": sorted(entered.values(), key=lambda f: (f.key, f.municipality.dantai_code)),
            "known_keys": [
                (k, v)
                for k, v in FIGURE_LABELS.items()
                if k not in ("population", "population_registry", "certificates", "months")
            ],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


portal_urlpatterns: list[URLPattern] = [
    path("pools/", pool_list, name="billing_pools"),
    path("pools/new/", pool_new, name="billing_pool_new"),
    path("pools/<int:pk>/", pool_edit, name="billing_pool_edit"),
    path("pools/<int:pk>/delete/", pool_delete, name="billing_pool_delete"),
    path("pools/copy/", pool_copy_year, name="billing_pools_copy"),
    path("pools/figures/", member_values, name="billing_member_values"),
]
member_urlpatterns: list[URLPattern] = []
