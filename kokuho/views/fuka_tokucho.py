"""国保税 特別徴収: the import of the 特別徴収対象者の通知 (kokuho.services.tokucho_taisho),
the 特別徴収依頼の通知 to the pension insurers and the import of the notices that come back
(依頼処理結果・特別徴収結果・各種異動), kokuho.services.tokucho_kekka; the 一括判定 list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import TokuchoFile
from kokuho.services.tokucho_kekka import (
    TokuchoKekkaRefused,
    tokucho_irai_csv,
    tokucho_kekka_import,
)
from kokuho.services.tokucho_taisho import (
    IkkatsuPage,
    TaishoRefused,
    kirikae_koho,
    tokucho_ikkatsu,
    tokucho_ikkatsu_kirikae,
    tokucho_taisho_import,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import CsvEncodingError, content_type
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.nenkin_tokucho import MAX_UPLOAD_BYTES, TokuchoKekkaForm
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.nenkin_tokucho import NoticeKind


class IraiForm(forms.Form):
    fiscal_year = NendoField()
    encoding = CsvEncodingField(label="文字コード")


class TaishoForm(forms.Form):
    fiscal_year = NendoField()
    file = forms.FileField(label="特別徴収対象者の通知のファイル（CSV、当社定義の様式）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（50MBまで）。")
        return f


class IkkatsuForm(forms.Form):
    fiscal_year = NendoField()
    page = forms.IntegerField(label="ページ", min_value=1, max_value=100_000, required=False)


class KirikaeForm(forms.Form):
    """「特別徴収に切り替える」: the 年度, the 賦課 the confirmation listed, and the day."""

    fiscal_year = NendoField(widget=forms.HiddenInput)
    fuka_ids = TextField(
        widget=forms.HiddenInput,
        max_length=2_000_000,
        validators=[
            RegexValidator(r"^[0-9]+(,[0-9]+)*$", "確認した世帯の一覧が正しくありません。")
        ],
    )
    tekiyo_date = WarekiDateField(
        label="期別を切り替える日（空欄は今日）",
        required=False,
        help_text=wareki_help("令和7年7月1日", "R7.7.1", "2025/7/1"),
    )

    def clean_fuka_ids(self) -> set[int]:
        return {int(x) for x in self.cleaned_data["fuka_ids"].split(",")}


@gyomu_view(KOKUHO_FUKA, level=RoleLevel.WRITE)
@no_personal_data  # lines are reported by number, field and reason; the export logs its persons
@require_http_methods(["GET", "POST"])
def fuka_tokucho_kekka(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    fy_now = today.year if today.month >= 4 else today.year - 1
    action = request.POST.get("action", "")
    irai = IraiForm(request.POST if action == "irai" else None, initial={"fiscal_year": fy_now})
    form = TokuchoKekkaForm(
        request.POST if action == "kekka" else None,
        request.FILES if action == "kekka" else None,
        initial={"fiscal_year": fy_now, "kind": NoticeKind.IRAI_KEKKA.value},
    )
    actor = actor_from_request(request)
    if action == "irai" and irai.is_valid():
        fy = irai.cleaned_data["fiscal_year"]
        try:
            data, _n = tokucho_irai_csv(
                fiscal_year=fy, actor=actor, encoding=irai.cleaned_data["encoding"]
            )
        except CsvEncodingError as exc:
            messages.error(request, str(exc))
        else:
            response = HttpResponse(data, content_type=content_type(irai.cleaned_data["encoding"]))
            response["Content-Disposition"] = f'attachment; filename="kokuho_tokucho_irai_{fy}.csv"'
            response["Cache-Control"] = "no-store"
            return response
    taisho = TaishoForm(
        request.POST if action == "taisho" else None,
        request.FILES if action == "taisho" else None,
        initial={"fiscal_year": fy_now},
    )
    taisho_result = None
    taisho_errors: list[Any] = []
    if action == "taisho" and taisho.is_valid():
        upload = taisho.cleaned_data["file"]
        try:
            taisho_result = tokucho_taisho_import(
                fiscal_year=taisho.cleaned_data["fiscal_year"],
                data=upload.read(),
                file_name=upload.name,
                actor=actor,
            )
        except TaishoRefused as exc:
            taisho.add_error("file", str(exc))
            taisho_errors = exc.errors
    result = None
    if action == "kekka" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = tokucho_kekka_import(
                kind=NoticeKind(form.cleaned_data["kind"]),
                fiscal_year=form.cleaned_data["fiscal_year"],
                data=upload.read(),
                file_name=upload.name,
                actor=actor,
            )
        except TokuchoKekkaRefused as exc:
            form.add_error("file", str(exc))
    fy = fy_now
    if form.is_bound and form.is_valid():
        fy = form.cleaned_data["fiscal_year"]
    elif request.GET.get("nendo", "").isdigit() and len(request.GET["nendo"]) == 4:
        fy = int(request.GET["nendo"])
    files = TokuchoFile.objects.filter(fiscal_year=fy).order_by("-created_at", "-pk")[:50]
    return TemplateResponse(
        request,
        "kokuho/fuka/tokucho.html",
        {
            "irai": irai,
            "form": form,
            "result": result,
            "files": files,
            "fy": fy,
            "taisho": taisho,
            "taisho_result": taisho_result,
            "taisho_errors": taisho_errors,
        },
    )


@gyomu_view(KOKUHO_FUKA, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "atena",
        ids="listing.rows[].nozei_gimusha_id",
        skip_empty=True,
        detail=lambda ctx: {"fiscal_year": ctx["listing"].fiscal_year},
        screen="kokuho.fuka_tokucho_ikkatsu",
    )
)
@require_http_methods(["GET", "POST"])
def fuka_tokucho_ikkatsu(request: HttpRequest) -> HttpResponse:
    """特別徴収の一括判定: every 国保 household of the 年度, 対象/対象外 with the reasons
    (nothing saved). 「切替の確認」 lists every household of the 年度 that is 対象 and still
    普通徴収; 「特別徴収に切り替える」 then switches those confirmed
    (kokuho.services.tokucho_taisho.tokucho_ikkatsu_kirikae)."""
    today = timezone.localdate()
    fy_now = today.year if today.month >= 4 else today.year - 1
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = IkkatsuForm(
        request.POST if request.method == "POST" and action == "" else None,
        initial={"fiscal_year": fy_now},
    )
    listing: IkkatsuPage | None = None
    kirikae: KirikaeForm | None = None
    result = None
    if action == "kakunin":
        form = IkkatsuForm(request.POST, initial={"fiscal_year": fy_now})
        if form.is_valid():
            fy = form.cleaned_data["fiscal_year"]
            rows = kirikae_koho(fy)
            listing = IkkatsuPage(fiscal_year=fy, page=1, pages=1, households=len(rows), rows=rows)
            kirikae = KirikaeForm(
                initial={"fiscal_year": fy, "fuka_ids": ",".join(str(r.fuka_id) for r in rows)}
            )
    elif action == "kirikae":
        kirikae = KirikaeForm(request.POST)
        if kirikae.is_valid():
            d = kirikae.cleaned_data
            result = tokucho_ikkatsu_kirikae(
                fiscal_year=d["fiscal_year"], fuka_ids=d["fuka_ids"],
                on=d.get("tekiyo_date") or today, actor=actor_from_request(request),
            )  # fmt: skip
            listing = IkkatsuPage(
                fiscal_year=result.fiscal_year, page=1, pages=1, households=len(result.rows),
                rows=result.rows,
            )  # fmt: skip
            form = IkkatsuForm(initial={"fiscal_year": result.fiscal_year})
            kirikae = None
        else:
            messages.error(request, "切替の確認からやり直してください。")
    elif form.is_bound and form.is_valid():
        listing = tokucho_ikkatsu(
            fiscal_year=form.cleaned_data["fiscal_year"], page=form.cleaned_data.get("page") or 1
        )
    return TemplateResponse(
        request,
        "kokuho/fuka/tokucho_ikkatsu.html",
        {"form": form, "listing": listing, "kirikae": kirikae, "result": result},
    )


urlpatterns: list[URLPattern] = [
    path("fuka/tokucho/", fuka_tokucho_kekka, name="kokuho_fuka_tokucho_kekka"),
    path("fuka/tokucho/ikkatsu/", fuka_tokucho_ikkatsu, name="kokuho_fuka_tokucho_ikkatsu"),
]
