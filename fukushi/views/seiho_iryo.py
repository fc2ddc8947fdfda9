"""生活保護 screen for the 医療要否意見書 register (依頼 → 回答 → 決定, which leads to the
医療券), mounted beside the case screens at /fukushi/seikatsu-hogo/ (fukushi/urls.py).

The same wall as every case screen (fukushi.views.seiho): without the grant 404, the case
opens only after the 利用目的 was entered, every read writes the access-log row with it;
依頼・回答・決定 need the 業務's 更新 role.
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
from django.views.decorators.http import require_http_methods, require_POST

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import KikanShubetsu, NyuinKubun, SeihoKikan, YohiKekka
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_iryo import (
    yohi_history,
    yohi_irai,
    yohi_kaito,
    yohi_keizoku_due,
    yohi_kettei,
)
from fukushi.views.seiho import (
    DATE_HELP,
    PURPOSE,
    _can_write,
    _case,
    _need_mokuteki,
    case_members,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_yohi"


class IraiForm(forms.Form):
    atena_id = forms.TypedChoiceField(label="世帯員", coerce=int, choices=[])
    kikan = forms.TypedChoiceField(label="指定医療機関", coerce=int, choices=[])
    nyuin = forms.ChoiceField(label="入院・入院外", choices=NyuinKubun.choices)
    keizoku = forms.BooleanField(
        label="継続（引き続き医療扶助を受けるための意見書）", required=False
    )
    irai_date = WarekiDateField(label="依頼日", help_text=DATE_HELP)

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], kikans: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        for name, choices in (("atena_id", members), ("kikan", kikans)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices


class KaitoForm(forms.Form):
    kaito_date = WarekiDateField(label="回答の受付日", help_text=DATE_HELP)
    iken = forms.ChoiceField(label="医療機関の意見", choices=YohiKekka.choices)
    shobyo = TextField(label="傷病名", max_length=100, required=False)
    mikomi_tsuki = forms.IntegerField(
        label="診療見込期間（月数）", min_value=1, max_value=120, required=False
    )


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    kettei = forms.ChoiceField(label="要否の決定", choices=YohiKekka.choices)
    kikan_from = WarekiDateField(
        label="医療扶助の始期（その月の1日、要のとき）", required=False, help_text=DATE_HELP
    )
    kikan_to = WarekiDateField(
        label="医療扶助の終期（その月の1日、要のとき）", required=False, help_text=DATE_HELP
    )
    riyu = TextField(label="理由（否のときは必須）", max_length=200, required=False)
    ken_kofu_date = WarekiDateField(
        label="始期の月の医療券の交付日（発行するとき）",
        required=False,
        help_text="入力すると、決定と同時に始期の月の医療券を発行します。" + DATE_HELP,
    )


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen=SCREEN))
@require_http_methods(["GET", "POST"])
def yohi(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    members = case_members(case)
    kikans = [
        (k.pk, f"{k.name}（{k.code}）")
        for k in SeihoKikan.objects.filter(shubetsu=KikanShubetsu.IRYO).order_by("name")
    ]
    today = timezone.localdate()
    form = IraiForm(
        request.POST or None, members=members.choices(), kikans=kikans, initial={"irai_date": today}
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                yohi_irai(
                    case_id=case.pk,
                    atena_id=d["atena_id"],
                    kikan_id=d["kikan"],
                    nyuin=d["nyuin"],
                    keizoku=bool(d.get("keizoku")),
                    irai_date=d["irai_date"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "依頼を記録しました。")
                return redirect("fukushi_seiho_yohi", pk=case.pk)
        else:
            message_form_errors(request, form)
    rows = yohi_history(case)
    due = yohi_keizoku_due(case, today.replace(day=1))
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": members.ids, "yohi_ids": [y.pk for y in rows]},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/yohi.html",
        {
            "case": case,
            "rows": members.named(rows),
            "due": members.named(due),
            "today": today,
            "form": form,
            "kaito_form": KaitoForm(initial={"kaito_date": today}),
            "kettei_form": KetteiForm(initial={"kettei_date": today}),
            "can_write": _can_write(request),
        },
    )


def _step(request: HttpRequest, case_pk: int, pk: int, step: str) -> HttpResponse:
    case = _case(request, case_pk)
    need = _need_mokuteki(request, f"case:{case_pk}", "")
    if need is not None:
        return need
    actor = actor_from_request(request)
    form: forms.Form = KaitoForm(request.POST) if step == "kaito" else KetteiForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if step == "kaito":
                yohi_kaito(
                    case_id=case.pk,
                    yohi_id=pk,
                    kaito_date=d["kaito_date"],
                    iken=d["iken"],
                    shobyo=d.get("shobyo") or "",
                    mikomi_tsuki=d.get("mikomi_tsuki"),
                    actor=actor,
                )
            else:
                yohi_kettei(
                    case_id=case.pk,
                    yohi_id=pk,
                    kettei_date=d["kettei_date"],
                    kettei=d["kettei"],
                    kikan_from=d.get("kikan_from"),
                    kikan_to=d.get("kikan_to"),
                    riyu=d.get("riyu") or "",
                    ken_kofu_date=d.get("ken_kofu_date"),
                    actor=actor,
                )
        except SeihoRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "回答を受け付けました。" if step == "kaito" else "決定を記録しました。"
            )
    else:
        message_form_errors(request, form)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{case_pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "yohi_id": pk, "step": step},
    )
    return redirect("fukushi_seiho_yohi", pk=case.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="case_pk", screen=SCREEN))
@require_POST
def yohi_kaito_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return _step(request, case_pk, pk, "kaito")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="case_pk", screen=SCREEN))
@require_POST
def yohi_kettei_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return _step(request, case_pk, pk, "kettei")


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/yohi/", yohi, name="fukushi_seiho_yohi"),
    path(
        "cases/<int:case_pk>/yohi/<int:pk>/kaito/", yohi_kaito_view, name="fukushi_seiho_yohi_kaito"
    ),
    path(
        "cases/<int:case_pk>/yohi/<int:pk>/kettei/",
        yohi_kettei_view,
        name="fukushi_seiho_yohi_kettei",
    ),
]
