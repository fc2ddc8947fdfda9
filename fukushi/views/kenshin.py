"""健康管理（健診：がん検診・特定健康診査） screens (issue 21 item 4), mounted at
/fukushi/kenko-kanri/kenshin/.

The wall of 予防接種 (fukushi/views/yobo_sesshu.py): beside the 業務 role every screen that
shows or touches a person's records needs the grant ``fukushi.grants_kenko.KENKO_KIROKU``;
without it they answer 404 and the top screen shows no list and no count. With it the clerk
enters the 利用目的 first (kept in the session as 予防接種 keeps it); every list page,
person screen, CSV and 受診券 PDF writes its access-log row with that purpose.
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

from fukushi.gyomu import KENKO_KANRI
from fukushi.models import KekkaKubun, SeimitsuKekka
from fukushi.printjobs_kenshin import jushinken_render
from fukushi.rules.kenshin import nendo_of
from fukushi.services.kenshin import (
    KenshinRefused,
    TaishoRow,
    jushin_record,
    jushin_rows,
    jushin_torikeshi,
    seimitsu_record,
    table,
    taisho_rows,
)
from fukushi.views.yobo_sesshu import can_write, may_see, session_query, wall
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.csvout import csv_response
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.wareki import format_nendo, format_wareki

GYOMU = KENKO_KANRI
RECORD_TYPE = "fukushi.KenshinJushin"
SESSION = "fukushi_kenshin_query"
PAGE_SIZE = 50
PRINT_MAX = 500
DATE_HELP = wareki_help("令和7年6月1日", "R7.6.1", "2025/6/1")
CSV_HEADER = ["宛名番号", "氏名", "生年月日", "年齢（年度末）", "検診", "方法", "受診"]


def _kinds(nendo: int) -> list[tuple[str, str]]:
    try:
        return [(c, k.name) for c, k in table(nendo).items()]
    except LookupError:
        return []


def _methods(nendo: int) -> list[tuple[str, str]]:
    try:
        return [
            (f"{c}:{m.code}", f"{k.name}（{m.name}）")
            for c, k in table(nendo).items()
            for m in k.methods
        ]
    except LookupError:
        return []


class ListForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="一覧を開く目的（例: 未受診者への受診勧奨）。アクセス記録に残ります。",
    )
    kijunbi = WarekiDateField(label="基準日", help_text=DATE_HELP + "（その日の年度の対象者）")
    kenshin = forms.ChoiceField(label="検診", required=False)
    mijushin = forms.BooleanField(label="未受診者だけ", required=False)

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kenshin"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（すべて）"), *_kinds(nendo)]


class RecordForm(forms.Form):
    kenshin_method = forms.ChoiceField(label="検診（方法）")
    jushin_date = WarekiDateField(label="受診日", help_text=DATE_HELP)
    kekka = forms.ChoiceField(label="結果区分", choices=KekkaKubun.choices)
    iryo_kikan = TextField(label="検診機関", max_length=60, required=False)

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kenshin_method"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _methods(nendo)


class SeimitsuForm(forms.Form):
    seimitsu_date = WarekiDateField(label="精密検査の受診日", help_text=DATE_HELP)
    seimitsu_kekka = forms.ChoiceField(label="精密検査の結果", choices=SeimitsuKekka.choices)
    seimitsu_kikan = TextField(label="精密検査の医療機関", max_length=60, required=False)


class TorikeshiForm(forms.Form):
    riyu = TextField(label="取消の理由", max_length=200)


def _query(request: HttpRequest) -> dict[str, Any] | None:
    return session_query(request, SESSION)


def _rows(q: dict[str, Any]) -> list[TaishoRow]:
    return taisho_rows(
        date.fromisoformat(q["kijunbi"]),
        kenshin=[q["kenshin"]] if q["kenshin"] else None,
        mijushin_only=bool(q["mijushin"]),
    )


def _nendo_now() -> int:
    return nendo_of(timezone.localdate())


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.SEARCH,
        ids="page_ids",
        screen="fukushi.kenshin_taisho",
        skip_empty=True,
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """For holders of the grant: the purpose and the 基準日, then the 対象者 (or only the
    未受診者) of its 年度, 50 to a page. For others: what the grant is, no list, no count."""
    allowed = may_see(request)
    ctx: dict[str, Any] = {"allowed": allowed}
    if not allowed:
        return TemplateResponse(request, "fukushi/kenko/kenshin_top.html", ctx)
    form = ListForm(
        request.POST or None, nendo=_nendo_now(), initial={"kijunbi": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        request.session[SESSION] = {
            "mokuteki": d["mokuteki"],
            "kijunbi": d["kijunbi"].isoformat(),
            "kenshin": d.get("kenshin") or "",
            "mijushin": bool(d.get("mijushin")),
            "at": time.time(),
        }
        return redirect(reverse("fukushi_kenshin_top") + "?page=1")
    q = _query(request) if request.method == "GET" and "page" in request.GET else None
    ctx["form"] = form
    if q is not None:
        try:
            rows = _rows(q)
        except LookupError:
            messages.error(request, "基準日の年度の検診の対象が登録されていません。")
            return TemplateResponse(request, "fukushi/kenko/kenshin_top.html", ctx)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        names = person_identities(r.atena_id for r in page.object_list)
        kijunbi = date.fromisoformat(q["kijunbi"])
        ctx.update(
            page=page,
            total=len(rows),
            nendo=format_nendo(nendo_of(kijunbi)),
            lines=[(r, names.get(r.atena_id)) for r in page.object_list],
            page_ids=[r.atena_id for r in page.object_list],
        )
        access_note(request, purpose=q["mokuteki"], detail={"kijunbi": q["kijunbi"]})
    return TemplateResponse(request, "fukushi/kenko/kenshin_top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.EXPORT, shown="csv", screen="fukushi.kenshin_csv")
)
@require_POST
def taisho_csv(request: HttpRequest) -> HttpResponseBase:
    """The whole list of the last query as CSV (the platform's writer), logged as 抽出."""
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenshin_top")
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
        f"kenshin_taisho_{q['kijunbi']}.csv",
        CSV_HEADER,
        (
            [
                names[r.atena_id].atena_no if r.atena_id in names else "",
                names[r.atena_id].shimei if r.atena_id in names else "",
                r.birth_date,
                r.age,
                r.kenshin_name,
                r.method_names,
                r.jushin_date or r.jushin_label,
            ]
            for r in rows
        ),
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.PRINT, shown="pdf", screen="fukushi.kenshin_jushinken_pdf"
    )
)
@require_POST
def jushinken_pdf(request: HttpRequest) -> HttpResponseBase:
    """受診券 for the last query's 未受診者 (one who had the 検診 this 年度 gets none), one
    page per person and 検診, up to ``PRINT_MAX``."""
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenshin_top")
    rows = [r for r in _rows(q) if r.jushin_date is None]
    if not rows:
        messages.info(request, "印刷する対象者はいません。")
        return redirect(reverse("fukushi_kenshin_top") + "?page=1")
    if len(rows) > PRINT_MAX:
        messages.error(
            request, f"一度に印刷できるのは{PRINT_MAX}件までです。検診で絞ってください。"
        )
        return redirect(reverse("fukushi_kenshin_top") + "?page=1")
    nendo = nendo_of(date.fromisoformat(q["kijunbi"]))
    pdf = jushinken_render(rows, nendo=nendo, hakko=timezone.localdate())
    access_note(
        request,
        ids=[r.atena_id for r in rows],
        count=len(rows),
        purpose=q["mokuteki"],
        detail={"kijunbi": q["kijunbi"]},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jushinken_{q["kijunbi"]}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="atena_id", screen="fukushi.kenshin_person"))
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, atena_id: int) -> HttpResponse:
    """A person's 受診記録 (cancelled ones too) and, for 更新, the form to record a 受診."""
    wall(request)
    q = _query(request)
    if q is None:
        messages.info(request, "先に利用目的を入力してください。")
        return redirect("fukushi_kenshin_top")
    who = person_identities([atena_id]).get(atena_id)
    if who is None:
        raise Http404("ページが見つかりません。")
    form = RecordForm(request.POST or None, nendo=_nendo_now())
    if request.method == "POST":
        if not can_write(request):
            raise Http404("ページが見つかりません。")
        if form.is_valid():
            d = form.cleaned_data
            kenshin, _, method = d["kenshin_method"].partition(":")
            try:
                jushin_record(
                    atena_id=atena_id,
                    kenshin=kenshin,
                    method=method,
                    jushin_date=d["jushin_date"],
                    kekka=d["kekka"],
                    iryo_kikan=d.get("iryo_kikan") or "",
                    actor=actor_from_request(request),
                    purpose=q["mokuteki"],
                )
            except KenshinRefused as e:
                for m in e.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, "受診の記録を登録しました。")
                return redirect("fukushi_kenshin_person", atena_id=atena_id)
    rows = jushin_rows(atena_id)  # the row is written by logs_reads, with the purpose
    kinds: dict[str, str] = {}
    methods: dict[tuple[str, str], str] = {}
    for nendo in {nendo_of(r.jushin_date) for r in rows}:
        try:
            for c, k in table(nendo).items():
                kinds[c] = k.name
                methods.update({(c, m.code): m.name for m in k.methods})
        except LookupError:
            continue
    access_note(request, purpose=q["mokuteki"])
    return TemplateResponse(
        request,
        "fukushi/kenko/kenshin_person.html",
        {
            "who": who,
            "birth": format_wareki(who.birth_date),
            "rows": [
                (
                    r,
                    kinds.get(r.kenshin, r.kenshin),
                    methods.get((r.kenshin, r.method), r.method),
                )
                for r in rows
            ],
            "form": form,
            "can_write": can_write(request),
            "seimitsu_form": SeimitsuForm(),
            "torikeshi_form": TorikeshiForm(),
            "yo_seimitsu": KekkaKubun.YO_SEIMITSU.value,
        },
    )


@gyomu_view(GYOMU)
@no_personal_data  # a write; the service logs it with the purpose
@require_POST
def seimitsu(request: HttpRequest, pk: int) -> HttpResponse:
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenshin_top")
    form = SeimitsuForm(request.POST)
    if not form.is_valid():
        messages.error(request, "精密検査の受診日と結果を入力してください。")
        return redirect("fukushi_kenshin_top")
    d = form.cleaned_data
    try:
        row = seimitsu_record(
            pk=pk,
            seimitsu_date=d["seimitsu_date"],
            kekka=d["seimitsu_kekka"],
            iryo_kikan=d.get("seimitsu_kikan") or "",
            actor=actor_from_request(request),
            purpose=q["mokuteki"],
        )
    except KenshinRefused as e:
        messages.error(request, " ".join(e.messages))
        return redirect("fukushi_kenshin_top")
    messages.success(request, "精密検査の結果を登録しました。")
    return redirect("fukushi_kenshin_person", atena_id=row.atena_id)


@gyomu_view(GYOMU)
@no_personal_data  # a write; the service logs it with the purpose
@require_POST
def torikeshi(request: HttpRequest, pk: int) -> HttpResponse:
    wall(request)
    q = _query(request)
    if q is None:
        return redirect("fukushi_kenshin_top")
    form = TorikeshiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "取消の理由を入力してください。")
        return redirect("fukushi_kenshin_top")
    try:
        row = jushin_torikeshi(
            pk=pk,
            riyu=form.cleaned_data["riyu"],
            actor=actor_from_request(request),
            purpose=q["mokuteki"],
        )
    except KenshinRefused as e:
        messages.error(request, " ".join(e.messages))
        return redirect("fukushi_kenshin_top")
    messages.success(request, "記録を取り消しました（履歴に残ります）。")
    return redirect("fukushi_kenshin_person", atena_id=row.atena_id)


urlpatterns: list[URLPattern] = [
    path("", top, name="fukushi_kenshin_top"),
    path("taisho.csv", taisho_csv, name="fukushi_kenshin_csv"),
    path("jushinken.pdf", jushinken_pdf, name="fukushi_kenshin_jushinken_pdf"),
    path("person/<int:atena_id>/", person, name="fukushi_kenshin_person"),
    path("kiroku/<int:pk>/seimitsu/", seimitsu, name="fukushi_kenshin_seimitsu"),
    path("kiroku/<int:pk>/torikeshi/", torikeshi, name="fukushi_kenshin_torikeshi"),
]
