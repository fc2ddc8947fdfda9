"""障害者・障害児の手当: the 20歳到達 list and end, the 再認定 (有期認定) list with its
診断書提出の案内 (single and mass PDF), and the 支払通知書 of a payment run (mass PDF), mounted
beside fukushi/views/shogai_teate.py at /fukushi/shogaisha-fukushi/teate/.

The same wall as the case screens (``techo_wall``: 404 without the 手帳 grant); every list and
every mass print asks its 利用目的 and logs it with the 宛名 ids shown or printed; a single
notice from a case uses the purpose the clerk gave when opening it. Criteria travel in POST
bodies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import ShogaiTeateJotai, ShogaiTeateKind, ShogaiTeateShiharai
from fukushi.printjobs_shogai_teate_annai import (
    annai_render,
    sainintei_items,
    sainintei_list,
    shiharai_tsuchi_items,
)
from fukushi.services.shogai_teate_nenrei import nenrei_taisho, teate_nenrei_shuryo
from fukushi.views.responses import pdf_response
from fukushi.views.shogai import may_write, techo_wall
from fukushi.views.shogai_teate import (
    DATE_HELP,
    NOT_FOUND,
    PURPOSE,
    RECORD_TYPE,
    _teate,
)
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel
from tenants.wareki import format_wareki, format_wareki_year

GYOMU = SHOGAISHA_FUKUSHI
MOKUTEKI_HELP = "この一覧・印刷の目的。アクセス記録に残ります。"


class NenreiForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, help_text=MOKUTEKI_HELP)
    kijun = WarekiDateField(label="基準日（この日までに20歳に達した児童）", help_text=DATE_HELP)


def _month_choices() -> list[tuple[str, str]]:
    y = timezone.localdate().year
    return [
        (f"{yy}-{m:02d}", f"{format_wareki_year(yy)}{m}月")
        for yy in range(y - 1, y + 4)
        for m in range(1, 13)
    ]


class SaininteiForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, help_text=MOKUTEKI_HELP)
    tsuki = forms.ChoiceField(label="再認定の時期の月", choices=_month_choices)
    kigen = WarekiDateField(
        label="診断書の提出期限（空欄：再認定の時期の月の末日）",
        required=False,
        help_text=DATE_HELP,
    )


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{format_wareki(obj.shiharai_tsuki).split('月')[0]}月支払（{obj.kensu}件）"


class ShiharaiTsuchiForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, help_text=MOKUTEKI_HELP)
    shiharai = RunChoiceField(
        label="支払",
        queryset=ShogaiTeateShiharai.objects.order_by("-shiharai_tsuki"),
        empty_label=None,
    )


def _tsuki(value: str) -> date:
    return date(int(value[:4]), int(value[5:7]), 1)


def _names(ids: set[int]) -> dict[int, str]:
    return {a: p.shimei for a, p in person_identities(ids).items()}


# --- 20歳到達 -------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk",
          screen="fukushi.shogai_teate_nenrei")
)  # fmt: skip
@require_http_methods(["GET", "POST"])
def nenrei(request: HttpRequest) -> HttpResponse:
    """The children who have reached 20 by a day (障害児福祉手当・特別児童扶養手当), and the
    end of their 認定 (資格喪失「20歳到達」, once) with what the clerk does next."""
    techo_wall(request)
    form = NenreiForm(request.POST or None, initial={"kijun": timezone.localdate()})
    ctx: dict[str, Any] = {"form": form, "results": None, "can_write": may_write(request)}
    if request.method == "POST" and form.is_valid() and form.cleaned_data["kijun"]:
        d = form.cleaned_data
        ending = request.POST.get("action") == "shuryo"
        if ending and not may_write(request):
            return HttpResponse(status=403)
        if ending:
            rows = teate_nenrei_shuryo(kijun=d["kijun"], actor=actor_from_request(request))
            messages.success(request, f"20歳到達により{len(rows)}件の認定を終了しました。")
        else:
            rows = nenrei_taisho(d["kijun"])
        names = _names({a for n in rows for a in (n.atena_id, n.taisho_atena_id)})
        ctx["ended"] = ending
        ctx["results"] = [
            {
                "pk": n.teate_id,
                "n": n,
                "teate": ShogaiTeateKind(n.teate).label,
                "jukyusha": names.get(n.atena_id, ""),
                "taisho": names.get(n.taisho_atena_id, ""),
            }
            for n in rows
        ]
        for n in rows:
            PURPOSE.put(request, n.teate_id, d["mokuteki"])
        access_note(
            request,
            purpose=d["mokuteki"],
            count=len(rows),
            detail={
                "atena_ids": sorted({a for n in rows for a in (n.atena_id, n.taisho_atena_id)})
            },
        )
    return TemplateResponse(request, "fukushi/shogai_teate/nenrei.html", ctx)


# --- 再認定 ---------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk",
          screen="fukushi.shogai_teate_sainintei")
)  # fmt: skip
@require_http_methods(["GET", "POST"])
def sainintei(request: HttpRequest) -> HttpResponse:
    """The 認定 whose 再認定の時期 falls in a month, with the 案内 to print (each, or all)."""
    techo_wall(request)
    today = timezone.localdate()
    form = SaininteiForm(request.POST or None, initial={"tsuki": f"{today:%Y-%m}"})
    ctx: dict[str, Any] = {"form": form, "results": None}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rows = sainintei_list(_tsuki(d["tsuki"]))
        names = _names({a for t in rows for a in (t.atena_id, t.taisho_atena_id)})
        ctx["results"] = [
            {
                "pk": t.pk,
                "t": t,
                "jukyusha": names.get(t.atena_id, ""),
                "taisho": names.get(t.taisho_atena_id, "")
                if t.taisho_atena_id != t.atena_id
                else "",
            }
            for t in rows
        ]
        for t in rows:
            PURPOSE.put(request, t.pk, d["mokuteki"])
        access_note(request, purpose=d["mokuteki"], count=len(rows))
    return TemplateResponse(request, "fukushi/shogai_teate/sainintei.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="pdf", screen="fukushi.shogai_teate_annai_pdf"
    )
)
@require_POST
def sainintei_pdf(request: HttpRequest) -> HttpResponse:
    """Every 再認定 案内 of the month, one PDF (the purpose asked on the form)."""
    techo_wall(request)
    form = SaininteiForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return redirect("fukushi_shogai_teate_sainintei")
    d = form.cleaned_data
    pages = sainintei_items(
        sainintei_list(_tsuki(d["tsuki"])), tsuchi_date=timezone.localdate(), kigen=d.get("kigen")
    )
    if not pages:
        messages.error(request, "その月に再認定の時期が来る認定はありません。")
        return redirect("fukushi_shogai_teate_sainintei")
    access_note(
        request,
        ids=[p.teate_id for p in pages],
        count=len(pages),
        purpose=d["mokuteki"],
        detail={"atena_ids": sorted({a for p in pages for a in p.atena_ids})},
    )
    return pdf_response(
        annai_render("再認定のご案内", pages), f"shogai_teate_sainintei_{d['tsuki']}.pdf"
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk",
          screen="fukushi.shogai_teate_annai_pdf")
)  # fmt: skip
@require_GET
def sainintei_one_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 再認定 案内 of one case (its purpose is the one the case was opened with)."""
    t = _teate(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shogai_teate_mokuteki", kwargs={"pk": pk}))
    if t.jotai != ShogaiTeateJotai.NINTEI or t.sainintei_date is None:
        raise Http404(NOT_FOUND)
    pages = sainintei_items([t], tsuchi_date=timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": pages[0].atena_ids})
    return pdf_response(annai_render("再認定のご案内", pages), f"shogai_teate_sainintei_{t.pk}.pdf")


# --- 支払通知書 -----------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a form: the runs and their counts only
@require_GET
def shiharai_tsuchi(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    return TemplateResponse(
        request, "fukushi/shogai_teate/shiharai_tsuchi.html", {"form": ShiharaiTsuchiForm()}
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="pdf", screen="fukushi.shogai_teate_annai_pdf"
    )
)
@require_POST
def shiharai_tsuchi_pdf(request: HttpRequest) -> HttpResponse:
    """The 支払通知書 of every case a run paid, one PDF (the purpose asked on the form)."""
    techo_wall(request)
    form = ShiharaiTsuchiForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return redirect("fukushi_shogai_teate_shiharai")
    run: ShogaiTeateShiharai = form.cleaned_data["shiharai"]
    pages = shiharai_tsuchi_items(run)
    if not pages:
        messages.error(request, "この支払で支払った手当はありません。")
        return redirect("fukushi_shogai_teate_shiharai")
    access_note(
        request,
        ids=[p.teate_id for p in pages],
        count=len(pages),
        purpose=form.cleaned_data["mokuteki"],
        detail={
            "atena_ids": sorted({a for p in pages for a in p.atena_ids}),
            "shiharai": run.pk,
        },
    )
    name = f"shogai_teate_shiharai_tsuchi_{run.shiharai_tsuki:%Y%m}.pdf"
    return pdf_response(annai_render("支払通知書", pages), name)


urlpatterns: list[URLPattern] = [
    path("nenrei/", nenrei, name="fukushi_shogai_teate_nenrei"),
    path("sainintei/", sainintei, name="fukushi_shogai_teate_sainintei"),
    path("sainintei/annai.pdf", sainintei_pdf, name="fukushi_shogai_teate_sainintei_pdf"),
    path("<int:pk>/sainintei.pdf", sainintei_one_pdf, name="fukushi_shogai_teate_sainintei_one"),
    path("shiharai/tsuchi/", shiharai_tsuchi, name="fukushi_shogai_teate_shiharai_tsuchi_form"),
    path("shiharai/tsuchi.pdf", shiharai_tsuchi_pdf, name="fukushi_shogai_teate_shiharai_tsuchi"),
]
