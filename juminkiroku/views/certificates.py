"""Staff screens: 証明書の発行 (住民票の写し・除票の写し) and 交付履歴 with 処分.

The person is picked by 宛名番号 typed into a POST form, never by a URL; the PDF comes
back inline under a name made of the 発行番号 only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import AtenaKubun, JuminJotai, Seikyusha, ShomeiKind, ShomeiLayout
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena
from juminkiroku.selectors.kofu import kofu_search
from juminkiroku.services.shomei import (
    MAX_COPIES,
    ShomeiError,
    shomei_issue,
    shomei_precheck,
    shomei_void,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, WarekiDateInput
from tenants.models import RoleLevel
from tenants.text import text_errors, text_problem
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU
ISSUE_KINDS = [(ShomeiKind.JUMINHYO.value, "住民票の写し"), (ShomeiKind.JOHYO.value, "除票の写し")]


class ShomeiForm(forms.Form):
    atena_no = TextField(
        label="宛名番号",
        max_length=10,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label="証明書", choices=ISSUE_KINDS, initial=ShomeiKind.JUMINHYO)
    layout = forms.ChoiceField(
        label="様式",
        choices=ShomeiLayout.choices,
        initial=ShomeiLayout.RENKI,
        widget=forms.RadioSelect,
    )
    setainushi = forms.BooleanField(label="世帯主・続柄", required=False)
    honseki = forms.BooleanField(label="本籍・筆頭者", required=False)
    juminhyo_code = forms.BooleanField(label="住民票コード", required=False)
    kojin_bango = forms.BooleanField(label="個人番号", required=False)
    rireki = forms.BooleanField(label="履歴（異動の経過）", required=False)
    copies = forms.IntegerField(label="通数", min_value=1, max_value=MAX_COPIES, initial=1)
    seikyusha = forms.ChoiceField(label="請求者", choices=Seikyusha.choices)
    confirm = forms.BooleanField(label="注意事項を確認しました", required=False)

    ITEM_FIELDS = ("setainushi", "honseki", "juminhyo_code", "kojin_bango", "rireki")

    def items(self) -> dict[str, bool]:
        return {k: bool(self.cleaned_data.get(k)) for k in self.ITEM_FIELDS}


def _members_of(person: Atena) -> list[Atena]:
    """The person's household (residents) when they live here; else only the person."""
    if (
        person.setai_id is None
        or person.kubun != AtenaKubun.JUTOSHA
        or person.jotai != JuminJotai.JUMIN
    ):
        return [person]
    return list(
        Atena.objects.filter(
            setai_id=person.setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
        ).order_by("setai_order", "id")
    )


def pdf_response(pdf: bytes, hakko_no: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shomei_{hakko_no}.pdf"'
    response["X-Hakko-No"] = hakko_no
    response["Cache-Control"] = "no-store"
    return response


@checks_own_text  # TextField form; 宛名番号 checked before the lookup
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(
    # The household shown to pick whom to certify; the PDF itself is logged by
    # shomei_issue (印刷).
    Reads(
        "atena",
        record_id="person.pk",
        ids="members[].pk",
        shown="person",
        screen="証明書発行（対象者の確認）",
    )
)
@require_http_methods(["GET", "POST"])
def shomei_issue_view(request: HttpRequest) -> HttpResponse:
    """Step 1: 宛名番号 → the household's members. Step 2 (button 発行): the PDF."""
    form = ShomeiForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "members": [], "chosen": set()}
    if request.method != "POST":
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    atena_no = request.POST.get("atena_no", "").strip()
    if text_problem(atena_no, label="宛名番号") is not None:
        form.is_valid()  # the field says why, by name
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    person = Atena.objects.filter(atena_no=atena_no).first() if atena_no else None
    if person is None:
        form.is_valid()
        form.add_error("atena_no", "この宛名番号の方は見つかりません。")
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    members = _members_of(person)
    context["members"] = members
    context["person"] = person
    if "issue" not in request.POST:
        context["form"] = ShomeiForm(initial={"atena_no": atena_no})
        context["chosen"] = {m.pk for m in members}
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    chosen = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    context["chosen"] = set(chosen)
    member_ids = [m.pk for m in members]
    if not form.is_valid():
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    if not chosen or not set(chosen) <= set(member_ids):
        context["error"] = "証明する方を世帯員の中から選んでください。"
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    data = form.cleaned_data
    whole = person.setai_id is not None and sorted(chosen) == sorted(member_ids)
    args: dict[str, Any] = {
        "kind": data["kind"],
        "atena_ids": chosen,
        "setai_id": person.setai_id if whole and data["kind"] == ShomeiKind.JUMINHYO else None,
    }
    try:
        check = shomei_precheck(seikyusha=data["seikyusha"], **args)
        if check.warnings and not data["confirm"]:
            context["warnings"] = check.warnings
            return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
        kofu, pdf = shomei_issue(
            layout=data["layout"],
            items=form.items(),
            copies=data["copies"],
            seikyusha=data["seikyusha"],
            actor=actor_from_request(request),
            **args,
        )
    except ShomeiError as exc:
        context["error"] = str(exc)
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    return pdf_response(pdf, kofu.hakko_no)


class KofuSearchForm(forms.Form):
    date_from = WarekiDateField(
        label="発行日（から）", required=False, widget=WarekiDateInput(attrs={"autofocus": True})
    )
    date_to = WarekiDateField(label="発行日（まで）", required=False)
    hakko_no = TextField(label="発行番号", required=False, max_length=20)
    atena_no = TextField(label="宛名番号", required=False, max_length=10)
    kind = forms.ChoiceField(
        label="証明書", required=False, choices=[("", "すべて"), *ShomeiKind.choices]
    )


@checks_own_text  # TextField form
@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", action=AccessAction.SEARCH, ids="searched_atena_id", screen="証明書交付履歴")
)
@require_http_methods(["GET", "POST"])
def kofu_history(request: HttpRequest) -> HttpResponse:
    """交付履歴. Searched by POST (a 宛名番号 must not enter a URL)."""
    form = KofuSearchForm(request.POST or None)
    rows = kofu_search()
    searched_atena_id: int | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        atena_id: int | None = None
        if data["atena_no"]:
            found = Atena.objects.filter(atena_no=data["atena_no"].strip()).first()
            atena_id = found.pk if found is not None else -1
        rows = kofu_search(
            date_from=data["date_from"],
            date_to=data["date_to"],
            hakko_no=data["hakko_no"],
            atena_id=atena_id,
            kind=data["kind"],
        )
        if atena_id is not None and atena_id > 0:
            searched_atena_id = atena_id
    page = Paginator(rows, 50).get_page(request.POST.get("page") or 1)
    can_void = getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE
    return TemplateResponse(
        request,
        "juminkiroku/certificates/history.html",
        {
            "form": form,
            "page": page,
            "can_void": can_void,
            "searched_atena_id": searched_atena_id,
        },
    )


@checks_own_text  # text_errors
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # shomei_void logs the 処分, then redirects
@require_POST
def kofu_void(request: HttpRequest, pk: int) -> HttpResponse:
    refused = text_errors(request.POST, label={"reason": "処分の理由"})
    if refused:
        for msgs in refused.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect("juminkiroku_kofu_history")
    try:
        kofu = shomei_void(
            kofu_id=pk, reason=request.POST.get("reason", ""), actor=actor_from_request(request)
        )
    except ShomeiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"発行番号 {kofu.hakko_no} を処分しました。")
    return redirect("juminkiroku_kofu_history")


urlpatterns: list[URLPattern] = [
    path("shomei/", shomei_issue_view, name="juminkiroku_shomei_issue"),
    path("kofu/", kofu_history, name="juminkiroku_kofu_history"),
    path("kofu/<int:pk>/void/", kofu_void, name="juminkiroku_kofu_void"),
]
