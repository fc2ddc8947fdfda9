"""Staff screen: 人口動態 (標準仕様書 6.1), the 転入・転出・出生・死亡 counts of a period.

The period is POSTed like the 人口統計 criteria; the counts name no person and are logged
as a read (or an 抽出 for the CSV) of that period's statistics.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.selectors.dotai import dotai_between
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel


class DotaiForm(forms.Form):
    start = WarekiDateField(
        label="集計期間の初日", help_text=wareki_help("令和6年1月1日", "R6.1.1", "2024/1/1")
    )
    end = WarekiDateField(
        label="集計期間の末日", help_text=wareki_help("令和6年12月31日", "R6.12.31", "2024/12/31")
    )
    encoding = CsvEncodingField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "集計期間の末日は初日以後の日にしてください。")
        return data


def _period(ctx: dict[str, Any]) -> str:
    return f"{ctx['start'].isoformat()}..{ctx['end'].isoformat()}"


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    # Counts by 異動事由, 住民種別 and sex: no person, logged as a read of the period.
    Reads("jinko_dotai", record_id=_period, shown="tables", screen="人口動態")
)
@require_http_methods(["GET", "POST"])
def dotai(request: HttpRequest) -> HttpResponseBase:
    form = DotaiForm(request.POST or None)
    form.fields["start"].widget.attrs["autofocus"] = True
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        tables = dotai_between(start, end)
        if "csv" in request.POST:
            access_note(
                request,
                action=AccessAction.EXPORT,
                record_id=_period({"start": start, "end": end}),
            )
            rows = [[t.label, r.label, r.male, r.female, r.total] for t in tables for r in t.rows]
            response = form_csv_response(
                form,
                f"jinko_dotai_{start:%Y%m%d}_{end:%Y%m%d}.csv",
                ["住民種別", "区分", "男", "女", "計"],
                rows,
            )
            if response is not None:
                return response
        context.update(start=start, end=end, tables=tables)
    return TemplateResponse(request, "juminkiroku/rosters/dotai.html", context)


urlpatterns = [path("tokei/dotai/", dotai, name="juminkiroku_dotai")]
