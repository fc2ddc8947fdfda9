"""Staff screen: 個人住民税の試算 (nothing is saved)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.forms.text import TextField
from zeimu.gyomu import KOJIN_JUMINZEI
from zeimu.rules.inputs import KafuHitorioya, Shogai
from zeimu.services.shisan import ShisanError, shisan


class ShisanForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=[(2026, "令和8年度"), (2025, "令和7年度"), (2024, "令和6年度")],
    )
    age = forms.IntegerField(label="年齢（前年12月31日）", min_value=0, max_value=150)
    kyuyo_shunyu = forms.IntegerField(label="給与収入（円）", min_value=0, initial=0)
    nenkin_shunyu = forms.IntegerField(label="公的年金等の収入（円）", min_value=0, initial=0)
    sonota_shotoku = forms.IntegerField(label="その他の所得金額（円）", initial=0)
    shakai_hokenryo = forms.IntegerField(label="社会保険料（円）", min_value=0, initial=0)
    iryohi_kojo = forms.IntegerField(label="医療費控除額（円）", min_value=0, initial=0)
    haigusha_shotoku = forms.IntegerField(
        label="配偶者の合計所得金額（配偶者がいるとき、円）", required=False
    )
    haigusha_age = forms.IntegerField(label="配偶者の年齢", required=False, min_value=0)
    fuyo_ages = TextField(
        label="扶養親族の年齢（カンマ区切り、例: 17,20）", required=False, max_length=60
    )
    shogai = forms.ChoiceField(label="障害者", choices=[(s.value, s.value) for s in Shogai])
    kafu_hitorioya = forms.ChoiceField(
        label="寡婦・ひとり親", choices=[(k.value, k.value) for k in KafuHitorioya]
    )
    kyuchi = forms.TypedChoiceField(
        label="級地（空欄は団体の設定）",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "団体の設定"), (1, "1級地"), (2, "2級地"), (3, "3級地")],
    )

    def input_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            k: d[k]
            for k in (
                "age",
                "kyuyo_shunyu",
                "nenkin_shunyu",
                "sonota_shotoku",
                "shakai_hokenryo",
                "iryohi_kojo",
                "shogai",
                "kafu_hitorioya",
            )
        }
        if d.get("kyuchi"):
            data["kyuchi"] = d["kyuchi"]
        if d.get("haigusha_shotoku") is not None and d.get("haigusha_age") is not None:
            data["haigusha"] = {"gokei_shotoku": d["haigusha_shotoku"], "age": d["haigusha_age"]}
        ages = [a.strip() for a in (d.get("fuyo_ages") or "").split(",") if a.strip()]
        if any(not a.isdigit() for a in ages):
            self.add_error("fuyo_ages", "年齢は数字をカンマで区切って入力してください。")
        data["shinzoku"] = [{"age": int(a)} for a in ages if a.isdigit()]
        return data


@gyomu_view(KOJIN_JUMINZEI)
@no_personal_data  # figures typed in, no person
@require_http_methods(["GET", "POST"])
def shisan_view(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.input_data()
        if form.is_valid():
            try:
                _, result = shisan(fiscal_year=form.cleaned_data["fiscal_year"], data=data)
            except ShisanError as exc:
                form.add_error(None, str(exc))
    return render(request, "zeimu/shisan.html", {"form": form, "result": result})


urlpatterns: list[URLPattern] = [path("shisan/", shisan_view, name="zeimu_shisan")]
