"""特別障害者手当・障害児福祉手当・特別児童扶養手当 screens (issue 21 item 1), mounted at
/fukushi/shogaisha-fukushi/teate/.

A 手当 tells of a disability (要配慮個人情報): behind the same grant as the 手帳,
``fukushi.grants_shogai.SHOGAI_TECHO`` — a new grant would let a clerk see that a person has a
重度の障害 (the 手当's condition) without the 手帳 that shows the same thing, for no gain; the
grant's holders are the staff who handle the 手帳, who take these 請求. Without it every case
URL answers 404 whether the case exists or not, the first screen shows no search, list or count,
the payment screens answer 404. With it, a case opens only after the clerk has entered the
利用目的 (kept in the session 30 minutes, as for a 手帳), and every read writes its access-log
row with that purpose. Search criteria travel in POST bodies, never in URLs.
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
from fukushi.models import (
    ShogaiTeate,
    ShogaiTeateJotai,
    ShogaiTeateKind,
    ShogaiTeateShiharai,
    ShogaiTeateShikkakuJiyu,
)
from fukushi.printjobs_shogai_teate import tsuchi_render
from fukushi.services.shogai_teate import (
    SeikyuInput,
    TeateRefused,
    shiharai_file,
    shiharai_run,
    teate_hantei_of,
    teate_kyakka,
    teate_nintei,
    teate_seikyu,
    teate_soshitsu,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo, may_write, techo_wall, walled_get
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
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.wareki import format_wareki_year

GYOMU = SHOGAISHA_FUKUSHI
RECORD_TYPE = "fukushi.ShogaiTeate"
PURPOSE = PurposeSession("fukushi_shogai_teate_mokuteki")
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
NOT_FOUND = "ページが見つかりません。"


# --- the wall and the purpose (as fukushi/views/shogai.py) ----------------------------------


def _teate(request: HttpRequest, pk: int) -> ShogaiTeate:
    return walled_get(request, ShogaiTeate.objects.all(), pk)


def _errors(form: forms.Form | None, request: HttpRequest, exc: TeateRefused) -> None:
    for field, message in exc.errors:
        if form is not None:
            form.add_error(field if field in form.fields else None, message)
        else:
            messages.error(request, message)


# --- forms ------------------------------------------------------------------------------------

TEATE_CHOICES = [("", "（すべて）"), *ShogaiTeateKind.choices]
JOTAI_CHOICES = [("", "（すべて）"), *ShogaiTeateJotai.choices]


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この手当の記録を開く目的（例: 認定の審査）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    atena_no = TextField(label="宛名番号（請求者または対象の方）", max_length=12, required=False)
    teate = forms.ChoiceField(label="手当の種類", choices=TEATE_CHOICES, required=False)
    jotai = forms.ChoiceField(label="状態", choices=JOTAI_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class SeikyuForm(forms.Form):
    teate = forms.ChoiceField(label="手当の種類", choices=ShogaiTeateKind.choices)
    atena_no = TextField(label="請求者の宛名番号", max_length=12)
    taisho_no = TextField(
        label="対象の児童の宛名番号（特別児童扶養手当のみ）", max_length=12, required=False
    )
    seikyu_date = WarekiDateField(label="認定請求日", help_text=DATE_HELP)
    fuyo_su = forms.IntegerField(label="請求者の扶養親族等の数", min_value=0, max_value=20)
    rojin_su = forms.IntegerField(
        label="うち老人控除対象配偶者・老人扶養親族", min_value=0, max_value=20, initial=0
    )
    tokutei_su = forms.IntegerField(
        label="うち特定扶養親族等", min_value=0, max_value=20, initial=0
    )
    kojo_gaku = forms.IntegerField(
        label="請求者の所得から差し引く諸控除（円）",
        min_value=0,
        max_value=100_000_000,
        initial=0,
        help_text="障害者控除・医療費控除など。特別障害者手当・障害児福祉手当では社会保険料控除の実額も含めます。",
    )
    shogai_nenkin = forms.BooleanField(
        label="障害を支給事由とする年金を受けられる（障害児福祉手当・特別児童扶養手当の児童）",
        required=False,
    )
    kinyu_kikan = TextField(label="金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


class NinteiForm(forms.Form):
    kettei_date = WarekiDateField(label="認定の日", help_text=DATE_HELP)
    shogai_teido = TextField(
        label="障害の程度（認定の内容）",
        max_length=200,
        help_text="例: 施行令別表第2の該当（両上肢の機能に著しい障害と体幹の機能障害の重複）",
    )
    shindansho_date = WarekiDateField(label="診断書の作成日", help_text=DATE_HELP)
    sainintei_date = WarekiDateField(
        label="再認定の時期", required=False, help_text="有期認定のとき。" + DATE_HELP
    )
    kyu = forms.ChoiceField(
        label="障害の等級（特別児童扶養手当のみ）",
        choices=[("", "―"), ("1", "1級"), ("2", "2級")],
        required=False,
    )


class KyakkaForm(forms.Form):
    kyakka_date = WarekiDateField(label="却下の日", help_text=DATE_HELP)
    riyu = TextField(label="却下の理由", max_length=200)


SOSHITSU_CHOICES = [
    (ShogaiTeateShikkakuJiyu.SHISETSU.value, ShogaiTeateShikkakuJiyu.SHISETSU.label),
    (ShogaiTeateShikkakuJiyu.NYUIN.value, "継続して3月を超える入院（特別障害者手当）"),
    (ShogaiTeateShikkakuJiyu.SONOTA.value, ShogaiTeateShikkakuJiyu.SONOTA.label),
]


class SoshitsuForm(forms.Form):
    jiyu = forms.ChoiceField(label="喪失事由", choices=SOSHITSU_CHOICES)
    day = WarekiDateField(label="事由の生じた日", help_text=DATE_HELP)
    riyu = TextField(label="摘要", max_length=200, required=False)


def _shiharai_tsuki_choices() -> list[tuple[str, str]]:
    last = timezone.localdate().year + 1
    return [
        (f"{y}-{m:02d}", f"{format_wareki_year(y)}{m}月")
        for y in range(last, 2023, -1)
        for m in (11, 8, 5, 4, 2)
    ]


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_tsuki", "shiharai_date"]
    shiharai_tsuki = forms.ChoiceField(label="支払月", choices=_shiharai_tsuki_choices)
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text=DATE_HELP)


# --- screens ----------------------------------------------------------------------------------


def _rows(cases: list[ShogaiTeate]) -> list[dict[str, Any]]:
    people = person_identities({a for t in cases for a in (t.atena_id, t.taisho_atena_id)})
    out = []
    for t in cases:
        p, c = people.get(t.atena_id), people.get(t.taisho_atena_id)
        out.append(
            {
                "pk": t.pk,
                "t": t,
                "atena_no": p.atena_no if p else "",
                "shimei": p.shimei if p else "",
                "taisho": c.shimei if c and t.taisho_atena_id != t.atena_id else "",
            }
        )
    return out


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.SEARCH,
        ids="results[].pk",
        screen="fukushi.shogai_teate_search",
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The 手当 search (purpose first, paged) for holders of the grant; a notice for others."""
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = ShogaiTeate.objects.all()
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if not found.found or found.atena_id is None:
                ok = False
            else:
                qs = qs.filter(atena_id=found.atena_id) | qs.filter(taisho_atena_id=found.atena_id)
        if d.get("teate"):
            qs = qs.filter(teate=d["teate"])
        if d.get("jotai"):
            qs = qs.filter(jotai=d["jotai"])
        cases = list(qs.order_by("-seikyu_date", "-pk")) if ok else []
        page = Paginator(cases, PAGE_SIZE).get_page(d.get("page") or 1)
        results = _rows(list(page.object_list))
        for r in results:
            PURPOSE.put(request, r["pk"], d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/shogai_teate/top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the case is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _teate(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_shogai_teate_detail", pk=pk)
    return TemplateResponse(request, "fukushi/shogai_teate/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="t", screen="fukushi.shogai_teate_detail"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = _teate(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shogai_teate_mokuteki", kwargs={"pk": pk}))
    people = person_identities({t.atena_id, t.taisho_atena_id})
    today = timezone.localdate()
    kongetsu: Any = None
    kongetsu_error = ""
    if t.jotai == ShogaiTeateJotai.NINTEI:
        try:
            kongetsu = teate_hantei_of(t, today)
        except TeateRefused as exc:
            kongetsu_error = str(exc)
    access_note(request, purpose=purpose, detail={"atena_ids": [t.atena_id]})
    ctx = {
        "t": t,
        "person": people.get(t.atena_id),
        "taisho": people.get(t.taisho_atena_id) if t.taisho_atena_id != t.atena_id else None,
        "kongetsu": kongetsu,
        "kongetsu_error": kongetsu_error,
        "shotoku": t.shotoku.order_by("-nen"),
        "shiharai": t.shiharai.select_related("shiharai").order_by("-tsuki"),
        "rireki": t.rireki.all(),
        "can_write": may_write(request),
        "nintei_form": NinteiForm(initial={"kettei_date": today}),
        "kyakka_form": KyakkaForm(initial={"kyakka_date": today}),
        "soshitsu_form": SoshitsuForm(initial={"day": today}),
        "printable": t.jotai != ShogaiTeateJotai.SEIKYU and t.kettei_date is not None,
    }
    return TemplateResponse(request, "fukushi/shogai_teate/detail.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
# shows no person (the 請求 is logged by its service); a refused 照会 writes a row here
@logs_reads(
    Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.shogai_teate_seikyu")
)
@require_http_methods(["GET", "POST"])
def seikyu(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    today = timezone.localdate()
    form = SeikyuForm(request.POST or None, initial={"seikyu_date": today, "fuyo_su": 0})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ids: dict[str, int] = {}
        for field in ("atena_no", "taisho_no"):
            if not d.get(field):
                continue
            found = atena_resolve(d[field])
            if not found.found or found.atena_id is None:
                if found.atena_id is not None:
                    access_refusal(
                        request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
                    )
                form.add_error(field, found.message or "その宛名番号の方は見つかりません。")
            else:
                ids[field] = found.atena_id
        if d["teate"] == ShogaiTeateKind.TOKUBETSU_JIDO_FUYO and not d.get("taisho_no"):
            msg = "特別児童扶養手当では対象の児童の宛名番号を入力してください。"
            form.add_error("taisho_no", msg)
        if not form.errors and "atena_no" in ids:
            try:
                t = teate_seikyu(
                    SeikyuInput(
                        teate=d["teate"],
                        atena_id=ids["atena_no"],
                        taisho_atena_id=ids.get("taisho_no", ids["atena_no"]),
                        seikyu_date=d["seikyu_date"],
                        account=zengin.Account(
                            d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                            d["meigi_kana"],
                        ),
                        fuyo_su=d["fuyo_su"],
                        rojin_su=d["rojin_su"] or 0,
                        tokutei_su=d["tokutei_su"] or 0,
                        kojo_gaku=d["kojo_gaku"] or 0,
                        shogai_nenkin=bool(d.get("shogai_nenkin")),
                    ),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except TeateRefused as exc:
                _errors(form, request, exc)
            else:
                PURPOSE.put(request, t.pk, "認定請求の受付")
                messages.success(request, "認定請求を受け付けました。")
                return redirect("fukushi_shogai_teate_detail", pk=t.pk)
    return TemplateResponse(request, "fukushi/shogai_teate/seikyu.html", {"form": form})


def _post_back(request: HttpRequest, pk: int) -> HttpResponse | None:
    """The case must be open for this clerk (purpose entered) before a write."""
    if not PURPOSE.get(request, pk):
        return redirect(reverse("fukushi_shogai_teate_mokuteki", kwargs={"pk": pk}))
    return None


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, str(e))


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 認定 is logged by its service; the answer is a redirect
@require_POST
def nintei(request: HttpRequest, pk: int) -> HttpResponse:
    _teate(request, pk)
    back = _post_back(request, pk)
    if back is not None:
        return back
    form = NinteiForm(request.POST)
    if (
        form.is_valid()
        and form.cleaned_data["kettei_date"]
        and form.cleaned_data["shindansho_date"]
    ):
        d = form.cleaned_data
        try:
            teate_nintei(
                pk=pk, kettei_date=d["kettei_date"], shogai_teido=d["shogai_teido"],
                shindansho_date=d["shindansho_date"], sainintei_date=d.get("sainintei_date"),
                kyu=d.get("kyu") or "", actor=actor_from_request(request),
            )  # fmt: skip
        except TeateRefused as exc:
            _errors(None, request, exc)
        else:
            messages.success(request, "認定しました。")
    else:
        _form_errors(request, form)
    return redirect("fukushi_shogai_teate_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 却下 is logged by its service; the answer is a redirect
@require_POST
def kyakka(request: HttpRequest, pk: int) -> HttpResponse:
    _teate(request, pk)
    back = _post_back(request, pk)
    if back is not None:
        return back
    form = KyakkaForm(request.POST)
    if form.is_valid() and form.cleaned_data["kyakka_date"]:
        d = form.cleaned_data
        try:
            teate_kyakka(
                pk=pk, kettei_date=d["kyakka_date"], riyu=d["riyu"],
                actor=actor_from_request(request),
            )  # fmt: skip
        except TeateRefused as exc:
            _errors(None, request, exc)
        else:
            messages.success(request, "却下しました。")
    else:
        _form_errors(request, form)
    return redirect("fukushi_shogai_teate_detail", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 喪失 is logged by its service; the answer is a redirect
@require_POST
def soshitsu(request: HttpRequest, pk: int) -> HttpResponse:
    _teate(request, pk)
    back = _post_back(request, pk)
    if back is not None:
        return back
    form = SoshitsuForm(request.POST)
    if form.is_valid() and form.cleaned_data["day"]:
        d = form.cleaned_data
        try:
            teate_soshitsu(
                pk=pk, jiyu=d["jiyu"], day=d["day"], riyu=d.get("riyu") or "",
                actor=actor_from_request(request),
            )  # fmt: skip
        except TeateRefused as exc:
            _errors(None, request, exc)
        else:
            messages.success(request, "資格喪失を登録しました。")
    else:
        _form_errors(request, form)
    return redirect("fukushi_shogai_teate_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.shogai_teate_pdf")
)
@require_GET
def tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 認定通知書 or 却下通知書 of the case (the shared print path)."""
    t = _teate(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return redirect(reverse("fukushi_shogai_teate_mokuteki", kwargs={"pk": pk}))
    if t.kettei_date is None or t.jotai == ShogaiTeateJotai.SEIKYU:
        raise Http404(NOT_FOUND)
    pdf = tsuchi_render([t], tsuchi_date=t.kettei_date)
    access_note(request, purpose=purpose, detail={"atena_ids": [t.atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shogai_teate_{t.pk}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # runs and their totals only
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = ShiharaiForm(request.POST or None)
    if request.method == "POST":
        if not may_write(request):
            return HttpResponse(status=403)
        if form.is_valid() and form.cleaned_data["shiharai_date"]:
            d = form.cleaned_data
            try:
                out = shiharai_run(
                    shiharai_tsuki=date(
                        int(d["shiharai_tsuki"][:4]), int(d["shiharai_tsuki"][5:]), 1
                    ),
                    shiharai_date=d["shiharai_date"],
                    irainin=form.irainin(),
                    actor=actor_from_request(request),
                )  # fmt: skip
            except TeateRefused as exc:
                _errors(form, request, exc)
            else:
                run = out.shiharai
                messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                if out.nenrei:
                    messages.info(
                        request,
                        f"支払の前に、20歳に達した児童の認定{len(out.nenrei)}件を終了しました"
                        "（「20歳到達」の画面で確認できます）。",
                    )
                if out.refused:
                    messages.warning(
                        request,
                        f"所得の資料がないなどの理由で支払から除いた手当が{len(out.refused)}件"
                        "あります（次の支払月に改めて判定します）。",
                    )
                return redirect("fukushi_shogai_teate_shiharai")
    return TemplateResponse(
        request,
        "fukushi/shogai_teate/shiharai.html",
        {
            "form": form,
            "runs": ShogaiTeateShiharai.objects.order_by("-shiharai_tsuki")[:24],
            "can_write": may_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.ShogaiTeateShiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="fukushi.shogai_teate_furikomi",
    )
)
@require_GET
def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    techo_wall(request)
    run = ShogaiTeateShiharai.objects.filter(pk=pk).first()
    if run is None:
        raise Http404(NOT_FOUND)
    name = f"shogai_teate_furikomi_{run.shiharai_tsuki:%Y%m}.txt"
    return furikomi_response(shiharai_file(run), name)


urlpatterns: list[URLPattern] = [
    path("", top, name="fukushi_shogai_teate_top"),
    path("seikyu/", seikyu, name="fukushi_shogai_teate_seikyu"),
    path("<int:pk>/", detail, name="fukushi_shogai_teate_detail"),
    path("<int:pk>/mokuteki/", mokuteki, name="fukushi_shogai_teate_mokuteki"),
    path("<int:pk>/nintei/", nintei, name="fukushi_shogai_teate_nintei"),
    path("<int:pk>/kyakka/", kyakka, name="fukushi_shogai_teate_kyakka"),
    path("<int:pk>/soshitsu/", soshitsu, name="fukushi_shogai_teate_soshitsu"),
    path("<int:pk>/tsuchi.pdf", tsuchi_pdf, name="fukushi_shogai_teate_pdf"),
    path("shiharai/", shiharai, name="fukushi_shogai_teate_shiharai"),
    path("shiharai/<int:pk>/furikomi.txt", furikomi, name="fukushi_shogai_teate_furikomi"),
]
