"""Forms of the office's pool screens: the pool editor (fields of the rule builder and
the rounding settings) and the table of former costs and member figures. They only
collect fields; the rule is built by billing.services.rule_builder and checked and
saved by billing.services.pools."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from billing.models import CostPool, MemberFigure, RemainderMethod, TieBreak
from billing.services.meters import meter_choices
from billing.services.pool_rules import ROUNDING_UNITS, consortium_members, figure_display
from billing.services.rule_builder import (
    KIND_CHOICES,
    ROUNDING_POINT_CHOICES,
    builder_initial,
    metered_choices,
    population_choices,
    rule_from_builder,
)
from tenants.forms.text import TextField
from tenants.models import Consortium, Gyomu, Subscription


class PoolForm(forms.Form):
    name = TextField(label="費目", max_length=100)
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
    remainder_method = forms.ChoiceField(
        label="端数の処理",
        choices=RemainderMethod.choices,
        initial=RemainderMethod.LARGEST_REMAINDER,
        required=False,
        help_text="規約・条例に「千円未満の端数は切り捨てる」とある場合は切り捨てを選びます。"
        "切り捨てた不足額は構成団体に配分せず、明細書に組合負担として表示します。",
    )
    tie_break = forms.ChoiceField(
        label="同じ端数の順位（最大剰余法）",
        choices=TieBreak.choices,
        initial=TieBreak.SHARE,
        required=False,
        help_text="端数の大きさが同じ団体が並んだとき、先に1単位を配分する団体の決め方です。",
    )
    sort = forms.IntegerField(label="表示順", required=False, min_value=0)
    kind = forms.ChoiceField(label="按分方法", choices=KIND_CHOICES, initial="mix")
    population_figure = forms.ChoiceField(
        label="人口の種類（人口割・比率・逓減）", choices=[], initial="population"
    )
    weights = TextField(
        label="均等割:人口割 の比率",
        required=False,
        initial="4:6",
        help_text="例: 4:6、5:95、5%:95%",
    )
    rounding_point = forms.ChoiceField(
        label="比率の端数処理", choices=ROUNDING_POINT_CHOICES, initial="combined"
    )
    metered_figure = forms.ChoiceField(label="従量の数量", choices=[])
    unit_price_yen = forms.IntegerField(label="単価（円）", required=False, min_value=0)
    tiers = TextField(
        multiline=True,
        label="逓減の区分（1行に「上限人口,1人あたり単価」、最後の行は上限なし）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "10000,500\n30000,300\n,200"}),
    )
    kobetsu_member = forms.ChoiceField(label="個別負担する団体", choices=[], required=False)
    figure_key = TextField(
        label="団体別の数値の名前",
        required=False,
        initial="staff",
        help_text="職員数など、候補から選ぶか英小文字の名前を入力します。値は「現行経費・団体別の数値」で入力します。",
    )
    figure_label = TextField(
        label="数値の表示名（任意）", required=False, max_length=30, help_text="例: 職員数"
    )
    rule_json = TextField(
        multiline=True,
        label="詳細設定（按分ルールのJSON）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="按分方法で「詳細設定」を選んだときに使います。",
    )

    def __init__(
        self, *args: Any, consortium: Consortium, pool: CostPool | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        members = consortium_members(consortium=consortium)
        codes = (
            Subscription.objects.filter(municipality__in=members)
            .values_list("gyomu__code", flat=True)
            .distinct()
        )
        modules = list(
            Gyomu.objects.filter(code__in=list(codes))
            .order_by("sort", "code")
            .values_list("code", "name")
        )
        self.meters = meter_choices()
        self.population = population_choices(self.meters)
        self._choices("population_figure", self.population)
        self._choices("metered_figure", metered_choices(self.meters, modules))
        self._choices("kobetsu_member", [("", "—")] + [(m.dantai_code, m.name) for m in members])
        if pool is not None:
            self.initial = {
                "name": pool.name,
                "amount_yen": pool.amount_yen,
                "rounding_unit_yen": pool.rounding_unit_yen,
                "remainder_method": pool.remainder_method,
                "tie_break": pool.tie_break,
                "sort": pool.sort,
                **builder_initial(pool.rule, self.population_codes()),
            }
        entered = sorted(
            set(MemberFigure.objects.filter(consortium=consortium).values_list("key", flat=True))
        )
        if entered:
            self.fields["figure_key"].help_text += " 入力済み: " + "、".join(
                f"{k}（{figure_display(k)}）" for k in entered
            )

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def population_codes(self) -> set[str]:
        return {code for code, _ in self.population}

    # Left out (an older client, a script): the defaults every pool had before.
    def clean_remainder_method(self) -> str:
        return self.cleaned_data.get("remainder_method") or RemainderMethod.LARGEST_REMAINDER

    def clean_tie_break(self) -> str:
        return self.cleaned_data.get("tie_break") or TieBreak.SHARE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            rule = rule_from_builder(data)
        except ValidationError as exc:
            self.add_error(None, exc)
            return data
        data["rule"] = rule
        return data


class MemberValuesForm(forms.Form):
    """One row per member: 現行経費 and one column per figure key."""

    def __init__(self, *args: Any, members: list[Any], keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.keys = keys
        for key in keys:
            self.fields[f"source__{key}"] = TextField(
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
