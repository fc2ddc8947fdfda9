"""Staff screens: 抑止 (標準仕様書 3.1) and 支援措置 (3.4): set, release, temporary unlock,
extension; the 支援措置 database screen (1.1.16, 2.2.4: 申出者, 併せて支援を求める者,
加害者, 仮支援措置, 開始・終了日修正・終了); 抑止対象者一覧 CSV (9.2).

The 支援措置 screen shows the 加害者: only holders of the 抑止 grants (the
支援措置責任者) open it; anyone else is refused and the refusal is logged."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import ShienEndReason, YokushiLevel, YokushiProcess
from juminkiroku.forms.yokushi import ShienActForm, ShienForm
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Setai, ShienSochi, Yokushi
from juminkiroku.selectors.yokushi import (
    active_yokushi_q,
    shien_detail,
    shien_in_last_month,
    shien_past_end,
    temp_unlocked_q,
    yokushi_taishosha,
)
from juminkiroku.services.yokushi import (
    YokushiError,
    shien_shuryo_tsuchi,
    shien_sochi_correct_end,
    shien_sochi_end,
    shien_sochi_extend,
    shien_sochi_kakutei,
    shien_sochi_register,
    yokushi_release,
    yokushi_set,
    yokushi_temp_unlock,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import (
    Reads,
    access_note,
    access_refusal,
    logged_by_service,
    logs_reads,
    no_personal_data,
)
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.grants.selectors import grants_of
from tenants.models import RoleLevel
from tenants.wareki import format_wareki, parse_wareki

GYOMU = JUMINKIROKU


def _errors(form: forms.Form) -> str:
    return " ".join(str(m) for ms in form.errors.values() for m in ms)


def _date(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    return parse_wareki(text)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "yokushi",
        ids="page.object_list[].pk",
        count=lambda ctx: len(ctx["page"].object_list),
        screen="抑止一覧",
    )
)
@require_http_methods(["GET", "POST"])
def yokushi_home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method == "POST":
        try:
            kind = request.POST.get("kind", "")
            atena = Atena.objects.filter(atena_no=request.POST.get("atena_no", "").strip()).first()
            if kind == "shien":
                form = ShienForm(request.POST)
                if not form.is_valid():
                    raise YokushiError(_errors(form))
                data = form.cleaned_data
                today = timezone.localdate()
                result = shien_sochi_register(
                    atena_id=data["atena_id"],
                    start_date=data["start_date"] or today,
                    end_date=data["end_date"],
                    moshide_date=data["moshide_date"] or today,
                    note=data["note"],
                    kari=data["kari"],
                    extra=data["extra"],
                    actor=actor,
                )
                label = "仮支援措置" if result.shien.kari else "支援措置"
                messages.success(
                    request,
                    f"{label}を登録しました（{format_wareki(result.shien.end_date)}まで）。",
                )
                return redirect("jk_shien", result.shien.pk)
            else:
                setai = None
                if request.POST.get("target") == "setai":
                    setai = Setai.objects.filter(
                        setai_no=request.POST.get("setai_no", "").strip()
                    ).first()
                    if setai is None:
                        raise YokushiError("世帯番号に該当する世帯がありません。")
                elif atena is None:
                    raise YokushiError("宛名番号に該当する人がいません。")
                yokushi_set(
                    process=request.POST.get("process", ""),
                    level=request.POST.get("level", ""),
                    reason=request.POST.get("reason", ""),
                    start_date=_date(request.POST.get("start_date", "")) or timezone.localdate(),
                    end_date=_date(request.POST.get("end_date", "")),
                    atena_id=None if setai else (atena.pk if atena else None),
                    setai_id=setai.pk if setai else None,
                    actor=actor,
                )
                messages.success(request, "抑止を設定しました。")
        except (YokushiError, ValueError) as exc:
            messages.error(request, str(exc))
        return redirect("/juminkiroku/yokushi/")
    active = (
        Yokushi.objects.filter(active_yokushi_q() | temp_unlocked_q())
        .select_related("atena", "setai")
        .order_by("-created_at")
    )
    page = Paginator(active, 30).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "juminkiroku/yokushi/home.html",
        {
            "page": page,
            "now": timezone.now(),
            "today": timezone.localdate(),
            "ending": shien_in_last_month(),
            "past_end": shien_past_end(),
            "shien_form": ShienForm(),
            "processes": YokushiProcess.choices,
            "levels": YokushiLevel.choices,
            "kengen": grants_of(request.user.pk),
            "K": {k.name: k.value for k in Kengen},
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def yokushi_act(request: HttpRequest, pk: int) -> HttpResponse:
    y = get_object_or_404(Yokushi, pk=pk)
    actor = actor_from_request(request)
    try:
        if request.POST.get("act") == "release":
            yokushi_release(yokushi_id=y.pk, actor=actor)
            messages.success(request, "抑止を解除しました。")
        else:
            until = yokushi_temp_unlock(yokushi_id=y.pk, actor=actor).temp_unlock_until
            messages.success(
                request,
                f"一時解除しました（{timezone.localtime(until):%H:%M}に自動で抑止に戻ります）。",
            )
    except YokushiError as exc:
        messages.error(request, str(exc))
    return redirect("/juminkiroku/yokushi/")


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then a redirect
@require_POST
def shien_extend(request: HttpRequest, pk: int) -> HttpResponse:
    shien = get_object_or_404(ShienSochi, pk=pk)
    try:
        moshide = _date(request.POST.get("moshide_date", "")) or timezone.localdate()
        new = shien_sochi_extend(
            shien_id=shien.pk, moshide_date=moshide, actor=actor_from_request(request)
        )
        messages.success(request, f"支援措置を延長しました（{new.shien.end_date:%Y-%m-%d}まで）。")
    except (YokushiError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("/juminkiroku/yokushi/")


SHIEN_GRANTS = (Kengen.YOKUSHI_LOCK, Kengen.YOKUSHI_UNLOCK)


def _may_see_shien(request: HttpRequest) -> bool:
    held = grants_of(getattr(request.user, "pk", None))
    return any(k in held for k in SHIEN_GRANTS)


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@logs_reads(Reads("shien_sochi", id_kwarg="pk", screen="支援対象者照会"))
@require_http_methods(["GET", "POST"])
def shien_view(request: HttpRequest, pk: int) -> HttpResponse:
    """支援対象者照会 (2.2.4) and the 支援措置 database (1.1.16); 開始・修正・終了 (3.4)."""
    if not _may_see_shien(request):
        access_refusal(request, record_type="shien_sochi", record_id=pk, reason="shien_kengen")
        return TemplateResponse(
            request,
            "juminkiroku/yokushi/refused.html",
            {"message": "支援措置の内容は、抑止の設定または解除の権限がある職員のみ照会できます。"},
            status=403,
        )
    try:
        shien = shien_detail(pk)
    except ShienSochi.DoesNotExist as exc:
        raise Http404 from exc
    form = ShienActForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        actor = actor_from_request(request)
        try:
            if not form.is_valid():
                raise YokushiError(_errors(form))
            act, day = form.cleaned_data["act"], form.cleaned_data.get("day")
            if act != "end" and not isinstance(day, date):
                raise YokushiError("日付を入力してください。")
            if act == "kakutei" and day is not None:
                done = shien_sochi_kakutei(shien_id=shien.pk, start_date=day, actor=actor)
                messages.success(
                    request, f"支援措置を開始しました（{format_wareki(done.end_date)}まで）。"
                )
            elif act == "correct" and day is not None:
                shien_sochi_correct_end(shien_id=shien.pk, end_date=day, actor=actor)
                messages.success(request, "支援終了日を修正しました。")
            else:
                shien_sochi_end(
                    shien_id=shien.pk, reason=form.cleaned_data["reason"], actor=actor,
                    renraku_date=day,
                )  # fmt: skip
                messages.success(request, "支援措置を終了し、抑止を解除しました。")
        except YokushiError as exc:
            messages.error(request, str(exc))
        return redirect("jk_shien", shien.pk)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "juminkiroku/yokushi/shien.html",
        {
            "s": shien,
            "today": today,
            "past_end": shien.ended_at is None and shien.end_date < today,
            "locks": [y for y in shien.yokushi.all() if y.released_at is None],
            "form": form,
            "reasons": ShienEndReason.choices,
            "kengen": grants_of(request.user.pk),
            "K": {k.name: k.value for k in Kengen},
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("yokushi", action=AccessAction.EXPORT, record_id="kijun_date", screen="抑止対象者一覧CSV")
)
@require_http_methods(["GET"])
def yokushi_csv(request: HttpRequest) -> HttpResponseBase:
    """抑止対象者一覧 (9.2) as CSV through the platform's writer. One list per town: the
    towns of this system are not 指定都市 (no 行政区 split)."""
    if not _may_see_shien(request):
        access_refusal(request, record_type="yokushi", record_id=0, reason="shien_kengen")
        return TemplateResponse(
            request,
            "juminkiroku/yokushi/refused.html",
            {"message": "抑止対象者一覧は、抑止の設定または解除の権限がある職員のみ出力できます。"},
            status=403,
        )
    today = timezone.localdate()
    rows = yokushi_taishosha(today)
    access_note(
        request,
        action=AccessAction.EXPORT,
        screen="抑止対象者一覧CSV",
        record_id=today.isoformat(),
        count=len(rows),
        detail={"kijun_date": today.isoformat()},
    )
    return csv_response(
        f"yokushi_{today:%Y%m%d}.csv",
        [
            "対象",
            "宛名番号",
            "世帯番号",
            "氏名",
            "抑止する処理",
            "区分",
            "開始日",
            "終了日",
            "終了日経過",
            "理由",
            "支援措置",
            "状態",
        ],
        (
            [
                "個人" if r.atena else "世帯",
                r.atena.atena_no if r.atena else "",
                r.yokushi.setai.setai_no if r.yokushi.setai else "",
                r.atena.shimei if r.atena else "",
                r.yokushi.get_process_display(),
                r.yokushi.get_level_display(),
                format_wareki(r.yokushi.start_date),
                format_wareki(r.yokushi.end_date) if r.yokushi.end_date else "",
                "経過" if r.past_end else "",
                r.yokushi.reason,
                ("仮支援措置" if r.yokushi.shien_sochi.kari else "支援措置")
                if r.yokushi.shien_sochi
                else "",
                "一時解除中"
                if r.yokushi.temp_unlock_until and r.yokushi.temp_unlock_until > timezone.now()
                else "抑止中",
            ]
            for r in rows
        ),
    )


@gyomu_view(GYOMU, write_level=RoleLevel.WRITE)
@logged_by_service  # shien_shuryo_tsuchi logs one 印刷 row per 支援措置
@require_POST
def shien_tsuchi(request: HttpRequest) -> HttpResponse:
    """支援措置期間終了通知 (3.4 / 20.5.1) as a PDF for the 支援措置 ticked on the list of
    those ending within a month (or one from its page)."""
    try:
        ids = [int(v) for v in request.POST.getlist("shien")]
        rendered = shien_shuryo_tsuchi(shien_ids=ids, actor=actor_from_request(request))
    except (YokushiError, ValueError) as exc:
        messages.error(
            request, str(exc) if isinstance(exc, YokushiError) else "選択が正しくありません。"
        )
        return redirect("jk_yokushi")
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="shien_tsuchi_{timezone.localdate():%Y%m%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("shien/tsuchi/", shien_tsuchi, name="jk_shien_tsuchi"),
    path("yokushi/csv/", yokushi_csv, name="jk_yokushi_csv"),
    path("shien/<int:pk>/", shien_view, name="jk_shien"),
    path("yokushi/", yokushi_home, name="jk_yokushi"),
    path("yokushi/<int:pk>/", yokushi_act, name="jk_yokushi_act"),
    path("shien/<int:pk>/extend/", shien_extend, name="jk_shien_extend"),
]
