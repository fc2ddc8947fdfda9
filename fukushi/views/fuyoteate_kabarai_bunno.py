"""児童扶養手当 返還金の分割納付 (mounted with fukushi.views.fuyoteate at
/fukushi/jido-fuyo-teate/):

- on one 受給者's 過払 page (``fuyoteate_henkan.kabarai``): the 申出 form of a 返還金 未納,
  the plan's 回 (納期限, 額, 納付済, 不履行), the 納付書 of every 回 not paid or of one 回
  (PDF), and the cancellation on a 不履行;
- the 不履行 list: plans 分割納付中 with a 回 unpaid after its 納期限 (as of today, 50 a
  page).

Paths carry internal ids only; every screen that shows a person writes its access-log row;
each write is logged by its service (the PDFs as PRINT).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fukushi.gyomu import JIDO_FUYO_TEATE
from fukushi.models import FuyoKabarai, FuyoKabaraiBunno
from fukushi.services.fuyoteate import FuyoteateRefused
from fukushi.services.fuyoteate_kabarai_bunno import (
    bunno_moushide,
    bunno_nofusho,
    bunno_torikeshi,
    furikou_ki,
    furikou_list,
)
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = JIDO_FUYO_TEATE
PAGE_SIZE = 50


class BunnoForm(forms.Form):
    moushide_date = WarekiDateField(label="申出日", help_text="例 令和7年12月10日")
    kaisu = forms.IntegerField(label="回数（毎月）", min_value=2, max_value=999)
    maikai_gaku = forms.IntegerField(label="毎回の額（円、最終回は残り）", min_value=1,
                                     max_value=100_000_000)  # fmt: skip
    shokai_nouki = WarekiDateField(label="初回の納期限", help_text="例 令和8年1月31日")


class TorikeshiForm(forms.Form):
    torikeshi_date = WarekiDateField(label="取消日", help_text="例 令和8年3月10日")
    riyu = TextField(label="取消の理由", max_length=200)


class KaiForm(forms.Form):
    kai = forms.IntegerField(min_value=1, max_value=999, required=False)


def _refused(request: HttpRequest, exc: FuyoteateRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者's 過払
@require_POST
def bunno_moushide_view(request: HttpRequest, pk: int, kid: int) -> HttpResponse:
    k = get_object_or_404(FuyoKabarai, pk=kid, jukyusha_id=pk)
    form = BunnoForm(request.POST)
    if form.is_valid():
        for name in ("moushide_date", "shokai_nouki"):
            if form.cleaned_data[name] is None:
                form.add_error(name, "入力してください。")
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    d = form.cleaned_data
    try:
        plan = bunno_moushide(
            kabarai=k,
            moushide_date=d["moushide_date"],
            kaisu=d["kaisu"],
            maikai_gaku=d["maikai_gaku"],
            shokai_nouki=d["shokai_nouki"],
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"分割納付にしました：{plan.kaisu}回、初回の納期限 {format_wareki(plan.shokai_nouki)}。"
            "納付書を作成できます。",
        )
    return redirect("fukushi_fuyoteate_kabarai", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the PDF is logged (PRINT) and recorded by its service
@require_POST
def bunno_nofusho_pdf(request: HttpRequest, pk: int, bid: int) -> HttpResponse:
    """The 納付書 of the unpaid 回 of a plan (``kai`` posted: that 回 only), as the PDF."""
    plan = get_object_or_404(FuyoKabaraiBunno, pk=bid, kabarai__jukyusha_id=pk)
    form = KaiForm(request.POST)
    kai = form.cleaned_data["kai"] if form.is_valid() else None
    try:
        pdf = bunno_nofusho(
            bunno=plan, hakko_date=timezone.localdate(), actor=actor_from_request(request), kai=kai
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fuyoteate_henkan_bunno_{plan.pk}.pdf"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 受給者's 過払
@require_POST
def bunno_torikeshi_view(request: HttpRequest, pk: int, bid: int) -> HttpResponse:
    plan = get_object_or_404(FuyoKabaraiBunno, pk=bid, kabarai__jukyusha_id=pk)
    form = TorikeshiForm(request.POST)
    if form.is_valid() and form.cleaned_data["torikeshi_date"] is None:
        form.add_error("torikeshi_date", "入力してください。")
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("fukushi_fuyoteate_kabarai", pk=pk)
    d = form.cleaned_data
    try:
        plan = bunno_torikeshi(
            bunno=plan,
            torikeshi_date=d["torikeshi_date"],
            riyu=d["riyu"],
            actor=actor_from_request(request),
        )
    except FuyoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            "分割納付を取り消しました。残額は一時に納付（納期限 "
            f"{format_wareki(d['torikeshi_date'])}）となり、翌日から督促できます。",
        )
    return redirect("fukushi_fuyoteate_kabarai", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="atena_ids", screen="fukushi.fuyoteate_kabarai_furikou", skip_empty=True)
)
@require_GET
def furikou_view(request: HttpRequest) -> HttpResponse:
    """Plans 分割納付中 in arrears as of today (不履行), 50 a page."""
    today = timezone.localdate()
    page = Paginator(furikou_list(today), PAGE_SIZE).get_page(request.GET.get("page"))
    plans = list(page.object_list)
    ids = [p.kabarai.jukyusha.atena_id for p in plans]
    people = person_identities(ids)
    rows = []
    for p in plans:
        late = furikou_ki(p, today)
        rows.append(
            {
                "p": p,
                "person": people.get(p.kabarai.jukyusha.atena_id),
                "late": late,
                "mino": sum(x.gaku - x.nofu_gaku for x in late),
                "zan": p.kabarai.gaku - p.kabarai.nofu_gaku,
            }
        )
    return TemplateResponse(
        request,
        "fukushi/fuyoteate/kabarai_furikou.html",
        {"page": page, "rows": rows, "atena_ids": list(dict.fromkeys(ids))},
    )


urlpatterns: list[URLPattern] = [
    path("henkankin/furikou/", furikou_view, name="fukushi_fuyoteate_kabarai_furikou"),
    path(
        "<int:pk>/kabarai/<int:kid>/bunno/",
        bunno_moushide_view,
        name="fukushi_fuyoteate_kabarai_bunno",
    ),
    path(
        "<int:pk>/bunno/<int:bid>/nofusho/",
        bunno_nofusho_pdf,
        name="fukushi_fuyoteate_kabarai_bunno_nofusho",
    ),
    path(
        "<int:pk>/bunno/<int:bid>/torikeshi/",
        bunno_torikeshi_view,
        name="fukushi_fuyoteate_kabarai_bunno_torikeshi",
    ),
]
