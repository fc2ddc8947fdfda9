"""Staff screens: 抑止 and 支援措置 (set, release, temporary unlock, extension)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import YokushiLevel, YokushiProcess
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Setai, ShienSochi, Yokushi
from juminkiroku.selectors.yokushi import active_yokushi_q, shien_in_last_month, temp_unlocked_q
from juminkiroku.services.yokushi import (
    YokushiError,
    shien_sochi_extend,
    shien_sochi_register,
    yokushi_release,
    yokushi_set,
    yokushi_temp_unlock,
)
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.grants.selectors import grants_of
from tenants.models import RoleLevel
from tenants.wareki import parse_wareki

GYOMU = JUMINKIROKU


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
                if atena is None:
                    raise YokushiError("宛名番号に該当する人がいません。")
                start = _date(request.POST.get("start_date", "")) or timezone.localdate()
                moshide = _date(request.POST.get("moshide_date", "")) or timezone.localdate()
                result = shien_sochi_register(
                    atena_id=atena.pk,
                    start_date=start,
                    moshide_date=moshide,
                    note=request.POST.get("note", ""),
                    actor=actor,
                )
                messages.success(
                    request, f"支援措置を登録しました（{result.shien.end_date:%Y-%m-%d}まで）。"
                )
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
            "ending": shien_in_last_month(),
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


urlpatterns = [
    path("yokushi/", yokushi_home, name="jk_yokushi"),
    path("yokushi/<int:pk>/", yokushi_act, name="jk_yokushi_act"),
    path("shien/<int:pk>/extend/", shien_extend, name="jk_shien_extend"),
]
