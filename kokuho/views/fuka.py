"""国保税 賦課 screens: the 賦課 menu (本算定・更正候補の抽出・通知書の一括印刷), the results of
a 年度 with totals per 区分, one household's 賦課 with every figure and its versions, its
納税通知書 / 変更通知書 as PDF, the 更正候補 a clerk applies or sets aside, and the 試算.

Paths carry internal ids and 年度 only; every screen that shows a person writes its
access-log row (``logs_reads``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juminkiroku.public import person_identities
from kokuho.forms.fuka import FORM_LABELS as NOTICE_LABELS
from kokuho.forms.fuka import FORMS as NOTICE_FORMS
from kokuho.forms.fuka import form_of, notices, notices_render
from kokuho.fuka_jobs import HONSANTEI, KOSEI_SWEEP
from kokuho.fuka_printjobs import NOTICE_PRINT, issuer_name
from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, KoseiKoho, KoseiStatus, Santei
from kokuho.rules.hokenzei_params import KUBUN_LABELS
from kokuho.services.fuka import KoseiRefused, kosei_apply, kosei_dismiss
from kokuho.services.fuka_shisan import ShisanMember, ShisanRefused, shisan, shisan_json
from kokuho.services.tokucho import kaigo_hokenryo_of, tokucho_latest
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField
from tenants.forms.nendo import NendoField
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel

GYOMU = KOKUHO_FUKA
RECORD_TYPE = "kokuho.KokuhoFuka"
PAGE_SIZE = 50
DATE_HELP = wareki_help("令和7年7月1日", "R7.7.1", "2025/7/1")
KUBUN = ("iryo", "shien", "kaigo", "kodomo")


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


class HonsanteiForm(forms.Form):
    fiscal_year = NendoField()
    santei = forms.ChoiceField(
        label="算定区分",
        choices=[(Santei.HON, "本算定"), (Santei.KARI, "仮算定（条例で仮算定をする団体）")],
        widget=forms.RadioSelect,
        initial=Santei.HON,
    )
    kijun_date = WarekiDateField(
        label="算定基準日（この日の世帯と世帯主で賦課）", required=False, help_text=DATE_HELP
    )


class SweepForm(forms.Form):
    fiscal_year = NendoField()
    kijun_date = WarekiDateField(label="基準日（空欄は今日）", required=False, help_text=DATE_HELP)


class NoticeForm(forms.Form):
    fiscal_year = NendoField()
    form = forms.ChoiceField(
        label="帳票",
        choices=[(f, NOTICE_LABELS[f]) for f in NOTICE_FORMS],
        widget=forms.RadioSelect,
    )
    tsuchi_date = WarekiDateField(label="通知日", help_text=DATE_HELP)
    since = WarekiDateField(
        label="この日以後の更正（変更通知書のみ。空欄はすべて）",
        required=False,
        help_text=DATE_HELP,
    )
    print_data_encoding = CsvEncodingField(label="印刷データ（CSV）の文字コード")


class KoseiForm(forms.Form):
    reason = TextField(label="理由", max_length=200)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # the forms start jobs; the summary shows counts only
@require_http_methods(["GET", "POST"])
def fuka_menu(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    fy = today.year if today.month >= 4 else today.year - 1
    initial = {"fiscal_year": fy, "tsuchi_date": today}
    action = request.POST.get("action", "")
    forms_ = {
        "honsantei": HonsanteiForm(
            request.POST if action == "honsantei" else None, initial=initial
        ),
        "sweep": SweepForm(request.POST if action == "sweep" else None, initial=initial),
        "notice": NoticeForm(request.POST if action == "notice" else None, initial=initial),
    }
    if request.method == "POST":
        if not _can_write(request):
            return HttpResponse(status=403)
        form = forms_.get(action)
        if form is not None and form.is_valid():
            d = form.cleaned_data
            params: dict[str, Any] = {"fiscal_year": d["fiscal_year"]}
            for key in ("kijun_date", "tsuchi_date", "since"):
                if d.get(key):
                    params[key] = d[key].isoformat()
            kind = {"honsantei": HONSANTEI, "sweep": KOSEI_SWEEP, "notice": NOTICE_PRINT}[action]
            if action == "honsantei":
                params["santei"] = d["santei"]
            if action == "notice":
                params["form"] = d["form"]
                params["print_data_encoding"] = d["print_data_encoding"]
            try:
                job = job_start(kind=kind, params=params, actor=actor_from_request(request))
            except (JobRefused, ValueError) as exc:
                messages.error(request, str(exc))
            else:
                return redirect("job_detail", pk=job.pk)
    years = list(
        KokuhoFuka.objects.filter(is_current=True)
        .values("fiscal_year")
        .annotate(
            n=Count("id"),
            total=Sum("nengaku"),
            open_koho=Count("koho", filter=Q(koho__status=KoseiStatus.OPEN)),
        )
        .order_by("-fiscal_year")
    )
    return TemplateResponse(
        request,
        "kokuho/fuka/menu.html",
        {"forms": forms_, "years": years, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"], "page": ctx["page"].number},
        screen="kokuho.fuka_kekka",
    )
)
@require_GET
def fuka_kekka(request: HttpRequest, fy: int) -> HttpResponse:
    qs = KokuhoFuka.objects.filter(fiscal_year=fy, is_current=True)
    totals = qs.aggregate(
        n=Count("id"), hihokensha=Sum("hihokensha_su"), nengaku=Sum("nengaku"),
        **{k: Sum(k) for k in KUBUN},
    )  # fmt: skip
    kubun = [(KUBUN_LABELS[k], totals[k] or 0) for k in KUBUN if totals[k]]
    keigen = list(
        qs.values("keigen_wari")
        .annotate(n=Count("id"), total=Sum("nengaku"))
        .order_by("-keigen_wari")
    )
    santei = [
        (Santei(r["santei"]).label, r["n"])
        for r in qs.values("santei").annotate(n=Count("id")).order_by("santei")
    ]
    page = Paginator(qs.order_by("setai_id"), PAGE_SIZE).get_page(request.GET.get("page"))
    fukas = list(page.object_list)
    names = person_identities(f.nozei_gimusha_id for f in fukas)
    rows = [
        {
            "fuka": f,
            "atena_id": f.nozei_gimusha_id,
            "name": names[f.nozei_gimusha_id].shimei if f.nozei_gimusha_id in names else "",
        }
        for f in fukas
    ]
    return TemplateResponse(
        request,
        "kokuho/fuka/kekka.html",
        {
            "fiscal_year": fy,
            "totals": totals,
            "kubun": kubun,
            "keigen": keigen,
            "santei": santei,
            "page": page,
            "rows": rows,
        },
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", screen="kokuho.fuka_detail"))
@require_GET
def fuka_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fuka = get_object_or_404(KokuhoFuka, pk=pk)
    versions = list(
        KokuhoFuka.objects.filter(fiscal_year=fuka.fiscal_year, setai_id=fuka.setai_id).order_by(
            "version"
        )
    )
    facts = fuka.detail.get("input") or {}
    ids = [int(m["atena_id"]) for m in facts.get("members", [])] + [fuka.nozei_gimusha_id]
    persons = person_identities(ids)
    names = {str(a): p.shimei for a, p in persons.items()}
    result = fuka.detail.get("result") or {}
    kubun = []
    for k in result.get("kubun", []):
        if not k.get("monthly"):
            continue
        kubun.append(
            {
                **k,
                "label": KUBUN_LABELS.get(k["kubun"], k["label"]),
                "members": [
                    {
                        **m,
                        "name": names.get(m["key"].split("#")[0], ""),
                        "month_count": len(m["months"]),
                    }
                    for m in k["members"]
                ],
                "month_count": len(k["monthly"]),
                "capped": int(k["nengaku"]) > int(k["gendo"]),
            }
        )
    access_note(request, detail={"atena_ids": sorted(set(ids))})
    return TemplateResponse(
        request,
        "kokuho/fuka/detail.html",
        {
            "fuka": fuka,
            "versions": versions,
            "head": persons.get(fuka.nozei_gimusha_id),
            "keigen": result.get("keigen") or {},
            "kubun": kubun,
            "lines": result.get("lines", []),
            "members": [
                {**m, "name": names.get(str(m["atena_id"]), "")} for m in facts.get("members", [])
            ],
            "notice_label": NOTICE_LABELS[form_of(fuka)],
            "can_write": _can_write(request),
            "tokucho": tokucho_latest(fuka.fiscal_year, fuka.setai_id),
            "tokucho_form": TokuchoForm(),
            # the 世帯主's 介護保険料 as 介護保険's 賦課 holds it (the head is logged above)
            "kaigo_hokenryo": kaigo_hokenryo_of(fuka.fiscal_year, [fuka.nozei_gimusha_id]).get(
                fuka.nozei_gimusha_id
            ),
        },
    )


class TokuchoForm(forms.Form):
    nenkin_gaku = forms.IntegerField(
        label="年金の年額（円。特別徴収対象者の通知に世帯主の年金があるときは入力不要）",
        min_value=0, max_value=99_999_999, required=False,
    )  # fmt: skip
    kaigo_hokenryo = forms.IntegerField(
        label="世帯主の介護保険料の年額（円。介護保険の賦課があるときは入力不要）",
        min_value=0, max_value=9_999_999, required=False,
    )  # fmt: skip
    kaigo_tokucho = forms.BooleanField(
        label="世帯主の介護保険料は年金から特別徴収されている（介護保険の賦課がないときだけ）",
        required=False,
    )
    kari_gaku = forms.IntegerField(
        label="仮徴収額（1回。前年度2月の本徴収額があるときは入力不要）",
        min_value=0,
        max_value=9_999_999,
        required=False,
    )
    nenkin_hokensha = TextField(
        label="年金保険者コード（3桁）", max_length=3, required=False,
        validators=[RegexValidator(r"^[0-9]{3}$", "年金保険者コードは3桁の数字です。")],
    )  # fmt: skip
    kiso_nenkin_no = TextField(
        label="基礎年金番号（10桁）", max_length=10, required=False,
        validators=[RegexValidator(r"^[0-9]{10}$", "基礎年金番号は10桁の数字です。")],
    )  # fmt: skip
    nenkin_code = TextField(
        label="年金コード（4桁）", max_length=4, required=False,
        validators=[RegexValidator(r"^[0-9]{4}$", "年金コードは4桁の数字です。")],
    )  # fmt: skip
    koza_moushide = forms.BooleanField(label="口座振替の申出がある", required=False)
    moushide_date = WarekiDateField(label="申出日", required=False, help_text=DATE_HELP)
    tekiyo_date = WarekiDateField(
        label="期別を切り替える日（空欄は今日。口座振替の申出は申出日）",
        required=False,
        help_text=DATE_HELP,
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the household's 賦課
@require_POST
def fuka_tokucho(request: HttpRequest, pk: int) -> HttpResponse:
    """特別徴収の判定 (地方税法第706条の2) of one household's current 賦課."""
    from kokuho.services.tokucho import TokuchoRefused, tokucho_hantei_save

    fuka = get_object_or_404(KokuhoFuka, pk=pk)
    form = TokuchoForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "年金の年額・介護保険料・仮徴収額・年金の番号を正しく入力してください。"
            + "".join(str(e) for errs in form.errors.values() for e in errs[:1]),
        )
        return redirect("kokuho_fuka_detail", pk=fuka.pk)
    d = form.cleaned_data
    try:
        row = tokucho_hantei_save(
            fuka_id=fuka.pk,
            nenkin_gaku=d.get("nenkin_gaku"),
            kaigo_hokenryo=d.get("kaigo_hokenryo"),
            kaigo_tokucho=d["kaigo_tokucho"],
            kari_gaku=d["kari_gaku"],
            koza_moushide=d["koza_moushide"],
            moushide_date=d.get("moushide_date"),
            nenkin_hokensha=d.get("nenkin_hokensha") or "",
            kiso_nenkin_no=d.get("kiso_nenkin_no") or "",
            nenkin_code=d.get("nenkin_code") or "",
            on=d.get("tekiyo_date"),
            actor=actor_from_request(request),
        )
    except TokuchoRefused as exc:
        messages.error(request, str(exc))
        return redirect("kokuho_fuka_detail", pk=fuka.pk)
    messages.success(
        request, "特別徴収に該当します。" if row.gaito else "特別徴収に該当しません（普通徴収）。"
    )
    current = KokuhoFuka.objects.filter(
        fiscal_year=fuka.fiscal_year, setai_id=fuka.setai_id, is_current=True
    ).first()
    if current is not None and current.pk != fuka.pk:
        messages.info(request, f"期別を切り替えた第{current.version}版を表示しています。")
    return redirect("kokuho_fuka_detail", pk=(current or fuka).pk)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.PRINT, id_kwarg="pk", screen="kokuho.fuka_tsuchi_pdf")
)
@require_GET
def fuka_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One household's 納税通知書 (or 変更通知書 for a 更正), dated today."""
    fuka = get_object_or_404(KokuhoFuka, pk=pk)
    today = timezone.localdate()
    made = notices([fuka], tsuchi_date=today)
    if not made:
        return HttpResponse("納税義務者の住所が見つからないため印刷できません。", status=404)
    pdf = notices_render(made, issuer=issuer_name(), tsuchi_date=today)
    access_note(request, detail={"atena_ids": [fuka.nozei_gimusha_id], "form": form_of(fuka)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kokuho_fuka_{fuka.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        ids="rows[].atena_id",
        skip_empty=True,
        detail=lambda ctx: {"fiscal_year": ctx["fiscal_year"]},
        screen="kokuho.fuka_kosei",
    )
)
@require_GET
def kosei_list(request: HttpRequest, fy: int) -> HttpResponse:
    page = Paginator(
        KoseiKoho.objects.filter(fiscal_year=fy, status=KoseiStatus.OPEN).order_by("setai_id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    kohos = list(page.object_list)
    heads = {k.pk: int((k.detail.get("input") or {}).get("setainushi") or 0) for k in kohos}
    for k in kohos:
        if not heads[k.pk] and k.fuka_id:
            heads[k.pk] = KokuhoFuka.objects.values_list("nozei_gimusha_id", flat=True).get(
                pk=k.fuka_id
            )
    names = person_identities(h for h in heads.values() if h)
    rows = [
        {
            "koho": k,
            "atena_id": heads[k.pk],
            "name": names[heads[k.pk]].shimei if heads[k.pk] in names else "",
            "changes": len(k.changes),
        }
        for k in kohos
    ]
    return TemplateResponse(
        request,
        "kokuho/fuka/kosei.html",
        {
            "fiscal_year": fy,
            "page": page,
            "rows": rows,
            "form": KoseiForm(),
            "can_write": _can_write(request),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service), then back to the list
@require_POST
def kosei_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("apply", "dismiss"):
        raise Http404("その操作はありません。")
    koho = get_object_or_404(KoseiKoho, pk=pk)
    form = KoseiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "理由を入力してください。")
        return redirect("kokuho_fuka_kosei_list", fy=koho.fiscal_year)
    actor = actor_from_request(request)
    try:
        if decision == "apply":
            row = kosei_apply(koho_id=koho.pk, reason=form.cleaned_data["reason"], actor=actor)
            messages.success(request, f"更正しました（第{row.version}版）。")
            return redirect("kokuho_fuka_detail", pk=row.pk)
        kosei_dismiss(koho_id=koho.pk, reason=form.cleaned_data["reason"], actor=actor)
        messages.success(request, "更正しないことにしました。")
    except KoseiRefused as exc:
        messages.error(request, str(exc))
    return redirect("kokuho_fuka_kosei_list", fy=koho.fiscal_year)


# --- 試算 -------------------------------------------------------------------------------


class ShisanForm(forms.Form):
    fiscal_year = NendoField()
    tokutei_setai = forms.ChoiceField(
        label="特定世帯",
        required=False,
        choices=[("", "該当しない"), ("tokutei", "特定世帯"), ("tokutei_keizoku", "特定継続世帯")],
    )


class ShisanMemberForm(forms.Form):
    birth_date = WarekiDateField(label="生年月日", required=False, help_text="例 昭和55年5月5日")
    setainushi = forms.BooleanField(label="世帯主", required=False)
    insured = forms.BooleanField(label="国保に加入", required=False, initial=True)
    kyuyo = forms.IntegerField(label="給与所得（円）", min_value=0, required=False)
    nenkin = forms.IntegerField(label="公的年金等所得（円）", min_value=0, required=False)
    sonota = forms.IntegerField(label="その他の所得（円）", min_value=0, required=False)
    shutoku_date = WarekiDateField(label="年度中の加入日", required=False)
    soshitsu_date = WarekiDateField(label="喪失日", required=False)


ShisanMemberFormSet = forms.formset_factory(ShisanMemberForm, extra=4, max_num=8)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved
@require_http_methods(["GET", "POST"])
def fuka_shisan(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShisanForm(
        request.POST or None,
        initial={"fiscal_year": today.year if today.month >= 4 else today.year - 1},
    )
    members = ShisanMemberFormSet(request.POST or None, prefix="m")
    answer: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid() and members.is_valid():
        typed = [
            ShisanMember(
                birth_date=m["birth_date"],
                setainushi=bool(m.get("setainushi")),
                insured=bool(m.get("insured")),
                kyuyo=m.get("kyuyo") or 0,
                nenkin=m.get("nenkin") or 0,
                sonota=m.get("sonota") or 0,
                shutoku_date=m.get("shutoku_date"),
                soshitsu_date=m.get("soshitsu_date"),
            )
            for m in members.cleaned_data
            if m and m.get("birth_date")
        ]
        if not typed:
            messages.error(request, "世帯員を1人以上入力してください（生年月日は必須です）。")
        else:
            try:
                inp, result = shisan(
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    members=typed,
                    tokutei_setai=form.cleaned_data.get("tokutei_setai") or "",
                )
            except ShisanRefused as exc:
                for e in exc.errors:
                    messages.error(request, e)
            else:
                answer = shisan_json(inp, result)
                for k in answer["result"]["kubun"]:
                    k["label"] = KUBUN_LABELS.get(k["kubun"], k["label"])
                    k["month_count"] = len(k["monthly"])
                    for m in k["members"]:
                        m["month_count"] = len(m["months"])
    return TemplateResponse(
        request,
        "kokuho/fuka/shisan.html",
        {"form": form, "members": members, "answer": answer},
    )


urlpatterns: list[URLPattern] = [
    path("fuka/", fuka_menu, name="kokuho_fuka_menu"),
    path("fuka/<int:fy>/kekka/", fuka_kekka, name="kokuho_fuka_kekka"),
    path("fuka/detail/<int:pk>/", fuka_detail, name="kokuho_fuka_detail"),
    path("fuka/detail/<int:pk>/tsuchi.pdf", fuka_pdf, name="kokuho_fuka_pdf"),
    path("fuka/detail/<int:pk>/tokucho/", fuka_tokucho, name="kokuho_fuka_tokucho"),
    path("fuka/<int:fy>/kosei/", kosei_list, name="kokuho_fuka_kosei_list"),
    path("fuka/kosei/<int:pk>/<str:decision>/", kosei_decide, name="kokuho_fuka_kosei_decide"),
    path("fuka/shisan/", fuka_shisan, name="kokuho_fuka_shisan"),
]
