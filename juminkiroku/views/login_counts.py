"""Staff screen: ID別ログイン数一覧 (標準仕様書 10.2), for the 住民記録 administrator, beside
the アクセスログ点検帳票 (juminkiroku.views.reports). The rows name staff, not residents;
viewing or downloading it is logged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.selectors.login_counts import login_counts
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.labels import WordBook
from tenants.models import RoleLevel


class LoginCountForm(forms.Form):
    date_from = WarekiDateField(
        label="開始日", help_text=wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
    )
    date_to = WarekiDateField(label="終了日")
    encoding = CsvEncodingField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("終了日は開始日以降の日付を入力してください。")
        return data


def _period(ctx: dict[str, Any]) -> dict[str, str]:
    return {"date_from": ctx["start"].isoformat(), "date_to": ctx["end"].isoformat()}


@gyomu_view(JUMINKIROKU, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
@logs_reads(
    Reads(
        "accesslog",
        action=AccessAction.SEARCH,
        shown="rows",
        count=lambda ctx: len(ctx["rows"]),
        detail=lambda ctx: {"report": "login_counts", **_period(ctx)},
        screen="ID別ログイン数一覧",
    )
)
@require_http_methods(["GET", "POST"])
def login_count_list(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = LoginCountForm(
        request.POST or None, initial={"date_from": today.replace(day=1), "date_to": today}
    )
    form.fields["date_from"].widget.attrs["autofocus"] = True
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        rows = login_counts(start, end)
        book = WordBook()
        if "csv" in request.POST:
            access_note(
                request,
                action=AccessAction.EXPORT,
                count=len(rows),
                detail={"report": "login_counts", **_period({"start": start, "end": end})},
            )
            response = form_csv_response(
                form,
                f"login_counts_{start:%Y%m%d}_{end:%Y%m%d}.csv",
                ["職員", "ログイン数", "ログイン失敗数", "最終ログイン日時"],
                (
                    [
                        book.actor(r.username) if r.username else "（該当する職員なし）",
                        r.logins,
                        r.failures,
                        timezone.localtime(r.last_login).strftime("%Y-%m-%d %H:%M:%S")
                        if r.last_login
                        else "",
                    ]
                    for r in rows
                ),
            )
            if response is not None:
                return response
        context.update(start=start, end=end, rows=rows, searched=True)
    return TemplateResponse(request, "juminkiroku/reports/login_counts.html", context)


urlpatterns = [
    path("reports/logins/", login_count_list, name="juminkiroku_login_counts"),
]
