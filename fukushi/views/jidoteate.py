"""児童手当 staff screens (mounted at /fukushi/jidoteate/): 受給者の一覧 and the lookup by
宛名番号, one person's 認定 with its children and history (認定請求, 額改定, 消滅), the
queue of births, the payment runs (計算, 全銀協 file), and the 試算.

A person is looked up by 宛名番号 in a POST body (never in a URL); paths carry internal
ids. Every screen that shows a person writes its access-log row (``logs_reads``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateChosei,
    JidoteateJukyusha,
    JidoteateKouho,
    JidoteateKyakka,
    JidoteateShiharai,
    JukyushaStatus,
    KouhoStatus,
    ShiharaiStatus,
    ShometsuJiyu,
    ShotokuKubunChoice,
)
from fukushi.printjobs_jidoteate import ShiharaiTsuchiPrint
from fukushi.rules import jidoteate as rules
from fukushi.selectors.jidoteate import (
    active_jido,
    getsugaku,
    jido_of,
    jukyusha_current,
    nintei_of,
    rireki_of,
)
from fukushi.services.jidoteate import (
    JidoInput,
    JidoteateRefused,
    gaku_kaitei,
    kouho_torisage,
    nintei_register,
    shometsu_register,
)
from fukushi.services.jidoteate_shiharai import furikomi_create, shiharai_keisan
from fukushi.views.jidoteate_kettei import KaijoForm, KyakkaForm, SashitomeForm
from juminkiroku.public import atena_resolve, person_identities, person_identity
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import access_record, actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.zengin import SHUMOKU, Account

GYOMU = JIDO_TEATE
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")
MAX_JIDO = 6


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class LookupForm(forms.Form):
    atena_no = TextField(label="宛名番号", max_length=12)


class JidoForm(forms.Form):
    atena_no = TextField(label="児童の宛名番号（町の住民のとき）", max_length=12, required=False)
    birth_date = WarekiDateField(label="生年月日（宛名番号がないとき）", required=False)
    kanshu = forms.BooleanField(
        label="大学生年代で監護相当・生計費の負担あり（確認書）", required=False
    )


JidoFormSet = forms.formset_factory(JidoForm, extra=3, max_num=MAX_JIDO)


class KozaForm(forms.Form):
    kinyu_kikan = TextField(label="金融機関コード（4桁）", max_length=4, required=False)
    shiten = TextField(label="支店コード（3桁）", max_length=3, required=False)
    yokin_shumoku = forms.ChoiceField(
        label="預金種目", choices=[("", "―"), *SHUMOKU.items()], required=False
    )
    koza_bango = TextField(label="口座番号（7桁）", max_length=7, required=False)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30, required=False)


class NinteiForm(KozaForm):
    seikyu_date = WarekiDateField(label="認定請求日", help_text=DATE_HELP)
    jiyu_date = WarekiDateField(
        label="出生日・前住所地の転出予定日（15日特例）", required=False, help_text=DATE_HELP
    )
    other_parent_no = TextField(
        label="もう一方の親の宛名番号（所得の比較）", max_length=12, required=False
    )
    koumuin = forms.BooleanField(label="公務員（所属庁から支給）", required=False)
    shotoku_kubun = forms.ChoiceField(
        label="所得の区分（令和6年9月分までの計算に使う）",
        choices=ShotokuKubunChoice.choices,
        initial=ShotokuKubunChoice.IKA,
    )


class KaiteiForm(forms.Form):
    todoke_date = WarekiDateField(label="届出日（額改定請求日）", help_text=DATE_HELP)
    jiyu_date = WarekiDateField(
        label="事由の日（出生日・児童の転出日など）", required=False, help_text=DATE_HELP
    )


class ShometsuForm(forms.Form):
    jiyu = forms.ChoiceField(label="消滅事由", choices=ShometsuJiyu.choices)
    jiyu_date = WarekiDateField(label="事由の日", help_text=DATE_HELP)


class ShiharaiForm(forms.Form):
    shiharai_month = WarekiDateField(label="支払月（その月のいずれかの日）", help_text=DATE_HELP)
    zuiji = forms.BooleanField(
        label="随時払（支払月でない月に、差止解除分・差額だけを支払う）", required=False
    )


class FurikomiForm(forms.Form):
    torikumi = WarekiDateField(label="振込の取組日", help_text=DATE_HELP)


class ShisanJidoForm(forms.Form):
    birth_date = WarekiDateField(label="生年月日", required=False)
    kanshu = forms.BooleanField(label="大学生年代で監護相当・生計費の負担あり", required=False)


ShisanJidoFormSet = forms.formset_factory(ShisanJidoForm, extra=4, max_num=MAX_JIDO)


class ShisanForm(forms.Form):
    month = WarekiDateField(label="何月分の手当か（その月のいずれかの日）", help_text=DATE_HELP)
    shotoku = forms.IntegerField(
        label="所得額（令和6年9月分まで: 児童手当の所得額、円）",
        min_value=0,
        max_value=10**11,
        required=False,
    )
    fuyo_su = forms.IntegerField(
        label="扶養親族等の数（令和6年9月分まで）", min_value=0, max_value=20, required=False
    )


# --- 受給者の一覧 and the lookup -------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"page": ctx["page"].number},
        screen="fukushi.jidoteate_list",
    )
)
@require_http_methods(["GET", "POST"])
def jukyusha_list(request: HttpRequest) -> HttpResponse:
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        found = atena_resolve(lookup.cleaned_data["atena_no"])
        if found.atena_id is not None and not found.found:
            access_refusal(
                request, record_type="atena", record_id=found.atena_id, reason="shokai_yokushi"
            )
        if not found.found or found.atena_id is None:
            messages.error(request, found.message or "その宛名番号の方は見つかりません。")
        else:
            if found.message:
                messages.warning(request, found.message)
            return redirect("fukushi_jidoteate_person", pk=found.atena_id)
    page = Paginator(jukyusha_current().order_by("jukyusha_no"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)
    persons = person_identities(j.atena_id for j in items)
    rows = [{"atena_id": j.atena_id, "j": j, "p": persons.get(j.atena_id)} for j in items]
    return TemplateResponse(
        request,
        "fukushi/jidoteate/list.html",
        {
            "page": page,
            "rows": rows,
            "lookup": lookup,
            "kouho_count": JidoteateKouho.objects.filter(status=KouhoStatus.MISHORI).count(),
        },
    )


# --- one person ------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads("atena", id_kwarg="pk", screen="fukushi.jidoteate_person"))
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    ident = person_identity(pk)
    if ident is None:
        raise Http404("その方は見つかりません。")
    nintei = nintei_of(pk)
    jido = jido_of(n.pk for n in nintei)
    rireki = rireki_of(n.pk for n in nintei)
    this_month = rules.month_start(timezone.localdate())
    kid_ids = {j.atena_id for js in jido.values() for j in js if j.atena_id}
    kids = person_identities(kid_ids)
    blocks: list[dict[str, Any]] = []
    current = None
    for n in nintei:
        js = jido.get(n.pk, [])
        try:
            amount: int | None = getsugaku(n, js, this_month)
        except rules.SeidoMissing:
            amount = None
        blocks.append(
            {
                "n": n,
                "jido": [(j, kids.get(j.atena_id) if j.atena_id else None) for j in js],
                "active": active_jido(js),
                "rireki": rireki.get(n.pk, []),
                "getsugaku": amount,
                "sashitome": list(n.sashitome.order_by("-id")),
                "chosei": list(
                    JidoteateChosei.objects.filter(
                        jukyusha=n, shiharai__status=ShiharaiStatus.KAKUTEI
                    ).order_by("month")
                ),
                "sashitome_active": next(
                    (x for x in n.sashitome.all() if x.kaijo_date is None), None
                ),
            }
        )
        if n.status == JukyushaStatus.NINTEI:
            current = blocks[-1]
    return TemplateResponse(
        request,
        "fukushi/jidoteate/person.html",
        {
            "person": ident,
            "atena_id": pk,
            "blocks": blocks,
            "current": current,
            "this_month": this_month,
            "can_write": _can_write(request),
            "nintei_form": NinteiForm(),
            "jido_formset": JidoFormSet(prefix="jido"),
            "kaitei_form": KaiteiForm(),
            "add_formset": JidoFormSet(prefix="add"),
            "shometsu_form": ShometsuForm(),
            "kyakka": JidoteateKyakka.objects.filter(atena_id=pk).order_by("-kettei_date", "-id"),
            "kyakka_form": KyakkaForm(),
            "sashitome_form": SashitomeForm(),
            "kaijo_form": KaijoForm(),
        },
    )


def _errors(request: HttpRequest, *forms_: Any) -> bool:
    bad = False
    for f in forms_:
        if not f.is_valid():
            bad = True
            errs = (
                f.errors.values()
                if isinstance(f, forms.Form)
                else [e for d in f.errors for e in d.values()]
            )
            for errors in errs:
                for e in errors:
                    messages.error(request, str(e))
    return bad


def _children(request: HttpRequest, formset: Any) -> list[JidoInput]:
    out: list[JidoInput] = []
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data]
    numbers = [r["atena_no"] for r in rows if r.get("atena_no")]
    found = {n: atena_resolve(n) for n in numbers}
    births = person_identities(f.atena_id for f in found.values() if f.found and f.atena_id)
    for r in rows:
        no = r.get("atena_no")
        if no:
            f = found[no]
            if not f.found or f.atena_id is None:
                raise JidoteateRefused(
                    {"jido": f"児童の宛名番号: {f.message or '見つかりません。'}"}
                )
            out.append(
                JidoInput(
                    birth_date=births[f.atena_id].birth_date,
                    atena_id=f.atena_id,
                    kanshu=bool(r.get("kanshu")),
                )
            )
        elif r.get("birth_date"):
            out.append(JidoInput(birth_date=r["birth_date"], kanshu=bool(r.get("kanshu"))))
    return out


def _account(d: dict[str, Any]) -> Account | None:
    if not any(d.get(k) for k in ("kinyu_kikan", "shiten", "koza_bango", "meigi_kana")):
        return None
    return Account(
        d.get("kinyu_kikan") or "",
        d.get("shiten") or "",
        d.get("yokin_shumoku") or "",
        d.get("koza_bango") or "",
        d.get("meigi_kana") or "",
    )


def _refused(request: HttpRequest, exc: JidoteateRefused) -> None:
    for m in exc.errors.values():
        messages.error(request, m)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the person's page
@require_POST
def nintei(request: HttpRequest, pk: int) -> HttpResponse:
    if person_identity(pk) is None:
        raise Http404("その方は見つかりません。")
    form = NinteiForm(request.POST)
    kids = JidoFormSet(request.POST, prefix="jido")
    if _errors(request, form, kids):
        return redirect("fukushi_jidoteate_person", pk=pk)
    d = form.cleaned_data
    try:
        other = None
        if d.get("other_parent_no"):
            o = atena_resolve(d["other_parent_no"])
            if not o.found or o.atena_id is None:
                raise JidoteateRefused(
                    {"other": f"もう一方の親: {o.message or '見つかりません。'}"}
                )
            other = o.atena_id
        row = nintei_register(
            atena_id=pk,
            seikyu_date=d["seikyu_date"],
            jiyu_date=d.get("jiyu_date"),
            children=_children(request, kids),
            actor=actor_from_request(request),
            other_parent_atena_id=other,
            koumuin=d["koumuin"],
            shotoku_kubun=d["shotoku_kubun"],
            account=_account(d),
        )
    except JidoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"認定しました（受給者番号 {row.jukyusha_no}、{row.shikyu_start.year}年"
            f"{row.shikyu_start.month}月分から支給）。",
        )
    return redirect("fukushi_jidoteate_person", pk=pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data
@require_POST
def kaitei(request: HttpRequest, jukyusha_id: int) -> HttpResponse:
    row = get_object_or_404(JidoteateJukyusha, pk=jukyusha_id)
    form = KaiteiForm(request.POST)
    add = JidoFormSet(request.POST, prefix="add")
    if _errors(request, form, add):
        return redirect("fukushi_jidoteate_person", pk=row.atena_id)
    remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
    try:
        gaku_kaitei(
            jukyusha_id=row.pk,
            actor=actor_from_request(request),
            todoke_date=form.cleaned_data["todoke_date"],
            jiyu_date=form.cleaned_data.get("jiyu_date"),
            add=_children(request, add),
            remove_jido_ids=remove,
        )
    except JidoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "額改定を登録しました。")
    return redirect("fukushi_jidoteate_person", pk=row.atena_id)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data
@require_POST
def shometsu(request: HttpRequest, jukyusha_id: int) -> HttpResponse:
    row = get_object_or_404(JidoteateJukyusha, pk=jukyusha_id)
    form = ShometsuForm(request.POST)
    if _errors(request, form):
        return redirect("fukushi_jidoteate_person", pk=row.atena_id)
    try:
        r = shometsu_register(
            jukyusha_id=row.pk,
            jiyu=form.cleaned_data["jiyu"],
            jiyu_date=form.cleaned_data["jiyu_date"],
            actor=actor_from_request(request),
        )
    except JidoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"消滅を登録しました（{r.effective_month.year}年{r.effective_month.month}月分から支給しません）。",
        )
    return redirect("fukushi_jidoteate_person", pk=row.atena_id)


# --- the queue of births -----------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", ids="rows[].atena_id", skip_empty=True, screen="fukushi.jidoteate_kouho")
)
@require_GET
def kouho_list(request: HttpRequest) -> HttpResponse:
    items = list(JidoteateKouho.objects.filter(status=KouhoStatus.MISHORI).order_by("id")[:200])
    ids = {k.child_atena_id for k in items} | {
        k.suggested_atena_id for k in items if k.suggested_atena_id
    }
    persons = person_identities(ids)
    rows = [
        {
            "atena_id": k.child_atena_id,
            "k": k,
            "child": persons.get(k.child_atena_id),
            "suggested": persons.get(k.suggested_atena_id) if k.suggested_atena_id else None,
        }
        for k in items
    ]
    return TemplateResponse(
        request,
        "fukushi/jidoteate/kouho.html",
        {"rows": rows, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data
@require_POST
def kouho_close(request: HttpRequest, kouho_id: int) -> HttpResponse:
    try:
        kouho_torisage(kouho_id=kouho_id, actor=actor_from_request(request))
    except JidoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "処理待ちを「対応不要」にしました。")
    return redirect("fukushi_jidoteate_kouho")


# --- payment runs --------------------------------------------------------------------------


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@no_personal_data  # figures per 支払月 only; the run itself is logged by its service
@require_http_methods(["GET", "POST"])
def shiharai(request: HttpRequest) -> HttpResponse:
    form = ShiharaiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = shiharai_keisan(
                shiharai_month=form.cleaned_data["shiharai_month"],
                actor=actor_from_request(request),
                zuiji=form.cleaned_data["zuiji"],
            )
        except JidoteateRefused as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                f"{run.shiharai_month.year}年{run.shiharai_month.month}月の支払を計算しました"
                f"（{run.jukyusha_count:,}人、{run.total:,}円）。",
            )
            return redirect("fukushi_jidoteate_shiharai")
    runs = list(
        JidoteateShiharai.objects.annotate(
            chosei_n=Count("chosei"), chosei_total=Sum("chosei__amount")
        ).order_by("-shiharai_month")[:24]
    )
    return TemplateResponse(
        request,
        "fukushi/jidoteate/shiharai.html",
        {
            "form": form,
            "runs": [(r, [m for m in _covered(r.shiharai_month)]) for r in runs],
            "furikomi_form": FurikomiForm(),
            "can_write": _can_write(request),
            "KAKUTEI": ShiharaiStatus.KAKUTEI,
        },
    )


def _covered(month: date) -> tuple[date, ...]:
    try:
        return rules.covered_months(month)
    except rules.SeidoMissing:
        return ()


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # the file is written and logged (抽出) by its service
@require_POST
def furikomi(request: HttpRequest, shiharai_id: int) -> HttpResponse:
    run = get_object_or_404(JidoteateShiharai, pk=shiharai_id)
    form = FurikomiForm(request.POST)
    if _errors(request, form):
        return redirect("fukushi_jidoteate_shiharai")
    try:
        furikomi_create(
            shiharai_id=run.pk,
            torikumi=form.cleaned_data["torikumi"],
            actor=actor_from_request(request),
        )
    except JidoteateRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "総合振込データを作成しました（この支払月は確定しました）。")
    return redirect("fukushi_jidoteate_shiharai")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # logged here as an 抽出 (the file holds names of accounts)
@require_GET
def furikomi_download(request: HttpRequest, shiharai_id: int) -> FileResponse:
    run = get_object_or_404(JidoteateShiharai, pk=shiharai_id)
    if not run.furikomi_path or not default_storage.exists(run.furikomi_path):
        raise Http404("総合振込データはまだ作成されていません。")
    access_record(
        request=request,
        action=AccessAction.EXPORT,
        gyomu=GYOMU,
        screen="fukushi.jidoteate_furikomi",
        record_type="fukushi.JidoteateShiharai",
        record_id=run.pk,
        record_count=run.jukyusha_count,
    )
    return FileResponse(
        default_storage.open(run.furikomi_path, "rb"),
        as_attachment=True,
        filename=f"jidoteate_furikomi_{run.shiharai_month:%Y%m}.txt",
        content_type="application/octet-stream",
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # starts a job; the job logs what it prints
@require_POST
def tsuchi_print(request: HttpRequest, shiharai_id: int) -> HttpResponse:
    run = get_object_or_404(JidoteateShiharai, pk=shiharai_id)
    try:
        job = job_start(
            kind=ShiharaiTsuchiPrint.code,
            params={"shiharai_id": run.pk},
            actor=actor_from_request(request),
        )
    except (JobRefused, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("fukushi_jidoteate_shiharai")
    return redirect("job_detail", pk=job.pk)


# --- 試算 ------------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # birth dates typed in, no person; nothing saved (the 試算 is logged)
@require_http_methods(["GET", "POST"])
def shisan(request: HttpRequest) -> HttpResponse:
    form = ShisanForm(request.POST or None)
    kids = ShisanJidoFormSet(request.POST or None, prefix="jido")
    result = None
    if request.method == "POST" and form.is_valid() and kids.is_valid():
        d = form.cleaned_data
        children = [
            rules.Child(f.cleaned_data["birth_date"], bool(f.cleaned_data.get("kanshu")), i)
            for i, f in enumerate(kids.forms)
            if f.cleaned_data.get("birth_date")
        ]
        problem = rules.shisan_problem(d["month"], [c.birth_date for c in children])
        try:
            if problem:
                raise ValueError(problem)
            kubun = rules.ShotokuKubun.IKA
            if d.get("shotoku") is not None:
                kubun = rules.shotoku_hantei(
                    d["month"], shotoku=d["shotoku"], fuyo_su=d.get("fuyo_su") or 0
                )
            amounts = rules.month_amounts(children, d["month"], shotoku_kubun=kubun)
            seido = rules.seido_of(d["month"])
        except (rules.SeidoMissing, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            by_key = {a.key: a for a in amounts}
            result = {
                "seido": seido,
                "kubun": rules.SHOTOKU_KUBUN_LABELS[kubun],
                "rows": [(c, by_key.get(c.key)) for c in children],
                "total": sum(a.amount for a in amounts),
            }
            access_record(
                request=request,
                action=AccessAction.READ,
                gyomu=GYOMU,
                screen="fukushi.jidoteate_shisan",
                record_type="fukushi.jidoteate_shisan",
                record_count=0,
                detail={"month": rules.month_start(d["month"]).isoformat()},
            )
    return TemplateResponse(
        request,
        "fukushi/jidoteate/shisan.html",
        {"form": form, "kids": kids, "result": result},
    )


urlpatterns: list[URLPattern] = [
    # the first screen of 児童手当, for the platform's module page (gyomu_entry_<code>)
    path(
        "jidoteate/entry/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/jidoteate/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("jidoteate/", jukyusha_list, name="fukushi_jidoteate_list"),
    path("jidoteate/persons/<int:pk>/", person, name="fukushi_jidoteate_person"),
    path("jidoteate/persons/<int:pk>/nintei/", nintei, name="fukushi_jidoteate_nintei"),
    path("jidoteate/jukyusha/<int:jukyusha_id>/kaitei/", kaitei, name="fukushi_jidoteate_kaitei"),
    path(
        "jidoteate/jukyusha/<int:jukyusha_id>/shometsu/",
        shometsu,
        name="fukushi_jidoteate_shometsu",
    ),
    path("jidoteate/kouho/", kouho_list, name="fukushi_jidoteate_kouho"),
    path(
        "jidoteate/kouho/<int:kouho_id>/close/", kouho_close, name="fukushi_jidoteate_kouho_close"
    ),
    path("jidoteate/shiharai/", shiharai, name="fukushi_jidoteate_shiharai"),
    path(
        "jidoteate/shiharai/<int:shiharai_id>/furikomi/",
        furikomi,
        name="fukushi_jidoteate_furikomi",
    ),
    path(
        "jidoteate/shiharai/<int:shiharai_id>/furikomi.txt",
        furikomi_download,
        name="fukushi_jidoteate_furikomi_download",
    ),
    path(
        "jidoteate/shiharai/<int:shiharai_id>/tsuchi/",
        tsuchi_print,
        name="fukushi_jidoteate_tsuchi_print",
    ),
    path("jidoteate/shisan/", shisan, name="fukushi_jidoteate_shisan"),
]
