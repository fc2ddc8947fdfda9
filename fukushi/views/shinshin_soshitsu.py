"""心身障害者医療: the 資格喪失通知書 of a 受給者証 a 見直し ended — one from the 受給者's
page, or every one ended in a range from the 見直し screen's list — mounted beside
fukushi/views/shinshin.py at /fukushi/shinshin-shogaisha-iryo/.

Behind the 手帳 grant as the other 受給者 screens (404 without it, whether the record exists
or not); the list and the mass print ask their 利用目的 and log it with the ids printed; the
single notice uses the purpose the 受給者 was opened with.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.models import ShinshinJotai
from fukushi.printjobs_shinshin import soshitsu_render
from fukushi.services.shinshin import minaoshi_soshitsu_list
from fukushi.views.responses import pdf_response
from fukushi.views.shinshin import (
    DATE_HELP,
    GYOMU,
    NOT_FOUND,
    PURPOSE,
    RECORD_TYPE,
    _jukyusha,
)
from fukushi.views.shogai import may_see_techo
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel


class SoshitsuForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="この一覧・印刷の目的。アクセス記録に残ります。"
    )
    kara = WarekiDateField(label="資格喪失日（から）", help_text=DATE_HELP)
    made = WarekiDateField(label="資格喪失日（まで）", help_text=DATE_HELP)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("kara") and d.get("made") and d["made"] < d["kara"]:
            raise forms.ValidationError("資格喪失日の範囲の終わりが始めより前です。")
        return d


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk",
          screen="fukushi.shinshin_soshitsu_list")
)  # fmt: skip
@require_http_methods(["GET", "POST"])
def soshitsu(request: HttpRequest) -> HttpResponse:
    """The 受給者証 a 見直し ended in a range of 資格喪失日, each with its notice."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    today = timezone.localdate()
    form = SoshitsuForm(request.POST or None, initial={"kara": today, "made": today})
    ctx: dict[str, Any] = {"form": form, "results": None}
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("kara"):
        d = form.cleaned_data
        rows = minaoshi_soshitsu_list(d["kara"], d["made"])
        names = person_identities(j.atena_id for j in rows)
        ctx["results"] = [
            {"pk": j.pk, "j": j, "shimei": names[j.atena_id].shimei if j.atena_id in names else ""}
            for j in rows
        ]
        for j in rows:
            PURPOSE.put(request, j.pk, d["mokuteki"])
        access_note(request, purpose=d["mokuteki"], count=len(rows))
    return TemplateResponse(request, "fukushi/shinshin/soshitsu.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="pdf", screen="fukushi.shinshin_soshitsu_pdf"
    )
)
@require_POST
def soshitsu_mass_pdf(request: HttpRequest) -> HttpResponse:
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    form = SoshitsuForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("kara"):
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return redirect("fukushi_shinshin_soshitsu")
    d = form.cleaned_data
    rows = minaoshi_soshitsu_list(d["kara"], d["made"])
    if not rows:
        messages.error(request, "その範囲に見直しで資格喪失とした受給者証はありません。")
        return redirect("fukushi_shinshin_soshitsu")
    access_note(
        request,
        ids=[j.pk for j in rows],
        count=len(rows),
        purpose=d["mokuteki"],
        detail={"atena_ids": sorted({j.atena_id for j in rows})},
    )
    return pdf_response(
        soshitsu_render(rows, tsuchi_date=timezone.localdate()), "shinshin_soshitsu.pdf"
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk",
          screen="fukushi.shinshin_soshitsu_pdf")
)  # fmt: skip
@require_GET
def soshitsu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    j = _jukyusha(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shinshin_mokuteki", kwargs={"pk": pk}))
    if j.jotai != ShinshinJotai.SHIKKAKU or j.shikkaku_jiyu != "minaoshi":
        raise Http404(NOT_FOUND)
    access_note(request, purpose=purpose, detail={"atena_ids": [j.atena_id]})
    pdf = soshitsu_render([j], tsuchi_date=timezone.localdate())
    return pdf_response(pdf, f"shinshin_soshitsu_{j.pk}.pdf")


urlpatterns: list[URLPattern] = [
    path("minaoshi/soshitsu/", soshitsu, name="fukushi_shinshin_soshitsu"),
    path("minaoshi/soshitsu.pdf", soshitsu_mass_pdf, name="fukushi_shinshin_soshitsu_mass_pdf"),
    path("<int:pk>/soshitsu.pdf", soshitsu_pdf, name="fukushi_shinshin_soshitsu_pdf"),
]
