"""子ども・子育て支援 (保育の認定・入所) screens, mounted at /fukushi/kodomo-kosodate/:
the list of 支給認定 (the 業務's first screen), a new 認定 (the child and 保護者 by 宛名番号 in
the POST body), the facilities with their 定員 and enrolment, and the 利用調整 of a month
(its applications by points, the town's table, the run). Paths carry internal ids only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models.hoiku import (
    Hitsuyoryo,
    HoikuJiyu,
    HoikuKeigenNintei,
    HoikuMoshikomi,
    HoikuNintei,
    HoikuNyusho,
    HoikuShisetsu,
    HoikuShisu,
    HoikuTeiin,
    KeigenKind,
    KeigenKonkyo,
    MoshikomiStatus,
    NinteiKubun,
)
from fukushi.rules.hoiku import class_age, nendo_of
from fukushi.services.hoiku import (
    HoikuRefused,
    KeigenInput,
    NinteiInput,
    chosei_run,
    keigen_register,
    nintei_register,
)
from juminkiroku.public import atena_resolve, person_identities
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.params.services import ParameterMissing

GYOMU = KODOMO_KOSODATE
PREFIX = "kodomo-kosodate/"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
BLANK = [("", "（なし）")]


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _nendo_now() -> int:
    return nendo_of(timezone.localdate())


class NinteiForm(forms.Form):
    child_no = TextField(label="子どもの宛名番号", max_length=20)
    hogosha_no = TextField(label="保護者の宛名番号", max_length=20)
    hogosha2_no = TextField(
        label="もう一人の保護者（父母）の宛名番号（いないときは空）", max_length=20, required=False
    )
    kubun = forms.ChoiceField(label="認定区分", choices=NinteiKubun.choices)
    jiyu = forms.ChoiceField(
        label="保育を必要とする事由（2号・3号）", choices=BLANK + HoikuJiyu.choices, required=False
    )
    shuro_jikan = forms.IntegerField(
        label="1か月の就労時間（事由が就労のとき）", min_value=0, max_value=744, required=False
    )
    hitsuyoryo = forms.ChoiceField(
        label="保育必要量（就労以外の事由のとき。就労は時間から決めます）",
        choices=BLANK + Hitsuyoryo.choices,
        required=False,
    )
    start_date = WarekiDateField(label="認定期間の始期", help_text=DATE_HELP)
    end_date = WarekiDateField(label="認定期間の終期", help_text=DATE_HELP)
    seiho = forms.BooleanField(label="生活保護を受けている世帯", required=False)
    kyodai_kasan = forms.IntegerField(
        label="多子軽減で数える兄姉のうち世帯の外・18歳以上の子の数",
        min_value=0,
        max_value=10,
        initial=0,
    )


class KeigenForm(forms.Form):
    """ひとり親世帯等・要保護世帯の認定: the clerk records what evidence they saw."""

    kind = forms.ChoiceField(label="世帯の区分", choices=KeigenKind.choices)
    konkyo = forms.ChoiceField(label="根拠（確認した書類・事実）", choices=KeigenKonkyo.choices)
    konkyo_note = TextField(label="根拠の補足（証書番号など）", max_length=100, required=False)
    start_date = WarekiDateField(label="適用の始期", help_text=DATE_HELP)
    end_date = WarekiDateField(
        label="適用の終期（続くときは空）", help_text=DATE_HELP, required=False
    )


class MonthForm(forms.Form):
    nendo = NendoField(label="年度")
    month = forms.TypedChoiceField(
        label="入所月",
        coerce=int,
        choices=[(m, f"{m}月") for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)],
    )


# --- 認定の一覧 ----------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(
    Reads(
        "atena",
        ids="atena_ids",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number},
        screen="fukushi.hoiku_nintei_list",
    )
)
@require_GET
def nintei_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(HoikuNintei.objects.order_by("-start_date", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    persons = person_identities(n.atena_id for n in rows)
    today = timezone.localdate()
    keigen: dict[int, list[HoikuKeigenNintei]] = {}
    for k in HoikuKeigenNintei.objects.filter(nintei__in=rows).order_by("start_date", "id"):
        keigen.setdefault(k.nintei_id, []).append(k)
    current = {
        y.nintei_id: y.shisetsu.name
        for y in HoikuNyusho.objects.filter(nintei__in=rows, start_date__lte=today)
        .exclude(end_date__lt=today)
        .select_related("shisetsu")
    }
    return TemplateResponse(
        request,
        "fukushi/hoiku/nintei_list.html",
        {
            "page": page,
            "rows": [
                (
                    n,
                    persons.get(n.atena_id),
                    current.get(n.pk, ""),
                    keigen.get(n.pk, []),
                    KeigenForm(prefix=f"k{n.pk}"),
                )
                for n in rows
            ],
            "atena_ids": [n.atena_id for n in rows],
            "form": NinteiForm(),
            "can_write": _can_write(request),
        },
    )


def _resolve(request: HttpRequest, number: str) -> int | None:
    found = atena_resolve(number)
    if found.atena_id is not None and not found.found:
        access_refusal(
            request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
        )
    if not found.found or found.atena_id is None:
        messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        return None
    return found.atena_id


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def nintei_new(request: HttpRequest) -> HttpResponse:
    form = NinteiForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}：{e}" if label else str(e))
        return redirect("fukushi_hoiku_nintei_list")
    d = form.cleaned_data
    child = _resolve(request, d["child_no"])
    parent = _resolve(request, d["hogosha_no"])
    parent2 = _resolve(request, d["hogosha2_no"]) if d.get("hogosha2_no") else None
    if child is None or parent is None or (d.get("hogosha2_no") and parent2 is None):
        return redirect("fukushi_hoiku_nintei_list")
    try:
        nintei_register(
            inp=NinteiInput(
                atena_id=child,
                hogosha_atena_id=parent,
                hogosha2_atena_id=parent2,
                kubun=d["kubun"],
                jiyu=d.get("jiyu") or "",
                shuro_jikan=d.get("shuro_jikan"),
                hitsuyoryo=d.get("hitsuyoryo") or "",
                start_date=d["start_date"],
                end_date=d["end_date"],
                seiho=bool(d.get("seiho")),
                kyodai_kasan=d.get("kyodai_kasan") or 0,
            ),
            actor=actor_from_request(request),
        )
    except (HoikuRefused, ParameterMissing) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "支給認定を登録しました。")
    return redirect("fukushi_hoiku_nintei_list")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def keigen_new(request: HttpRequest, nintei_id: int) -> HttpResponse:
    form = KeigenForm(request.POST, prefix=f"k{nintei_id}")
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errs:
                messages.error(request, f"{label}：{e}" if label else str(e))
        return redirect("fukushi_hoiku_nintei_list")
    d = form.cleaned_data
    try:
        keigen_register(
            inp=KeigenInput(
                nintei_id=nintei_id,
                kind=d["kind"],
                konkyo=d["konkyo"],
                konkyo_note=d.get("konkyo_note") or "",
                start_date=d["start_date"],
                end_date=d.get("end_date"),
            ),
            actor=actor_from_request(request),
        )
    except HoikuRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "ひとり親世帯等の認定を登録しました。保育料は次の算定で変わります。"
        )
    return redirect("fukushi_hoiku_nintei_list")


# --- 施設と定員 ------------------------------------------------------------------------------


@gyomu_view(GYOMU)
@no_personal_data  # facilities, places and counts only
@require_GET
def shisetsu_list(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET or None, initial={"nendo": _nendo_now(), "month": 4})
    nendo = form.cleaned_data["nendo"] if form.is_bound and form.is_valid() else _nendo_now()
    day = timezone.localdate() if nendo == _nendo_now() else None
    day = day or date(nendo, 4, 1)
    teiin: dict[tuple[int, int], int] = {
        (t.shisetsu_id, t.class_age): t.teiin for t in HoikuTeiin.objects.filter(nendo=nendo)
    }
    enrolled = list(
        HoikuNyusho.objects.filter(start_date__lte=day)
        .exclude(end_date__lt=day)
        .values_list("shisetsu_id", "atena_id")
    )
    births = {a: p.birth_date for a, p in person_identities(a for _, a in enrolled).items()}
    counts: dict[tuple[int, int], int] = {}
    for sid, aid in enrolled:
        if aid in births:
            key = (sid, class_age(births[aid], nendo))
            counts[key] = counts.get(key, 0) + 1
    rows: list[dict[str, Any]] = []
    for s in HoikuShisetsu.objects.all():
        cells = [(teiin.get((s.pk, a), 0), counts.get((s.pk, a), 0)) for a in range(6)]
        rows.append(
            {
                "shisetsu": s,
                "cells": cells,
                "teiin": sum(c[0] for c in cells),
                "zaiseki": sum(c[1] for c in cells),
            }
        )
    return TemplateResponse(
        request,
        "fukushi/hoiku/shisetsu_list.html",
        {"form": form, "rows": rows, "nendo": nendo, "day": day, "ages": range(6)},
    )


# --- 利用調整 --------------------------------------------------------------------------------


@gyomu_view(GYOMU)
@logs_reads(Reads("atena", ids="atena_ids", skip_empty=True, screen="fukushi.hoiku_chosei"))
@require_GET
def chosei_view(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET or None, initial={"nendo": _nendo_now(), "month": 4})
    if form.is_bound and form.is_valid():
        nendo, month = form.cleaned_data["nendo"], form.cleaned_data["month"]
    else:
        nendo, month = _nendo_now(), 4
    day = date(nendo if month >= 4 else nendo + 1, month, 1)
    apps = list(
        HoikuMoshikomi.objects.filter(kibo_month=day)
        .select_related("nintei")
        .prefetch_related("kibo__shisetsu", "nyusho__shisetsu")
        .order_by("-points", "uketsuke_no")
    )
    persons = person_identities(m.nintei.atena_id for m in apps)
    return TemplateResponse(
        request,
        "fukushi/hoiku/chosei.html",
        {
            "form": form,
            "day": day,
            "rows": [(m, persons.get(m.nintei.atena_id)) for m in apps],
            "atena_ids": [m.nintei.atena_id for m in apps],
            "shisu": HoikuShisu.objects.filter(nendo=nendo_of(day)),
            "can_write": _can_write(request),
            "uketsuke": sum(1 for m in apps if m.status == MoshikomiStatus.UKETSUKE),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the 利用調整
@require_http_methods(["POST"])
def chosei_run_view(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年度と入所月を選んでください。")
        return redirect("fukushi_hoiku_chosei")
    nendo, month = form.cleaned_data["nendo"], form.cleaned_data["month"]
    day = date(nendo if month >= 4 else nendo + 1, month, 1)
    try:
        res = chosei_run(month=day, actor=actor_from_request(request))
    except (HoikuRefused, ParameterMissing) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"利用調整を行いました（対象{res.taisho}件、入所決定{res.naitei}件、保留{res.horyu}件）。",
        )
    return redirect(f"{reverse('fukushi_hoiku_chosei')}?nendo={nendo}&month={month}")


urlpatterns: list[URLPattern] = [
    # the first screen of the 業務, for the platform's module page
    path(f"{PREFIX}entry/", nintei_list, name=f"gyomu_entry_{KODOMO_KOSODATE}"),
    path(f"{PREFIX}", nintei_list, name="fukushi_hoiku_nintei_list"),
    path(f"{PREFIX}nintei/new/", nintei_new, name="fukushi_hoiku_nintei_new"),
    path(
        f"{PREFIX}nintei/<int:nintei_id>/keigen/",
        keigen_new,
        name="fukushi_hoiku_keigen_new",
    ),
    path(f"{PREFIX}shisetsu/", shisetsu_list, name="fukushi_hoiku_shisetsu"),
    path(f"{PREFIX}chosei/", chosei_view, name="fukushi_hoiku_chosei"),
    path(f"{PREFIX}chosei/run/", chosei_run_view, name="fukushi_hoiku_chosei_run"),
]
