"""国保 資格 screens: 被保険者の一覧 and search, a person's 資格 with the 届出 (社会保険の
加入・離脱, 生活保護の開始・廃止), the household's 資格 and history, the 資格確認書 /
資格情報のお知らせ: the person's issues and returns (issued one at a time from here,
``kokuho.views.kofu``) and the mass print.

A person is looked up by 宛名番号 in a POST body (never in a URL); paths carry internal
ids. Every screen that shows a person writes its access-log row (``logs_reads``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.public import atena_resolve, person_identities, person_identity, residents_among
from kokuho.forms.shikaku import FORM_LABELS, FORMS
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import Seiho, Shaho, ShikakuKofu
from kokuho.printjobs import ShikakuPrint
from kokuho.rules.shikaku import ShikakuParameters, sokyu_days, todoke_late
from kokuho.selectors.setai import periods_of, periods_on, rireki_of, setai_on
from kokuho.services.todoke import (
    TodokeRefused,
    seiho_haishi,
    seiho_kaishi,
    shaho_kanyu_todoke,
    shaho_ridatsu_todoke,
)
from kokuho.views.kofu import HenkanForm, KofuIssueForm, kofu_rows
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = KOKUHO_SHIKAKU
RECORD_TYPE = "kokuho.Shikaku"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class ShahoForm(forms.Form):
    kind = forms.ChoiceField(
        label="届出の種類",
        choices=[
            ("kanyu", "社会保険に加入した（国保をやめる）"),
            ("ridatsu", "社会保険をやめた（国保に入る）"),
        ],
        widget=forms.RadioSelect,
    )
    jiyu_date = WarekiDateField(
        label="社会保険の加入日・離脱日",
        help_text="加入日は新しい保険の資格取得日、離脱日は前の保険の資格喪失日。" + DATE_HELP,
    )
    todoke_date = WarekiDateField(label="届出日", help_text=DATE_HELP)


class SeihoForm(forms.Form):
    kind = forms.ChoiceField(
        label="生活保護",
        choices=[("kaishi", "保護開始（国保をやめる）"), ("haishi", "保護廃止（国保に入る）")],
        widget=forms.RadioSelect,
    )
    jiyu_date = WarekiDateField(label="保護開始日・廃止日", help_text=DATE_HELP)


class PrintForm(forms.Form):
    form = forms.ChoiceField(
        label="帳票", choices=[(f, FORM_LABELS[f]) for f in FORMS], widget=forms.RadioSelect
    )
    kofu_date = WarekiDateField(
        label="交付年月日（この日に資格がある方を印刷）", help_text=DATE_HELP
    )
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


# --- 被保険者の一覧 and the lookup --------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="page.object_list[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number},
        screen="kokuho.hihokensha_list",
    )
)
@require_http_methods(["GET", "POST"])
def hihokensha_list(request: HttpRequest) -> HttpResponse:
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        # By 宛名番号 in the body, so the number never sits in a URL.
        found = atena_resolve(lookup.cleaned_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        else:
            if found.message:
                messages.warning(request, found.message)
            return redirect("kokuho_person", pk=found.atena_id)
    today = timezone.localdate()
    page = Paginator(periods_on(today).order_by("atena_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    persons = person_identities(s.atena_id for s in rows)
    return TemplateResponse(
        request,
        "kokuho/hihokensha_list.html",
        {
            "page": page,
            "rows": [(s, persons.get(s.atena_id)) for s in rows],
            "today": today,
            "lookup": lookup,
            "can_write": _can_write(request),
        },
    )


# --- one person: 資格, 届出 ---------------------------------------------------------------


def _person_context(atena_id: int) -> dict[str, Any]:
    person = person_identity(atena_id)
    if person is None:
        raise Http404("その方は見つかりません。")
    today = timezone.localdate()
    resident = residents_among([atena_id], today).get(atena_id)
    periods = periods_of([atena_id])
    params = ShikakuParameters.for_date(today)
    todoke = [
        {
            "period": s,
            "sokyu": sokyu_days(s.shutoku_date, s.todoke_date),
            "late": todoke_late(s.shutoku_date, s.todoke_date, params),
        }
        for s in periods
        if s.todoke_date
    ]
    return {
        "person": person,
        "atena_id": atena_id,
        "setai_id": resident.setai_id if resident else None,
        "periods": periods,
        "todoke": todoke,
        "rireki": rireki_of([atena_id]),
        "shaho": list(Shaho.objects.filter(atena_id=atena_id).order_by("-kanyu_date")),
        "seiho": list(Seiho.objects.filter(atena_id=atena_id).order_by("-kaishi_date")),
        "kofu": kofu_rows(
            list(ShikakuKofu.objects.filter(atena_id=atena_id).order_by("-kofu_date", "-id"))
        ),
    }


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="kokuho.person"))
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _person_context(pk)
    ctx.update(
        {
            "shaho_form": ShahoForm(),
            "seiho_form": SeihoForm(),
            "kofu_form": KofuIssueForm(initial={"kofu_date": timezone.localdate()}),
            "henkan_form": HenkanForm(initial={"henkan_date": timezone.localdate()}),
            "can_write": _can_write(request),
        }
    )
    return TemplateResponse(request, "kokuho/person.html", ctx)


def _refused(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_shaho(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = ShahoForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_person", pk=pk)
    data = form.cleaned_data
    service = shaho_kanyu_todoke if data["kind"] == "kanyu" else shaho_ridatsu_todoke
    key = "kanyu_date" if data["kind"] == "kanyu" else "ridatsu_date"
    try:
        service(
            atena_id=pk,
            todoke_date=data["todoke_date"],
            actor=actor_from_request(request),
            **{key: data["jiyu_date"]},
        )
    except TodokeRefused as exc:
        messages.error(request, str(exc))
    else:
        days = sokyu_days(data["jiyu_date"], data["todoke_date"])
        messages.success(
            request,
            "届出を登録しました。"
            + (f"事由の日から{days}日後の届出のため、遡って適用しました。" if days else ""),
        )
    return redirect("kokuho_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def todoke_seiho(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = SeihoForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("kokuho_person", pk=pk)
    data = form.cleaned_data
    actor = actor_from_request(request)
    try:
        if data["kind"] == "kaishi":
            seiho_kaishi(atena_id=pk, kaishi_date=data["jiyu_date"], actor=actor)
        else:
            seiho_haishi(atena_id=pk, haishi_date=data["jiyu_date"], actor=actor)
    except TodokeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "生活保護の開始・廃止を登録しました。")
    return redirect("kokuho_person", pk=pk)


# --- the household ----------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("setai", id_kwarg="pk", screen="kokuho.setai"))
@require_GET
def setai(request: HttpRequest, pk: int) -> HttpResponse:
    setai_id = pk
    today = timezone.localdate()
    s = setai_on(setai_id, today)
    if not s.members:
        raise Http404("その世帯はありません。")
    ids = [m.atena_id for m in s.members]
    return TemplateResponse(
        request,
        "kokuho/setai.html",
        {
            "setai": s,
            "setai_id": setai_id,
            "member_ids": ids,
            "today": today,
            "periods": periods_of(ids),
            "names": {m.atena_id: m.person.shimei if m.person else "" for m in s.members},
            "rireki": rireki_of(ids),
        },
    )


# --- 資格確認書 / 資格情報のお知らせ -------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts the print job (which logs each chunk's 宛名)
@require_http_methods(["GET", "POST"])
def print_start(request: HttpRequest) -> HttpResponse:
    form = PrintForm(request.POST or None, initial={"kofu_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_start(
                kind=ShikakuPrint.code,
                params={
                    "form": data["form"],
                    "kofu_date": data["kofu_date"].isoformat(),
                    "print_data_encoding": data["print_data_encoding"],
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    return TemplateResponse(request, "kokuho/print.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path("", hihokensha_list, name="kokuho_hihokensha_list"),
    path("person/<int:pk>/", person, name="kokuho_person"),
    path("person/<int:pk>/shaho/", todoke_shaho, name="kokuho_todoke_shaho"),
    path("person/<int:pk>/seiho/", todoke_seiho, name="kokuho_todoke_seiho"),
    path("setai/<int:pk>/", setai, name="kokuho_setai"),
    path("print/", print_start, name="kokuho_print"),
]
