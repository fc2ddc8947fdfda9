"""生活保護 screens for 返還金・徴収金 (法第63条・第78条) and 医療券・調剤券・介護券, mounted
beside the case screens at /fukushi/seikatsu-hogo/ (fukushi/urls.py).

The same wall as every case screen (fukushi.views.seiho): without the grant 404, a case
opens only after the 利用目的 was entered, every read writes the access-log row with it;
deciding and issuing need the 業務's 更新 role. The 指定機関 list holds no personal data.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    HenkanHo,
    KenShubetsu,
    KikanShubetsu,
    SeihoHenkan,
    SeihoKen,
    SeihoKikan,
)
from fukushi.printjobs_seiho_henkan import henkan_render, ken_render
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_henkan import HenkanInput, henkan_history, seiho_henkan_kettei
from fukushi.services.seiho_ken import seiho_ken_ikkatsu, seiho_ken_issue, seiho_kikan_add
from fukushi.views.seiho import (
    DATE_HELP,
    PURPOSE,
    _can_write,
    _case,
    _need_mokuteki,
    _wall,
    case_members,
    case_pdf,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"


# --- forms ------------------------------------------------------------------------------------


class HenkanForm(forms.Form):
    ho = forms.ChoiceField(label="根拠", choices=HenkanHo.choices, widget=forms.RadioSelect)
    henko_of = forms.TypedChoiceField(
        label="変更する決定", coerce=int, required=False, empty_value=None, choices=[]
    )
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    kikan_from = WarekiDateField(label="対象期間（始期）", help_text=DATE_HELP)
    kikan_to = WarekiDateField(label="対象期間（終期）", help_text=DATE_HELP)
    hogo_kingaku = forms.IntegerField(
        label="対象期間に受けた保護費（円）", min_value=1, max_value=10**9
    )
    kojo = forms.IntegerField(
        label="控除額（円、第63条のみ）",
        min_value=0,
        max_value=10**9,
        initial=0,
        help_text="自立更生に充てる額など、返還を求めない額。",
    )
    choshu_gaku = forms.IntegerField(
        label="徴収する額（円、第78条のみ）", min_value=0, max_value=10**9, initial=0
    )
    kasan_ritsu = forms.IntegerField(
        label="加算の割合（％、第78条のみ）",
        min_value=0,
        max_value=100,
        initial=0,
        help_text="徴収する額の100分の40以下（生活保護法第78条第1項）。",
    )
    riyu = TextField(label="理由", max_length=200)
    kaisu = forms.IntegerField(label="分割の回数", min_value=1, max_value=120, initial=1)
    first_nouki = WarekiDateField(label="第1期の納期限", help_text="以後は毎月同じ日。" + DATE_HELP)

    def __init__(self, *args: Any, choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["henko_of"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "（新しい決定）"), *choices]


class KenForm(forms.Form):
    shubetsu = forms.ChoiceField(label="券の種類", choices=KenShubetsu.choices)
    atena_id = forms.TypedChoiceField(label="世帯員", coerce=int, choices=[])
    month = WarekiDateField(label="診療・サービスの年月（その月の1日）", help_text=DATE_HELP)
    kikan = forms.TypedChoiceField(label="指定機関", coerce=int, choices=[])
    kofu_date = WarekiDateField(label="交付日", help_text=DATE_HELP)
    honnin_shiharai = forms.IntegerField(
        label="本人支払額（円）",
        min_value=0,
        max_value=10**8,
        required=False,
        help_text="空欄なら、その月の決定の収入認定額が最低生活費を超える額（その月の最初の券に）。",
    )
    saihakko = forms.BooleanField(label="再発行", required=False)
    saihakko_riyu = TextField(label="再発行の理由", max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]],
        kikans: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("atena_id", members), ("kikan", kikans)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices


class IkkatsuForm(forms.Form):
    month = WarekiDateField(label="発行する年月（その月の1日）", help_text=DATE_HELP)
    kofu_date = WarekiDateField(label="交付日", help_text=DATE_HELP)


class KikanForm(forms.Form):
    shubetsu = forms.ChoiceField(label="種別", choices=KikanShubetsu.choices)
    code = TextField(label="医療機関コード・事業所番号（10桁）", max_length=10)
    name = TextField(label="名称", max_length=100)
    jusho = TextField(label="所在地", max_length=200, required=False)


# --- 返還金・徴収金 ---------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_henkan"))
@require_http_methods(["GET", "POST"])
def henkan(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    rows = henkan_history(case)
    latest: dict[int, SeihoHenkan] = {}
    for h in sorted(rows, key=lambda x: x.pk):
        latest[h.root_id or h.pk] = h
    choices = [
        (h.pk, f"{h.get_ho_display()} {format_wareki(h.kettei_date)}決定 {h.amount:,}円")
        for h in latest.values()
    ]
    form = HenkanForm(
        request.POST or None,
        choices=choices,
        initial={"kettei_date": timezone.localdate()},
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                seiho_henkan_kettei(
                    case_id=case.pk,
                    henko_of=d.get("henko_of"),
                    data=HenkanInput(
                        ho=d["ho"],
                        kettei_date=d["kettei_date"],
                        kikan_from=d["kikan_from"],
                        kikan_to=d["kikan_to"],
                        hogo_kingaku=d["hogo_kingaku"],
                        kojo=d.get("kojo") or 0,
                        choshu_gaku=d.get("choshu_gaku") or 0,
                        kasan_ritsu=d.get("kasan_ritsu") or 0,
                        riyu=d["riyu"],
                        kaisu=d["kaisu"],
                        first_nouki=d["first_nouki"],
                    ),
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "決定しました。収納の調定に計上しました。")
                return redirect("fukushi_seiho_henkan", pk=case.pk)
        else:
            message_form_errors(request, form)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "henkan_ids": [h.pk for h in rows]},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/henkan.html",
        {"case": case, "rows": rows, "form": form, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.PRINT,
        id_kwarg="case_pk",
        screen="fukushi.seiho_henkan_pdf",
    )
)
@require_GET
def henkan_pdf(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return case_pdf(
        request,
        case_pk,
        find=lambda case: SeihoHenkan.objects.filter(pk=pk, case=case).first(),
        render=lambda h: henkan_render([h]),
        detail=lambda case, h: {"henkan_id": h.pk, "atena_ids": [h.nofu_atena_id]},
        filename=f"seiho_henkan_{pk}.pdf",
    )


# --- 医療券・調剤券・介護券 -------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_ken"))
@require_http_methods(["GET", "POST"])
def ken(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    members = case_members(case)
    kikans = [
        (k.pk, f"{k.get_shubetsu_display()} {k.name}（{k.code}）")
        for k in SeihoKikan.objects.order_by("shubetsu", "name")
    ]
    today = timezone.localdate()
    form = KenForm(
        request.POST or None,
        members=members.choices(),
        kikans=kikans,
        initial={"month": today.replace(day=1), "kofu_date": today},
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                seiho_ken_issue(
                    case_id=case.pk,
                    atena_id=d["atena_id"],
                    shubetsu=d["shubetsu"],
                    month=d["month"],
                    kikan_id=d["kikan"],
                    kofu_date=d["kofu_date"],
                    honnin_shiharai=d.get("honnin_shiharai"),
                    saihakko=bool(d.get("saihakko")),
                    saihakko_riyu=d.get("saihakko_riyu") or "",
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "発行しました。")
                return redirect("fukushi_seiho_ken", pk=case.pk)
        else:
            message_form_errors(request, form)
    rows = list(case.kens.select_related("kikan").order_by("-month", "-pk"))
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": members.ids, "ken_ids": [k.pk for k in rows]},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/ken.html",
        {
            "case": case,
            "rows": members.named(rows),
            "form": form,
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="case_pk", screen="fukushi.seiho_ken_pdf"
    )
)
@require_GET
def ken_pdf(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return case_pdf(
        request,
        case_pk,
        find=lambda case: (
            SeihoKen.objects.select_related("kikan", "case").filter(pk=pk, case=case).first()
        ),
        render=lambda k: ken_render([k]),
        detail=lambda case, k: {"ken_id": k.pk, "atena_ids": [k.atena_id]},
        filename=f"seiho_ken_{pk}.pdf",
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the month's counts; the 券 are read on each case's screen (and logged there)
@require_http_methods(["GET", "POST"])
def ken_ikkatsu(request: HttpRequest) -> HttpResponse:
    _wall(request)
    today = timezone.localdate()
    form = IkkatsuForm(request.POST or None, initial={"kofu_date": today})
    result = None
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = seiho_ken_ikkatsu(
                    month=d["month"], kofu_date=d["kofu_date"], actor=actor_from_request(request)
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
        else:
            message_form_errors(request, form)
    return TemplateResponse(
        request, "fukushi/seiho/ken_ikkatsu.html", {"form": form, "result": result}
    )


@gyomu_view(GYOMU)
@no_personal_data  # 医療機関・介護事業者: no person
@require_http_methods(["GET", "POST"])
def kikan(request: HttpRequest) -> HttpResponse:
    _wall(request)
    form = KikanForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                seiho_kikan_add(
                    shubetsu=d["shubetsu"],
                    code=d["code"],
                    name=d["name"],
                    jusho=d.get("jusho") or "",
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "登録しました。")
                return redirect("fukushi_seiho_kikan")
        else:
            message_form_errors(request, form)
    return TemplateResponse(
        request,
        "fukushi/seiho/kikan.html",
        {
            "form": form,
            "rows": SeihoKikan.objects.order_by("shubetsu", "name"),
            "can_write": _can_write(request),
        },
    )


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/henkan/", henkan, name="fukushi_seiho_henkan"),
    path(
        "cases/<int:case_pk>/henkan/<int:pk>/tsuchi.pdf",
        henkan_pdf,
        name="fukushi_seiho_henkan_pdf",
    ),
    path("cases/<int:pk>/ken/", ken, name="fukushi_seiho_ken"),
    path("cases/<int:case_pk>/ken/<int:pk>/ken.pdf", ken_pdf, name="fukushi_seiho_ken_pdf"),
    path("ken/ikkatsu/", ken_ikkatsu, name="fukushi_seiho_ken_ikkatsu"),
    path("kikan/", kikan, name="fukushi_seiho_kikan"),
]
