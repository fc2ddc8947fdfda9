"""Staff screens: アクセスログ点検帳票 (標準仕様書 10.2), for the 住民記録 administrator.

The period and thresholds are POSTed; the result is shown or downloaded as CSV. Viewing a
report is itself logged (the rows name staff, not residents).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.selectors import reports as sel
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.holidays import covered_years
from tenants.labels import WordBook
from tenants.models import RoleLevel

PAGE_SIZE = 100

REPORTS = [
    ("off_hours", "時間外・休日（土日祝）の操作"),
    ("failed_logins", "ログイン失敗"),
    ("bursts", "大量照会（短時間の多数照会）"),
    ("large_results", "大量照会（1回の検索・抽出の件数が多いもの）"),
    ("by_atena_no", "宛名番号による検索"),
]
REPORT_LABELS = dict(REPORTS)


class ReportForm(forms.Form):
    report = forms.ChoiceField(label="帳票", choices=REPORTS)
    date_from = WarekiDateField(
        label="開始日", help_text=wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
    )
    date_to = WarekiDateField(label="終了日")
    night_start = forms.IntegerField(
        label="時間外の開始（時）", min_value=0, max_value=23, initial=sel.NIGHT_START_HOUR
    )
    night_end = forms.IntegerField(
        label="時間外の終了（時）", min_value=0, max_value=23, initial=sel.NIGHT_END_HOUR
    )
    mass_count = forms.IntegerField(
        label="大量照会：件数（この件数を超えたもの）", min_value=1, initial=sel.MASS_COUNT
    )
    mass_minutes = forms.IntegerField(
        label="大量照会：時間（分）", min_value=1, max_value=1440, initial=sel.MASS_MINUTES
    )
    mass_records = forms.IntegerField(
        label="1回の検索・抽出の件数（この件数を超えたもの）",
        min_value=1,
        initial=sel.MASS_RECORDS,
    )
    encoding = CsvEncodingField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError("終了日は開始日以降の日付を入力してください。")
            years = covered_years()
            if start.year not in years or end.year not in years:
                raise forms.ValidationError(
                    f"期間は{years.start}年から{years.stop - 1}年までの範囲で指定してください"
                    "（祝日データの範囲）。"
                )
        return data


def _log_rows(rows: list[AccessLog]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "日時",
        "職員",
        "APIシステム",
        "応援",
        "操作",
        "業務",
        "画面・機能",
        "対象",
        "件数",
        "接続元",
        "端末",
    ]
    book = WordBook()  # a report for people: 業務, screens and record types as words
    body = [
        [
            timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
            book.actor(r.username) if r.username else "",
            r.api_client,
            "応援" if r.is_support else "",
            r.get_action_display(),
            book.word(r.gyomu),
            book.word(r.screen),
            f"{book.word(r.record_type)} {r.record_id}".strip(),
            r.record_count,
            r.ip_address or "",
            r.terminal,
        ]
        for r in rows
    ]
    return header, body


@gyomu_view(JUMINKIROKU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@logs_reads(
    Reads(
        "accesslog",
        action=AccessAction.SEARCH,
        shown="searched",
        count="count",
        detail=lambda ctx: {
            "report": ctx["kind"],
            "date_from": ctx["start"].isoformat(),
            "date_to": ctx["end"].isoformat(),
        },
        screen="アクセスログ点検帳票",
    )
)
@require_http_methods(["GET", "POST"])
def accesslog_reports(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = ReportForm(
        request.POST or None,
        initial={"date_from": today.replace(day=1), "date_to": today, "report": "off_hours"},
    )
    form.fields["report"].widget.attrs["autofocus"] = True
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind: str = data["report"]
        start: date = data["date_from"]
        end: date = data["date_to"]
        want_csv = "csv" in request.POST
        if kind == "bursts":
            bursts = sel.bursts(start, end, count=data["mass_count"], minutes=data["mass_minutes"])
            count = len(bursts)
            header = [
                "職員・APIシステム",
                "API",
                "最大件数（時間内）",
                "その時間帯の終わり",
                "期間中の照会件数",
            ]
            body: list[list[Any]] = [
                [
                    b.who,
                    "API" if b.is_api else "",
                    b.peak,
                    timezone.localtime(b.window_end).strftime("%Y-%m-%d %H:%M:%S"),
                    b.total,
                ]
                for b in bursts
            ]
            context.update(bursts=bursts)
        else:
            if kind == "off_hours":
                qs = sel.off_hours(
                    start, end, night_start=data["night_start"], night_end=data["night_end"]
                )
            elif kind == "failed_logins":
                qs = sel.failed_logins(start, end)
            elif kind == "large_results":
                qs = sel.large_results(start, end, records=data["mass_records"])
            else:
                qs = sel.by_atena_no(start, end)
            if want_csv:
                rows = list(qs)
                count = len(rows)
                header, body = _log_rows(rows)
            else:
                page = Paginator(qs, PAGE_SIZE).get_page(request.POST.get("page") or 1)
                count = page.paginator.count
                book = WordBook()
                for row in page:
                    row.words = book.access_row(row)  # type: ignore[attr-defined]
                context.update(page=page)
        if want_csv:
            access_note(
                request,
                action=AccessAction.EXPORT,
                count=count,
                detail={"report": kind, "date_from": start.isoformat(), "date_to": end.isoformat()},
            )
            response = form_csv_response(
                form, f"accesslog_{kind}_{start:%Y%m%d}_{end:%Y%m%d}.csv", header, body
            )
            if response is not None:
                return response
            # refused (a character Shift_JIS cannot hold): the form comes back, a search
            access_note(request, action=AccessAction.SEARCH)
        context.update(
            searched=True, kind=kind, title=REPORT_LABELS[kind], count=count, start=start, end=end
        )
    return TemplateResponse(request, "juminkiroku/reports/accesslog.html", context)


urlpatterns = [
    path("reports/", accesslog_reports, name="juminkiroku_accesslog_reports"),
]
