"""高額障害福祉サービス等給付費 screens (SG-87), mounted at /fukushi/jiritsu-shien/kogaku/ under
the 障害者福祉 業務: the search of applications, the application (from a 支給決定's page, the
申請者 and the first line filled in), one application with every figure of its calculation in
words and 和暦, its 決定 (支給・却下), the 決定通知書 (PDF) and the payment run with its 全銀 file.

The wall is the 自立支援給付 screens' (fukushi/views/jiritsu.py): the 業務 role and the grant
``SHOGAI_TECHO`` (404 without it, whether the record exists or not; the first screen shows no
list and no count); an application opens only after the clerk entered the 利用目的 (kept in the
session for 30 minutes), and every read is logged with it; the writes are logged by their
services with the same purpose. Search criteria travel in POST bodies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import JiritsuKettei
from fukushi.models.kogaku import KogakuJotai, KogakuShiharai, KogakuShinsei
from fukushi.printjobs_kogaku import tsuchi_render
from fukushi.rules.kogaku import HOSOGU, KUBUN_LABELS, SERVICE
from fukushi.services.jogen_kanri import nengetsu
from fukushi.services.kogaku import (
    KogakuRefused,
    ShinseiLine,
    kettei_words,
    kogaku_furikomi_file,
    kogaku_kettei,
    kogaku_shiharai,
    kogaku_shinsei,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.jiritsu import PURPOSES as JIRITSU_PURPOSES
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo, may_write, techo_wall, walled_get
from juminkiroku.public import AtenaLookup, atena_resolve, person_identities
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

GYOMU = SHOGAISHA_FUKUSHI
RECORD_TYPE = "fukushi.KogakuShinsei"
PURPOSE = PurposeSession("fukushi_kogaku_mokuteki")
JIRITSU_PURPOSE = JIRITSU_PURPOSES["fukushi.JiritsuKettei"]
PAGE_SIZE = 50
LINES = 4
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
NOT_FOUND = "ページが見つかりません。"
LINE_KUBUN = [("", "（なし）"), (SERVICE, KUBUN_LABELS[SERVICE]), (HOSOGU, KUBUN_LABELS[HOSOGU])]


def _shinsei_of(request: HttpRequest, pk: int) -> KogakuShinsei:
    return walled_get(request, KogakuShinsei.objects.all(), pk)


def _to_mokuteki(pk: int) -> HttpResponse:
    return redirect(reverse("fukushi_kogaku_mokuteki", kwargs={"pk": pk}))


def _flash(request: HttpRequest, exc: KogakuRefused) -> None:
    for _, msg in exc.errors:
        messages.error(request, msg)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, str(e))


# --- forms ------------------------------------------------------------------------------------


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text="この申請を開く目的（例: 支給決定の審査）。アクセス記録に残ります。",
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    atena_no = TextField(label="申請者の宛名番号", max_length=12, required=False)
    jotai = forms.ChoiceField(
        label="状態", choices=[("", "（すべて）"), *KogakuJotai.choices], required=False
    )
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ShinseiForm(forms.Form):
    """The application: the 申請者, the month, and up to ``LINES`` 利用者負担 of the 申請者 and
    the 配偶者 (a 障害福祉サービス by its 受給者証番号, a 補装具費 by its 給付番号)."""

    atena_no = TextField(label="申請者の宛名番号", max_length=12)
    taisho = WarekiDateField(label="対象年月（その月のいずれかの日）", help_text=DATE_HELP)
    shinsei_date = WarekiDateField(label="申請日", help_text=DATE_HELP)
    kinyu_kikan = TextField(label="振込先 金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(LINES):
            self.fields[f"kubun_{i}"] = forms.ChoiceField(
                label=f"{i + 1}件目 区分", choices=LINE_KUBUN, required=False
            )
            self.fields[f"bango_{i}"] = TextField(
                label=f"{i + 1}件目 受給者証番号（障害福祉サービス）又は給付番号（補装具費）",
                max_length=12,
                required=False,
            )
            self.fields[f"gaku_{i}"] = forms.IntegerField(
                label=f"{i + 1}件目 領収書の利用者負担額（円・上限額管理結果がない月のみ）",
                min_value=0,
                max_value=10_000_000,
                required=False,
            )

    def account(self) -> zengin.Account:
        d = self.cleaned_data
        return zengin.Account(
            d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"], d["meigi_kana"]
        )

    def lines(self) -> list[ShinseiLine]:
        """The lines entered, each resolved to the town's record; a number not found is a form
        error in Japanese (no line of it)."""
        d = self.cleaned_data
        out: list[ShinseiLine] = []
        for i in range(LINES):
            kubun, bango = d.get(f"kubun_{i}") or "", (d.get(f"bango_{i}") or "").strip()
            if not kubun and not bango:
                continue
            if not kubun or not bango:
                self.add_error(f"bango_{i}", f"{i + 1}件目は区分と番号の両方を入力してください。")
                continue
            record_id = _record_id(kubun, bango)
            if record_id is None:
                what = "受給者証番号" if kubun == SERVICE else "給付番号"
                self.add_error(f"bango_{i}", f"{i + 1}件目：その{what}は見つかりません。")
                continue
            out.append(ShinseiLine(kubun, record_id, d.get(f"gaku_{i}")))
        return out


def _record_id(kubun: str, bango: str) -> int | None:
    if kubun == SERVICE:
        return (
            JiritsuKettei.objects.filter(jukyusha_bango=bango)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
    return int(bango) if bango.isdigit() and 0 < int(bango) < 2**63 else None


class KetteiForm(forms.Form):
    kekka = forms.ChoiceField(label="決定", choices=[("shikyu", "支給"), ("kyakka", "却下")])
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    riyu = TextField(label="却下の理由", max_length=200, required=False)


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_date"]
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text=DATE_HELP)


# --- screens ----------------------------------------------------------------------------------


def _rows(items: list[KogakuShinsei]) -> list[dict[str, Any]]:
    people = person_identities(s.shinseisha_atena_id for s in items)
    return [
        {
            "pk": s.pk,
            "s": s,
            "taisho": nengetsu(s.taisho_ym),
            "atena_no": getattr(people.get(s.shinseisha_atena_id), "atena_no", ""),
            "shimei": getattr(people.get(s.shinseisha_atena_id), "shimei", ""),
        }
        for s in items
    ]


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.kogaku_top")
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The applications (purpose first, newest month first, paged) for holders of the grant;
    for others a notice only: no list, no count."""
    allowed = may_see_techo(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": may_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        qs = KogakuShinsei.objects.all()
        if d.get("jotai"):
            qs = qs.filter(jotai=d["jotai"])
        ok = True
        if d.get("atena_no"):
            found = atena_resolve(d["atena_no"])
            if found.atena_id is None or not found.found:
                ok = False
            else:
                qs = qs.filter(shinseisha_atena_id=found.atena_id)
        items = list(qs.order_by("-taisho_ym", "-pk")) if ok else []
        page = Paginator(items, PAGE_SIZE).get_page(d.get("page") or 1)
        results = _rows(list(page.object_list))
        for r in results:
            PURPOSE.put(request, r["pk"], d["mokuteki"])
        ctx.update(results=results, page=page)
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/kogaku/top.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
# shows no person but the one the clerk came from (logged); the 申請 is logged by its service
@logs_reads(
    Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.kogaku_shinsei")
)
@require_http_methods(["GET", "POST"])
def shinsei(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    today = timezone.localdate()
    initial: dict[str, Any] = {"shinsei_date": today, "taisho": _last_month(today)}
    came_from = request.GET.get("kettei", "")
    # from a 支給決定's page: its person and 受給者証番号, under the purpose given for it
    from_purpose = (
        JIRITSU_PURPOSE.get(request, int(came_from))
        if came_from.isdigit() and int(came_from) < 2**63
        else ""
    )
    if request.method == "GET" and from_purpose:
        k = JiritsuKettei.objects.filter(pk=int(came_from)).first()
        p = person_identities([k.atena_id]).get(k.atena_id) if k else None
        if k is not None and p is not None:
            initial |= {"atena_no": p.atena_no, "kubun_0": SERVICE, "bango_0": k.jukyusha_bango}
            access_note(request, ids=[k.atena_id], purpose=from_purpose)
    form = ShinseiForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        found: AtenaLookup = atena_resolve(form.cleaned_data["atena_no"])
        if not found.found or found.atena_id is None:
            if found.atena_id is not None:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
                )
            form.add_error("atena_no", found.message or "その宛名番号の方は見つかりません。")
        if not form.errors:
            d = form.cleaned_data
            assert found.atena_id is not None
            try:
                s = kogaku_shinsei(
                    shinseisha_atena_id=found.atena_id,
                    taisho=d["taisho"],
                    shinsei_date=d["shinsei_date"],
                    lines=lines,
                    account=form.account(),
                    actor=actor_from_request(request),
                    purpose="高額障害福祉サービス等給付費の申請の受付",
                )
            except KogakuRefused as exc:
                for field, msg in exc.errors:
                    form.add_error(field if field in form.fields else None, msg)
            else:
                PURPOSE.put(request, s.pk, "高額障害福祉サービス等給付費の申請の受付")
                messages.success(
                    request,
                    f"申請を受け付けました（{nengetsu(s.taisho_ym)}分、"
                    f"支給額 {s.shikyu_gaku:,}円）。",
                )
                return redirect("fukushi_kogaku_detail", pk=s.pk)
    return TemplateResponse(
        request,
        "fukushi/kogaku/shinsei.html",
        {"form": form, "lines": [[form[f"{n}_{i}"] for n in ("kubun", "bango", "gaku")]
                                 for i in range(LINES)]},
    )  # fmt: skip


def _last_month(today: date) -> date:
    return date.fromordinal(today.replace(day=1).toordinal() - 1).replace(day=1)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the record is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, pk: int) -> HttpResponse:
    _shinsei_of(request, pk)
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, pk, form.cleaned_data["mokuteki"])
        return redirect("fukushi_kogaku_detail", pk=pk)
    return TemplateResponse(request, "fukushi/jiritsu/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="s", screen="fukushi.kogaku_detail"))
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: the 申請者, the month, each 利用者負担 (whose, of what, summed or left out
    and why), 合算額・基準額・支給額 and the calculation in words, the 決定 and the payment."""
    s = _shinsei_of(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return _to_mokuteki(pk)
    meisai = list(s.meisai.order_by("junban"))
    atena_ids = sorted({s.shinseisha_atena_id, *(m.atena_id for m in meisai)})
    people = person_identities(atena_ids)
    p = people.get(s.shinseisha_atena_id)
    can_write = may_write(request)
    ctx: dict[str, Any] = {
        "s": s,
        "taisho": nengetsu(s.taisho_ym),
        "shimei": p.shimei if p else "",
        "atena_no": p.atena_no if p else "",
        "meisai": [
            {
                "m": m,
                "shimei": getattr(people.get(m.atena_id), "shimei", ""),
                "kubun": KUBUN_LABELS.get(m.kubun, ""),
            }
            for m in meisai
        ],
        "kettei": kettei_words(s),
        "decided": s.jotai != KogakuJotai.UKETSUKE,
        "kettei_form": KetteiForm(initial={"kettei_date": timezone.localdate()})
        if can_write and s.jotai == KogakuJotai.UKETSUKE
        else None,
    }
    access_note(request, purpose=purpose, detail={"atena_ids": atena_ids})
    return TemplateResponse(request, "fukushi/kogaku/detail.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logged_by_service  # the 決定 is logged by kogaku_kettei
@require_POST
def kettei(request: HttpRequest, pk: int) -> HttpResponse:
    _shinsei_of(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return _to_mokuteki(pk)
    form = KetteiForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            s = kogaku_kettei(
                pk=pk,
                shikyu=d["kekka"] == "shikyu",
                kettei_date=d["kettei_date"],
                riyu=d.get("riyu") or "",
                actor=actor_from_request(request),
                purpose=purpose,
            )
        except KogakuRefused as exc:
            _flash(request, exc)
        else:
            messages.success(request, f"決定しました：{kettei_words(s)}")
    else:
        _form_errors(request, form)
    return redirect("fukushi_kogaku_detail", pk=pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="fukushi.kogaku_pdf")
)
@require_GET
def tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 支給（却下）決定通知書 of a decided application."""
    s = _shinsei_of(request, pk)
    purpose = PURPOSE.get(request, pk)
    if not purpose:
        return _to_mokuteki(pk)
    if s.jotai == KogakuJotai.UKETSUKE:
        raise Http404(NOT_FOUND)
    pdf = tsuchi_render(s, tsuchi_date=s.kettei_date or timezone.localdate())
    access_note(request, purpose=purpose, detail={"atena_ids": [s.shinseisha_atena_id]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kogaku_{s.pk}.pdf"'
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # runs and their totals only
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    techo_wall(request)
    form = ShiharaiForm(request.POST or None)
    can_write = may_write(request)
    if request.method == "POST":
        if not can_write:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                run = kogaku_shiharai(
                    shiharai_date=form.cleaned_data["shiharai_date"],
                    irainin=form.irainin(),
                    actor=actor_from_request(request),
                )
            except KogakuRefused as exc:
                for field, msg in exc.errors:
                    form.add_error(field if field in form.fields else None, msg)
            else:
                messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                return redirect("fukushi_kogaku_shiharai")
    waiting = KogakuShinsei.objects.filter(jotai=KogakuJotai.KETTEI, shiharai__isnull=True)
    return TemplateResponse(
        request,
        "fukushi/kogaku/shiharai.html",
        {
            "form": form,
            "runs": KogakuShiharai.objects.order_by("-shiharai_date", "-pk")[:24],
            "can_write": can_write,
            "waiting": waiting.count(),
            "waiting_gokei": sum(waiting.values_list("shikyu_gaku", flat=True)),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "fukushi.KogakuShiharai",
        action=AccessAction.EXPORT,
        id_kwarg="pk",
        screen="fukushi.kogaku_furikomi",
    )
)
@require_GET
def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    techo_wall(request)
    run = get_object_or_404(KogakuShiharai, pk=pk)
    return furikomi_response(kogaku_furikomi_file(run), f"kogaku_furikomi_{run.pk}.txt")


urlpatterns: list[URLPattern] = [
    path("kogaku/", top, name="fukushi_kogaku_top"),
    path("kogaku/shinsei/", shinsei, name="fukushi_kogaku_shinsei"),
    path("kogaku/shiharai/", shiharai, name="fukushi_kogaku_shiharai"),
    path("kogaku/shiharai/<int:pk>/furikomi.txt", furikomi, name="fukushi_kogaku_furikomi"),
    path("kogaku/<int:pk>/", detail, name="fukushi_kogaku_detail"),
    path("kogaku/<int:pk>/mokuteki/", mokuteki, name="fukushi_kogaku_mokuteki"),
    path("kogaku/<int:pk>/kettei/", kettei, name="fukushi_kogaku_kettei"),
    path("kogaku/<int:pk>/tsuchi.pdf", tsuchi_pdf, name="fukushi_kogaku_pdf"),
]
