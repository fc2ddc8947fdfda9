"""Staff screens of the 団体内統合宛名システム link (標準仕様書 7.1.2.3) and of the file
linkage to the other 業務 (7.2.1): state, the queue of 未送信・エラー with 再送信 and 取りやめ,
今すぐ送信, the 突合 and its differences; the files written. Thin: every act is a service in
juminkiroku.togo / juminkiroku.pf.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import IdoJiyu
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import PfFile, TogoSoshin, TogoTotsugo
from juminkiroku.models.togo import TOGO_OPEN_STATUSES, TogoStatus
from juminkiroku.pf.outbox import PfError, outbox_root, pf_file_round, pf_link
from juminkiroku.togo.client import togo_url
from juminkiroku.togo.layout import LABELS
from juminkiroku.togo.soshin import (
    TogoSoshinError,
    TotsugoError,
    last_change_seq,
    togo_link,
    togo_soshin_resend,
    togo_soshin_withdraw,
    togo_totsugo_run,
)
from juminkiroku.togo.tasks import togo_sync_round
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.models import RoleLevel

GYOMU = JUKINET_RENKEI
LIST_MAX = 200


def _int(request: HttpRequest, name: str, label: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValueError(f"{label}は数字で入力してください。") from None


def _act(request: HttpRequest) -> None:
    actor = actor_from_request(request)
    act = request.POST.get("act", "")
    if act == "sync":
        t = togo_sync_round(rounds=1)
        messages.success(
            request,
            f"団体内統合宛名システムとの連携を実行しました（作成 {t['made']:,}件、"
            f"送信 {t['sent']:,}件、エラー {t['rejected']:,}件、再送待ち {t['retry']:,}件）。",
        )
    elif act == "resend":
        togo_soshin_resend(soshin_id=_int(request, "id", "送信データ"), actor=actor)
        messages.success(request, "次回の連携で再送信します。")
    elif act == "withdraw":
        togo_soshin_withdraw(soshin_id=_int(request, "id", "送信データ"), actor=actor)
        messages.success(request, "送信を取りやめました。この方の後続の送信データを送信します。")
    elif act == "totsugo":
        run = togo_totsugo_run(actor=actor)
        messages.success(
            request,
            f"突合を実行しました（{run.compared:,}件中 相違 {run.differences:,}件、"
            f"再送信 {run.queued:,}件）。",
        )
    else:
        raise ValueError("操作が正しくありません。")


def _context() -> dict[str, Any]:
    link = togo_link(lock=False)
    open_recs = list(
        TogoSoshin.objects.filter(status__in=TOGO_OPEN_STATUSES)
        .select_related("atena")
        .order_by("id")[:LIST_MAX]
    )
    rows = [
        {
            "r": r,
            "jiyu": IdoJiyu(r.jiyu).label if r.jiyu in IdoJiyu.values else "突合による再送信",
        }
        for r in open_recs
    ]
    totsugo = TogoTotsugo.objects.first()
    sa = list(totsugo.sa.select_related("atena")[:LIST_MAX]) if totsugo else []
    sa_rows = [{"d": d, "items": [LABELS.get(n, n) for n in d.items]} for d in sa]
    ids = {r.atena_id for r in open_recs} | {d.atena_id for d in sa if d.atena_id}
    return {
        "link": link,
        "connected": bool(togo_url()),
        "behind": max(0, last_change_seq() - link.soshin_after),
        "rows": rows,
        "counts": {
            s.label: TogoSoshin.objects.filter(status=s).count()
            for s in (TogoStatus.PENDING, TogoStatus.RETRY, TogoStatus.REJECTED)
        },
        "sent": TogoSoshin.objects.filter(status=TogoStatus.SENT).count(),
        "totsugo": totsugo,
        "sa_rows": sa_rows,
        "atena_ids": sorted(ids),
    }


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="団体内統合宛名連携", skip_empty=True))
@require_http_methods(["GET", "POST"])
def togo_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _act(request)
        except (ValueError, TogoSoshinError, TotsugoError) as exc:
            messages.error(request, str(exc))
        return redirect("jk_togo_home")
    return TemplateResponse(request, "juminkiroku/togo/home.html", _context())


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # file numbers, counts and times; the file rows log their own export
@require_http_methods(["GET", "POST"])
def pf_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("act") != "write":
            messages.error(request, "操作が正しくありません。")
        else:
            try:
                result = pf_file_round(actor=actor_from_request(request), max_files=1)
                messages.success(
                    request,
                    f"連携ファイルを作成しました（{result.files:,}ファイル、"
                    f"{result.changes:,}件）。"
                    if result.files
                    else "前回のファイル以降の異動はありません。",
                )
            except PfError as exc:
                messages.error(request, str(exc))
            except OSError:
                messages.error(
                    request, "連携ファイルを書き込めませんでした。出力先を確認してください。"
                )
        return redirect("jk_pf_home")
    return TemplateResponse(
        request,
        "juminkiroku/togo/pf.html",
        {
            "configured": bool(outbox_root()),
            "link": pf_link(lock=False),
            "behind": max(0, last_change_seq() - pf_link(lock=False).after),
            "files": list(PfFile.objects.all()[:LIST_MAX]),
        },
    )


urlpatterns = [
    path("togo/", togo_home, name="jk_togo_home"),
    path("pf/", pf_home, name="jk_pf_home"),
]
