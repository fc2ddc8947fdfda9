"""生活保護 screens for 窓口払 and 追給 (SH-17), mounted beside the case screens at
/fukushi/seikatsu-hogo/ (fukushi/urls.py).

The same wall as every case screen (fukushi.views.seiho): without the grant 404 (whether the
case or run exists or not); a case or run opens only after the 利用目的 was entered and every
read (screen, PDF, CSV, 全銀協 file) writes the access-log row with it; naming a 窓口払,
making the 追給 and recording a 受領 need the 業務's 更新 role.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import JuryoSha, SeihoMadoguchi, SeihoShikyu
from fukushi.printjobs_seiho_madoguchi import HEADER, madoguchi_render, table_rows
from fukushi.services.seiho import SeihoRefused
from fukushi.services.seiho_madoguchi import (
    juryo_kiroku,
    madoguchi_rows,
    madoguchi_shitei,
    tsuikyu_furikomi_file,
    tsuikyu_make,
)
from fukushi.views.furikomi import furikomi_response
from fukushi.views.seiho import DATE_HELP, PURPOSE, _can_write, _case, _need_mokuteki, _wall
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import RoleLevel

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"


class MadoguchiForm(forms.Form):
    month = WarekiDateField(label="窓口払とする月（その月の1日）", help_text=DATE_HELP)
    riyu = TextField(label="窓口払とする理由", max_length=200)


class JuryoForm(forms.Form):
    juryo_date = WarekiDateField(label="受領日", help_text=DATE_HELP)
    juryo_sha = forms.ChoiceField(label="受領した方", choices=JuryoSha.choices)


class TsuikyuForm(forms.Form):
    shikyu_date = WarekiDateField(label="追給の支給日", help_text=DATE_HELP)


def _run(request: HttpRequest, pk: int) -> SeihoShikyu:
    _wall(request)
    run = SeihoShikyu.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("ページが見つかりません。")
    return run


# --- a case's 窓口払 months -------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_madoguchi"))
@require_http_methods(["GET", "POST"])
def case_madoguchi(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    form = MadoguchiForm(
        request.POST or None, initial={"month": timezone.localdate().replace(day=1)}
    )
    if request.method == "POST":
        if not _can_write(request):
            raise Http404("ページが見つかりません。")
        if form.is_valid():
            try:
                madoguchi_shitei(
                    case_id=case.pk,
                    month=form.cleaned_data["month"],
                    riyu=form.cleaned_data["riyu"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "窓口払に指定しました。")
                return redirect("fukushi_seiho_case_madoguchi", pk=case.pk)
        else:
            message_form_errors(request, form)
    rows = list(SeihoMadoguchi.objects.filter(case=case).order_by("-month"))
    access_note(request, purpose=PURPOSE.get(request, f"case:{pk}"))
    return TemplateResponse(
        request,
        "fukushi/seiho/case_madoguchi.html",
        {"case": case, "rows": rows, "form": form, "can_write": _can_write(request)},
    )


# --- a run's 窓口払 一覧 and 受領 -------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, ids="case_ids[]", shown="run", screen="fukushi.seiho_madoguchi"))
@require_GET
def ichiran(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    rows = madoguchi_rows(run)
    access_note(request, purpose=PURPOSE.get(request, f"shikyu:{pk}"))
    return TemplateResponse(
        request,
        "fukushi/seiho/madoguchi.html",
        {
            "run": run,
            "rows": rows,
            "table": list(zip(rows, table_rows(rows), strict=True)),
            "case_ids": sorted({r.case_id for r in rows}),
            "juryo_form": JuryoForm(initial={"juryo_date": timezone.localdate()}),
            "can_write": _can_write(request),
        },
    )


def _export_note(request: HttpRequest, run: SeihoShikyu, case_ids: list[int]) -> None:
    access_note(
        request,
        purpose=PURPOSE.get(request, f"shikyu:{run.pk}"),
        ids=case_ids,
        count=len(case_ids),
        detail={"shikyu_id": run.pk},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, shown="run", screen="fukushi.seiho_madoguchi")
)
@require_GET
def ichiran_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    rows = madoguchi_rows(run)
    if not rows:
        messages.error(request, "窓口払の支給はありません。")
        return redirect("fukushi_seiho_madoguchi", pk=pk)
    pdf = madoguchi_render(run.month, rows, timezone.localdate())
    _export_note(request, run, sorted({r.case_id for r in rows}))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="seiho_madoguchi_{run.month:%Y%m}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.EXPORT, shown="run", screen="fukushi.seiho_madoguchi")
)
@require_GET
def ichiran_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    rows = madoguchi_rows(run)
    _export_note(request, run, sorted({r.case_id for r in rows}))
    return csv_response(f"seiho_madoguchi_{run.month:%Y%m}.csv", HEADER[:-1], table_rows(rows))


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, shown="run", screen="fukushi.seiho_madoguchi"))
@require_POST
def juryo(request: HttpRequest, pk: int, kind: str, rid: int) -> HttpResponse:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    if kind not in ("line", "tsuikyu"):
        raise Http404("ページが見つかりません。")
    form = JuryoForm(request.POST)
    if form.is_valid():
        try:
            row = juryo_kiroku(
                run=run,
                kind=kind,
                pk=rid,
                juryo_date=form.cleaned_data["juryo_date"],
                juryo_sha=form.cleaned_data["juryo_sha"],
                actor=actor_from_request(request),
            )
        except SeihoRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"ケース{row.case_no}の受領を記録しました。")
            access_note(request, purpose=PURPOSE.get(request, f"shikyu:{pk}"), ids=[row.case_id])
    else:
        message_form_errors(request, form)
    return redirect("fukushi_seiho_madoguchi", pk=pk)


# --- 追給 ----------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, ids="case_ids[]", shown="run", screen="fukushi.seiho_tsuikyu"))
@require_http_methods(["GET", "POST"])
def tsuikyu(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    form = TsuikyuForm(request.POST or None, initial={"shikyu_date": timezone.localdate()})
    if request.method == "POST":
        if not _can_write(request):
            raise Http404("ページが見つかりません。")
        if form.is_valid():
            try:
                made = tsuikyu_make(
                    run=run,
                    shikyu_date=form.cleaned_data["shikyu_date"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                messages.error(request, exc.message)
            else:
                if made:
                    messages.success(request, f"追給を{len(made)}件作成しました。")
                else:
                    messages.info(
                        request, "新しい追給はありません（作成済みの追給は二度払いません）。"
                    )
                return redirect("fukushi_seiho_tsuikyu", pk=pk)
        else:
            message_form_errors(request, form)
    rows = list(
        run.tsuikyus.select_related("case", "kettei").order_by("shikyu_date", "case__case_no")
    )
    dates = sorted({t.shikyu_date for t in rows if t.furikomi})
    access_note(request, purpose=PURPOSE.get(request, f"shikyu:{pk}"))
    return TemplateResponse(
        request,
        "fukushi/seiho/tsuikyu.html",
        {
            "run": run,
            "rows": rows,
            "dates": dates,
            "case_ids": sorted({t.case_id for t in rows}),
            "form": form,
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.EXPORT, shown="run", screen="fukushi.seiho_tsuikyu")
)
@require_GET
def tsuikyu_furikomi(request: HttpRequest, pk: int, on: str) -> HttpResponse:
    run = _run(request, pk)
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    try:
        day = date.fromisoformat(on)
    except ValueError as exc:
        raise Http404("ページが見つかりません。") from exc
    try:
        data, case_ids = tsuikyu_furikomi_file(run, day)
    except SeihoRefused as exc:
        messages.error(request, exc.message)
        return redirect("fukushi_seiho_tsuikyu", pk=pk)
    _export_note(request, run, case_ids)
    return furikomi_response(data, f"seiho_tsuikyu_{run.month:%Y%m}_{day:%Y%m%d}.txt")


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/madoguchi/", case_madoguchi, name="fukushi_seiho_case_madoguchi"),
    path("shikyu/<int:pk>/madoguchi/", ichiran, name="fukushi_seiho_madoguchi"),
    path("shikyu/<int:pk>/madoguchi.pdf", ichiran_pdf, name="fukushi_seiho_madoguchi_pdf"),
    path("shikyu/<int:pk>/madoguchi.csv", ichiran_csv, name="fukushi_seiho_madoguchi_csv"),
    path(
        "shikyu/<int:pk>/madoguchi/<str:kind>/<int:rid>/juryo/",
        juryo,
        name="fukushi_seiho_juryo",
    ),
    path("shikyu/<int:pk>/tsuikyu/", tsuikyu, name="fukushi_seiho_tsuikyu"),
    path(
        "shikyu/<int:pk>/tsuikyu/furikomi/<str:on>/",
        tsuikyu_furikomi,
        name="fukushi_seiho_tsuikyu_furikomi",
    ),
]
