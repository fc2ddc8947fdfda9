"""滞納整理 screens (issue 18 item 6): the list of cases (filters, paging, 担当者), one
taxpayer's case across every 税目 with its acts (担当者, 交渉記録, 催告書, 分納誓約, 差押・
交付要求, 換価・配当, 執行停止), the 催告 and 不納欠損 jobs, and the 分納 breaches. Lookups by
宛名番号 are POSTs; paths carry internal ids only; every screen that names a person is
access-logged by declaration."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from juminkiroku.public import atena_resolve, person_identities, person_identity
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.rentai import RENTAI_KINDS, RENTAI_LAW
from tenants.selectors.current import current_municipality
from tenants.wareki import format_nendo
from zeimu.forms.notices import Issuer
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    Bunno,
    Kesson,
    RentaiHakko,
    RentaiHakkoKind,
    Saikoku,
    Shobun,
    ShobunKind,
    Teishi,
    TeishiReason,
    ZaisanKind,
    Zeimoku,
)
from zeimu.services import shuno_taino as svc
from zeimu.services.shuno import ShunoRefused
from zeimu.services.shuno_rentai import rentai_hakko, rentai_render
from zeimu.services.shuno_taino_print import saikoku_notices, saikoku_render, saikoku_single
from zeimu.shuno_taino_jobs import KESSON, SAIKOKU

GYOMU = SHUNO_KANRI
RENTAI_NONE = "住民記録から特定できる連帯納付義務者はいません。"
PER_PAGE = 50


def _today() -> date:
    return timezone.localdate()


class ListFilter(forms.Form):
    zeimoku = forms.ChoiceField(
        label="税目", required=False, choices=[("", "すべて"), *Zeimoku.choices]
    )
    min_zan = forms.IntegerField(label="未納額（以上、円）", required=False, min_value=0)
    jiko_months = forms.IntegerField(
        label="時効・消滅までの月数（以内）", required=False, min_value=0, max_value=120
    )
    mine = forms.BooleanField(label="自分の担当のみ", required=False)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="zeimu.taino_list"))
@require_http_methods(["GET", "POST"])
def taino_list(request: HttpRequest) -> HttpResponse:
    """The cases: taxpayers in arrears today, largest balance first, 50 a page."""
    if request.method == "POST":  # 宛名番号 → the case (never in a URL)
        lookup = atena_resolve(request.POST.get("atena_no", ""))
        if lookup.atena_id is not None and not lookup.found:
            access_refusal(
                request, record_type="atena", record_id=lookup.atena_id, reason="shokai_yokushi"
            )
        if not lookup.found or lookup.atena_id is None:
            messages.error(request, lookup.message)
        else:
            return redirect("zeimu_shuno_taino_case", atena_id=lookup.atena_id)
    filters = ListFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = svc.case_list(
        on=_today(),
        zeimoku=data.get("zeimoku") or None,
        min_zan=data.get("min_zan"),
        jiko_months=data.get("jiko_months"),
        tanto_user_id=request.user.pk if data.get("mine") else None,
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    ids = [r.atena_id for r in page.object_list]
    people = person_identities(ids)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "zeimu/taino_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": [(r, people[r.atena_id]) for r in page.object_list],
            "atena_ids": ids,
            "total": sum(r.zan for r in rows),
            "count": len(rows),
            "query": query.urlencode(),
            "today": _today(),
        },
    )


class KoshoForm(forms.Form):
    on = WarekiDateField(label="日付")
    memo = TextField(label="交渉の内容", max_length=2000, multiline=True, widget=forms.Textarea)


def _kibetsu_field(choices: list[tuple[int, str]]) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label="対象の期別", choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )


class BunnoForm(forms.Form):
    seiyaku_date = WarekiDateField(label="誓約日")
    kaisu = forms.IntegerField(label="回数", min_value=1, max_value=120)
    first = WarekiDateField(label="初回の納付期日（以後毎月同じ日）")
    total = forms.IntegerField(label="分納の合計額（円）", min_value=1, max_value=10**11)
    memo = TextField(label="備考", max_length=500, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kibetsu"] = _kibetsu_field(choices)


class ShobunForm(forms.Form):
    kind = forms.ChoiceField(label="処分の種類", choices=ShobunKind.choices)
    zaisan = forms.ChoiceField(label="財産の種類", choices=ZaisanKind.choices)
    shobun_date = WarekiDateField(label="処分日")
    amount = forms.IntegerField(label="金額（円）", min_value=1, max_value=10**11)
    memo = TextField(label="財産の表示・備考", max_length=500, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kibetsu"] = _kibetsu_field(choices)


class TeishiForm(forms.Form):
    reason = forms.ChoiceField(label="停止の理由", choices=TeishiReason.choices)
    teishi_date = WarekiDateField(label="停止日")
    memo = TextField(label="備考", max_length=500, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kibetsu"] = _kibetsu_field(choices)


class ActOnForm(forms.Form):
    """解除, 分納の終了, 執行停止の取消・即時消滅 and 換価・配当 on one row of the case."""

    on = WarekiDateField(label="日付")
    amount = forms.IntegerField(label="配当額（円）", min_value=1, max_value=10**11, required=False)
    memo = TextField(label="備考", max_length=500, required=False)


class SaikokuOneForm(forms.Form):
    hakko_date = WarekiDateField(label="発付日")


class RentaiForm(forms.Form):
    """督促状・納付書 to a 連帯納付義務者 for one 期別 (zeimu.services.shuno_rentai)."""

    kind = forms.ChoiceField(label="帳票", choices=RentaiHakkoKind.choices)
    hakko_date = WarekiDateField(label="発行日")
    suitei_kakunin = forms.BooleanField(
        label="戸籍で婚姻を確認しました（配偶者と推定した方に発行するとき）", required=False
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"] = forms.ChoiceField(label="期別と連帯納付義務者", choices=choices)
        self.order_fields(["target", "kind", "hakko_date", "suitei_kakunin"])


ACTS = ("tanto", "tanto_clear", "kosho", "bunno", "shobun", "teishi", "saikoku", "kaijo",
        "haito", "bunno_end", "torikeshi", "sokuji")  # fmt: skip


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", id_kwarg="atena_id", screen="zeimu.taino_case"))
@require_http_methods(["GET", "POST"])
def taino_case(request: HttpRequest, atena_id: int) -> HttpResponse:
    """One taxpayer's 滞納整理 across every 税目 (GET), and the acts on it (POST, 更新)."""
    today = _today()
    detail = svc.case_detail(atena_id, on=today)
    if not detail.lines and detail.case is None:
        messages.error(request, "この方に納期限を過ぎた未納はありません。")
        return redirect("zeimu_shuno_taino")
    choices = [
        (x.arrear.kibetsu_id,
         f"{x.arrear.zeimoku_label} {x.arrear.nendo}年度 {x.arrear.ki_label}"
         f"（未納 {x.arrear.zan:,}円）")
        for x in detail.lines
    ]  # fmt: skip
    # 連帯納付義務者 (後期・介護保険料 普通徴収): read from the registry, so logged too
    rentai = svc.rentai_lines(detail.lines)
    rentai_ids = sorted({s.atena_id for r in rentai for s in r.answer.sha})
    names = person_identities(rentai_ids)
    rentai_rows: list[dict[str, Any]] = []
    rentai_choices: list[tuple[str, str]] = []
    for r in rentai:
        rentai_rows += [
            {"line": r, "sha": s, "person": names.get(s.atena_id)} for s in r.answer.sha
        ]
        rentai_rows += [{"line": r, "text": n} for n in r.answer.notes]
        if not r.answer.sha and not r.answer.notes:
            rentai_rows.append({"line": r, "text": RENTAI_NONE})
        a = r.arrear
        for s in r.answer.sha:
            p = names.get(s.atena_id)
            rentai_choices.append((
                f"{a.kibetsu_id}:{s.atena_id}",
                f"{a.zeimoku_label} {format_nendo(a.nendo)} {a.ki_label} — "
                f"{p.shimei if p else ''}（{s.zokugara}{'・推定' if s.suitei else ''}）",
            ))  # fmt: skip
    act = request.POST.get("act", "") if request.method == "POST" else ""
    post = request.POST if act else None
    initial = {"on": today, "seiyaku_date": today, "shobun_date": today, "teishi_date": today,
               "hakko_date": today}  # fmt: skip
    forms_ = {
        "kosho": KoshoForm(post if act == "kosho" else None, initial=initial, prefix="kosho"),
        "bunno": BunnoForm(post if act == "bunno" else None, initial=initial, prefix="bunno",
                           choices=choices),
        "shobun": ShobunForm(post if act == "shobun" else None, initial=initial, prefix="shobun",
                             choices=choices),
        "teishi": TeishiForm(post if act == "teishi" else None, initial=initial, prefix="teishi",
                             choices=choices),
        "saikoku": SaikokuOneForm(post if act == "saikoku" else None, initial=initial,
                                  prefix="saikoku"),
        "acton": ActOnForm(post if act in ACTS[7:] else None, initial=initial, prefix="acton"),
        "rentai": RentaiForm(post if act == "rentai" else None, initial=initial, prefix="rentai",
                             choices=rentai_choices),
    }  # fmt: skip
    if act:  # a POST: the platform asked for 更新 (write_level) before the view ran
        result = _act(request, act, atena_id, forms_)
        if result is not None:
            return result
    access_note(request, detail={"atena_ids": [atena_id, *rentai_ids]})
    kinds = sorted({r.arrear.zeimoku for r in rentai})
    rentai_law = [(RENTAI_KINDS[k], RENTAI_LAW[k]) for k in kinds]
    return TemplateResponse(
        request,
        "zeimu/taino_case.html",
        {"person": person_identity(atena_id), "d": detail, "forms": forms_, "today": today,
         "rentai_rows": rentai_rows, "rentai_law": rentai_law},
        status=400 if act else 200,
    )  # fmt: skip


def _act(
    request: HttpRequest, act: str, atena_id: int, forms_: dict[str, forms.Form]
) -> HttpResponse | None:
    actor = actor_from_request(request)
    user: Any = request.user
    back = redirect("zeimu_shuno_taino_case", atena_id=atena_id)
    try:
        if act in ("tanto", "tanto_clear"):
            name = (user.display_name or user.username) if act == "tanto" else ""
            svc.tanto_assign(atena_id=atena_id, user_id=user.pk if act == "tanto" else None,
                             name=name, on=_today(), actor=actor)  # fmt: skip
            messages.success(request, "担当者を設定しました。")
            return back
        form = forms_["acton" if act in ACTS[7:] else act]
        if not form.is_valid():
            return None
        c = form.cleaned_data
        if act == "kosho":
            svc.kosho_record(atena_id=atena_id, on=c["on"], memo=c["memo"], actor=actor)
        elif act == "bunno":
            svc.bunno_create(
                atena_id=atena_id, kibetsu_ids=c["kibetsu"], seiyaku_date=c["seiyaku_date"],
                schedule=svc.bunno_schedule(total=c["total"], kaisu=c["kaisu"], first=c["first"]),
                memo=c["memo"], actor=actor,
            )  # fmt: skip
        elif act == "shobun":
            svc.shobun_create(
                atena_id=atena_id, kind=c["kind"], zaisan=c["zaisan"],
                shobun_date=c["shobun_date"], amount=c["amount"], kibetsu_ids=c["kibetsu"],
                memo=c["memo"], actor=actor,
            )  # fmt: skip
        elif act == "teishi":
            svc.teishi_create(atena_id=atena_id, kibetsu_ids=c["kibetsu"], reason=c["reason"],
                              teishi_date=c["teishi_date"], memo=c["memo"],
                              actor=actor)  # fmt: skip
        elif act == "rentai":
            kibetsu_id, rentai_atena_id = (int(x) for x in c["target"].split(":"))
            hakko = rentai_hakko(
                atena_id=atena_id, kibetsu_id=kibetsu_id, rentai_atena_id=rentai_atena_id,
                kind=c["kind"], hakko_date=c["hakko_date"],
                suitei_kakunin=c["suitei_kakunin"], actor=actor,
            )  # fmt: skip
            return redirect("zeimu_shuno_rentai_pdf", pk=hakko.pk)
        elif act == "saikoku":
            row = saikoku_single(atena_id=atena_id, hakko_date=c["hakko_date"],
                                 actor_name=actor.username or "")  # fmt: skip
            if row is None:
                raise ShunoRefused("発付日に未納の期別がないため、催告書は作成しませんでした。")
            return redirect("zeimu_shuno_saikoku_pdf", pk=row.pk)
        else:
            _act_on(request, act, atena_id, c, actor)
    except ShunoRefused as exc:
        form_key = "acton" if act in ACTS[7:] else act
        forms_[form_key].add_error(None, str(exc))
        return None
    messages.success(request, "記録しました。")
    return back


def _act_on(request: HttpRequest, act: str, atena_id: int, c: dict[str, Any], actor: Any) -> None:
    raw = request.POST.get("target", "")
    if not raw.isdigit():
        raise ShunoRefused("対象の記録を選んでください。")
    pk = int(raw)
    # the row must be this taxpayer's: another case's id is refused, not acted on
    if act in ("kaijo", "haito"):
        get_object_or_404(Shobun, pk=pk, case__atena_id=atena_id)
        if act == "kaijo":
            svc.shobun_kaijo(shobun_id=pk, on=c["on"], memo=c["memo"], actor=actor)
        else:
            if not c.get("amount"):
                raise ShunoRefused("配当額を入力してください。")
            svc.haito_apply(shobun_id=pk, on=c["on"], amount=c["amount"], actor=actor)
    elif act == "bunno_end":
        get_object_or_404(Bunno, pk=pk, case__atena_id=atena_id)
        svc.bunno_end(bunno_id=pk, on=c["on"], memo=c["memo"], actor=actor)
    else:
        get_object_or_404(Teishi, pk=pk, case__atena_id=atena_id)
        if act == "torikeshi":
            svc.teishi_torikeshi(teishi_id=pk, on=c["on"], memo=c["memo"], actor=actor)
        else:
            svc.teishi_sokuji(teishi_id=pk, on=c["on"], memo=c["memo"], actor=actor)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("zeimu.Saikoku", action=AccessAction.PRINT, id_kwarg="pk", screen="zeimu.saikoku_pdf")
)
@require_GET
def saikoku_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One 催告書 again, as it was sent (the job's rendering)."""
    row = get_object_or_404(Saikoku.objects.select_related("case"), pk=pk)
    notices = saikoku_notices([row])
    pdf = saikoku_render(notices, issuer=Issuer.of(current_municipality()))
    access_note(request, detail={"atena_ids": notices[0].atena_ids})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="saikoku_{row.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "zeimu.RentaiHakko",
        action=AccessAction.PRINT,
        id_kwarg="pk",
        screen="zeimu.taino_rentai_pdf",
    )
)
@require_GET
def rentai_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One 督促状 / 納付書 to a 連帯納付義務者 again, as it was issued."""
    row = get_object_or_404(RentaiHakko.objects.select_related("kibetsu", "nofusho"), pk=pk)
    doc = rentai_render(row, issuer=Issuer.of(current_municipality()))
    access_note(request, detail={"atena_ids": doc.atena_ids, "kind": row.kind})
    response = HttpResponse(doc.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rentai_{row.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


class SaikokuJobForm(forms.Form):
    hakko_date = WarekiDateField(label="発付日")
    zeimoku = forms.ChoiceField(
        label="税目（この税目の未納がある方）", required=False,
        choices=[("", "すべて"), *Zeimoku.choices],
    )  # fmt: skip
    min_zan = forms.IntegerField(label="未納額（以上、円）", required=False, min_value=0)
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


@gyomu_view(GYOMU)
@no_personal_data  # counts per 発付日; the job logs each chunk's 宛名
@require_http_methods(["GET", "POST"])
def taino_saikoku(request: HttpRequest) -> HttpResponse:
    form = SaikokuJobForm(request.POST or None, initial={"hakko_date": _today()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            job = job_start(
                kind=SAIKOKU,
                params={"hakko_date": c["hakko_date"].isoformat(), "zeimoku": c["zeimoku"] or None,
                        "min_zan": c["min_zan"], "atena_ids": [],
                        "print_data_encoding": c["print_data_encoding"]},
                actor=actor_from_request(request),
            )  # fmt: skip
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    sent = (
        Saikoku.objects.values("hakko_date")
        .annotate(n=Count("id"), zan=Sum("zan"), entaikin=Sum("entaikin"))
        .order_by("-hakko_date")[:20]
    )
    return TemplateResponse(request, "zeimu/taino_saikoku.html", {"form": form, "sent": sent})


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_ids[]", skip_empty=True, screen="zeimu.taino_bunno_ihan"))
@require_GET
def taino_bunno_ihan(request: HttpRequest) -> HttpResponse:
    today = _today()
    views = svc.bunno_ihan_list(on=today)
    ids = [v.bunno.case.atena_id for v in views]
    people = person_identities(ids)
    return TemplateResponse(
        request,
        "zeimu/taino_bunno_ihan.html",
        {"rows": [(v, people[v.bunno.case.atena_id]) for v in views], "atena_ids": ids,
         "nissu": svc.ihan_nissu(today), "today": today},
    )  # fmt: skip


class KessonJobForm(forms.Form):
    kijun = WarekiDateField(label="基準日（この日までに納税義務が消滅した期別）")
    encoding = CsvEncodingField(label="一覧（CSV）の文字コード")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # counts per 欠損処理日; the job's CSV export is logged by the job
@require_http_methods(["GET", "POST"])
def taino_kesson(request: HttpRequest) -> HttpResponse:
    form = KessonJobForm(request.POST or None, initial={"kijun": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            job = job_start(
                kind=KESSON,
                params={"kijun": form.cleaned_data["kijun"].isoformat(),
                        "encoding": form.cleaned_data["encoding"]},
                actor=actor_from_request(request),
            )  # fmt: skip
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("job_detail", pk=job.pk)
    done = (
        Kesson.objects.values("kesson_date", "reason")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("-kesson_date", "reason")[:30]
    )
    return TemplateResponse(request, "zeimu/taino_kesson.html", {"form": form, "done": done})


urlpatterns: list[URLPattern] = [
    path("shuno/taino/", taino_list, name="zeimu_shuno_taino"),
    path("shuno/taino/<int:atena_id>/", taino_case, name="zeimu_shuno_taino_case"),
    path("shuno/taino/saikoku/", taino_saikoku, name="zeimu_shuno_saikoku"),
    path("shuno/taino/saikoku/<int:pk>/saikoku.pdf", saikoku_pdf, name="zeimu_shuno_saikoku_pdf"),
    path("shuno/taino/rentai/<int:pk>/rentai.pdf", rentai_pdf, name="zeimu_shuno_rentai_pdf"),
    path("shuno/taino/bunno-ihan/", taino_bunno_ihan, name="zeimu_shuno_bunno_ihan"),
    path("shuno/taino/kesson/", taino_kesson, name="zeimu_shuno_kesson"),
]
