"""Staff screens of 住基ネット連携 (標準仕様書 7.1.1.x, 7.1.2.1, 4.3.x, 4.1.1.3, 4.1.3.1.2):
the CS queue (送信待ち・エラー, 再送信, 取りやめ), the link's state (稼働状況, 空き番 and its
alert), the messages waiting for a clerk (要確認), the latest 整合性確認, the 特例転入's
転出証明書情報, the number changes, and the 住民票コード通知票. Thin: every act is a service
in juminkiroku.cs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.codes import IdoJiyu
from juminkiroku.cs.bango import (
    BangoError,
    aki_alert,
    aki_count,
    aki_threshold_set,
    juminhyo_code_aki_fetch,
    juminhyo_code_henko_enter,
    kojin_bango_henko_enter,
)
from juminkiroku.cs.card import (
    CardError,
    card_serial_request,
    cs_status,
    fugo_request,
    sofusaki_set,
)
from juminkiroku.cs.client import cs_url
from juminkiroku.cs.common import renkei_row, shudo_set
from juminkiroku.cs.jushin import (
    ERROR_LIST_HEADER,
    JushinError,
    cs_jushin_settle,
    jushin_error_rows,
    tokurei_tennyu_enter,
    tokurei_tennyu_prefill,
)
from juminkiroku.cs.layout import CS_JIYU, CS_JIYU_LABEL, unpack
from juminkiroku.cs.seigo import SeigoError, cs_seigo_run
from juminkiroku.cs.soshin import (
    EDITABLE_ITEMS,
    ITEMS_OF,
    CsSoshinError,
    cs_soshin_resend,
    cs_soshin_withdraw,
)
from juminkiroku.cs.tasks import cs_sync_round
from juminkiroku.cs.tsuchihyo import TITLES, TsuchihyoError, tsuchihyo_print
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena, CsJushin, CsSeigo, CsSoshin, Ido
from juminkiroku.models.cs import OPEN_STATUSES, JushinStatus, SoshinStatus, YokyuStatus
from juminkiroku.services.ido import IdoError
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, logged_by_service, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.models import RoleLevel
from tenants.text import text_problem
from tenants.wareki import parse_wareki

GYOMU = JUKINET_RENKEI
EDIT_LABELS = (("shimei", "氏名"), ("shimei_kana", "氏名フリガナ"), ("jusho", "住所"))
LIST_MAX = 200
KOJIN_BANGO_REASONS = ("本人の請求", "職権（漏えいのおそれ）", "職権修正（誤記・記載漏れ）")


def _text(request: HttpRequest, name: str, label: str) -> str:
    value = request.POST.get(name, "").strip()
    problem = text_problem(value, label=label)
    if problem is not None:
        raise ValueError(problem)
    return value


def _atena_by_no(request: HttpRequest) -> Atena:
    atena_no = _text(request, "atena_no", "宛名番号")
    atena = Atena.objects.filter(atena_no=atena_no).first() if atena_no else None
    if atena is None:
        raise ValueError("宛名番号に該当する人がいません。")
    return atena


def _int(request: HttpRequest, name: str, label: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValueError(f"{label}は数字で入力してください。") from None


def _act(request: HttpRequest) -> None:
    actor = actor_from_request(request)
    act = request.POST.get("act", "")
    if act in ("shudo_on", "shudo_off"):
        shudo_set(shudo=act == "shudo_on", actor=actor)
        messages.success(
            request,
            "手動連携に切り替えました。送信は「今すぐ連携する」でのみ行います。"
            if act == "shudo_on"
            else "自動連携に戻しました。",
        )
    elif act == "sync":
        t = cs_sync_round(rounds=1, by_hand=True)
        messages.success(
            request,
            f"CSとの連携を実行しました（作成 {t['made']:,}件、送信 {t['sent']:,}件、"
            f"エラー {t['rejected']:,}件、再送待ち {t['retry']:,}件、受信 {t['received']:,}件）。",
        )
    elif act == "aki":
        got = juminhyo_code_aki_fetch(count=_int(request, "count", "件数"), actor=actor)
        messages.success(request, f"住民票コードの空き番を{got:,}件取得しました。")
    elif act == "threshold":
        n = aki_threshold_set(threshold=_int(request, "threshold", "警告件数"), actor=actor)
        messages.success(request, f"空き番の警告件数を{n:,}件にしました。")
    elif act == "seigo":
        run = cs_seigo_run(actor=actor)
        messages.success(
            request,
            f"整合性確認を実行しました（{run.compared:,}件中 相違 {run.differences:,}件）。",
        )
    elif act == "resend":
        changes = {
            name: request.POST[name]
            for name in ("ido_jiyu", "shimei", "shimei_kana", "jusho")
            if name in request.POST
        }
        cs_soshin_resend(soshin_id=_int(request, "id", "送信データ"), changes=changes, actor=actor)
        messages.success(request, "次回の連携で再送信します。")
    elif act == "withdraw":
        cs_soshin_withdraw(soshin_id=_int(request, "id", "送信データ"), actor=actor)
        messages.success(request, "送信を取りやめました。この方の後続の送信データを送信します。")
    elif act == "settle":
        atena_id = _atena_by_no(request).pk if request.POST.get("atena_no", "").strip() else None
        cs_jushin_settle(jushin_id=_int(request, "id", "受信電文"), atena_id=atena_id, actor=actor)
        messages.success(request, "受信電文を処理済にしました。")
    elif act == "jcode":
        atena = _atena_by_no(request)
        new_code = _text(request, "new_code", "住民票コード")
        ido = juminhyo_code_henko_enter(atena_id=atena.pk, new_code=new_code, actor=actor)
        what = "修正" if new_code else "変更"
        messages.success(
            request, f"住民票コードの{what}を仮登録しました（異動番号 {ido.ido_no}）。"
        )
    elif act == "bango":
        atena = _atena_by_no(request)
        reason = request.POST.get("reason", "")
        if reason not in KOJIN_BANGO_REASONS:
            raise ValueError("変更の理由を選択してください。")
        ido = kojin_bango_henko_enter(atena_id=atena.pk, reason=reason, actor=actor)
        messages.success(request, f"個人番号の変更を仮登録しました（異動番号 {ido.ido_no}）。")
    else:
        raise ValueError("操作が正しくありません。")


ERRORS = (ValueError, BangoError, JushinError, SeigoError, CsSoshinError)


def _context() -> dict[str, Any]:
    link = renkei_row(lock=False)
    open_recs = list(
        CsSoshin.objects.filter(status__in=OPEN_STATUSES)
        .select_related("atena")
        .order_by("id")[:LIST_MAX]
    )
    rows = []
    for r in open_recs:
        values = unpack(ITEMS_OF[r.kind], r.record)
        rows.append(
            {
                "r": r,
                "edit": [
                    (n, label, values[n])
                    for n, label in EDIT_LABELS
                    if n in EDITABLE_ITEMS[r.kind] and n != "ido_jiyu"
                ]
                if r.status == SoshinStatus.REJECTED
                else [],
                "cs_jiyu_code": values.get("ido_jiyu", ""),
                "jiyu": IdoJiyu(r.jiyu).label if r.jiyu in IdoJiyu.values else "",
                "cs_jiyu": CS_JIYU_LABEL.get(CS_JIYU.get(r.jiyu, ""), ""),
            }
        )
    review = list(
        CsJushin.objects.filter(status=JushinStatus.REVIEW).select_related("atena")[:LIST_MAX]
    )
    seigo = CsSeigo.objects.first()
    sa = list(seigo.sa.select_related("atena")[:LIST_MAX]) if seigo else []
    ids = {r.atena_id for r in open_recs} | {m.atena_id for m in review if m.atena_id}
    ids |= {d.atena_id for d in sa if d.atena_id}
    return {
        "link": link,
        "connected": bool(cs_url()),
        "kado": cs_status() if cs_url() else "",
        "aki": aki_count(),
        "aki_alert": aki_alert(),
        "rows": rows,
        "counts": {
            s.label: CsSoshin.objects.filter(status=s).count()
            for s in (SoshinStatus.PENDING, SoshinStatus.RETRY, SoshinStatus.REJECTED)
        },
        "sent": CsSoshin.objects.filter(status=SoshinStatus.SENT).count(),
        "review": review,
        "seigo": seigo,
        "sa": sa,
        "atena_ids": sorted(ids),
        "reasons": KOJIN_BANGO_REASONS,
        "cs_jiyu_labels": sorted(CS_JIYU_LABEL.items()),
    }


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads("atena", ids="atena_ids[]", screen="住基ネット連携", skip_empty=True))
@require_http_methods(["GET", "POST"])
def cs_home(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _act(request)
        except ERRORS as exc:
            messages.error(request, str(exc))
        return redirect("jk_cs_home")
    return TemplateResponse(request, "juminkiroku/cs/home.html", _context())


TOKUREI_INPUTS = (
    ("shimei", "氏名"),
    ("shimei_kana", "氏名フリガナ"),
    ("birth_date", "生年月日"),
    ("tennyu_mae_jusho", "転入前住所"),
    ("honseki", "本籍"),
    ("hittosha", "筆頭者"),
    ("postal_code", "郵便番号"),
    ("jusho", "住所"),
    ("banchi", "番地"),
    ("katagaki", "方書"),
)


def _tokurei_enter(request: HttpRequest, code: str) -> Ido:
    values: dict[str, Any] = {}
    for name, label in (*TOKUREI_INPUTS, ("sex", "性別")):
        values[name] = _text(request, name, label)
    try:
        values["birth_date"] = parse_wareki(values["birth_date"]).isoformat()
        ido_date = parse_wareki(_text(request, "ido_date", "異動日"))
        todoke = _text(request, "todoke_date", "届出日")
        todoke_date = parse_wareki(todoke) if todoke else None
    except ValueError:
        raise ValueError("日付は 2024-09-02 か 令和6年9月2日 の形で入力してください。") from None
    return tokurei_tennyu_enter(
        juminhyo_code=code,
        fields=values,
        ido_date=ido_date,
        todoke_date=todoke_date,
        actor=actor_from_request(request),
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # tokurei_tennyu_prefill writes the read of the 転出証明書情報
@require_http_methods(["GET", "POST"])
def cs_tokurei(request: HttpRequest) -> HttpResponse:
    """特例転入 (4.1.1.3): receive the 転出証明書情報 by 住民票コード (in the body, never the
    URL), show it as the 転入's values for the clerk to check and correct, and enter the
    転入 (仮登録) from them."""
    fields: dict[str, Any] | None = None
    errors: list[str] = []
    code = ""
    if request.method == "POST":
        try:
            code = _text(request, "juminhyo_code", "住民票コード")
            if request.POST.get("act") == "enter":
                ido = _tokurei_enter(request, code)
                messages.success(request, f"特例転入を仮登録しました（異動番号 {ido.ido_no}）。")
                return redirect(f"/juminkiroku/ido/{ido.pk}/")
            fields = tokurei_tennyu_prefill(juminhyo_code=code, actor=actor_from_request(request))
        except IdoError as exc:
            errors = [m for ms in exc.errors.values() for m in ms]
            fields = {n: request.POST.get(n, "") for n, _ in TOKUREI_INPUTS}
            fields["sex"] = request.POST.get("sex", "")
        except (ValueError, JushinError) as exc:
            errors = [str(exc)]
    shown: dict[str, Any] = {"fields": fields, "errors": errors, "code": code}
    if fields:
        shown["inputs"] = [(n, label, fields.get(n, "")) for n, label in TOKUREI_INPUTS]
        yotei = fields.get("tenshutsu_yotei_date", "")
        shown["yotei"] = date.fromisoformat(yotei) if yotei else None
        shown["today"] = timezone.localdate().isoformat()
    return TemplateResponse(request, "juminkiroku/cs/tokurei.html", shown)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # tsuchihyo_print writes the print row
@require_GET
def cs_tsuchihyo(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in TITLES:
        raise Http404
    try:
        pdf = tsuchihyo_print(atena_id=pk, kind=kind, actor=actor_from_request(request))
    except TsuchihyoError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="juminhyo_code_{kind}_{pk}.pdf"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the requests and the 送付先 log in their services; answers redirect
@require_POST
def cs_person(request: HttpRequest, pk: int) -> HttpResponse:
    """The person screen's 住基ネット acts: 符号の取得要求 (7.1.2.2), シリアル番号 (7.1.2.4),
    送付先の居所 (7.1.1.4)."""
    if not Atena.objects.filter(pk=pk).exists():
        raise Http404
    actor = actor_from_request(request)
    act = request.POST.get("act", "")
    try:
        if act in ("fugo", "serial"):
            request_of = fugo_request if act == "fugo" else card_serial_request
            row = request_of(atena_id=pk, actor=actor)
            if row.status == YokyuStatus.DONE:
                messages.success(request, f"{row.get_kind_display()}が正常に終了しました。")
            else:
                messages.error(
                    request, f"{row.get_kind_display()}がエラーになりました: {row.reason}"
                )
        elif act == "sofusaki":
            sofusaki_set(
                atena_id=pk,
                jusho=request.POST.get("jusho", ""),
                postal_code=request.POST.get("postal_code", ""),
                katagaki=request.POST.get("katagaki", ""),
                actor=actor,
            )
            messages.success(
                request, "送付先（居所）を設定しました。次の送付先情報から送信します。"
            )
        else:
            messages.error(request, "操作が正しくありません。")
    except CardError as exc:
        messages.error(request, str(exc))
    return redirect(f"/juminkiroku/persons/{pk}/")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # jushin_error_rows logs the export
@require_GET
def cs_jushin_errors_csv(request: HttpRequest) -> HttpResponseBase:
    """転入通知情報取込エラー一覧表 (4.1.3.1.2) as CSV through the platform's writer."""
    rows = jushin_error_rows(actor=actor_from_request(request))
    return csv_response("tennyu_tsuchi_errors.csv", ERROR_LIST_HEADER, rows)


urlpatterns = [
    path("cs/jushin-errors.csv", cs_jushin_errors_csv, name="jk_cs_jushin_errors"),
    path("cs/persons/<int:pk>/", cs_person, name="jk_cs_person"),
    path("cs/", cs_home, name="jk_cs_home"),
    path("cs/tokurei/", cs_tokurei, name="jk_cs_tokurei"),
    path("cs/tsuchihyo/<int:pk>/<str:kind>/", cs_tsuchihyo, name="jk_cs_tsuchihyo"),
]
