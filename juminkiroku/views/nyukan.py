"""Staff screens of 外国人住民 連携 (標準仕様書 4.5.6, 4.5.7) and 事実上の世帯主 (4.1.4.3).

Rows are addressed by their own ids; the writes are logged by their services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, JijitsujoSetainushi, NyukanTsuchi, Setai
from juminkiroku.nyukan.kakunin import kakunin_pdf
from juminkiroku.nyukan.shichoson import shichoson_collect
from juminkiroku.nyukan.torikomi import kakunin_lines, tsuchi_import, tsuchi_torikomi
from juminkiroku.selectors.nyukan import shichoson_misoshin, tsuchi_mitorikomi
from juminkiroku.services.ido import IdoError
from juminkiroku.services.jijitsujo import jijitsujo_setainushi_set
from tenants.access import gyomu_view
from tenants.accesslog.reads import LOGGED_BY_SERVICE, Reads, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.models import RoleLevel
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU
# A notice file is small (one row per notice); anything larger is refused unread.
MAX_FILE_BYTES = 5 * 1024 * 1024


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _errors(exc: IdoError) -> str:
    return " ".join(m for ms in exc.errors.values() for m in ms)


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(
    # The notices shown (an unmatched one names its person by the notice's items) and
    # the residents they were matched to.
    Reads(
        "nyukan_tsuchi",
        ids=lambda ctx: [t.pk for t in ctx.get("rows", [])],
        screen="出入国在留管理庁長官通知 未取込一覧",
        shown="rows",
        skip_empty=True,
        detail=lambda ctx: {"atena_ids": [t.atena_id for t in ctx["rows"] if t.atena_id]},
    )
)
@require_GET
def tsuchi_list(request: HttpRequest) -> HttpResponse:
    """4.5.6: the notices not yet taken in, whatever their 通知日; the file to take in."""
    rows = list(tsuchi_mitorikomi().select_related("atena"))
    return TemplateResponse(
        request,
        "juminkiroku/nyukan/tsuchi.html",
        {"rows": rows, "can_write": _can_write(request)},
    )


@checks_own_text
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(LOGGED_BY_SERVICE)
@require_POST
def tsuchi_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "取り込むファイルを選択してください。")
    elif upload.size is not None and upload.size > MAX_FILE_BYTES:
        messages.error(request, "ファイルが大きすぎます（5MBまで）。")
    else:
        try:
            result = tsuchi_import(data=upload.read(), actor=actor_from_request(request))
        except IdoError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                f"{result.count}件を受け付けました。{result.torikomi}件を異動として仮登録し、"
                f"{result.pending}件は未取込一覧に残っています。",
            )
    return redirect("/juminkiroku/nyukan/")


@checks_own_text
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(LOGGED_BY_SERVICE)
@require_POST
def tsuchi_torikomi_view(request: HttpRequest, pk: int) -> HttpResponse:
    """手動取込: the person by 宛名番号 when the notice was not matched."""
    atena_no = request.POST.get("atena_no", "").strip()
    atena_id: int | None = None
    if atena_no:
        atena = Atena.objects.filter(atena_no=atena_no).only("pk").first()
        if atena is None:
            messages.error(request, "宛名番号に該当する住民がいません。")
            return redirect("/juminkiroku/nyukan/")
        atena_id = atena.pk
    try:
        ido = tsuchi_torikomi(tsuchi_id=pk, atena_id=atena_id, actor=actor_from_request(request))
    except IdoError as exc:
        messages.error(request, _errors(exc))
        return redirect("/juminkiroku/nyukan/")
    messages.success(request, f"仮登録しました（異動番号 {ido.ido_no}）。")
    return redirect(f"/juminkiroku/nyukan/{pk}/")


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(Reads("atena", ids=lambda ctx: [ctx["tsuchi"].atena_id], screen="処理結果確認票"))
@require_GET
def tsuchi_kakunin(request: HttpRequest, pk: int) -> HttpResponse:
    """処理結果確認票 (4.5.6): what the notice changes, before and after, and its 異動."""
    tsuchi = (
        NyukanTsuchi.objects.select_related("atena", "ido")
        .filter(pk=pk, atena__isnull=False)
        .first()
    )
    if tsuchi is None:
        raise Http404("通知が見つかりません。")
    return TemplateResponse(
        request,
        "juminkiroku/nyukan/kakunin.html",
        {"tsuchi": tsuchi, "lines": kakunin_lines(tsuchi)},
    )


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(LOGGED_BY_SERVICE)  # the print is logged by kakunin_pdf
@require_GET
def tsuchi_kakunin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """処理結果確認票 (4.5.6) as a PDF, inline."""
    try:
        pdf = kakunin_pdf(tsuchi_id=pk, actor=actor_from_request(request))
    except IdoError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="nyukan_kakunin.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids=lambda ctx: [q.atena_id for q in ctx.get("rows", [])],
        screen="市町村通知 未送信一覧",
        shown="rows",
        skip_empty=True,
    )
)
@require_GET
def shichoson_list(request: HttpRequest) -> HttpResponse:
    """4.5.7: the 市町村通知 waiting to be sent, in 異動 order."""
    rows = list(shichoson_misoshin().select_related("atena", "ido"))
    return TemplateResponse(
        request,
        "juminkiroku/nyukan/shichoson.html",
        {"rows": rows, "can_write": _can_write(request)},
    )


@checks_own_text
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(LOGGED_BY_SERVICE)
@require_POST
def shichoson_collect_view(request: HttpRequest) -> HttpResponse:
    count = shichoson_collect(actor=actor_from_request(request))
    messages.success(request, f"市町村通知を{count}件作成しました。")
    return redirect("/juminkiroku/nyukan/shichoson/")


@checks_own_text
@gyomu_view(GYOMU, level=RoleLevel.READ)
@logs_reads(
    {
        "GET": Reads("setai", id_kwarg="setai_id", screen="事実上の世帯主"),
        "POST": LOGGED_BY_SERVICE,
    }
)
@require_http_methods(["GET", "POST"])
def jijitsujo_view(request: HttpRequest, setai_id: int) -> HttpResponse:
    """4.1.4.3: the name of a household's 事実上の世帯主 (blank removes it)."""
    if not Atena.objects.filter(
        setai_id=setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
    ).exists():
        raise Http404("世帯が見つかりません。")
    setai = Setai.objects.get(pk=setai_id)
    error = ""
    if request.method == "POST":
        if not _can_write(request):
            raise Http404
        try:
            jijitsujo_setainushi_set(
                setai_id=setai_id,
                shimei=request.POST.get("shimei", ""),
                riyu=request.POST.get("riyu", ""),
                actor=actor_from_request(request),
            )
        except IdoError as exc:
            error = _errors(exc)
        else:
            messages.success(request, "事実上の世帯主を更新しました。")
            return redirect(f"/juminkiroku/setai/{setai_id}/jijitsujo/")
    record = JijitsujoSetainushi.objects.filter(setai_id=setai_id).first()
    return TemplateResponse(
        request,
        "juminkiroku/nyukan/jijitsujo.html",
        {
            "setai": setai,
            "record": record,
            "error": error,
            "values": request.POST if request.method == "POST" else {},
            "can_write": _can_write(request),
        },
        status=400 if error else 200,
    )


urlpatterns: list[URLPattern] = [
    path("nyukan/", tsuchi_list, name="jk_nyukan_tsuchi"),
    path("nyukan/upload/", tsuchi_upload, name="jk_nyukan_upload"),
    path("nyukan/<int:pk>/", tsuchi_kakunin, name="jk_nyukan_kakunin"),
    path("nyukan/<int:pk>/pdf/", tsuchi_kakunin_pdf, name="jk_nyukan_kakunin_pdf"),
    path("nyukan/<int:pk>/torikomi/", tsuchi_torikomi_view, name="jk_nyukan_torikomi"),
    path("nyukan/shichoson/", shichoson_list, name="jk_nyukan_shichoson"),
    path("nyukan/shichoson/collect/", shichoson_collect_view, name="jk_nyukan_collect"),
    path("setai/<int:setai_id>/jijitsujo/", jijitsujo_view, name="jk_jijitsujo"),
]
