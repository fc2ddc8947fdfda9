"""Screens of a town's 外字 table: the list (register, download the 外字対照表), and one
外字 beside its MJ candidates (search by 読み, 画数, 部首, 文字・UCS) with the decision and
its history.

They show glyphs, codes and the clerks who decided: no resident's data, so no access-log
row (``no_personal_data``). They are declared under 住民基本台帳 (the data the 外字 come
with); the 業務's clerks may look, its 管理 role registers and decides.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from juminkiroku.public import GYOMU
from migration_io.gaiji.glyph import MAX_LABEL, MAX_SIDE, GlyphRefused
from migration_io.gaiji.mjtable import mj_table
from migration_io.gaiji.models import Gaiji
from migration_io.gaiji.services import GaijiError, gaiji_decide, gaiji_register, parse_pua
from migration_io.gaiji.shukutai import in_jisx0213, shukutai_text
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.text import TextField
from tenants.models import RoleLevel
from tenants.uploads import LimitedUploadHandler, limit_uploads

#: the glyph upload and the form's fields together
MAX_UPLOAD_BYTES = 96 * 1024
KANGXI_RADICALS = 214


class RegisterForm(forms.Form):
    vendor = TextField(label="移行元システム", max_length=60, help_text="例: 旧住基（A社）")
    pua = TextField(label="私用領域の符号位置", max_length=8, help_text="例: U+E001")
    kyu_code = TextField(
        label="移行元の文字コード", max_length=20, required=False, help_text="例: F040（任意）"
    )
    setsumei = TextField(
        label="字形の説明",
        max_length=200,
        required=False,
        help_text="画像がないときは必須です。例: 「辻」のしんにょうの点が二つ",
    )
    glyph = forms.FileField(
        label="字形画像（PNG）",
        required=False,
        help_text=f"PNG形式、{MAX_LABEL}以内、縦横{MAX_SIDE}ピクセル以内。",
    )


class SearchForm(forms.Form):
    yomi = TextField(label="読み", max_length=20, required=False, help_text="例: つじ、ツジ")
    kakusu = forms.IntegerField(label="総画数", min_value=1, max_value=84, required=False)
    bushu = forms.IntegerField(
        label="部首（康熙部首の番号）", min_value=1, max_value=KANGXI_RADICALS, required=False
    )
    ucs = TextField(label="文字・UCS", max_length=12, required=False, help_text="例: 辻、U+8FBB")


class DecideForm(forms.Form):
    mj = TextField(label="MJ文字図形名", max_length=8, required=False)
    riyu = TextField(label="理由", max_length=200, required=False)


class CsvForm(forms.Form):
    encoding = CsvEncodingField()
    shukutai = forms.BooleanField(
        label="JIS X 0213 に縮退する（Excel など、異体字セレクタを扱えない出力向け）",
        required=False,
    )


def _registered(request: HttpRequest, handler: LimitedUploadHandler) -> RegisterForm:
    form = RegisterForm(request.POST, request.FILES)
    if handler.exceeded:
        form = RegisterForm({k: request.POST.get(k, "") for k in RegisterForm.base_fields})
        form.full_clean()
        form.add_error("glyph", f"字形画像が大きすぎます（上限 {MAX_LABEL}）。")
        return form
    if not form.is_valid():
        return form
    data = form.cleaned_data
    upload = data.get("glyph")
    try:
        gaiji_register(
            vendor=data["vendor"],
            pua=parse_pua(data["pua"]),
            kyu_code=data["kyu_code"],
            setsumei=data["setsumei"],
            glyph=upload.read(MAX_UPLOAD_BYTES + 1) if upload else None,
            actor=actor_from_request(request),
        )
    except (GaijiError, GlyphRefused) as exc:
        form.add_error(None, str(exc))
    return form


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _gaiji_list (csrf_protect), after it
@gyomu_view(GYOMU, write_level=RoleLevel.ADMIN)
@no_personal_data  # glyphs and codes of the town's 外字
@require_http_methods(["GET", "POST"])
def gaiji_list(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
    return _gaiji_list(request, handler)


@csrf_protect
def _gaiji_list(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    form = RegisterForm()
    status = 200
    if request.method == "POST":
        form = _registered(request, handler)
        if not form.errors:
            messages.success(request, "外字を登録しました。")
            return redirect("mio_gaiji")
        status = 400
    items = list(Gaiji.objects.defer("glyph_png").order_by("vendor", "pua"))
    decided = sum(1 for g in items if g.decided)
    context = {
        "form": form,
        "items": items,
        "decided": decided,
        "undecided": len(items) - decided,
        "csv_form": CsvForm(),
        "table_size": len(mj_table()),
        "may_write": _may_write(request),
    }
    return TemplateResponse(request, "migration_io/gaiji/list.html", context, status=status)


def _may_write(request: HttpRequest) -> bool:
    levels: dict[str, int] = getattr(request, "role_levels", {}) or {}
    return levels.get(GYOMU, 0) >= RoleLevel.ADMIN


@gyomu_view(GYOMU, write_level=RoleLevel.ADMIN)
@no_personal_data  # one 外字, MJ candidates and who decided
@require_http_methods(["GET", "POST"])
def gaiji_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gaiji = get_object_or_404(Gaiji.objects.defer("glyph_png"), pk=pk)
    decide = DecideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if decide.is_valid():
            try:
                gaiji_decide(
                    gaiji_id=gaiji.pk,
                    mj=decide.cleaned_data["mj"],
                    riyu=decide.cleaned_data["riyu"],
                    actor=actor_from_request(request),
                )
            except GaijiError as exc:
                decide.add_error(None, str(exc))
            else:
                messages.success(request, "対応を記録しました。")
                return redirect("mio_gaiji_detail", pk=gaiji.pk)
        status = 400
    table = mj_table()
    search = SearchForm(request.GET or None)
    candidates: list[Any] = []
    searched = False
    if request.GET and search.is_valid():
        data = search.cleaned_data
        searched = True
        candidates = table.search(
            yomi=data["yomi"] or "",
            kakusu=data["kakusu"],
            bushu=str(data["bushu"]) if data["bushu"] else "",
            ucs=data["ucs"] or "",
        )
    context = {
        "gaiji": gaiji,
        "has_glyph": Gaiji.objects.filter(pk=gaiji.pk, glyph_png__isnull=False).exists(),
        "current": table.get(gaiji.mj) if gaiji.mj else None,
        "search": search,
        "searched": searched,
        "candidates": [_row(c) for c in candidates],
        "has_bushu": table.has_bushu,
        "decide": decide,
        "history": list(gaiji.kettei.all()),
        "may_write": _may_write(request),
    }
    return TemplateResponse(request, "migration_io/gaiji/detail.html", context, status=status)


def _row(c: Any) -> dict[str, Any]:
    return {
        "mj": c.mj,
        "moji": c.moji,
        "ucs": c.ucs,
        "ivs": c.ivs,
        "kakusu": c.kakusu,
        "yomi": c.yomi,
        "jis": c.jisx0213,
        "shukutai": shukutai_text(c.moji),
        "in_jis": in_jisx0213(c.moji),
    }


@gyomu_view(GYOMU)
@no_personal_data  # the glyph image of a 外字
@require_GET
def gaiji_glyph(request: HttpRequest, pk: int) -> HttpResponse:
    png = Gaiji.objects.filter(pk=pk).values_list("glyph_png", flat=True).first()
    if not png:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(png), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="gaiji.png"'
    response["Cache-Control"] = "private, no-store"
    return response


CSV_HEADER = [
    "移行元システム",
    "私用領域の符号位置",
    "移行元の文字コード",
    "字形の説明",
    "MJ文字図形名",
    "対応する文字",
    "UCS",
    "IVS",
    "決定者",
]


@gyomu_view(GYOMU)
@no_personal_data  # the town's 外字対照表: codes and glyph names
@require_GET
def gaiji_csv(request: HttpRequest) -> HttpResponseBase:
    form = CsvForm(request.GET or None)
    if not form.is_valid():
        return redirect("mio_gaiji")
    table = mj_table()
    rows = []
    for g in Gaiji.objects.defer("glyph_png").order_by("vendor", "pua"):
        row = table.get(g.mj) if g.mj else None
        rows.append(
            [
                g.vendor,
                g.pua_code,
                g.kyu_code,
                g.setsumei,
                g.mj,
                g.moji,
                row.ucs if row else "",
                row.ivs if row else "",
                g.decided_by,
            ]
        )
    fold = shukutai_text if form.cleaned_data["shukutai"] else None
    response = form_csv_response(form, "gaiji.csv", CSV_HEADER, rows, fold=fold)
    if response is None:
        messages.error(request, "; ".join(str(e) for e in form.errors.get("encoding", [])))
        return redirect("mio_gaiji")
    return response
