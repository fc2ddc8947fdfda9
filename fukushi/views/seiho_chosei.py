"""生活保護 screen for 保護費からの徴収 (生活保護法第78条の2), mounted beside the case screens at
/fukushi/seikatsu-hogo/ (fukushi/urls.py).

The same wall as every case screen (fukushi.views.seiho): without the grant 404, the case
opens only after the 利用目的 was entered, every read writes the access-log row with it;
receiving, withdrawing and ending a 申出 need the 業務's 更新 role.
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
from fukushi.models import ChoseiStatus, SeihoHenkan
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_chosei import (
    CHOSHUKIN,
    chosei_history,
    seiho_chosei_moshide,
    seiho_chosei_shuryo,
)
from fukushi.views.seiho import DATE_HELP, PURPOSE, _can_write, _case, _need_mokuteki
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"


class MoshideForm(forms.Form):
    henkan = forms.TypedChoiceField(label="徴収金の決定", coerce=int, choices=[])
    moshide_date = WarekiDateField(label="申出日", help_text=DATE_HELP)
    kaishi_month = WarekiDateField(label="徴収を始める月（その月の1日）", help_text=DATE_HELP)
    getsugaku = forms.IntegerField(
        label="毎月徴収する額（円）",
        min_value=1,
        max_value=10**7,
        help_text="徴収後も最低限度の生活を維持できる範囲（町が定める月額の上限まで）。",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["henkan"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices


class ShuryoForm(forms.Form):
    kind = forms.ChoiceField(
        label="取下げ・終了",
        choices=[
            (ChoseiStatus.TORISAGE.value, "取下げ（本人の申出）"),
            (ChoseiStatus.SHURYO.value, "終了（実施機関の判断）"),
        ],
        widget=forms.RadioSelect,
    )
    on = WarekiDateField(label="取下げ・終了日", help_text=DATE_HELP)
    riyu = TextField(label="理由", max_length=200)


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_chosei"))
@require_http_methods(["GET", "POST"])
def chosei(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    roots = [
        h
        for h in SeihoHenkan.objects.filter(case=case, ho__in=CHOSHUKIN).order_by("pk")
        if h.root_id in (None, h.pk)
    ]
    choices = [
        (h.pk, f"{h.get_ho_display()} {format_wareki(h.kettei_date)}決定 {h.amount:,}円")
        for h in roots
    ]
    today = timezone.localdate()
    form = MoshideForm(
        request.POST or None,
        choices=choices,
        initial={"moshide_date": today},
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                seiho_chosei_moshide(
                    case_id=case.pk,
                    henkan_id=d["henkan"],
                    moshide_date=d["moshide_date"],
                    kaishi_month=d["kaishi_month"],
                    getsugaku=d["getsugaku"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "申出を受け付けました。毎月の支給で徴収します。")
                return redirect("fukushi_seiho_chosei", pk=case.pk)
        else:
            message_form_errors(request, form)
    rows = chosei_history(case)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "chosei_ids": [c.pk for c in rows]},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/chosei.html",
        {
            "case": case,
            "rows": rows,
            "form": form,
            "shuryo_form": ShuryoForm(initial={"on": today}),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="case_pk", screen="fukushi.seiho_chosei"))
@require_POST
def chosei_shuryo(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    need = _need_mokuteki(request, f"case:{case_pk}", "")
    if need is not None:
        return need
    form = ShuryoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            seiho_chosei_shuryo(
                case_id=case.pk,
                chosei_id=pk,
                kind=d["kind"],
                on=d["on"],
                riyu=d["riyu"],
                actor=actor_from_request(request),
            )
        except SeihoRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "申出を取下げ・終了にしました。")
    else:
        message_form_errors(request, form)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{case_pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "chosei_id": pk},
    )
    return redirect("fukushi_seiho_chosei", pk=case.pk)


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/chosei/", chosei, name="fukushi_seiho_chosei"),
    path(
        "cases/<int:case_pk>/chosei/<int:pk>/shuryo/",
        chosei_shuryo,
        name="fukushi_seiho_chosei_shuryo",
    ),
]
