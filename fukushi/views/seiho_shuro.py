"""生活保護 screens for 就労自立給付金 (生活保護法第55条の4), 進学・就職準備給付金 (第55条の5)
and the 徴収金 taken from them (第78条の2第2項), mounted beside the case screens at
/fukushi/seikatsu-hogo/ (fukushi/urls.py).

The same wall as every case screen (fukushi.views.seiho): without the grant 404, the case
opens only after the 利用目的 was entered, every read writes the access-log row with it;
deciding, paying and the 振込 file need the 業務's 更新 role.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import SeihoHenkan, SeihoShingakuKyufukin, SeihoShuroKyufukin, ShingakuKind
from fukushi.printjobs_seiho_shuro import shingaku_render, shuro_render
from fukushi.rules.seiho_shuro import Juto
from fukushi.selectors.seiho import case_view
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_chosei import CHOSHUKIN
from fukushi.services.seiho_shingaku import shingaku_kettei, shingaku_shiharai
from fukushi.services.seiho_shuro import (
    juto_months,
    shuro_furikomi_file,
    shuro_kyufukin_kettei,
    shuro_kyufukin_shiharai,
    wareki_month,
)
from fukushi.views.furikomi import furikomi_response
from fukushi.views.seiho import (
    DATE_HELP,
    PURPOSE,
    _can_write,
    _case,
    _need_mokuteki,
    case_pdf,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"
SCREEN = "fukushi.seiho_shuro"
SCREEN_SHINGAKU = "fukushi.seiho_shingaku"
SCREEN_PDF = "fukushi.seiho_shuro_pdf"


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    shuro_jiyu = TextField(
        label="保護を必要としなくなった事由（就職先・就労の状況）",
        max_length=200,
        help_text="例: 常用雇用として就職し、就労収入が最低生活費を上回った",
    )
    chosei_henkan = forms.TypedChoiceField(
        label="給付金から徴収する徴収金（申出があったとき）",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
    )
    chosei_moshide_date = WarekiDateField(label="徴収の申出日", required=False, help_text=DATE_HELP)
    chosei = forms.IntegerField(
        label="給付金から徴収する額（円）", min_value=0, max_value=10**7, required=False
    )

    def __init__(
        self,
        *args: Any,
        months: list[date],
        choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.months = months
        for i, m in enumerate(months):
            self.fields[f"juto_{i}"] = forms.IntegerField(
                label=f"{wareki_month(m)}の収入充当額（円）",
                min_value=0,
                max_value=10**7,
                required=False,
                help_text="就労収入のうち勤労控除の後に収入として認定した額。保護のない月は空欄。",
            )
        field = self.fields["chosei_henkan"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "徴収しない")] + [(str(k), v) for k, v in choices]

    def juto(self) -> list[Juto]:
        d = self.cleaned_data
        return [
            Juto(month=m, gaku=d[f"juto_{i}"])
            for i, m in enumerate(self.months)
            if d.get(f"juto_{i}") is not None
        ]


class ShiharaiForm(forms.Form):
    shiharai_date = WarekiDateField(label="支払日", help_text=DATE_HELP)


def _choices(case_id: int) -> list[tuple[int, str]]:
    roots = [
        h
        for h in SeihoHenkan.objects.filter(case_id=case_id, ho__in=CHOSHUKIN).order_by("pk")
        if h.root_id in (None, h.pk)
    ]
    return [
        (h.pk, f"{h.get_ho_display()} {format_wareki(h.kettei_date)}決定 {h.amount:,}円")
        for h in roots
    ]


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen=SCREEN))
@require_http_methods(["GET", "POST"])
def shuro(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    k = SeihoShuroKyufukin.objects.filter(case=case).select_related("chosei_henkan").first()
    form: KetteiForm | None = None
    months: list[date] = []
    if k is None and case.haishi_date is not None:
        try:
            months = juto_months(case)
        except SeihoRefused as exc:
            messages.error(request, exc.message)
    if k is None and months:
        today = timezone.localdate()
        form = KetteiForm(
            request.POST or None,
            months=months,
            choices=_choices(case.pk),
            initial={"kettei_date": today},
        )
        if request.method == "POST" and _can_write(request):
            if form.is_valid():
                d = form.cleaned_data
                try:
                    shuro_kyufukin_kettei(
                        case_id=case.pk,
                        kettei_date=d["kettei_date"],
                        shuro_jiyu=d["shuro_jiyu"],
                        juto=form.juto(),
                        chosei_henkan_id=d["chosei_henkan"],
                        chosei_moshide_date=d["chosei_moshide_date"],
                        chosei=d["chosei"] or 0,
                        actor=actor_from_request(request),
                    )
                except SeihoRefused as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "就労自立給付金の支給を決定しました。")
                    return redirect("fukushi_seiho_shuro", pk=case.pk)
            else:
                message_form_errors(request, form)
    juto_rows = (
        [(wareki_month(date.fromisoformat(j["month"])), j["gaku"]) for j in k.juto] if k else []
    )
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "shuro_kyufukin_id": k.pk if k else None},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/shuro.html",
        {
            "case": case,
            "k": k,
            "juto_rows": juto_rows,
            "form": form,
            "shiharai_form": ShiharaiForm(initial={"shiharai_date": timezone.localdate()}),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen=SCREEN))
@require_POST
def shiharai(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    return _pay(
        request,
        case,
        lambda day, actor: shuro_kyufukin_shiharai(case_id=case.pk, shiharai_date=day, actor=actor),
        {"atena_ids": [case.nushi_atena_id]},
        "fukushi_seiho_shuro",
    )


def _pay(
    request: HttpRequest,
    case: Any,
    pay: Callable[[date, Any], Any],
    detail: dict[str, Any],
    back: str,
) -> HttpResponse:
    """The 支払 of a 給付金 (就労自立・進学準備) from its screen, the 利用目的 asked first."""
    need = _need_mokuteki(request, f"case:{case.pk}", "")
    if need is not None:
        return need
    form = ShiharaiForm(request.POST)
    if form.is_valid():
        try:
            k = pay(form.cleaned_data["shiharai_date"], actor_from_request(request))
        except SeihoRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"支払を記録しました（徴収 {k.chosei:,}円、支給 {k.shikyu_gaku:,}円）。",
            )
    else:
        message_form_errors(request, form)
    access_note(request, purpose=PURPOSE.get(request, f"case:{case.pk}"), detail=detail)
    return redirect(back, pk=case.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen=SCREEN))
@require_GET
def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    k = SeihoShuroKyufukin.objects.filter(case=case).first()
    try:
        if k is None:
            raise SeihoRefused("就労自立給付金の決定がありません。")
        data = shuro_furikomi_file(k)
    except SeihoRefused as exc:
        messages.error(request, exc.message)
        return redirect("fukushi_seiho_shuro", pk=case.pk)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": [case.nushi_atena_id], "shuro_kyufukin_id": k.pk},
    )
    return furikomi_response(data, f"shuro_kyufukin_{k.pk}.txt")


class ShingakuForm(forms.Form):
    atena_id = forms.TypedChoiceField(label="進学・就職する世帯員", coerce=int, choices=[])
    kind = forms.ChoiceField(
        label="進学・就職", choices=ShingakuKind.choices, widget=forms.RadioSelect
    )
    jitakugai = forms.TypedChoiceField(
        label="通学・通勤",
        coerce=lambda v: v == "1",
        choices=[("0", "自宅から通学・通勤"), ("1", "転居して通学・通勤")],
        widget=forms.RadioSelect,
    )
    saki = TextField(label="進学先・就職先", max_length=100)
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    shorei_riyu = TextField(
        label="省令で定める者に当たる理由（18歳に達した日以後の最初の3月31日を過ぎた方のみ）",
        max_length=200,
        required=False,
    )
    chosei_henkan = forms.TypedChoiceField(
        label="給付金から徴収する徴収金（申出があったとき）",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[],
    )
    chosei_moshide_date = WarekiDateField(label="徴収の申出日", required=False, help_text=DATE_HELP)
    chosei = forms.IntegerField(
        label="給付金から徴収する額（円）", min_value=0, max_value=10**7, required=False
    )

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]],
        choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields["atena_id"]
        assert isinstance(f, forms.TypedChoiceField)
        f.choices = members
        g = self.fields["chosei_henkan"]
        assert isinstance(g, forms.TypedChoiceField)
        g.choices = [("", "徴収しない")] + [(str(k), v) for k, v in choices]


@gyomu_view(GYOMU)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen=SCREEN_SHINGAKU))
@require_http_methods(["GET", "POST"])
def shingaku(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    view = case_view(case)
    names = {m.atena_id: m.shimei for m in view.members}
    members = [(m.atena_id, f"{m.shimei}（{m.atena_no}）") for m in view.members]
    today = timezone.localdate()
    form = ShingakuForm(
        request.POST or None,
        members=members,
        choices=_choices(case.pk),
        initial={"shinsei_date": today, "kettei_date": today},
    )
    if request.method == "POST" and _can_write(request):
        if form.is_valid():
            d = form.cleaned_data
            try:
                shingaku_kettei(
                    case_id=case.pk,
                    atena_id=d["atena_id"],
                    kind=d["kind"],
                    jitakugai=d["jitakugai"],
                    saki=d["saki"],
                    shinsei_date=d["shinsei_date"],
                    kettei_date=d["kettei_date"],
                    shorei_riyu=d["shorei_riyu"] or "",
                    chosei_henkan_id=d["chosei_henkan"],
                    chosei_moshide_date=d["chosei_moshide_date"],
                    chosei=d["chosei"] or 0,
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "進学・就職準備給付金の支給を決定しました。")
                return redirect("fukushi_seiho_shingaku", pk=case.pk)
        else:
            message_form_errors(request, form)
    rows = [
        (k, names.get(k.atena_id, ""))
        for k in SeihoShingakuKyufukin.objects.filter(case=case)
        .select_related("chosei_henkan")
        .order_by("pk")
    ]
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": view.atena_ids, "shingaku_ids": [k.pk for k, _ in rows]},
    )
    return TemplateResponse(
        request,
        "fukushi/seiho/shingaku.html",
        {
            "case": case,
            "rows": rows,
            "form": form,
            "shiharai_form": ShiharaiForm(initial={"shiharai_date": today}),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="case_pk", screen=SCREEN_SHINGAKU))
@require_POST
def shingaku_shiharai_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    return _pay(
        request,
        case,
        lambda day, actor: shingaku_shiharai(
            case_id=case.pk, pk=pk, shiharai_date=day, actor=actor
        ),
        {"atena_ids": [case.nushi_atena_id], "shingaku_id": pk},
        "fukushi_seiho_shingaku",
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="case_pk", screen=SCREEN_PDF))
@require_GET
def shuro_pdf(request: HttpRequest, case_pk: int) -> HttpResponse:
    return case_pdf(
        request,
        case_pk,
        find=lambda case: SeihoShuroKyufukin.objects.filter(case=case).first(),
        render=shuro_render,
        detail=lambda case, k: {"shuro_kyufukin_id": k.pk, "atena_ids": [case.nushi_atena_id]},
        filename=f"shuro_kyufukin_{case_pk}.pdf",
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="case_pk", screen=SCREEN_PDF))
@require_GET
def shingaku_pdf(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return case_pdf(
        request,
        case_pk,
        find=lambda case: SeihoShingakuKyufukin.objects.filter(pk=pk, case=case).first(),
        render=shingaku_render,
        detail=lambda case, k: {"shingaku_id": k.pk, "atena_ids": [k.atena_id]},
        filename=f"shingaku_kyufukin_{pk}.pdf",
    )


urlpatterns: list[URLPattern] = [
    path("cases/<int:case_pk>/shuro/tsuchi.pdf", shuro_pdf, name="fukushi_seiho_shuro_pdf"),
    path(
        "cases/<int:case_pk>/shingaku/<int:pk>/tsuchi.pdf",
        shingaku_pdf,
        name="fukushi_seiho_shingaku_pdf",
    ),
    path("cases/<int:pk>/shingaku/", shingaku, name="fukushi_seiho_shingaku"),
    path(
        "cases/<int:case_pk>/shingaku/<int:pk>/shiharai/",
        shingaku_shiharai_view,
        name="fukushi_seiho_shingaku_shiharai",
    ),
    path("cases/<int:pk>/shuro/", shuro, name="fukushi_seiho_shuro"),
    path("cases/<int:pk>/shuro/shiharai/", shiharai, name="fukushi_seiho_shuro_shiharai"),
    path("cases/<int:pk>/shuro/furikomi/", furikomi, name="fukushi_seiho_shuro_furikomi"),
]
