"""Staff screens: 住民照会 (/juminkiroku/persons/<pk>/), 個人番号の表示, and 世帯照会
(/juminkiroku/setai/<pk>/, now or as of a date).

Every view of a person or household writes an access-log row with record ids. A
person under an active 照会抑止 (error level, on the person or the household) is not
shown at all; the refusal is logged as ``denied``. 個人番号 is masked and is revealed
only by a POST from a user holding the 個人番号の表示 grant, which logs
``mynumber_viewed``; the number never appears in a URL.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import JuminJotai
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Setai
from juminkiroku.selectors.person import (
    KOJIN_BANGO_MASK,
    PersonLocks,
    history_entries,
    household_members,
    household_members_on,
    household_removed,
    person_with_locks,
    setai_get,
    setai_shokai_blocked,
    status_label,
)
from juminkiroku.selectors.tenshutsu import latest_for
from juminkiroku.selectors.yokushi import kagaisha_of, shien_alerts
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads
from tenants.forms.wareki import WarekiDateField, WarekiDateInput
from tenants.grants.selectors import grants_of
from tenants.models import RoleLevel

GYOMU = JUMINKIROKU
SHOKAI_YOKUSHI_MESSAGE = "照会抑止が設定されています"


def _user_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "pk", None)


def _refuse(request: HttpRequest, *, record_type: str, record_id: int) -> HttpResponse:
    access_refusal(request, record_type=record_type, record_id=record_id, reason="shokai_yokushi")
    return TemplateResponse(
        request,
        "juminkiroku/person/refused.html",
        {"message": SHOKAI_YOKUSHI_MESSAGE},
        status=403,
    )


def _person_or_404(pk: int) -> tuple[Atena, PersonLocks]:
    try:
        return person_with_locks(pk)
    except Atena.DoesNotExist as exc:
        raise Http404 from exc


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="pk", shown="p", screen="住民照会"))
@require_http_methods(["GET"])
@never_cache
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    if atena.jotai == JuminJotai.IKOZUMI:  # 標準仕様書 9.3: shown from the 除票用データベース
        return redirect("juminkiroku_johyo_person", atena_id=pk)
    members = household_members(atena.setai_id) if atena.setai_id else []
    history = history_entries(atena.pk)
    grants = grants_of(_user_id(request))
    return TemplateResponse(
        request,
        "juminkiroku/person/detail.html",
        {
            "p": atena,
            "status": status_label(atena),
            "locks": locks,
            "shien_alerts": shien_alerts(locks.shien, timezone.localdate()),
            "kagaisha": kagaisha_of(atena.pk),
            "members": members,
            "history": history,
            "kojin_bango_mask": KOJIN_BANGO_MASK if atena.kojin_bango else "",
            "may_reveal": Kengen.KOJIN_BANGO_VIEW in grants,
            "may_write": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE,
            # 標準仕様書 1.1.5: a 住民 until the 転出予定日; the clerk sees the 予定.
            "tenshutsu": latest_for(atena.pk),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # revealing is a read, through a POST
@logs_reads(
    Reads(
        "atena", id_kwarg="pk", shown="kojin_bango", mynumber="kojin_bango", screen="個人番号の表示"
    )
)
@require_POST
@never_cache
def person_kojin_bango(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment with the 個人番号, for holders of the 個人番号の表示 grant."""
    atena, locks = _person_or_404(pk)
    if locks.shokai_error:
        return _refuse(request, record_type="atena", record_id=pk)
    if Kengen.KOJIN_BANGO_VIEW not in grants_of(_user_id(request)):
        access_refusal(request, record_type="atena", record_id=pk, reason="no_kengen")
        return TemplateResponse(
            request,
            "juminkiroku/person/_kojin_bango.html",
            {"refused": "個人番号を表示する権限がありません。"},
            status=403,
        )
    return TemplateResponse(
        request, "juminkiroku/person/_kojin_bango.html", {"kojin_bango": atena.kojin_bango}
    )


class AsOfForm(forms.Form):
    on = WarekiDateField(
        label="基準日",
        help_text="例: 令和6年1月1日、R6.1.1（西暦 2024/1/1 でも可）",
        widget=WarekiDateInput(attrs={"autofocus": True}),
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # the date is posted, nothing is written
@logs_reads(
    Reads(
        "setai",
        id_kwarg="pk",
        ids=lambda ctx: [m.atena_id for m in ctx["members"] if not m.masked],
        ids_key="atena_ids",
        count=lambda ctx: max(1, len(ctx["members"])),
        detail=lambda ctx: {"as_of": ctx["as_of"].isoformat()} if ctx["as_of"] else {},
        shown="members",
        screen="世帯照会",
    )
)
@require_http_methods(["GET", "POST"])
@never_cache
def setai_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        setai: Setai = setai_get(pk)
    except Setai.DoesNotExist as exc:
        raise Http404 from exc
    if setai_shokai_blocked(setai.pk):
        return _refuse(request, record_type="setai", record_id=pk)
    form = AsOfForm(request.POST if request.method == "POST" else None)
    as_of: date | None = None
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["on"]
    members = household_members_on(setai.pk, as_of) if as_of else household_members(setai.pk)
    return TemplateResponse(
        request,
        "juminkiroku/person/setai.html",
        {
            "setai": setai,
            "form": form,
            "as_of": as_of,
            "today": timezone.localdate(),
            "members": members,
            "removed": household_removed(setai.pk),
        },
    )


urlpatterns: list[URLPattern] = [
    path("persons/<int:pk>/", person_detail, name="jk_person"),
    path("persons/<int:pk>/kojin-bango/", person_kojin_bango, name="jk_person_kojin_bango"),
    path("setai/<int:pk>/", setai_detail, name="jk_setai"),
]
