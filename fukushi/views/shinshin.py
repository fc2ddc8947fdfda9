"""心身障害者医療 screens (issue 21 item 2), mounted at /fukushi/shinshin-shogaisha-iryo/.

A 受給者証 tells of a disability (要配慮個人情報): the list and the 交付 need the grant
``SHOGAI_TECHO`` as the 手帳 do (fukushi/views/shogai.py), the search asks its purpose and
logs it. The 試算 reads no person and saves nothing: any holder of the role may use it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.gyomu import SHINSHIN_SHOGAISHA_IRYO
from fukushi.models import (
    ShinshinJotai,
    ShinshinJukyusha,
    ShinshinShiharai,
    ShinshinShokan,
    TechoKind,
)
from fukushi.printjobs_shinshin import card_render
from fukushi.services.shinshin import (
    ShinshinRefused,
    minaoshi_list,
    shinshin_kofu,
    shinshin_koshin,
    shinshin_minaoshi,
    shinshin_shisan,
)
from fukushi.services.shinshin_shokan import (
    ShokanInput,
    ShokanRefused,
    shinshin_shiharai_file,
    shokan_kettei,
    shokan_shiharai,
    shokan_uketsuke,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo
from juminkiroku.public import atena_resolve, person_identities
from tenants import zengin
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
from tenants.accesslog.services import access_record, actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = SHINSHIN_SHOGAISHA_IRYO
RECORD_TYPE = "fukushi.ShinshinJukyusha"
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
PURPOSE = PurposeSession("fukushi_shinshin_mokuteki")
NOT_FOUND = "ページが見つかりません。"


# --- the wall and the purpose (as fukushi/views/shogai.py for a 手帳) -----------------------


def _jukyusha(request: HttpRequest, pk: int) -> ShinshinJukyusha:
    """The 受給者: 404 without the grant whether it exists or not."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    j = ShinshinJukyusha.objects.select_related("techo").filter(pk=pk).first()
    if j is None:
        raise Http404(NOT_FOUND)
    return j


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この受給者を開く目的（例: 償還の申請の受付）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, help_text="アクセス記録に残ります。")
    atena_no = TextField(label="宛名番号", max_length=12, required=False)
    include_shikkaku = forms.BooleanField(label="資格喪失した方を含める", required=False)


class KofuForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)
    kaishi = WarekiDateField(label="有効期間の開始日", help_text=DATE_HELP)


class ShisanForm(forms.Form):
    day = WarekiDateField(label="基準日", help_text=DATE_HELP)
    kind = forms.ChoiceField(label="手帳の種類", choices=TechoKind.choices)
    tokyu = TextField(
        label="等級・程度", max_length=10, help_text="身体・精神は数字（級）、療育は程度（例 A1）。"
    )
    age = forms.IntegerField(label="年齢", min_value=0, max_value=130)
    shinki = forms.BooleanField(
        label="新たに申請する（更新ではない）", required=False, initial=True
    )
    gokei_shotoku = forms.IntegerField(
        label="本人の合計所得金額（円）", min_value=0, max_value=10**10, required=False
    )


class ShokanForm(forms.Form):
    shinryo_tsuki = WarekiDateField(label="診療年月（その月の日付）", help_text=DATE_HELP)
    iryo_kikan = TextField(label="医療機関", max_length=100)
    jiko_futan = forms.IntegerField(
        label="保険診療の自己負担額（円）", min_value=1, max_value=10_000_000
    )
    kinyu_kikan = TextField(label="振込先 金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


class KetteiForm(forms.Form):
    kekka = forms.ChoiceField(label="決定", choices=[("shikyu", "支給"), ("kyakka", "却下")])
    riyu = TextField(label="却下の理由", max_length=200, required=False)


class KoshinForm(forms.Form):
    nen = forms.IntegerField(label="更新する年（西暦）", min_value=2000, max_value=2100)


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_date"]
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text=DATE_HELP)


class MinaoshiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        initial="根拠の手帳が変わった受給者証の見直し",
        help_text="アクセス記録に残ります。",
    )
    kijun = WarekiDateField(label="判定する日", help_text=DATE_HELP)


class MinaoshiApplyForm(forms.Form):
    day = WarekiDateField(
        label="見直しの日",
        help_text="この日から判定し直します（対象外なら前日まで有効）。" + DATE_HELP,
    )


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _shokan_errors(request: HttpRequest, exc: ShokanRefused) -> None:
    for _, message in exc.errors:
        messages.error(request, message)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.shinshin_top"
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {
        "allowed": allowed,
        "form": form,
        "koshin_form": KoshinForm() if allowed and _can_write(request) else None,
        "koshin_job_form": KoshinForm(prefix="job") if allowed and _can_write(request) else None,
    }
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = ShinshinJukyusha.objects.all()
        if not d.get("include_shikkaku"):
            qs = qs.filter(jotai="yuko")
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if found.atena_id is None or not found.found:
                ok = False
            else:
                qs = qs.filter(atena_id=found.atena_id)
        rows = list(qs.order_by("jukyusha_bango")[:200]) if ok else []
        names = person_identities(j.atena_id for j in rows)
        for j in rows:
            PURPOSE.put(request, j.pk, d["mokuteki"])
        ctx["results"] = [
            {"pk": j.pk, "j": j, "shimei": names[j.atena_id].shimei if j.atena_id in names else ""}
            for j in rows
        ]
        access_note(request, purpose=d["mokuteki"], count=len(rows))
    return TemplateResponse(request, "fukushi/shinshin/top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.SEARCH,
        ids="results[].pk",
        screen="fukushi.shinshin_minaoshi_list",
    )
)
@require_http_methods(["GET", "POST"])
def minaoshi(request: HttpRequest) -> HttpResponse:
    """受給者証 whose 根拠 手帳 changed (returned, ended, past its 有効期限, another 等級),
    judged again on a day: still qualifying (and by which 手帳) or why not. The purpose is
    asked and logged, as for the search."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    form = MinaoshiForm(
        request.POST or None, initial={"kijun": format_wareki(timezone.localdate())}
    )
    ctx: dict[str, Any] = {"allowed": True, "form": form, "results": None}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rows = minaoshi_list(d["kijun"])
        names = person_identities(m.jukyusha.atena_id for m in rows)
        for m in rows:
            PURPOSE.put(request, m.jukyusha.pk, d["mokuteki"])
        ctx["results"] = [
            {
                "pk": m.jukyusha.pk,
                "m": m,
                "shimei": names[m.jukyusha.atena_id].shimei if m.jukyusha.atena_id in names else "",
                "form": MinaoshiApplyForm(
                    initial={"day": format_wareki(d["kijun"])}, prefix=f"m{m.jukyusha.pk}"
                ),
            }
            for m in rows
        ]
        ctx["can_write"] = _can_write(request)
        access_note(request, purpose=d["mokuteki"], count=len(rows))
    return TemplateResponse(request, "fukushi/shinshin/minaoshi.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 見直し is logged (with the 受給者) by shinshin_minaoshi
@require_POST
def minaoshi_apply(request: HttpRequest, pk: int) -> HttpResponse:
    j = _jukyusha(request, pk)
    form = MinaoshiApplyForm(request.POST, prefix=f"m{j.pk}")
    if not form.is_valid() or not form.cleaned_data.get("day"):
        messages.error(request, "見直しの日を入力してください。")
        return redirect("fukushi_shinshin_minaoshi")
    try:
        done = shinshin_minaoshi(
            pk=j.pk, day=form.cleaned_data["day"], actor=actor_from_request(request)
        )
    except ShinshinRefused as exc:
        for message in exc.errors:
            messages.error(request, message)
        return redirect("fukushi_shinshin_minaoshi")
    if done.jotai == ShinshinJotai.YUKO:
        messages.success(request, f"見直しました：根拠を{done.konkyo}にしました。")
    else:
        messages.success(
            request, f"見直しました：{format_wareki(done.yuko_shuryo)}までで資格喪失としました。"
        )
    if not PURPOSE.get(request, j.pk):
        return redirect(reverse("fukushi_shinshin_mokuteki", kwargs={"pk": j.pk}))
    return redirect("fukushi_shinshin_detail", pk=j.pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.shinshin_kofu")
)
@require_http_methods(["GET", "POST"])
def kofu(request: HttpRequest) -> HttpResponse:
    if not may_see_techo(request):
        raise Http404("ページが見つかりません。")
    form = KofuForm(request.POST or None, initial={"kaishi": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        found = atena_resolve(d["atena_no"])
        if not found.found or found.atena_id is None:
            if found.atena_id is not None:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
                )
            form.add_error("atena_no", found.message or "その宛名番号の方は見つかりません。")
        else:
            try:
                j = shinshin_kofu(
                    atena_id=found.atena_id, kaishi=d["kaishi"], actor=actor_from_request(request)
                )
            except ShinshinRefused as exc:
                for e in exc.errors:
                    form.add_error(None, e)
            else:
                messages.success(
                    request, f"受給者証（受給者番号 {j.jukyusha_bango}）を交付しました。"
                )
                return redirect("fukushi_shinshin_top")
    return TemplateResponse(request, "fukushi/shinshin/kofu.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved (the 試算 is logged as such)
@require_http_methods(["GET", "POST"])
def shisan(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(request.POST or None, initial={"day": timezone.localdate()})
    answer = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            answer = shinshin_shisan(
                day=d["day"],
                kind=d["kind"],
                tokyu=d["tokyu"].strip().upper(),
                age=d["age"],
                shinki=bool(d.get("shinki")),
                gokei_shotoku=d.get("gokei_shotoku"),
            )
        except ShinshinRefused as exc:
            for e in exc.errors:
                form.add_error(None, e)
        else:
            access_record(
                request=request,
                action=AccessAction.READ,
                gyomu=GYOMU,
                screen="fukushi.shinshin_shisan",
                record_type="fukushi.shinshin_shisan",
                record_count=0,
                detail={"day": d["day"].isoformat()},
            )
    return TemplateResponse(
        request, "fukushi/shinshin/shisan.html", {"form": form, "answer": answer}
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the 受給者 is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _jukyusha(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_shinshin_detail", pk=pk)
    return TemplateResponse(request, "fukushi/shinshin/mokuteki.html", {"form": form})


def detail_context(request: HttpRequest, j: ShinshinJukyusha) -> dict[str, Any]:
    p = person_identities([j.atena_id]).get(j.atena_id)
    return {
        "j": j,
        "shimei": p.shimei if p else "",
        "atena_no": p.atena_no if p else "",
        "birth": format_wareki(p.birth_date) if p else "",
        "rireki": list(j.rireki.all()),
        "shokan": list(j.shokan.order_by("shinryo_tsuki", "pk")),
        "can_write": _can_write(request),
        "open": j.jotai == ShinshinJotai.YUKO,
        "shokan_form": ShokanForm(),
        "kettei_form": KetteiForm(),
    }


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="j", screen="fukushi.shinshin_detail"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 受給者証 (番号, 氏名, 生年月日, 根拠 with its 等級, 有効期間, 状態) and its history."""
    j = _jukyusha(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shinshin_mokuteki", kwargs={"pk": pk}))
    access_note(request, purpose=purpose, detail={"atena_ids": [j.atena_id]})
    return TemplateResponse(request, "fukushi/shinshin/detail.html", detail_context(request, j))


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.shinshin_pdf")
)
@require_GET
def jukyushasho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 受給者証, one card on one page (the shared print path)."""
    j = _jukyusha(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shinshin_mokuteki", kwargs={"pk": pk}))
    pdf = card_render([j], hakko=timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": [j.atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shinshin_{j.pk}.pdf"'
    return response


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 受付 is logged (with the 受給者) by shokan_uketsuke
@require_POST
def shokan(request: HttpRequest, pk: int) -> HttpResponse:
    """Receive a 償還 claim (the receipt's 医療機関, 診療年月, 自己負担額 and the 振込先)."""
    j = _jukyusha(request, pk)
    form = ShokanForm(request.POST)
    if form.is_valid() and form.cleaned_data["shinryo_tsuki"]:
        d = form.cleaned_data
        data = ShokanInput(
            shinryo_tsuki=d["shinryo_tsuki"],
            iryo_kikan=d["iryo_kikan"],
            jiko_futan=d["jiko_futan"],
            account=zengin.Account(
                d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"], d["meigi_kana"]
            ),
        )
        try:
            c = shokan_uketsuke(jukyusha=j, data=data, actor=actor_from_request(request))
        except ShokanRefused as exc:
            _shokan_errors(request, exc)
        else:
            messages.success(request, f"償還の申請を受け付けました（支給額 {c.shikyu_gaku:,}円）。")
    else:
        for e in form.errors.values():
            messages.error(request, " ".join(str(x) for x in e))
    return redirect("fukushi_shinshin_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 決定 is logged (with the 受給者) by shokan_kettei
@require_POST
def kettei(request: HttpRequest, pk: int, claim: int) -> HttpResponse:
    j = _jukyusha(request, pk)
    c = get_object_or_404(ShinshinShokan, pk=claim, jukyusha=j)
    form = KetteiForm(request.POST)
    if form.is_valid():
        try:
            shokan_kettei(
                claim=c,
                shikyu=form.cleaned_data["kekka"] == "shikyu",
                riyu=form.cleaned_data["riyu"] or "",
                actor=actor_from_request(request),
            )
        except ShokanRefused as exc:
            _shokan_errors(request, exc)
    return redirect("fukushi_shinshin_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # runs and their totals only
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    """The payment runs of the decided 償還 (totals only) and, for a writer, a new run."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    form = ShiharaiForm(request.POST or None)
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["shiharai_date"]:
            try:
                run = shokan_shiharai(
                    shiharai_date=form.cleaned_data["shiharai_date"],
                    irainin=form.irainin(),
                    actor=actor_from_request(request),
                )
            except ShokanRefused as exc:
                for field, message in exc.errors:
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                return redirect("fukushi_shinshin_shiharai")
    runs = ShinshinShiharai.objects.order_by("-shiharai_date", "-pk")[:24]
    return TemplateResponse(
        request,
        "fukushi/shinshin/shiharai.html",
        {"form": form, "runs": runs, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.ShinshinShiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="fukushi.shinshin_furikomi",
    )
)
@require_GET
def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    run = get_object_or_404(ShinshinShiharai, pk=pk)
    return furikomi_response(shinshin_shiharai_file(run), f"shinshin_furikomi_{run.pk}.txt")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # counts only; the job is logged by its service
@require_POST
def koshin(request: HttpRequest) -> HttpResponse:
    """一斉更新 of the 更新月 of the year entered."""
    if not may_see_techo(request):
        raise Http404(NOT_FOUND)
    form = KoshinForm(request.POST)
    if form.is_valid():
        try:
            out = shinshin_koshin(nen=form.cleaned_data["nen"], actor=actor_from_request(request))
        except ShinshinRefused as exc:
            for e in exc.errors:
                messages.error(request, e)
        else:
            messages.success(request, f"一斉更新：更新 {out.koshin}件、更新しない {out.shuryo}件")
    else:
        messages.error(request, "更新する年を正しく入力してください。")
    return redirect("fukushi_shinshin_top")


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/shinshin-shogaisha-iryo/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("", top, name="fukushi_shinshin_top"),
    path("kofu/", kofu, name="fukushi_shinshin_kofu"),
    path("shisan/", shisan, name="fukushi_shinshin_shisan"),
    path("<int:pk>/", detail, name="fukushi_shinshin_detail"),
    path("<int:pk>/mokuteki/", mokuteki, name="fukushi_shinshin_mokuteki"),
    path("<int:pk>/jukyushasho.pdf", jukyushasho_pdf, name="fukushi_shinshin_pdf"),
    path("<int:pk>/shokan/", shokan, name="fukushi_shinshin_shokan"),
    path("<int:pk>/shokan/<int:claim>/kettei/", kettei, name="fukushi_shinshin_kettei"),
    path("koshin/", koshin, name="fukushi_shinshin_koshin"),
    path("minaoshi/", minaoshi, name="fukushi_shinshin_minaoshi"),
    path("minaoshi/<int:pk>/", minaoshi_apply, name="fukushi_shinshin_minaoshi_apply"),
    path("shiharai/", shiharai, name="fukushi_shinshin_shiharai"),
    path("shiharai/<int:pk>/furikomi.txt", furikomi, name="fukushi_shinshin_furikomi"),
]
