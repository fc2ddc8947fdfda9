"""子ども医療費助成 and ひとり親家庭等医療費助成 staff screens: one implementation, two sets of
view entries. ``iryo_views(code, slug)`` builds the views of ONE 業務, each declaring that
業務 (``gyomu_view(code)``), mounted under their own prefix by ``fukushi/views/iryo_kodomo.py``
(/fukushi/kodomo-iryo/) and ``fukushi/views/iryo_hitorioya.py`` (/fukushi/hitorioya-iryo/):
no URL parameter chooses the 業務.

Screens: the 受給者 list, one 受給者 (受給者証, 償還 claims with their 審査, history), the
交付, the 一斉更新, the 償還 payment with its 全銀 総合振込 file, the 受給者証 PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.models import IryoGyomu, IryoJotai, IryoJukyusha, IryoShiharai, IryoShokan
from fukushi.printjobs_iryo import JOB_OF
from fukushi.services.iryo import (
    IryoRefused,
    ichibu_futan_of,
    ikkatsu_koshin,
    iryo_shiharai_file,
    jukyushasho_kofu,
    shokan_shiharai,
    shokan_shinsa,
    shokan_uketsuke,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.iryo_genbutsu import genbutsu_views
from juminkiroku.public import atena_resolve, person_identities
from tenants import zengin
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.printing.engine import render
from tenants.printing.yearly import issuer_name
from tenants.wareki import fiscal_year_of, format_wareki, format_wareki_year

RECORD_TYPE = "fukushi.IryoJukyusha"


class KofuForm(forms.Form):
    atena_no = TextField(label="対象者の宛名番号", max_length=20)
    hogosha_atena_no = TextField(
        label="保護者の宛名番号（ひとり親本人の証は本人と同じ番号）", max_length=20
    )
    kaishi = WarekiDateField(label="有効期間の開始日", help_text="例 令和7年8月1日")
    kinyu_kikan = TextField(label="償還の振込先 金融機関コード（4桁）", max_length=4)
    shiten = TextField(label="支店コード（3桁）", max_length=3)
    yokin_shumoku = forms.ChoiceField(label="預金種目", choices=list(zengin.SHUMOKU.items()))
    koza_bango = TextField(label="口座番号（7桁）", max_length=7)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30)


class ShokanForm(forms.Form):
    shinryo_tsuki = WarekiDateField(label="診療月（その月の日付）", help_text="例 令和7年9月1日")
    iryo_kikan = TextField(label="医療機関", max_length=100)
    jiko_futan = forms.IntegerField(
        label="窓口で支払った額（円）", min_value=1, max_value=10_000_000
    )


class ShinsaForm(forms.Form):
    kekka = forms.ChoiceField(label="審査", choices=[("shonin", "支給決定"), ("kyakka", "却下")])
    riyu = TextField(label="却下の理由", max_length=200, required=False)


def _koshin_nen_choices() -> list[tuple[int, str]]:
    last = timezone.localdate().year + 1
    return [(y, format_wareki_year(y)) for y in range(last, 2019, -1)]


class KoshinForm(forms.Form):
    nen = forms.TypedChoiceField(label="更新する年", coerce=int, choices=_koshin_nen_choices)


class IkkatsuForm(KoshinForm):
    hakko_date = WarekiDateField(label="交付日", help_text="例 令和8年7月20日")


class ShiharaiForm(IraininForm):
    field_order = ["shiharai_date"]
    shiharai_date = WarekiDateField(label="支払日（取組日）", help_text="例 令和7年10月15日")


def iryo_views(code: str, slug: str) -> list[URLPattern]:
    """The URL patterns of the 業務 ``code`` (its URL names ``fukushi_<slug>_…``)."""
    title = IryoGyomu(code).label
    n = f"fukushi_{slug}_"
    base = f"/fukushi/{slug.replace('_', '-')}/"

    def can_write(request: HttpRequest) -> bool:
        return bool(getattr(request, "role_levels", {}).get(code, 0) >= RoleLevel.WRITE)

    def ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {"title": title, "n": n, "can_write": can_write(request), **extra}

    def errors(request: HttpRequest, exc: IryoRefused) -> None:
        for _, message in exc.errors:
            messages.error(request, message)

    def one(pk: int) -> IryoJukyusha:
        return get_object_or_404(IryoJukyusha, pk=pk, gyomu=code)

    @gyomu_view(code, write_level=RoleLevel.READ)
    @logs_reads(
        Reads("atena", ids="rows[].atena_id", screen=f"fukushi.{slug}_list", skip_empty=True)
    )
    @require_GET
    def jukyusha_list(request: HttpRequest) -> HttpResponse:
        rows = list(IryoJukyusha.objects.filter(gyomu=code).order_by("jukyusha_bango")[:200])
        people = person_identities(r.atena_id for r in rows)
        return TemplateResponse(
            request,
            "fukushi/iryo/list.html",
            ctx(
                request,
                rows=[
                    {"j": r, "atena_id": r.atena_id, "person": people.get(r.atena_id)} for r in rows
                ],
                koshin_form=KoshinForm(initial={"nen": timezone.localdate().year}),
                ikkatsu_form=IkkatsuForm(
                    initial={"nen": timezone.localdate().year, "hakko_date": timezone.localdate()}
                ),
            ),
        )

    @gyomu_view(code, write_level=RoleLevel.READ)
    @logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen=f"fukushi.{slug}_detail"))
    @require_GET
    def jukyusha_detail(request: HttpRequest, pk: int) -> HttpResponse:
        j = one(pk)
        people = person_identities([j.atena_id, j.hogosha_atena_id])
        return TemplateResponse(
            request,
            "fukushi/iryo/detail.html",
            ctx(
                request,
                j=j,
                person=people.get(j.atena_id),
                hogosha=people.get(j.hogosha_atena_id),
                shokan=j.shokan.order_by("-shinryo_tsuki", "-pk"),
                rireki=j.rireki.all(),
                shokan_form=ShokanForm(),
                shinsa_form=ShinsaForm(),
                open=j.jotai == IryoJotai.YUKO,
            ),
        )

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # a form; the write is logged by its service
    @require_http_methods(["GET", "POST"])
    def kofu(request: HttpRequest) -> HttpResponse:
        form = KofuForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and form.cleaned_data["kaishi"]:
            d = form.cleaned_data
            who = atena_resolve(d["atena_no"])
            hogo = atena_resolve(d["hogosha_atena_no"])
            if not who.found or who.atena_id is None:
                form.add_error("atena_no", who.message or "宛名番号が見つかりません。")
            if not hogo.found or hogo.atena_id is None:
                form.add_error("hogosha_atena_no", hogo.message or "宛名番号が見つかりません。")
            if form.is_valid() and who.atena_id is not None and hogo.atena_id is not None:
                try:
                    j = jukyushasho_kofu(
                        gyomu=code,
                        atena_id=who.atena_id,
                        hogosha_atena_id=hogo.atena_id,
                        kaishi=d["kaishi"],
                        account=zengin.Account(
                            d["kinyu_kikan"], d["shiten"], d["yokin_shumoku"], d["koza_bango"],
                            d["meigi_kana"],
                        ),
                        actor=actor_from_request(request),
                    )  # fmt: skip
                except IryoRefused as exc:
                    for field, message in exc.errors:
                        form.add_error(field if field in form.fields else None, message)
                else:
                    messages.success(
                        request, f"受給者証を交付しました（受給者番号 {j.jukyusha_bango}）。"
                    )
                    return redirect(n + "detail", pk=j.pk)
        return TemplateResponse(request, "fukushi/iryo/kofu.html", ctx(request, form=form))

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # counts only; the writes are logged by the service
    @require_POST
    def koshin(request: HttpRequest) -> HttpResponse:
        form = KoshinForm(request.POST)
        if form.is_valid():
            try:
                out = ikkatsu_koshin(
                    gyomu=code, nen=form.cleaned_data["nen"], actor=actor_from_request(request)
                )
            except IryoRefused as exc:
                errors(request, exc)
            else:
                messages.success(
                    request, f"一斉更新：更新 {out.koshin}件、更新しない {out.shuryo}件"
                )
        else:
            messages.error(request, "更新する年を正しく入力してください。")
        return redirect(n + "list")

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # starts the job (its chunks log what they print)
    @require_POST
    def ikkatsu(request: HttpRequest) -> HttpResponse:
        """The 受給者証 of every 受給者 renewed by the year's 一斉更新, as a print job."""
        form = IkkatsuForm(request.POST)
        if not form.is_valid() or form.cleaned_data["hakko_date"] is None:
            messages.error(request, "更新の年と交付日を正しく入力してください。")
            return redirect(n + "list")
        try:
            job = job_start(
                kind=JOB_OF[code],
                params={
                    "nen": form.cleaned_data["nen"],
                    "hakko_date": form.cleaned_data["hakko_date"].isoformat(),
                },
                actor=actor_from_request(request),
            )
        except (JobRefused, ValueError) as exc:
            messages.error(request, str(exc))
            return redirect(n + "list")
        return redirect("job_detail", pk=job.pk)

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # a write (logged by its service), then back to the 受給者
    @require_POST
    def shokan(request: HttpRequest, pk: int) -> HttpResponse:
        j = one(pk)
        form = ShokanForm(request.POST)
        if form.is_valid() and form.cleaned_data["shinryo_tsuki"]:
            d = form.cleaned_data
            try:
                c = shokan_uketsuke(
                    jukyusha=j, shinryo_tsuki=d["shinryo_tsuki"], iryo_kikan=d["iryo_kikan"],
                    jiko_futan=d["jiko_futan"], actor=actor_from_request(request),
                )  # fmt: skip
            except IryoRefused as exc:
                errors(request, exc)
            else:
                messages.success(
                    request, f"償還の申請を受け付けました（支給額 {c.shikyu_gaku:,}円）。"
                )
        else:
            for e in form.errors.values():
                messages.error(request, " ".join(str(x) for x in e))
        return redirect(n + "detail", pk=pk)

    @gyomu_view(code, level=RoleLevel.WRITE)
    @no_personal_data  # a write (logged by its service), then back to the 受給者
    @require_POST
    def shinsa(request: HttpRequest, pk: int, claim: int) -> HttpResponse:
        j = one(pk)
        c = get_object_or_404(IryoShokan, pk=claim, jukyusha=j)
        form = ShinsaForm(request.POST)
        if form.is_valid():
            try:
                shokan_shinsa(
                    claim=c,
                    shonin=form.cleaned_data["kekka"] == "shonin",
                    riyu=form.cleaned_data["riyu"] or "",
                    actor=actor_from_request(request),
                )
            except IryoRefused as exc:
                errors(request, exc)
        return redirect(n + "detail", pk=pk)

    @gyomu_view(code, write_level=RoleLevel.READ)
    @no_personal_data  # runs and their totals only
    @require_http_methods(["GET", "POST"])
    def shiharai(request: HttpRequest) -> HttpResponse:
        form = ShiharaiForm(request.POST or None)
        if request.method == "POST":
            if not can_write(request):
                return HttpResponse(status=403)
            if form.is_valid() and form.cleaned_data["shiharai_date"]:
                d = form.cleaned_data
                try:
                    run = shokan_shiharai(
                        gyomu=code,
                        shiharai_date=d["shiharai_date"],
                        irainin=form.irainin(),
                        actor=actor_from_request(request),
                    )  # fmt: skip
                except IryoRefused as exc:
                    errors(request, exc)
                else:
                    messages.success(request, f"支払を作成しました：{run.kensu}件 {run.gokei:,}円")
                    return redirect(n + "shiharai")
        runs = IryoShiharai.objects.filter(gyomu=code).order_by("-shiharai_date", "-pk")[:24]
        return TemplateResponse(
            request, "fukushi/iryo/shiharai.html", ctx(request, form=form, runs=runs)
        )

    @gyomu_view(code, level=RoleLevel.WRITE)
    @logs_reads(
        Reads(
            "fukushi.IryoShiharai",
            action=AccessAction.EXPORT,
            id_kwarg="pk",
            screen=f"fukushi.{slug}_furikomi",
        )
    )
    @require_GET
    def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(IryoShiharai, pk=pk, gyomu=code)
        return furikomi_response(iryo_shiharai_file(run), f"{slug}_furikomi_{run.pk}.txt")

    @gyomu_view(code, level=RoleLevel.WRITE)
    @logs_reads(
        Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen=f"fukushi.{slug}_pdf")
    )
    @require_GET
    def jukyushasho_pdf(request: HttpRequest, pk: int) -> HttpResponse:
        j = one(pk)
        people = person_identities([j.atena_id, j.hogosha_atena_id])
        p, h = people.get(j.atena_id), people.get(j.hogosha_atena_id)
        futan = ichibu_futan_of(code, fiscal_year_of(j.yuko_kaishi))
        pdf = render(
            "fukushi/iryo_jukyushasho.typ",
            common={
                "title": f"{title} 受給者証",
                "issuer": issuer_name(),
                "hakko": format_wareki(timezone.localdate()),
            },
            items=[
                {
                    "bango": j.jukyusha_bango,
                    "name": p.shimei if p else "",
                    "birth": format_wareki(p.birth_date) if p else "",
                    "hogosha": h.shimei if h else "",
                    "kikan": (
                        f"{format_wareki(j.yuko_kaishi)}から{format_wareki(j.yuko_shuryo)}まで"
                    ),
                    "futan": f"1件 {futan:,}円" if futan else "なし",
                }
            ],
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="jukyushasho_{j.jukyusha_bango}.pdf"'
        return response

    entry: Callable[..., Any] = gyomu_view(code)(RedirectView.as_view(url=base))
    return [
        path("entry/", entry, name=f"gyomu_entry_{code}"),
        path("", jukyusha_list, name=n + "list"),
        path("<int:pk>/", jukyusha_detail, name=n + "detail"),
        path("<int:pk>/shokan/", shokan, name=n + "shokan"),
        path("<int:pk>/shokan/<int:claim>/shinsa/", shinsa, name=n + "shinsa"),
        path("<int:pk>/jukyushasho.pdf", jukyushasho_pdf, name=n + "pdf"),
        path("kofu/", kofu, name=n + "kofu"),
        path("koshin/", koshin, name=n + "koshin"),
        path("jukyushasho/", ikkatsu, name=n + "ikkatsu"),
        path("shiharai/", shiharai, name=n + "shiharai"),
        path("shiharai/<int:pk>/furikomi.txt", furikomi, name=n + "furikomi"),
        *genbutsu_views(code, slug),
    ]
