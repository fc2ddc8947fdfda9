"""住所一括変更の仮処理 screen (標準仕様書 9.7): upload the CSV, see what would change.

Only the 仮処理 (the check list) is here; the 本処理 is not built (see
juminkiroku.selectors.ikkatsu). The list shows addresses and 本籍 of residents: the 宛名
listed are logged.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.selectors.ikkatsu import (
    HONSEKI_COLUMNS,
    JUSHO_COLUMNS,
    IkkatsuFileError,
    karishori_honseki,
    karishori_jusho,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads
from tenants.models import RoleLevel

MAX_BYTES = 5 * 1024 * 1024


class IkkatsuForm(forms.Form):
    kind = forms.ChoiceField(
        label="変更する項目",
        choices=[("jusho", "現住所（世帯番号ごと）"), ("honseki", "本籍（宛名番号ごと）")],
    )
    file = forms.FileField(label="変更前後を記載したCSVファイル")


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="住所一括変更（仮処理）", shown="rows"))
@require_http_methods(["GET", "POST"])
def ikkatsu_karishori(request: HttpRequest) -> HttpResponse:
    form = IkkatsuForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "jusho_columns": ",".join(JUSHO_COLUMNS),
        "honseki_columns": ",".join(HONSEKI_COLUMNS),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", "ファイルは5MBまでにしてください。")
        else:
            check = karishori_jusho if form.cleaned_data["kind"] == "jusho" else karishori_honseki
            try:
                rows = check(upload.read())
            except IkkatsuFileError as exc:
                form.add_error("file", str(exc))
            else:
                context["rows"] = rows
                context["taisho"] = sum(1 for r in rows if r.taisho)
                context["jogai"] = sum(1 for r in rows if not r.taisho)
                context["atena_ids"] = [i for r in rows for i in r.atena_ids]
                context["kind"] = form.cleaned_data["kind"]
    return TemplateResponse(request, "juminkiroku/jisho/ikkatsu.html", context)


urlpatterns = [
    path("jisho/ikkatsu/", ikkatsu_karishori, name="juminkiroku_ikkatsu"),
]
