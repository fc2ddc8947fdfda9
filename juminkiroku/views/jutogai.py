"""Staff screen: 住登外者の登録 (宛名・住登外管理)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import Sex
from juminkiroku.gyomu import ATENA_KANRI
from juminkiroku.services.ido import FIELD_LABELS, IdoError
from juminkiroku.services.jutogai import jutogai_register
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.models import RoleLevel
from tenants.wareki import parse_wareki

FIELDS = [
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "postal_code",
    "jusho",
    "banchi",
    "katagaki",
    "kojin_bango",
]


@gyomu_view(ATENA_KANRI, level=RoleLevel.WRITE)
@no_personal_data  # a blank form (or the clerk's own input shown back with errors)
@require_http_methods(["GET", "POST"])
def jutogai_new(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    values = (
        {n: request.POST.get(n, "").strip() for n in FIELDS} if request.method == "POST" else {}
    )
    if request.method == "POST":
        fields = {k: v for k, v in values.items() if v}
        if fields.get("birth_date"):
            try:
                fields["birth_date"] = parse_wareki(fields["birth_date"]).isoformat()
            except ValueError:
                errors.append("生年月日は 1980-05-05 か 昭和55年5月5日 の形で入力してください。")
        if not errors:
            try:
                atena = jutogai_register(fields=fields, actor=actor_from_request(request))
            except IdoError as exc:
                errors = [m for ms in exc.errors.values() for m in ms]
            else:
                messages.success(request, f"住登外者を登録しました（宛名番号 {atena.atena_no}）。")
                return redirect(f"/juminkiroku/persons/{atena.pk}/")
    return render(
        request,
        "juminkiroku/jutogai/new.html",
        {
            "fields": [(n, FIELD_LABELS[n]) for n in FIELDS],
            "values": values,
            "errors": errors,
            "sexes": Sex.choices,
        },
    )


urlpatterns = [path("jutogai/new/", jutogai_new, name="jk_jutogai_new")]
