"""Staff screens of the 戸籍附票 link (標準仕様書 7.2.4, 7.1.1.1; 住民基本台帳法 第19条): the
queue of 戸籍附票記載事項通知 (未送信・再送待ち・エラー, with 再送信 and 取りやめ), the notices
sent, the 管外 notices with their printed 通知書, and the 突合 with the 附票システム. Thin:
every act is a service in juminkiroku.fuhyo.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import IdoJiyu
from juminkiroku.fuhyo.client import fuhyo_url
from juminkiroku.fuhyo.rules import KANGAI
from juminkiroku.fuhyo.tasks import fuhyo_sync_round
from juminkiroku.fuhyo.totsugo import TotsugoError, fuhyo_totsugo_run
from juminkiroku.fuhyo.tsuchi import (
    FuhyoTsuchiError,
    fuhyo_tsuchi_resend,
    fuhyo_tsuchi_withdraw,
    renkei_row,
)
from juminkiroku.fuhyo.tsuchisho import TsuchishoError, fuhyo_tsuchisho_print
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, FuhyoTotsugo, FuhyoTsuchi
from juminkiroku.models.fuhyo import FUHYO_OPEN, FuhyoStatus
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logged_by_service, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.models import RoleLevel

LIST_MAX = 200
SA_KINDS = {"toho": "当システムのみ", "fuhyo": "附票のみ（当町の住所）", "soi": "項目が相違"}
ITEM_WORDS = {
    "honseki": "本籍",
    "hittosha": "筆頭者",
    "shimei": "氏名",
    "jusho": "住所",
    "jutei_date": "住所を定めた年月日",
    "birth_date": "出生の年月日",
    "sex": "男女の別",
}


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise FuhyoTsuchiError("通知を選択してください。") from None


def _act(request: HttpRequest) -> None:
    actor = actor_from_request(request)
    act = request.POST.get("act", "")
    if act == "sync":
        t = fuhyo_sync_round(rounds=1)
        messages.success(
            request,
            f"戸籍附票への連携を実行しました（作成 {t['made']:,}件、送信 {t['sent']:,}件、"
            f"エラー {t['rejected']:,}件、再送待ち {t['retry']:,}件）。",
        )
    elif act == "resend":
        fuhyo_tsuchi_resend(tsuchi_id=_int(request, "id"), actor=actor)
        messages.success(request, "次回の連携で再送信します。")
    elif act == "withdraw":
        fuhyo_tsuchi_withdraw(tsuchi_id=_int(request, "id"), actor=actor)
        messages.success(request, "送信を取りやめました。この方の後続の通知を送信します。")
    elif act == "totsugo":
        run = fuhyo_totsugo_run(actor=actor)
        messages.success(
            request,
            f"戸籍附票システムとの突合を実行しました（{run.sent:,}件を送信、"
            f"相違 {run.differences:,}件）。",
        )
    else:
        raise FuhyoTsuchiError("操作が正しくありません。")


def _row(r: FuhyoTsuchi) -> dict[str, Any]:
    return {
        "r": r,
        "jiyu": IdoJiyu(r.jiyu).label if r.jiyu in IdoJiyu.values else "",
        "honseki": r.record.get("honseki", ""),
    }


def _context() -> dict[str, Any]:
    open_recs = list(
        FuhyoTsuchi.objects.filter(status__in=FUHYO_OPEN)
        .select_related("atena")
        .order_by("id")[:LIST_MAX]
    )
    sent = list(
        FuhyoTsuchi.objects.filter(status__in=[FuhyoStatus.SENT, FuhyoStatus.PAPER])
        .select_related("atena")
        .order_by("-id")[:50]
    )
    kangai = list(
        FuhyoTsuchi.objects.filter(kubun=KANGAI)
        .exclude(status=FuhyoStatus.WITHDRAWN)
        .select_related("atena")
        .order_by("-id")[:LIST_MAX]
    )
    totsugo = FuhyoTotsugo.objects.first()
    sa = []
    if totsugo is not None:
        nos = dict(
            Atena.objects.filter(
                pk__in=[d["atena_id"] for d in totsugo.sa if d.get("atena_id")]
            ).values_list("pk", "atena_no")
        )
        for d in totsugo.sa[:LIST_MAX]:
            sa.append(
                {
                    "kind": SA_KINDS.get(d.get("kind", ""), ""),
                    "atena_id": d.get("atena_id"),
                    "atena_no": nos.get(d.get("atena_id"), ""),
                    "items": "、".join(ITEM_WORDS.get(i, "") for i in d.get("items", [])),
                }
            )
    ids = {r.atena_id for r in [*open_recs, *sent, *kangai]}
    ids |= {d["atena_id"] for d in sa if d["atena_id"]}
    counts = {
        s.label: FuhyoTsuchi.objects.filter(status=s).count()
        for s in (
            FuhyoStatus.PENDING,
            FuhyoStatus.RETRY,
            FuhyoStatus.REJECTED,
            FuhyoStatus.SENT,
            FuhyoStatus.PAPER,
        )
    }
    return {
        "link": renkei_row(lock=False),
        "connected": bool(fuhyo_url()),
        "counts": counts,
        "rows": [_row(r) for r in open_recs],
        "sent": [_row(r) for r in sent],
        "kangai": [_row(r) for r in kangai],
        "totsugo": totsugo,
        "sa": sa,
        "atena_ids": sorted(ids),
    }


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="戸籍附票連携", skip_empty=True))
@require_http_methods(["GET", "POST"])
def fuhyo_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _act(request)
        except (FuhyoTsuchiError, TotsugoError) as exc:
            messages.error(request, str(exc))
        return redirect("jk_fuhyo_home")
    return TemplateResponse(request, "juminkiroku/fuhyo/home.html", _context())


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE)
@logged_by_service  # fuhyo_tsuchisho_print writes the print row
@require_POST
def fuhyo_tsuchisho(request: HttpRequest) -> HttpResponse:
    """「戸籍の附票記載事項通知書」 of the chosen 管外 notices (ids in the body)."""
    ids: list[int] = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    try:
        pdf = fuhyo_tsuchisho_print(
            tsuchi_ids=ids,
            actor=actor_from_request(request),
            mark_paper=request.POST.get("paper") == "1",
        )
    except TsuchishoError as exc:
        messages.error(request, str(exc))
        return redirect("jk_fuhyo_home")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="fuhyo_tsuchisho.pdf"'
    return response


urlpatterns = [
    path("fuhyo/", fuhyo_home, name="jk_fuhyo_home"),
    path("fuhyo/tsuchisho/", fuhyo_tsuchisho, name="jk_fuhyo_tsuchisho"),
]
