"""Staff screens: 証明書の発行 (住民票の写し・除票の写し・記載事項証明書), 交付履歴照会 with
処分 (標準仕様書 1.3.8, 2.2.2), and the 公印・認証者 masters (1.3.7, 1.3.9).

The person is picked by 宛名番号 typed into a POST form, never by a URL; the PDF comes
back inline under a name made of the 発行番号 only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.codes import (
    AtenaKubun,
    JuminJotai,
    KoinKind,
    NinshoshaKubun,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
)
from juminkiroku.forms.shomei import GAIKOKU_ITEMS, KISAI_ITEMS
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Koin
from juminkiroku.selectors.johyo import is_moved, with_restored
from juminkiroku.selectors.kofu import kofu_search
from juminkiroku.selectors.koin import ninshosha_list
from juminkiroku.services.inkan import MAX_INEI_BYTES
from juminkiroku.services.koin import KoinError, koin_register, ninshosha_register
from juminkiroku.services.shomei import (
    MAX_COPIES,
    ShomeiError,
    default_items,
    png_uri,
    shomei_issue,
    shomei_precheck,
    shomei_void,
)
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, WarekiDateInput
from tenants.models import RoleLevel
from tenants.text import text_errors, text_problem
from tenants.textguard import checks_own_text

GYOMU = JUMINKIROKU
ISSUE_KINDS = [
    (k.value, k.label)
    for k in (ShomeiKind.JUMINHYO, ShomeiKind.JOHYO, ShomeiKind.KISAI, ShomeiKind.JOHYO_KISAI)
]


class ShomeiForm(forms.Form):
    atena_no = TextField(
        label="宛名番号",
        max_length=10,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label="証明書", choices=ISSUE_KINDS, initial=ShomeiKind.JUMINHYO)
    layout = forms.ChoiceField(
        label="様式",
        choices=ShomeiLayout.choices,
        initial=ShomeiLayout.RENKI,
        widget=forms.RadioSelect,
    )
    setainushi = forms.BooleanField(label="世帯主・続柄", required=False)
    honseki = forms.BooleanField(label="本籍・筆頭者", required=False)
    juminhyo_code = forms.BooleanField(label="住民票コード", required=False)
    kojin_bango = forms.BooleanField(label="個人番号", required=False)
    rireki = forms.BooleanField(label="履歴（異動の経過）", required=False)
    kisai_items = forms.MultipleChoiceField(
        label="証明する事項（記載事項証明書）",
        choices=list(KISAI_ITEMS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    omit_katagaki = forms.BooleanField(label="方書を省略する（記載事項証明書のみ）", required=False)
    omit_gaikoku = forms.MultipleChoiceField(
        label="外国人住民の記載事項で省略するもの",
        choices=list(GAIKOKU_ITEMS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    copies = forms.IntegerField(label="通数", min_value=1, max_value=MAX_COPIES, initial=1)
    seikyusha = forms.ChoiceField(label="請求者", choices=Seikyusha.choices)
    koyo_kikan = TextField(label="請求した機関（公用請求）", required=False, max_length=100)
    koyo_mokuteki = TextField(label="請求の目的（公用請求）", required=False, max_length=200)
    ninshosha_kubun = forms.ChoiceField(
        label="認証者",
        choices=[("", "発行日に有効な認証者（自動）"), *NinshoshaKubun.choices],
        required=False,
    )
    koin = forms.ChoiceField(
        label="公印",
        choices=[("1", "印字する"), ("0", "省略する（公印省略）")],
        initial="1",
        required=False,
    )
    koin_kind = forms.ChoiceField(
        label="公印の種類", choices=[("", "認証者の印"), *KoinKind.choices], required=False
    )
    kofu_basho = TextField(label="交付場所", required=False, max_length=50, initial="本庁窓口")
    confirm = forms.BooleanField(label="注意事項を確認しました", required=False)

    ITEM_FIELDS = ("setainushi", "honseki", "juminhyo_code", "kojin_bango", "rireki")

    def items(self) -> dict[str, bool]:
        if self.cleaned_data.get("kind") in (ShomeiKind.KISAI, ShomeiKind.JOHYO_KISAI):
            return {}
        return {k: bool(self.cleaned_data.get(k)) for k in self.ITEM_FIELDS}

    def sheet(self) -> dict[str, Any]:
        """What the precheck needs to foresee 文字溢れ (5.8)."""
        data = self.cleaned_data
        return {
            "layout": data["layout"],
            "items": self.items(),
            "kisai_items": data["kisai_items"] or None,
            "omit_gaikoku": data["omit_gaikoku"] or None,
        }


def _members_of(person: Atena) -> list[Atena]:
    """The person's household (residents) when they live here; else only the person."""
    if (
        person.setai_id is None
        or person.kubun != AtenaKubun.JUTOSHA
        or person.jotai != JuminJotai.JUMIN
    ):
        return [person]
    return list(
        Atena.objects.filter(
            setai_id=person.setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
        ).order_by("setai_order", "id")
    )


def pdf_response(pdf: bytes, hakko_no: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="shomei_{hakko_no}.pdf"'
    response["X-Hakko-No"] = hakko_no
    response["Cache-Control"] = "no-store"
    return response


@checks_own_text  # TextField form; 宛名番号 checked before the lookup
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(
    # The household shown to pick whom to certify; the PDF itself is logged by
    # shomei_issue (印刷).
    Reads(
        "atena",
        record_id="person.pk",
        ids="members[].pk",
        shown="person",
        screen="証明書発行（対象者の確認）",
    )
)
@require_http_methods(["GET", "POST"])
def shomei_issue_view(request: HttpRequest) -> HttpResponse:
    """Step 1: 宛名番号 → the household's members. Step 2 (button 発行): the PDF."""
    form = ShomeiForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "members": [], "chosen": set()}
    if request.method != "POST":
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    atena_no = request.POST.get("atena_no", "").strip()
    if text_problem(atena_no, label="宛名番号") is not None:
        form.is_valid()  # the field says why, by name
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    person = Atena.objects.filter(atena_no=atena_no).first() if atena_no else None
    if person is None:
        form.is_valid()
        form.add_error("atena_no", "この宛名番号の方は見つかりません。")
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    if is_moved(person):  # a 除票 in the 除票用データベース: its items from the snapshot
        person = with_restored([person])[0]
    members = _members_of(person)
    context["members"] = members
    context["person"] = person
    if "issue" not in request.POST:
        context["form"] = ShomeiForm(initial={"atena_no": atena_no, **default_items()})
        context["chosen"] = {m.pk for m in members}
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
    chosen = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    context["chosen"] = set(chosen)
    member_ids = [m.pk for m in members]
    if not form.is_valid():
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    if not chosen or not set(chosen) <= set(member_ids):
        context["error"] = "証明する方を世帯員の中から選んでください。"
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    data = form.cleaned_data
    whole = person.setai_id is not None and sorted(chosen) == sorted(member_ids)
    args: dict[str, Any] = {
        "kind": data["kind"],
        "atena_ids": chosen,
        "setai_id": person.setai_id
        if whole and data["kind"] in (ShomeiKind.JUMINHYO, ShomeiKind.KISAI)
        else None,
    }
    try:
        check = shomei_precheck(seikyusha=data["seikyusha"], **args, **form.sheet())
        if check.warnings and not data["confirm"]:
            context["warnings"] = check.warnings
            return TemplateResponse(request, "juminkiroku/certificates/issue.html", context)
        kofu, pdf = shomei_issue(
            copies=data["copies"],
            seikyusha=data["seikyusha"],
            actor=actor_from_request(request),
            omit_katagaki=data["omit_katagaki"],
            koyo_kikan=data["koyo_kikan"],
            koyo_mokuteki=data["koyo_mokuteki"],
            ninshosha_kubun=data["ninshosha_kubun"],
            koin=data["koin"] != "0",
            koin_kind=data["koin_kind"],
            kofu_basho=data["kofu_basho"],
            **args,
            **form.sheet(),
        )
    except ShomeiError as exc:
        context["error"] = str(exc)
        return TemplateResponse(request, "juminkiroku/certificates/issue.html", context, status=400)
    return pdf_response(pdf, kofu.hakko_no)


class KofuSearchForm(forms.Form):
    date_from = WarekiDateField(
        label="発行日（から）", required=False, widget=WarekiDateInput(attrs={"autofocus": True})
    )
    date_to = WarekiDateField(label="発行日（まで）", required=False)
    hakko_no = TextField(label="発行番号", required=False, max_length=20)
    atena_no = TextField(label="宛名番号", required=False, max_length=10)
    kind = forms.ChoiceField(
        label="証明書", required=False, choices=[("", "すべて"), *ShomeiKind.choices]
    )
    seikyusha = forms.ChoiceField(
        label="請求者", required=False, choices=[("", "すべて"), *Seikyusha.choices]
    )
    kofu_basho = TextField(label="交付場所", required=False, max_length=50)
    terminal = TextField(label="端末名", required=False, max_length=100)
    issued_by = TextField(label="ユーザID（発行者）", required=False, max_length=150)
    state = forms.ChoiceField(
        label="処分",
        required=False,
        choices=[("", "すべて"), ("kofu", "交付のみ"), ("voided", "処分済のみ")],
    )


PAGE_SIZE = 50


@checks_own_text  # TextField form
@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    Reads("atena", action=AccessAction.SEARCH, ids="searched_atena_id", screen="証明書交付履歴")
)
@require_http_methods(["GET", "POST"])
def kofu_history(request: HttpRequest) -> HttpResponse:
    """交付履歴照会 (標準仕様書 2.2.2): by person (宛名番号) and by every item 1.3.8 keeps,
    50 a page. Searched by POST (a 宛名番号 must not enter a URL); the page buttons
    resend the same criteria."""
    form = KofuSearchForm(request.POST or None)
    rows = kofu_search()
    searched_atena_id: int | None = None
    page_no = 1
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        atena_id: int | None = None
        if data["atena_no"]:
            found = Atena.objects.filter(atena_no=data["atena_no"].strip()).first()
            atena_id = found.pk if found is not None else -1
        rows = kofu_search(
            date_from=data["date_from"],
            date_to=data["date_to"],
            hakko_no=data["hakko_no"],
            atena_id=atena_id,
            kind=data["kind"],
            seikyusha=data["seikyusha"],
            kofu_basho=data["kofu_basho"],
            terminal=data["terminal"],
            issued_by=data["issued_by"],
            voided={"kofu": False, "voided": True}.get(data["state"]),
        )
        if atena_id is not None and atena_id > 0:
            searched_atena_id = atena_id
        asked = request.POST.get("page", "")
        page_no = int(asked) if asked.isdigit() and 0 < len(asked) < 7 else 1
    page = Paginator(rows, PAGE_SIZE).get_page(page_no)
    can_void = getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE
    return TemplateResponse(
        request,
        "juminkiroku/certificates/history.html",
        {
            "form": form,
            "page": page,
            "can_void": can_void,
            "searched_atena_id": searched_atena_id,
        },
    )


@checks_own_text  # text_errors
@gyomu_view(GYOMU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # shomei_void logs the 処分, then redirects
@require_POST
def kofu_void(request: HttpRequest, pk: int) -> HttpResponse:
    refused = text_errors(request.POST, label={"reason": "処分の理由"})
    if refused:
        for msgs in refused.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect("juminkiroku_kofu_history")
    try:
        kofu = shomei_void(
            kofu_id=pk, reason=request.POST.get("reason", ""), actor=actor_from_request(request)
        )
    except ShomeiError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"発行番号 {kofu.hakko_no} を処分しました。")
    return redirect("juminkiroku_kofu_history")


class KoinForm(forms.Form):
    kind = forms.ChoiceField(label="公印の種類", choices=KoinKind.choices)
    image = forms.FileField(label="印影画像（PNG、200KB以下。黒色で登録されます）")
    valid_from = WarekiDateField(label="使用開始日", help_text="例: 令和7年4月1日、R7.4.1")
    valid_to = WarekiDateField(label="使用終了日", required=False)
    mongon = TextField(label="固定文言（例: この印は黒色です）", required=False, max_length=60)

    def clean_image(self) -> bytes:
        upload = self.cleaned_data["image"]
        if upload.size > MAX_INEI_BYTES:
            raise forms.ValidationError("公印の画像は200KB以下にしてください。")
        data: bytes = upload.read()
        return data


class NinshoshaForm(forms.Form):
    kubun = forms.ChoiceField(label="区分", choices=NinshoshaKubun.choices)
    shokumei = TextField(label="職名（例: 葉山町長、葉山町長職務代理者　副町長）", max_length=60)
    shimei = TextField(label="氏名", max_length=60)
    valid_from = WarekiDateField(label="開始日")
    valid_to = WarekiDateField(label="終了日（職務代理者の期間など）", required=False)


def _koin_page(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    koins = [
        {"row": k, "uri": png_uri(bytes(k.image))}
        for k in Koin.objects.order_by("kind", "-valid_from", "-id")
    ]
    context = {
        "koins": koins,
        "ninshosha": ninshosha_list(),
        "koin_form": extra.pop("koin_form", KoinForm(prefix="k")),
        "ninshosha_form": extra.pop("ninshosha_form", NinshoshaForm(prefix="n")),
        "can_admin": getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.ADMIN,
        **extra,
    }
    return TemplateResponse(request, "juminkiroku/certificates/koin.html", context, status=status)


@checks_own_text  # TextField forms
@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.ADMIN)
@no_personal_data  # 公印 images and the certifiers' official names only
@require_http_methods(["GET", "POST"])
def koin_index(request: HttpRequest) -> HttpResponse:
    """公印・認証者 (標準仕様書 1.3.7, 1.3.9): the masters, and (団体管理者) registering."""
    if request.method != "POST":
        return _koin_page(request)
    actor = actor_from_request(request)
    if "koin" in request.POST:
        koin_form = KoinForm(request.POST, request.FILES, prefix="k")
        if not koin_form.is_valid():
            return _koin_page(request, 400, koin_form=koin_form)
        data = koin_form.cleaned_data
        try:
            koin_register(
                kind=data["kind"],
                image_png=data["image"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                mongon=data["mongon"],
                actor=actor,
            )
        except KoinError as exc:
            return _koin_page(request, 400, koin_form=koin_form, error=str(exc))
        messages.success(request, "公印を登録しました。")
        return redirect("juminkiroku_koin")
    form = NinshoshaForm(request.POST, prefix="n")
    if not form.is_valid():
        return _koin_page(request, 400, ninshosha_form=form)
    data = form.cleaned_data
    try:
        ninshosha_register(
            kubun=data["kubun"],
            shokumei=data["shokumei"],
            shimei=data["shimei"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            actor=actor,
        )
    except KoinError as exc:
        return _koin_page(request, 400, ninshosha_form=form, error=str(exc))
    messages.success(request, "認証者を登録しました。")
    return redirect("juminkiroku_koin")


urlpatterns: list[URLPattern] = [
    path("koin/", koin_index, name="juminkiroku_koin"),
    path("shomei/", shomei_issue_view, name="juminkiroku_shomei_issue"),
    path("kofu/", kofu_history, name="juminkiroku_kofu_history"),
    path("kofu/<int:pk>/void/", kofu_void, name="juminkiroku_kofu_void"),
]
