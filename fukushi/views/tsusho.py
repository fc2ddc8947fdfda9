"""障害児通所支援 screens (障害児通所給付費の支給決定), mounted at /fukushi/jido-tsusho/ under
the 障害者福祉 業務.

要配慮個人情報, walled as the 自立支援給付 are (fukushi/views/jiritsu.py): beside the 業務 role
every screen that shows or touches a record needs the grant ``SHOGAI_TECHO``; without it a
record URL answers 404 whether it exists or not and the first screen shows no search, list or
count. A record opens only after the clerk has entered the 利用目的 (kept in the session for 30
minutes) and every read writes its access-log row with it. Search criteria travel in POST
bodies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.tsusho import TsushoJotai, TsushoKettei
from fukushi.printjobs_tsusho import jukyushasho_render
from fukushi.rules.tsusho import KUBUN_LABELS
from fukushi.services.tsusho import (
    KetteiInput,
    TsushoRefused,
    service_kinds,
    tsusho_henko,
    tsusho_kakunin,
    tsusho_kettei,
    tsusho_koshin,
    tsusho_kyakka,
    tsusho_shinsei,
    tsusho_torikeshi,
)
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo, may_write, techo_wall, walled_get
from juminkiroku.public import AtenaLookup, atena_resolve, person_identities
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
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = SHOGAISHA_FUKUSHI
RECORD_TYPE = "fukushi.TsushoKettei"
PURPOSE = PurposeSession("fukushi_tsusho_mokuteki")
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
NOT_FOUND = "ページが見つかりません。"


def _kettei(request: HttpRequest, pk: int) -> TsushoKettei:
    return walled_get(request, TsushoKettei.objects.all(), pk)


def _resolve(request: HttpRequest, form: forms.Form, field: str) -> int | None:
    found: AtenaLookup = atena_resolve(form.cleaned_data[field])
    if not found.found or found.atena_id is None:
        if found.atena_id is not None:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
            )
        form.add_error(field, found.message or "その宛名番号の方は見つかりません。")
        return None
    return found.atena_id


def _flash(request: HttpRequest, exc: TsushoRefused) -> None:
    for _, msg in exc.errors:
        messages.error(request, msg)


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この記録を開く目的（例: 支給量の変更の受付）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    atena_no = TextField(label="宛名番号（障害児）", max_length=12, required=False)
    jukyusha_bango = TextField(label="受給者証番号", max_length=10, required=False)
    include_closed = forms.BooleanField(label="却下・取消・終了を含める", required=False)
    yokakunin = forms.BooleanField(label="保護者の死亡・転出で確認が必要なものだけ", required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ShinseiForm(forms.Form):
    atena_no = TextField(label="宛名番号（障害児）", max_length=12)
    hogosha_atena_no = TextField(
        label="宛名番号（申請者の保護者）",
        max_length=12,
        help_text="負担上限月額は保護者の属する世帯の市町村民税で判定します。",
    )
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)


class KetteiForm(forms.Form):
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    kaishi = WarekiDateField(label="給付決定期間の開始日", help_text=DATE_HELP)
    shuryo = WarekiDateField(label="給付決定期間の終了日", help_text=DATE_HELP)

    def __init__(self, *args: Any, day: date, initial_services: dict[str, int] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        for code, spec in service_kinds(day).items():
            self.fields[f"svc_{code}"] = forms.IntegerField(
                label=f"{spec['name']}（日/月）",
                min_value=0,
                max_value=31,
                required=False,
                initial=(initial_services or {}).get(code),
            )

    def services(self) -> dict[str, int]:
        return {
            name.removeprefix("svc_"): int(v)
            for name, v in self.cleaned_data.items()
            if name.startswith("svc_") and v
        }


class HenkoForm(KetteiForm):
    riyu = TextField(label="変更の理由", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kaishi"]
        del self.fields["shuryo"]
        self.fields["kettei_date"].label = "変更日"


IDO_CHOICES = [
    ("koshin", "更新（次の給付決定期間）"),
    ("kakunin", "保護者の異動を確認し、このまま継続"),
    ("torikeshi", "取消"),
    ("kyakka", "申請の却下"),
]


class IdoForm(forms.Form):
    ido = forms.ChoiceField(label="処理", choices=IDO_CHOICES, widget=forms.RadioSelect)
    jiyu_date = WarekiDateField(label="年月日", help_text=DATE_HELP)
    shuryo = WarekiDateField(
        label="更新後の給付決定期間の終了日（更新のみ）", required=False, help_text=DATE_HELP
    )
    riyu = TextField(label="理由", max_length=200, required=False)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.tsusho_top")
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The 支給決定 search (purpose first, paged) for holders of the grant; for others a
    notice only: no list, no count."""
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = TsushoKettei.objects.all()
        if not d.get("include_closed"):
            qs = qs.filter(jotai__in=[TsushoJotai.SHINSEI, TsushoJotai.YUKO])
        if d.get("yokakunin"):
            qs = qs.exclude(yokakunin="")
        if d.get("jukyusha_bango"):
            qs = qs.filter(jukyusha_bango=d["jukyusha_bango"].strip())
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if found.atena_id is None or not found.found:
                ok = False
            else:
                qs = qs.filter(atena_id=found.atena_id)
        items = list(qs.order_by("jukyusha_bango", "pk")) if ok else []
        page = Paginator(items, PAGE_SIZE).get_page(d.get("page") or 1)
        objs = list(page.object_list)
        people = person_identities(k.atena_id for k in objs)
        results: list[dict[str, Any]] = [
            {
                "pk": k.pk,
                "k": k,
                "atena_no": people[k.atena_id].atena_no if k.atena_id in people else "",
                "shimei": people[k.atena_id].shimei if k.atena_id in people else "",
                "futan": KUBUN_LABELS.get(k.futan_kubun, ""),
            }
            for k in objs
        ]
        for k in objs:
            PURPOSE.put(request, k.pk, d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/tsusho/top.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.tsusho_shinsei")
)
@require_http_methods(["GET", "POST"])
def shinsei(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = ShinseiForm(request.POST or None, initial={"shinsei_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        atena_id = _resolve(request, form, "atena_no")
        hogosha = _resolve(request, form, "hogosha_atena_no")
        if atena_id is not None and hogosha is not None and not form.errors:
            try:
                k = tsusho_shinsei(
                    atena_id=atena_id,
                    hogosha_atena_id=hogosha,
                    shinsei_date=d["shinsei_date"],
                    actor=actor_from_request(request),
                )
            except TsushoRefused as exc:
                for field, msg in exc.errors:
                    form.add_error(field if field in form.fields else None, msg)
            else:
                PURPOSE.put(request, k.pk, "支給申請の受付")
                messages.success(
                    request, f"支給申請を受け付けました（受給者証番号 {k.jukyusha_bango}）。"
                )
                return redirect("fukushi_tsusho_detail", pk=k.pk)
    return TemplateResponse(request, "fukushi/tsusho/shinsei.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the record is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _kettei(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_tsusho_detail", pk=pk)
    return TemplateResponse(request, "fukushi/tsusho/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="k", screen="fukushi.tsusho_detail"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 支給決定: the child and the 保護者, services and 支給量, 期間, 負担上限月額 with every
    figure used, the 無償化 period, the history; for a writer the forms of the next step."""
    k = _kettei(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_tsusho_mokuteki", kwargs={"pk": pk}))
    today = timezone.localdate()
    day = k.kikan_kaishi or today
    people = person_identities([k.atena_id, k.hogosha_atena_id])
    p, h = people.get(k.atena_id), people.get(k.hogosha_atena_id)
    kinds = service_kinds(day)
    current = {s.service: s.shikyu_ryo for s in k.services.order_by("id")}
    ctx: dict[str, Any] = {
        "k": k,
        "shimei": p.shimei if p else "",
        "atena_no": p.atena_no if p else "",
        "birth": p.birth_date if p else None,
        "hogosha": h.shimei if h else "",
        "services": [
            {"name": kinds.get(c, {}).get("name", c), "ryo": n} for c, n in current.items()
        ],
        "futan": KUBUN_LABELS.get(k.futan_kubun, ""),
        "rireki": list(k.rireki.order_by("id")),
        "can_write": may_write(request),
        "open": k.jotai in (TsushoJotai.SHINSEI, TsushoJotai.YUKO),
    }
    if ctx["can_write"] and ctx["open"]:
        if k.jotai == TsushoJotai.SHINSEI:
            ctx["kettei_form"] = KetteiForm(day=today, initial={"kettei_date": today})
        else:
            ctx["henko_form"] = HenkoForm(
                day=today, initial_services=current, initial={"kettei_date": today}
            )
        ctx["ido_form"] = IdoForm(initial={"jiyu_date": today})
        if k.jotai == TsushoJotai.YUKO:
            from fukushi.views.tsusho_tashi import EnchouForm, TashiForm  # it imports this module

            ctx["tashi_form"] = TashiForm(initial={"jiyu_date": today})
            ctx["enchou_form"] = EnchouForm(initial={"jiyu_date": today})
    access_note(request, purpose=purpose, detail={"atena_ids": [k.atena_id, k.hogosha_atena_id]})
    return TemplateResponse(request, "fukushi/tsusho/detail.html", ctx)


def _write_guard(request: HttpRequest, pk: int) -> HttpResponse | None:
    _kettei(request, pk)
    if not PURPOSE.get(request, pk):
        return redirect(reverse("fukushi_tsusho_mokuteki", kwargs={"pk": pk}))
    return None


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 給付決定 or 変更 is logged by its service
@require_POST
def kettei(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    k = _kettei(request, pk)
    today = timezone.localdate()
    henko = k.jotai == TsushoJotai.YUKO
    form: KetteiForm = (
        HenkoForm(request.POST, day=today) if henko else KetteiForm(request.POST, day=today)
    )
    if form.is_valid():
        d = form.cleaned_data
        actor = actor_from_request(request)
        try:
            if henko:
                tsusho_henko(pk=pk, day=d["kettei_date"], services=form.services(),
                             riyu=d.get("riyu") or "", actor=actor)  # fmt: skip
            else:
                tsusho_kettei(
                    pk=pk,
                    data=KetteiInput(d["kettei_date"], d["kaishi"], d["shuryo"], form.services()),
                    actor=actor,
                )
        except TsushoRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "変更しました。" if henko else "給付決定しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_tsusho_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # 更新・確認・取消・却下 are logged by their services
@require_POST
def ido(request: HttpRequest, pk: int) -> HttpResponse:
    if (r := _write_guard(request, pk)) is not None:
        return r
    form = IdoForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        actor = actor_from_request(request)
        riyu = d.get("riyu") or ""
        try:
            if d["ido"] == "koshin":
                if not d.get("shuryo"):
                    raise TsushoRefused(
                        [("shuryo", "更新後の給付決定期間の終了日を入力してください。")]
                    )
                tsusho_koshin(pk=pk, day=d["jiyu_date"], shuryo=d["shuryo"], riyu=riyu,
                              actor=actor)  # fmt: skip
            elif d["ido"] == "kakunin":
                tsusho_kakunin(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
            elif d["ido"] == "torikeshi":
                tsusho_torikeshi(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
            else:
                tsusho_kyakka(pk=pk, day=d["jiyu_date"], riyu=riyu, actor=actor)
        except TsushoRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, "登録しました。")
    else:
        message_form_errors(request, form)
    return redirect("fukushi_tsusho_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.tsusho_pdf")
)
@require_GET
def jukyushasho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 通所受給者証 of a decision in force (the shared print path)."""
    k = _kettei(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_tsusho_mokuteki", kwargs={"pk": pk}))
    if k.jotai != TsushoJotai.YUKO:
        raise Http404(NOT_FOUND)
    pdf = jukyushasho_render(k, hakko=timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": [k.atena_id, k.hogosha_atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tsusho_{k.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("", top, name="fukushi_tsusho_top"),
    path("shinsei/", shinsei, name="fukushi_tsusho_shinsei"),
    path("<int:pk>/", detail, name="fukushi_tsusho_detail"),
    path("<int:pk>/mokuteki/", mokuteki, name="fukushi_tsusho_mokuteki"),
    path("<int:pk>/kettei/", kettei, name="fukushi_tsusho_kettei"),
    path("<int:pk>/ido/", ido, name="fukushi_tsusho_ido"),
    path("<int:pk>/jukyushasho.pdf", jukyushasho_pdf, name="fukushi_tsusho_pdf"),
]
