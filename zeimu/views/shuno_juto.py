"""充当 screens (地方税法第17条の2; issue 18 S-5): the 過誤納 that could be 充当, one 期別's
candidates (the same taxpayer's 未納, oldest 納期限 first, 本税 before 延滞金) and the decision,
the decision's page, its 充当通知書 (第5項) on the shared print path, and the history.
Paths carry internal ids only."""

from __future__ import annotations

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
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import JutoKasan, JutoTsuchi, KanpuJiyu, Kibetsu
from zeimu.services.shuno import (
    ENTAIKIN_KEY,
    ShunoRefused,
    balances,
    entaikin_of,
    taxpayer_balances,
)
from zeimu.services.shuno_kanpu import juto_decide, juto_notices, juto_render, kagono_kibetsu

GYOMU = SHUNO_KANRI


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="zeimu.shuno_juto"))
@require_GET
def shuno_juto(request: HttpRequest) -> HttpResponse:
    """過誤納 that could be 充当, and the latest 充当 decisions (the history)."""
    waiting = kagono_kibetsu()[:200]
    done = list(
        JutoTsuchi.objects.select_related("from_kibetsu").order_by("-juto_date", "-pk")[:50]
    )
    ids = {k.atena_id for k, _ in waiting if k.atena_id is not None} | {
        x.atena_id for x in done if x.atena_id is not None
    }
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "zeimu/shuno_juto.html",
        {
            "waiting": [(k, over, people.get(k.atena_id or 0)) for k, over in waiting],
            "done": [(x, people.get(x.atena_id or 0)) for x in done],
            "atena_ids": sorted(ids),
        },
    )


class JutoForm(forms.Form):
    juto_date = WarekiDateField(label="充当日")
    jiyu = forms.ChoiceField(label="過誤納の事由", choices=KanpuJiyu.choices)
    jiyu_date = WarekiDateField(
        label="更正の日・所得税の更正の通知（申告）の日（第2号・第3号）", required=False
    )
    seikyu_date = WarekiDateField(label="更正の請求の日（第2号）", required=False)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("zeimu.Kibetsu", id_kwarg="kibetsu_id", screen="zeimu.shuno_juto_new"))
@require_http_methods(["GET", "POST"])
def shuno_juto_new(request: HttpRequest, kibetsu_id: int) -> HttpResponse:
    """One 期別's 過誤納, the candidates it would go to, and the decision."""
    kib = get_object_or_404(Kibetsu, pk=kibetsu_id, atena__isnull=False)
    assert kib.atena_id is not None
    today = timezone.localdate()
    over = -balances([kib.pk])[kib.pk].zan
    form = JutoForm(request.POST or None, initial={"juto_date": today, "jiyu": KanpuJiyu.KOSEI})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            tsuchi = juto_decide(
                kibetsu_id=kib.pk, juto_date=d["juto_date"], jiyu=d["jiyu"],
                jiyu_date=d["jiyu_date"], seikyu_date=d["seikyu_date"],
                actor=actor_from_request(request),
            )  # fmt: skip
        except ShunoRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("zeimu_shuno_juto_detail", pk=tsuchi.pk)
    rows = [(k, b.zan) for k, b in taxpayer_balances(kib.atena_id) if b.zan > 0]
    # the order the 充当 follows: every 本税 (oldest 納期限 first), then the 延滞金
    rows.sort(key=lambda r: r[0].key.startswith(ENTAIKIN_KEY))
    candidates = [
        {
            "kibetsu": k,
            "zan": zan,
            "entaikin": k.key.startswith(ENTAIKIN_KEY),
            "mikomi": entaikin_of(k.pk, paid_on=today).entaikin,
        }
        for k, zan in rows
    ]
    person = person_identities([kib.atena_id]).get(kib.atena_id)
    access_note(request, detail={"atena_ids": [kib.atena_id]})
    return TemplateResponse(
        request,
        "zeimu/shuno_juto_new.html",
        {"form": form, "kibetsu": kib, "over": over, "candidates": candidates, "person": person},
    )


@gyomu_view(GYOMU)
@logs_reads(Reads("zeimu.JutoTsuchi", id_kwarg="pk", screen="zeimu.shuno_juto_detail"))
@require_GET
def shuno_juto_detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_object_or_404(JutoTsuchi.objects.select_related("from_kibetsu"), pk=pk)
    ids = [] if t.atena_id is None else [t.atena_id]  # a corporation's: no person
    access_note(request, detail={"atena_ids": ids})
    return TemplateResponse(
        request,
        "zeimu/shuno_juto_detail.html",
        {
            "t": t,
            "person": person_identities(ids).get(t.atena_id or 0),
            "moves": [
                (j, j.to_kibetsu.key.startswith(ENTAIKIN_KEY))
                for j in JutoKasan.objects.filter(tsuchi=t)
                .select_related("to_kibetsu")
                .order_by("pk")
            ],
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "zeimu.JutoTsuchi", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.shuno_juto_pdf"
    )
)
@require_GET
def shuno_juto_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 充当通知書 of one decision (地方税法第17条の2第5項)."""
    t = get_object_or_404(JutoTsuchi.objects.select_related("from_kibetsu"), pk=pk)
    notices = juto_notices([t])
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    data = juto_render(notices, issuer=Issuer.of(current_municipality()))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="juto_{t.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("shuno/juto/", shuno_juto, name="zeimu_shuno_juto"),
    path("shuno/juto/kibetsu/<int:kibetsu_id>/", shuno_juto_new, name="zeimu_shuno_juto_new"),
    path("shuno/juto/<int:pk>/", shuno_juto_detail, name="zeimu_shuno_juto_detail"),
    path("shuno/juto/<int:pk>/juto.pdf", shuno_juto_pdf, name="zeimu_shuno_juto_pdf"),
]
