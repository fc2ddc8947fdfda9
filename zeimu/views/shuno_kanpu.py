"""還付 screens (issue 18 item 3) and the 窓口 領収証書: the 過誤納 waiting for a decision, the
decision (充当 first, then 還付 with its 還付加算金), the decision's page and its 還付通知書,
and the 領収証書 of a 窓口 receipt. Paths carry internal ids only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import JutoKasan, Kanpu, KanpuJiyu, Kibetsu, Nofu, NofuChannel, ShiharaiHoho
from zeimu.rules.shuno_kanpu import kasankin_calculate
from zeimu.rules.shuno_koza import SHUMOKU, Account
from zeimu.services.shuno import ShunoRefused, balances
from zeimu.services.shuno_kanpu import (
    kagono_kibetsu,
    kanpu_decide,
    kanpu_notices,
    kanpu_parts,
    kanpu_render,
    ryoshu_notices,
    ryoshu_render,
)

GYOMU = SHUNO_KANRI


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="zeimu.shuno_kanpu"))
@require_GET
def shuno_kanpu(request: HttpRequest) -> HttpResponse:
    """過誤納 waiting for a decision, and the latest decisions."""
    waiting = kagono_kibetsu()[:200]
    done = list(Kanpu.objects.select_related("kibetsu").order_by("-kettei_date", "-pk")[:50])
    ids = {k.atena_id for k, _ in waiting if k.atena_id is not None} | {
        x.atena_id for x in done if x.atena_id is not None
    }
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "zeimu/shuno_kanpu.html",
        {
            "waiting": [(k, over, people.get(k.atena_id or 0)) for k, over in waiting],
            "done": [(x, people.get(x.atena_id or 0)) for x in done],
            "atena_ids": sorted(ids),
        },
    )


class KanpuForm(forms.Form):
    kettei_date = WarekiDateField(label="還付決定日（支出決定日）")
    shiharai_hoho = forms.ChoiceField(label="支払方法", choices=ShiharaiHoho.choices)
    shiharai_date = WarekiDateField(label="支払日")
    jiyu = forms.ChoiceField(label="過誤納の事由", choices=KanpuJiyu.choices)
    jiyu_date = WarekiDateField(
        label="更正の日・所得税の更正の通知（申告）の日（第2号・第3号）", required=False
    )
    seikyu_date = WarekiDateField(label="更正の請求の日（第2号）", required=False)
    kinyu_kikan = TextField(label="振込先 金融機関コード（4桁）", max_length=4, required=False)
    shiten = TextField(label="振込先 支店コード（3桁）", max_length=3, required=False)
    yokin_shumoku = forms.ChoiceField(
        label="預金種目", choices=[("", "—"), *SHUMOKU.items()], required=False
    )
    koza_bango = TextField(label="口座番号（7桁）", max_length=7, required=False)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30, required=False)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("zeimu.Kibetsu", id_kwarg="kibetsu_id", screen="zeimu.shuno_kanpu_new"))
@require_http_methods(["GET", "POST"])
def shuno_kanpu_new(request: HttpRequest, kibetsu_id: int) -> HttpResponse:
    kib = get_object_or_404(Kibetsu, pk=kibetsu_id)
    over = -balances([kib.pk])[kib.pk].zan
    today = timezone.localdate()
    form = KanpuForm(
        request.POST or None,
        initial={"kettei_date": today, "shiharai_date": today, "jiyu": KanpuJiyu.KOSEI},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        account = None
        if d["shiharai_hoho"] == ShiharaiHoho.KOZA:
            account = Account(
                d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                d["meigi_kana"],
            )  # fmt: skip
        try:
            out = kanpu_decide(
                kibetsu_id=kib.pk, kettei_date=d["kettei_date"],
                shiharai_hoho=d["shiharai_hoho"], shiharai_date=d["shiharai_date"],
                jiyu=d["jiyu"], jiyu_date=d["jiyu_date"], seikyu_date=d["seikyu_date"],
                account=account, actor=actor_from_request(request),
            )  # fmt: skip
        except ShunoRefused as exc:
            form.add_error(None, str(exc))
        else:
            if out.kanpu is None:
                return redirect("zeimu_shuno_nozeisha", atena_id=kib.atena_id)
            return redirect("zeimu_shuno_kanpu_detail", pk=out.kanpu.pk)
    return TemplateResponse(
        request, "zeimu/shuno_kanpu_new.html", {"form": form, "kibetsu": kib, "over": over}
    )


@gyomu_view(GYOMU)
@logs_reads(Reads("zeimu.Kanpu", id_kwarg="pk", screen="zeimu.shuno_kanpu_detail"))
@require_GET
def shuno_kanpu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    k = get_object_or_404(Kanpu.objects.select_related("kibetsu"), pk=pk)
    from tenants.params.services import param_value

    result = kasankin_calculate(parts=kanpu_parts(k), kettei_date=k.kettei_date, lookup=param_value)
    # (a corporation's 還付 — 法人番号 — names no person)
    person = person_identities([k.atena_id]).get(k.atena_id) if k.atena_id is not None else None
    return TemplateResponse(
        request,
        "zeimu/shuno_kanpu_detail.html",
        {
            "k": k,
            "segments": [
                {**s.__dict__, "pct": f"{float(s.rate * 100):.1f}%"} for s in result.segments
            ],
            "person": person,
            "parts": kanpu_parts(k),
            # the 還付加算金 of the parts 充当 by the same decision (paid with this 還付)
            "juto": list(
                JutoKasan.objects.filter(kanpu=k).select_related("to_kibetsu").order_by("pk")
            ),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("zeimu.Kanpu", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.shuno_kanpu_pdf")
)
@require_GET
def shuno_kanpu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    k = get_object_or_404(Kanpu.objects.select_related("kibetsu"), pk=pk)
    notices = kanpu_notices([k])
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    return _pdf(
        kanpu_render(notices, issuer=Issuer.of(current_municipality())), f"kanpu_{k.pk}.pdf"
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("zeimu.Nofu", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.shuno_ryoshu_pdf")
)
@require_GET
def shuno_ryoshu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 領収証書 of one 窓口 receipt."""
    nofu = get_object_or_404(
        Nofu.objects.select_related("kibetsu"), pk=pk, channel=NofuChannel.MADOGUCHI
    )
    try:
        notices = ryoshu_notices(nofu)
    except ShunoRefused:
        return HttpResponse("領収証書を発行できない納付です。", status=404)
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    return _pdf(
        ryoshu_render(notices, issuer=Issuer.of(current_municipality())), f"ryoshu_{nofu.pk}.pdf"
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("zeimu.Nofu", id_kwarg="pk", screen="zeimu.shuno_madoguchi_done"))
@require_GET
def shuno_madoguchi_done(request: HttpRequest, pk: int) -> HttpResponse:
    """After a 窓口 receipt: what was received, with the 領収証書 to print."""
    nofu = get_object_or_404(
        Nofu.objects.select_related("kibetsu"), pk=pk, channel=NofuChannel.MADOGUCHI
    )
    ctx: dict[str, Any] = {"nofu": nofu}
    return TemplateResponse(request, "zeimu/shuno_madoguchi_done.html", ctx)


urlpatterns: list[URLPattern] = [
    path("shuno/kanpu/", shuno_kanpu, name="zeimu_shuno_kanpu"),
    path("shuno/kanpu/new/<int:kibetsu_id>/", shuno_kanpu_new, name="zeimu_shuno_kanpu_new"),
    path("shuno/kanpu/<int:pk>/", shuno_kanpu_detail, name="zeimu_shuno_kanpu_detail"),
    path("shuno/kanpu/<int:pk>/kanpu.pdf", shuno_kanpu_pdf, name="zeimu_shuno_kanpu_pdf"),
    path("shuno/madoguchi/<int:pk>/", shuno_madoguchi_done, name="zeimu_shuno_madoguchi_done"),
    path("shuno/madoguchi/<int:pk>/ryoshu.pdf", shuno_ryoshu_pdf, name="zeimu_shuno_ryoshu_pdf"),
]
