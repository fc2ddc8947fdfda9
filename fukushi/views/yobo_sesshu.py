"""健康管理（予防接種） screens (issue 21 item 4), mounted at /fukushi/kenko-kanri/.

要配慮個人情報, the same wall as 生活保護 (fukushi/views/seiho.py): beside the 業務 role, every
screen that shows or touches a person's records needs the grant
``fukushi.grants_kenko.KENKO_KIROKU``; without it they answer 404 and the top screen shows
no list and no count. With it, the clerk enters the 利用目的 first (kept in the session for
``MOKUTEKI_SECONDS``); every list, person screen, CSV and PDF writes its access-log row
with that purpose.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.grants_kenko import KENKO_KIROKU
from fukushi.gyomu import KENKO_KANRI
from fukushi.models import SesshuKubun
from fukushi.printjobs_yobo_sesshu import yoshin_render
from fukushi.rules.yobo_sesshu import STATUS_LABELS, Status, fiscal_year
from fukushi.services.yobo_sesshu import (
    YoboRefused,
    due_rows,
    schedule,
    sesshu_record,
    sesshu_rows,
    sesshu_torikeshi,
)
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.grants.selectors import has_grant
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = KENKO_KANRI
RECORD_TYPE = "fukushi.YoboSesshu"
SESSION = "fukushi_kenko_query"
MOKUTEKI_SECONDS = 30 * 60
PAGE_SIZE = 50
PRINT_MAX = 500
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
CSV_HEADER = [
    "宛名番号",
    "氏名",
    "生年月日",
    "ワクチン",
    "回",
    "区分",
    "対象期間（から）",
    "対象期間（まで）",
]


def may_see(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and has_grant(user.pk, KENKO_KIROKU))


def wall(request: HttpRequest) -> None:
    """404 for one without the grant: 健康管理's screens never say a record exists."""
    if not may_see(request):
        raise Http404("ページが見つかりません。")


def can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _vaccine_choices(nendo: int) -> list[tuple[str, str]]:
    try:
        return [(c, v.name) for c, v in schedule(nendo).items()]
    except LookupError:
        return []


class ListForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="一覧を開く目的（例: 未接種者への勧奨通知）。アクセス記録に残ります。",
    )
    kijunbi = WarekiDateField(label="基準日", help_text=DATE_HELP)
    vaccine = forms.ChoiceField(label="ワクチン", required=False)
    status = forms.ChoiceField(
        label="区分",
        required=False,
        choices=[("", "（すべて）"), *[(s.value, STATUS_LABELS[s]) for s in Status]],
    )

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["vaccine"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（すべて）"), *_vaccine_choices(nendo)]


class RecordForm(forms.Form):
    vaccine = forms.ChoiceField(label="ワクチン")
    dose_no = forms.IntegerField(
        label="回", min_value=1, max_value=99, required=False, help_text="毎年度1回のものは空欄"
    )
    sesshu_date = WarekiDateField(label="接種日", help_text=DATE_HELP)
    kubun = forms.ChoiceField(label="定期・任意", choices=SesshuKubun.choices)
    lot_no = TextField(label="ロット番号", max_length=20, required=False)
    iryo_kikan = TextField(label="医療機関", max_length=60, required=False)

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["vaccine"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _vaccine_choices(nendo)


class TorikeshiForm(forms.Form):
    riyu = TextField(label="取消の理由", max_length=200)


def session_query(request: HttpRequest, key: str) -> dict[str, Any] | None:
    """The list query the clerk last entered under ``key`` (with its purpose), if still in
    force (健診's screens keep theirs the same way)."""
    q = request.session.get(key)
    if not q or time.time() - float(q["at"]) > MOKUTEKI_SECONDS:
        return None
    return dict(q)


def _query(request: HttpRequest) -> dict[str, Any] | None:
    return session_query(request, SESSION)


def _rows(q: dict[str, Any]) -> list[Any]:
    return due_rows(
        date.fromisoformat(q["kijunbi"]),
        vaccines=[q["vaccine"]] if q["vaccine"] else None,
        statuses=[q["status"]] if q["status"] else None,
    )


def _nendo_now() -> int:
    return fiscal_year(timezone.localdate())


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.SEARCH,
        ids="page_ids",
        screen="fukushi.yobo_sesshu_taisho",
        skip_empty=True,
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """For holders of the grant: the purpose and the 基準日, then the list of residents due
    or overdue, 50 to a page. For others: what the grant is, no list and no count."""
    allowed = may_see(request)
    ctx: dict[str, Any] = {"allowed": allowed}
    if not allowed:
        return TemplateResponse(request, "fukushi/kenko/top.html", ctx)
    form = ListForm(
        request.POST or None, nendo=_nendo_now(), initial={"kijunbi": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        request.session[SESSION] = {
            "mokuteki": d["mokuteki"],
            "kijunbi": d["kijunbi"].isoformat(),
            "vaccine": d.get("vaccine") or "",
            "status": d.get("status") or "",
            "at": time.time(),
        }
        return redirect(reverse("fukushi_kenko_top") + "?page=1")
    q = _query(request) if request.method == "GET" and "page" in request.GET else None
    ctx["form"] = form
    if q is not None:
        try:
            rows = _rows(q)
        except LookupError:
            messages.error(request, "基準日の年度の定期接種のスケジュールが登録されていません。")
            return TemplateResponse(request, "fukushi/kenko/top.html", ctx)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        names = person_identities(r.atena_id for r in page.object_list)
        ctx.update(
            page=page,
            total=len(rows),
            kijunbi=date.fromisoformat(q["kijunbi"]),
            names=names,
            lines=[(r, names.get(r.atena_id)) for r in page.object_list],
            page_ids=[r.atena_id for r in page.object_list],
        )
        access_note(request, purpose=q["mokuteki"], detail={"kijunbi": q["kijunbi"]})
    return TemplateResponse(request, "fukushi/kenko/top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.EXPORT, shown="csv", screen="fukushi.yobo_sesshu_csv")
)
@require_POST
def taisho_csv(request: HttpRequest) -> HttpResponseBase:
    """The whole list of the last query as CSV (the platform's writer), logged as 抽出."""
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenko_top")
    rows = _rows(q)
    names = person_identities(r.atena_id for r in rows)
    access_note(
        request,
        ids=[r.atena_id for r in rows],
        count=len(rows),
        purpose=q["mokuteki"],
        detail={"kijunbi": q["kijunbi"]},
    )
    return csv_response(
        f"yobo_sesshu_taisho_{q['kijunbi']}.csv",
        CSV_HEADER,
        (
            [
                names[r.atena_id].atena_no if r.atena_id in names else "",
                names[r.atena_id].shimei if r.atena_id in names else "",
                r.birth_date,
                r.vaccine_name,
                r.dose_label,
                r.status_label,
                r.first,
                r.last,
            ]
            for r in rows
        ),
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="pdf", screen="fukushi.yobo_sesshu_yoshin_pdf"
    )
)
@require_POST
def yoshin_pdf(request: HttpRequest) -> HttpResponseBase:
    """予診票（接種券） for the last query's list (接種対象 and 標準期間経過 only: a 期限切れ
    dose is no longer a 定期接種), one page per person and dose, up to ``PRINT_MAX``."""
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenko_top")
    rows = [r for r in _rows(q) if r.status != Status.KIGEN_GIRE]
    if not rows:
        messages.info(request, "印刷する対象者はいません。")
        return redirect(reverse("fukushi_kenko_top") + "?page=1")
    if len(rows) > PRINT_MAX:
        messages.error(
            request, f"一度に印刷できるのは{PRINT_MAX}件までです。ワクチンや区分で絞ってください。"
        )
        return redirect(reverse("fukushi_kenko_top") + "?page=1")
    pdf = yoshin_render(rows, hakko=timezone.localdate())
    access_note(
        request,
        ids=[r.atena_id for r in rows],
        count=len(rows),
        purpose=q["mokuteki"],
        detail={"kijunbi": q["kijunbi"]},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="yoshinhyo_{q["kijunbi"]}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="atena_id", screen="fukushi.yobo_sesshu_person"))
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, atena_id: int) -> HttpResponse:
    """A person's records (cancelled ones too) and, for 更新, the form to record a dose."""
    wall(request)
    q = _query(request)
    if q is None:
        messages.info(request, "先に利用目的を入力してください。")
        return redirect("fukushi_kenko_top")
    who = person_identities([atena_id]).get(atena_id)
    if who is None:
        raise Http404("ページが見つかりません。")
    actor = actor_from_request(request)
    form = RecordForm(request.POST or None, nendo=_nendo_now())
    if request.method == "POST":
        if not can_write(request):
            raise Http404("ページが見つかりません。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                sesshu_record(
                    atena_id=atena_id,
                    vaccine=d["vaccine"],
                    dose_no=d.get("dose_no"),
                    sesshu_date=d["sesshu_date"],
                    kubun=d["kubun"],
                    lot_no=d.get("lot_no") or "",
                    iryo_kikan=d.get("iryo_kikan") or "",
                    actor=actor,
                    purpose=q["mokuteki"],
                )
            except YoboRefused as e:
                for m in e.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, "接種の記録を登録しました。")
                return redirect("fukushi_kenko_person", atena_id=atena_id)
    rows = sesshu_rows(atena_id)  # the row is written by logs_reads, with the purpose
    names: dict[str, str] = {}
    for nendo in {fiscal_year(r.sesshu_date) for r in rows}:
        try:
            names.update({c: v.name for c, v in schedule(nendo).items()})
        except LookupError:
            continue
    access_note(request, purpose=q["mokuteki"])
    return TemplateResponse(
        request,
        "fukushi/kenko/person.html",
        {
            "who": who,
            "birth": format_wareki(who.birth_date),
            "rows": [(r, names.get(r.vaccine, r.vaccine)) for r in rows],
            "form": form,
            "can_write": can_write(request),
            "torikeshi_form": TorikeshiForm(),
        },
    )


@gyomu_view(GYOMU)
@no_personal_data  # a write; the service logs it with the purpose
@require_POST
def torikeshi(request: HttpRequest, pk: int) -> HttpResponse:
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenko_top")
    form = TorikeshiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "取消の理由を入力してください。")
        return redirect("fukushi_kenko_top")
    try:
        row = sesshu_torikeshi(
            pk=pk,
            riyu=form.cleaned_data["riyu"],
            actor=actor_from_request(request),
            purpose=q["mokuteki"],
        )
    except YoboRefused as e:
        messages.error(request, " ".join(e.messages))
        return redirect("fukushi_kenko_top")
    messages.success(request, "記録を取り消しました（履歴に残ります）。")
    return redirect("fukushi_kenko_person", atena_id=row.atena_id)


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/kenko-kanri/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("", top, name="fukushi_kenko_top"),
    path("taisho.csv", taisho_csv, name="fukushi_kenko_csv"),
    path("yoshinhyo.pdf", yoshin_pdf, name="fukushi_kenko_yoshin_pdf"),
    path("person/<int:atena_id>/", person, name="fukushi_kenko_person"),
    path("kiroku/<int:pk>/torikeshi/", torikeshi, name="fukushi_kenko_torikeshi"),
]
