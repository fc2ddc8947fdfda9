"""介護保険の試算 (screen): one person's 第1号保険料 and 負担割合 from figures typed in, with the
town's values of the 年度 (``kaigo.services.shisan``). Nothing is read about a person and
nothing is saved; each 試算 writes an access-log row that says a 試算 was made (its 年度,
no figure and no person)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.models import Wari
from kaigo.services.shisan import (
    ShisanInput,
    ShisanRefused,
    ShisanShotoku,
    shisan,
    shisan_json,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import access_record
from tenants.forms.nendo import NendoField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

SHOTOKU_FIELDS = (
    "gokei_shotoku",
    "joto_tokubetsu_kojo",
    "nenkin_shotoku",
    "kyuyo_shotoku",
    "kazei_nenkin_shunyu",
)


def _yen(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=10**11, required=False)


class ShotokuForm(forms.Form):
    gokei_shotoku = _yen("合計所得金額（円）")
    joto_tokubetsu_kojo = _yen("長期・短期譲渡所得の特別控除額（円）")
    nenkin_shotoku = _yen("公的年金等に係る雑所得（円）")
    kyuyo_shotoku = _yen("給与所得（円）")
    kazei_nenkin_shunyu = _yen("課税年金収入額（老齢年金。障害・遺族年金は除く）（円）")


class ShisanForm(ShotokuForm):
    fiscal_year = NendoField(label="年度（保険料は4月から、負担割合は8月から）")
    dai1go = forms.BooleanField(label="第1号被保険者（65歳以上）", required=False, initial=True)
    honnin_kazei = forms.BooleanField(label="本人が住民税課税", required=False)
    setai_kazei = forms.BooleanField(label="世帯に住民税課税の方がいる", required=False)
    seiho = forms.BooleanField(label="生活保護を受給している", required=False)
    rorei_fukushi_nenkin = forms.BooleanField(label="老齢福祉年金を受給している", required=False)
    shutoku_date = WarekiDateField(label="年度中の資格取得日", required=False)
    soshitsu_date = WarekiDateField(label="年度中の資格喪失日", required=False)


class MemberForm(ShotokuForm):
    use = forms.BooleanField(label="この方を含める", required=False)


MemberFormSet = forms.formset_factory(MemberForm, extra=2, max_num=4)


def _shotoku(d: dict[str, Any]) -> ShisanShotoku:
    return ShisanShotoku(**{k: d.get(k) or 0 for k in SHOTOKU_FIELDS})


@gyomu_view(KAIGO_HOKEN, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved (the 試算 is logged as such)
@require_http_methods(["GET", "POST"])
def shisan_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShisanForm(
        request.POST or None,
        initial={"fiscal_year": today.year if today.month >= 4 else today.year - 1, "dai1go": True},
    )
    members = MemberFormSet(request.POST or None, prefix="m")
    answer: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid() and members.is_valid():
        d = form.cleaned_data
        inp = ShisanInput(
            fiscal_year=d["fiscal_year"],
            shotoku=_shotoku(d),
            honnin_kazei=bool(d.get("honnin_kazei")),
            setai_kazei=bool(d.get("setai_kazei")),
            dai1go=bool(d.get("dai1go")),
            seikatsu_hogo=bool(d.get("seiho")),
            rorei_fukushi_nenkin=bool(d.get("rorei_fukushi_nenkin")),
            shutoku_date=d.get("shutoku_date"),
            soshitsu_date=d.get("soshitsu_date"),
            setai_dai1go=tuple(_shotoku(m) for m in members.cleaned_data if m and m.get("use")),
        )
        try:
            result = shisan(inp)
        except ShisanRefused as exc:
            for e in exc.errors:
                messages.error(request, e)
        else:
            answer = shisan_json(inp, result)
            answer["wari_label"] = Wari(result.futan.wari).label
            access_record(
                request=request,
                action=AccessAction.READ,
                gyomu=KAIGO_HOKEN,
                screen="kaigo.shisan",
                record_type="kaigo.shisan",
                record_count=0,
                detail={"nendo": inp.fiscal_year},
            )
    return TemplateResponse(
        request,
        "kaigo/futan/shisan.html",
        {"form": form, "members": members, "answer": answer},
    )


urlpatterns: list[URLPattern] = [path("shisan/", shisan_view, name="kaigo_shisan")]
