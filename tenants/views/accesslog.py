from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.reads import no_personal_data
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.labels import WordBook
from tenants.models import RoleLevel
from tenants.modules.spec import PLATFORM


class AccessLogSearchForm(forms.Form):
    date_from = WarekiDateField(label="開始日", required=False)
    date_to = WarekiDateField(label="終了日", required=False)
    username = TextField(label="職員", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "すべて"), *AccessAction.choices]
    )
    record_type = TextField(label="対象の種類", required=False, max_length=50)
    record_id = TextField(label="対象ID", required=False, max_length=64)
    support_only = forms.BooleanField(label="応援職員の操作のみ", required=False)


@gyomu_view(PLATFORM, level=RoleLevel.ADMIN, write_level=RoleLevel.ADMIN)
# Staff names and record ids (never a resident's name or number): the audit trail itself.
@no_personal_data
@require_http_methods(["GET", "POST"])
def accesslog_search(request: HttpRequest) -> HttpResponse:
    """Searched by POST: a record id is personal context and must not enter URLs."""
    form = AccessLogSearchForm(request.POST or None)
    rows = AccessLog.objects.all()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            rows = rows.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(at__date__lte=data["date_to"])
        if data["username"]:
            rows = rows.filter(username=data["username"])
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["record_type"]:
            rows = rows.filter(record_type=data["record_type"])
        if data["record_id"]:
            rows = rows.filter(record_id=data["record_id"])
        if data["support_only"]:
            rows = rows.filter(is_support=True)
    page = Paginator(rows, 50).get_page(request.POST.get("page") or 1)
    book = WordBook()
    for row in page:
        row.words = book.access_row(row)  # type: ignore[attr-defined]
    return render(request, "tenants/accesslog/search.html", {"form": form, "page": page})
