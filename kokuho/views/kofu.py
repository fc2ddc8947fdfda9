"""資格確認書・資格情報のお知らせ at the counter: issue one (帳票, 交付理由, 交付日) from the
person's page and print it, reprint a recorded issue, record a return, and search every
issue and return of the town (交付日, 帳票, 交付理由, 未返還).

An issue is a write (``kokuho.services.kofu``, its own access row); the PDF of an issue is
a PRINT read; the search logs the 宛名 ids of the page it shows. Paths carry internal ids;
the search's criteria carry no personal data.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from juminkiroku.public import person_identities
from kokuho.forms.shikaku import FORM_LABELS, cards, cards_render, wariai_words
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import KofuForm, KofuRiyu, Shikaku, ShikakuKofu
from kokuho.printjobs import issuer_name
from kokuho.services.kofu import KofuRefused, shikaku_kofu_henkan, shikaku_kofu_issue
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = KOKUHO_SHIKAKU
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和8年8月1日", "R8.8.1", "2026/8/1")


class KofuIssueForm(forms.Form):
    form = forms.ChoiceField(label="帳票", choices=KofuForm.choices, widget=forms.RadioSelect)
    riyu = forms.ChoiceField(label="交付理由", choices=KofuRiyu.choices)
    kofu_date = WarekiDateField(label="交付日", help_text=DATE_HELP)


class HenkanForm(forms.Form):
    henkan_date = WarekiDateField(label="返還日", help_text=DATE_HELP)


class KofuSearchForm(forms.Form):
    kofu_from = WarekiDateField(label="交付日（から）", required=False, help_text=DATE_HELP)
    kofu_to = WarekiDateField(label="交付日（まで）", required=False)
    form = forms.ChoiceField(
        label="帳票", required=False, choices=[("", "すべて"), *KofuForm.choices]
    )
    riyu = forms.ChoiceField(
        label="交付理由", required=False, choices=[("", "すべて"), *KofuRiyu.choices]
    )
    mihenkan = forms.BooleanField(label="返還されていないものだけ", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("kofu_from"), data.get("kofu_to")
        if start and end and end < start:
            raise forms.ValidationError("交付日の範囲が逆です（まで が から より前）。")
        return data


def kofu_rows(rows: list[ShikakuKofu]) -> list[dict[str, Any]]:
    """Rows of a table of issues, in words (one registry query for the names)."""
    names = person_identities(r.atena_id for r in rows)
    return [
        {
            "kofu": r,
            "person": names.get(r.atena_id),
            "wariai": wariai_words(r.futan_wariai),
        }
        for r in rows
    ]


def _refused(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then the card's PDF
@require_POST
def kofu_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a card for the 資格 ``pk`` and open its PDF."""
    shikaku = get_object_or_404(Shikaku, pk=pk)
    form = KofuIssueForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_person", pk=shikaku.atena_id)
    data = form.cleaned_data
    try:
        row = shikaku_kofu_issue(
            shikaku_id=shikaku.pk,
            form=data["form"],
            riyu=data["riyu"],
            kofu_date=data["kofu_date"],
            actor=actor_from_request(request),
        )
    except KofuRefused as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_person", pk=shikaku.atena_id)
    messages.success(request, f"{FORM_LABELS[row.form]}の交付を記録しました。")
    return redirect("kokuho_kofu_pdf", pk=row.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("kokuho.ShikakuKofu", action=AccessAction.PRINT, id_kwarg="pk",
                  screen="kokuho.kofu_pdf"))  # fmt: skip
@require_GET
def kofu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of one recorded issue, with the terms recorded (a reprint is the same)."""
    row = get_object_or_404(ShikakuKofu.objects.select_related("shikaku"), pk=pk)
    made = cards([row])
    if not made:
        raise Http404("印刷できる方が見つかりません。")
    pdf = cards_render(row.form, made, issuer=issuer_name(), kofu_date=row.kofu_date)
    access_note(request, detail={"atena_ids": [row.atena_id], "form": row.form})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kokuho_{row.form}_{row.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def kofu_henkan(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ShikakuKofu, pk=pk)
    form = HenkanForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
    else:
        try:
            shikaku_kofu_henkan(
                kofu_id=row.pk,
                henkan_date=form.cleaned_data["henkan_date"],
                actor=actor_from_request(request),
            )
        except KofuRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "返還を記録しました。")
    return redirect("kokuho_person", pk=row.atena_id)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number},
        screen="kokuho.kofu_list",
    )
)
@require_GET
def kofu_list(request: HttpRequest) -> HttpResponse:
    """Every issue and return of the town, newest first, by the criteria."""
    search = KofuSearchForm(request.GET or None)
    rows = ShikakuKofu.objects.order_by("-kofu_date", "-id")
    if search.is_bound:
        if search.is_valid():
            d = search.cleaned_data
            if d.get("kofu_from"):
                rows = rows.filter(kofu_date__gte=d["kofu_from"])
            if d.get("kofu_to"):
                rows = rows.filter(kofu_date__lte=d["kofu_to"])
            if d.get("form"):
                rows = rows.filter(form=d["form"])
            if d.get("riyu"):
                rows = rows.filter(riyu=d["riyu"])
            if d.get("mihenkan"):
                rows = rows.filter(henkan_date__isnull=True)
        else:
            rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "kokuho/kofu_list.html",
        {
            "search": search,
            "page": page,
            "rows": kofu_rows(shown),
            "query": query.urlencode(),
            "can_print": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
        },
    )


urlpatterns: list[URLPattern] = [
    path("shikaku/<int:pk>/kofu/", kofu_issue, name="kokuho_kofu_issue"),
    path("kofu/", kofu_list, name="kokuho_kofu_list"),
    path("kofu/<int:pk>.pdf", kofu_pdf, name="kokuho_kofu_pdf"),
    path("kofu/<int:pk>/henkan/", kofu_henkan, name="kokuho_kofu_henkan"),
]
