"""生活保護 screens (issue 21 item 3), mounted at /fukushi/seikatsu-hogo/.

要配慮個人情報: beside the 業務 role, every screen that shows or touches a case needs the
grant ``fukushi.grants_seiho.SEIHO_CASE``. Without it a case URL answers 404 whether the
case exists or not, the top screen shows no list and no count, and nothing else
(payments, files, PDFs) is reachable. With it, a case opens only after the clerk has
entered the 利用目的 (the purpose form, kept a while: fukushi.views.purpose); every
read writes the access-log row with that purpose (``access_note(purpose=...)``).

The 試算 of the 最低生活費 reads no person and saves nothing: any holder of the role may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import RedirectView

from fukushi.grants_seiho import SEIHO_CASE
from fukushi.gyomu import SEIKATSU_HOGO
from fukushi.models import (
    CaseStatus,
    Fujo,
    KetteiKind,
    SeihoCase,
    SeihoKettei,
    SeihoShikyu,
)
from fukushi.printjobs_seiho import tsuchi_render
from fukushi.rules.seiho import SHOGAI_LABELS, TOKI_KU_LABELS
from fukushi.rules.seiho_kasan import NINSANPU_LABELS
from fukushi.rules.seiho_params import KYUCHI_LABELS
from fukushi.selectors.seiho import (
    case_view,
    cases_search,
    jutaku_chiiki_choices,
    shikyu_view,
)
from fukushi.services.seiho import (
    MemberInput,
    SeihoRefused,
    Setai,
    compute,
    meisai_json,
    member_input,
    members_on,
    seiho_furikomi_file,
    seiho_haishi,
    seiho_henko,
    seiho_kaishi,
    seiho_saikai,
    seiho_shikyu_make,
    seiho_teishi,
)
from fukushi.views.furikomi import furikomi_response
from fukushi.views.purpose import PurposeSession
from juminkiroku.public import atena_resolve, household_on, person_identities, residents_among
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import (
    Reads,
    access_note,
    access_refusal,
    logs_reads,
    no_personal_data,
)
from tenants.accesslog.services import access_record, actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.grants.selectors import has_grant
from tenants.models import RoleLevel
from tenants.zengin import SHUMOKU, Account

GYOMU = SEIKATSU_HOGO
RECORD_TYPE = "fukushi.SeihoCase"
PURPOSE = PurposeSession("fukushi_seiho_mokuteki")
_T = TypeVar("_T")
#: how long an entered 利用目的 stays in force for the same case (then it is asked again)
DATE_HELP = wareki_help("令和7年4月1日", "R7.4.1", "2025/4/1")

KYUCHI_CHOICES = list(KYUCHI_LABELS.items())
TOKI_CHOICES = list(TOKI_KU_LABELS.items())
SHOGAI_CHOICES = [("", "なし"), *SHOGAI_LABELS.items()]
NINSANPU_CHOICES = [("", "なし"), *NINSANPU_LABELS.items()]
FUJO_CHOICES = list(Fujo.choices)


# --- the wall ---------------------------------------------------------------------------------


def may_see_cases(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and has_grant(user.pk, SEIHO_CASE))


def _wall(request: HttpRequest) -> None:
    """404 for anyone without the grant: the same answer for a case that exists and one
    that does not, so nothing is learnt."""
    if not may_see_cases(request):
        raise Http404("ページが見つかりません。")


def _case(request: HttpRequest, pk: int) -> SeihoCase:
    _wall(request)
    case = SeihoCase.objects.filter(pk=pk).first()
    if case is None:
        raise Http404("ページが見つかりません。")
    return case


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _need_mokuteki(request: HttpRequest, key: str, back: str) -> HttpResponse | None:
    if PURPOSE.get(request, key):
        return None
    kind, pk = key.split(":")
    return redirect(reverse(f"fukushi_seiho_mokuteki_{kind}", kwargs={"pk": int(pk)}))


class _HasAtena(Protocol):
    atena_id: int


_R = TypeVar("_R", bound=_HasAtena)


@dataclass(frozen=True)
class CaseMembers:
    """Everyone who has been a member of a case, in the order they joined, with their 氏名
    (for a sub-page's member choices and for naming its rows)."""

    ids: list[int]
    names: dict[int, str]

    def name(self, atena_id: int) -> str:
        return self.names.get(atena_id, "（氏名なし）")

    def choices(self) -> list[tuple[int, str]]:
        return [(i, self.name(i)) for i in self.ids]

    def named(self, rows: Iterable[_R]) -> list[tuple[_R, str]]:
        return [(r, self.name(r.atena_id)) for r in rows]


def case_members(case: SeihoCase) -> CaseMembers:
    ids = list(
        dict.fromkeys(case.members.order_by("from_date", "id").values_list("atena_id", flat=True))
    )
    return CaseMembers(ids, {i: p.shimei for i, p in person_identities(ids).items()})


def case_pdf(
    request: HttpRequest,
    case_pk: int,
    *,
    find: Callable[[SeihoCase], _T | None],
    render: Callable[[_T], bytes],
    detail: Callable[[SeihoCase, _T], dict[str, Any]],
    filename: str,
) -> HttpResponse:
    """One printed paper of a case, inline: the wall (404 without the grant or for a case of
    another town), the purpose first, 404 when ``find`` finds nothing in the case, the PDF,
    and the access note (the view's ``logs_reads`` writes the row) with the purpose."""
    case = _case(request, case_pk)
    need = _need_mokuteki(request, f"case:{case_pk}", "")
    if need is not None:
        return need
    obj = find(case)
    if obj is None:
        raise Http404("ページが見つかりません。")
    pdf = render(obj)
    access_note(request, purpose=PURPOSE.get(request, f"case:{case_pk}"), detail=detail(case, obj))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- forms ------------------------------------------------------------------------------------


class MokutekiForm(forms.Form):
    mokuteki = TextField(
        label="利用目的",
        max_length=200,
        help_text=(
            "このケースを開く目的（例: 訪問調査の記録、収入申告による変更決定）。"
            "アクセス記録に残ります。"
        ),
    )


class SearchForm(forms.Form):
    mokuteki = TextField(
        label="利用目的", max_length=200, help_text="検索の目的。アクセス記録に残ります。"
    )
    case_no = TextField(label="ケース番号", max_length=10, required=False)
    atena_no = TextField(label="世帯員の宛名番号", max_length=12, required=False)
    include_haishi = forms.BooleanField(label="廃止したケースを含める", required=False)


class SetaiForm(forms.Form):
    kyuchi = forms.ChoiceField(label="級地", choices=KYUCHI_CHOICES)
    toki_ku = forms.ChoiceField(label="冬季加算の地区", choices=TOKI_CHOICES, initial="6")
    jutaku_chiiki = forms.ChoiceField(label="住宅扶助の地域", required=False)
    yachin = forms.IntegerField(label="家賃（月額・円）", min_value=0, max_value=10**7, initial=0)
    hitorioya = forms.BooleanField(label="ひとり親世帯（母子加算）", required=False)

    def __init__(self, *args: Any, nendo: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jutaku_chiiki"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（家賃なし）"), *jutaku_chiiki_choices(nendo)]

    def setai(self) -> Setai:
        d = self.cleaned_data
        return Setai(
            kyuchi=d["kyuchi"],
            toki_ku=d["toki_ku"],
            jutaku_chiiki=d.get("jutaku_chiiki") or "",
            yachin=d.get("yachin") or 0,
            hitorioya=bool(d.get("hitorioya")),
        )


class KaishiForm(forms.Form):
    atena_no = TextField(
        label="世帯主の宛名番号",
        max_length=12,
        help_text="保護開始日の住民記録の世帯の全員が世帯員になります（世帯単位の原則、生活保護法第10条）。",
    )
    kaishi_date = WarekiDateField(label="保護開始日", help_text=DATE_HELP)
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    riyu = TextField(label="理由", max_length=200)
    fujo = forms.MultipleChoiceField(
        label="扶助の種類",
        choices=FUJO_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[Fujo.SEIKATSU, Fujo.IRYO],
    )
    kinyu_kikan = TextField(label="振込先 金融機関コード（4桁）", max_length=4, required=False)
    shiten = TextField(label="支店コード（3桁）", max_length=3, required=False)
    yokin_shumoku = forms.ChoiceField(
        label="預金種目", choices=[("", "（窓口で支給）"), *SHUMOKU.items()], required=False
    )
    koza_bango = TextField(label="口座番号（7桁）", max_length=7, required=False)
    meigi_kana = TextField(label="口座名義（半角カナ）", max_length=30, required=False)


class MemberForm(forms.Form):
    atena_id = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.BooleanField(label="世帯員", required=False, initial=True)
    shogai = forms.ChoiceField(label="障害者加算", choices=SHOGAI_CHOICES, required=False)
    shuro_shunyu = forms.IntegerField(
        label="就労収入（月額）", min_value=0, max_value=10**8, initial=0
    )
    shuro_keihi = forms.IntegerField(
        label="必要経費（月額）", min_value=0, max_value=10**8, initial=0
    )
    shinki_shuro = forms.BooleanField(label="新規就労控除の期間", required=False)
    sonota_shunyu = forms.IntegerField(
        label="その他の収入（認定額・月額）", min_value=0, max_value=10**8, initial=0
    )


MemberFormSet = forms.formset_factory(MemberForm, extra=0, max_num=20)


class HenkoForm(forms.Form):
    tekiyo_date = WarekiDateField(label="適用日", help_text=DATE_HELP)
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    riyu = TextField(label="理由", max_length=200)
    fujo = forms.MultipleChoiceField(
        label="扶助の種類", choices=FUJO_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    add_atena_no = TextField(
        label="加える世帯員の宛名番号",
        max_length=12,
        required=False,
        help_text="出生・転入などで加わる方。",
    )


class KetteiForm(forms.Form):
    kind = forms.ChoiceField(
        label="決定の種類",
        choices=[
            (KetteiKind.TEISHI, "保護停止"),
            (KetteiKind.SAIKAI, "保護再開"),
            (KetteiKind.HAISHI, "保護廃止"),
        ],
        widget=forms.RadioSelect,
    )
    tekiyo_date = WarekiDateField(
        label="適用日",
        help_text="廃止は保護を受けなくなる日（国保の資格はこの日から）。" + DATE_HELP,
    )
    kettei_date = WarekiDateField(label="決定日", help_text=DATE_HELP)
    riyu = TextField(label="理由", max_length=200)


class ShikyuForm(forms.Form):
    mokuteki = TextField(label="利用目的", max_length=200, initial="保護費の定例支給")
    month = WarekiDateField(label="支給月（その月の1日）", help_text=DATE_HELP)
    furikomi_date = WarekiDateField(label="振込指定日", help_text=DATE_HELP)


class ShisanForm(SetaiForm):
    kijunbi = WarekiDateField(label="計算する月（その月のいずれかの日）", help_text=DATE_HELP)
    toki_tokubetsu = forms.BooleanField(
        label="冬季加算の特別基準（1.3倍まで）",
        required=False,
        help_text="療養のため常時在宅せざるを得ない世帯員又は乳児がいて、地区別冬季加算額によりがたいとき。",
    )
    shomenseki = forms.DecimalField(
        label="住居の床面積（専有面積・㎡）",
        min_value=Decimal("0.01"),
        max_value=Decimal("9999.99"),
        decimal_places=2,
        required=False,
        help_text="単身で15㎡以下のときは床面積別の限度額になります。空欄は記録なし。",
    )
    shomen_tadashigaki = forms.BooleanField(
        label="床面積別の限度額によらない（通知のただし書）",
        required=False,
        help_text="自立助長の観点から引き続き居住することが必要と認められる場合など。",
    )

    def setai(self) -> Setai:
        d = self.cleaned_data
        return replace(
            super().setai(),
            toki_tokubetsu=bool(d.get("toki_tokubetsu")),
            shomenseki=d.get("shomenseki"),
            shomen_tadashigaki=bool(d.get("shomen_tadashigaki")),
        )


class ShisanMemberForm(forms.Form):
    seinengappi = WarekiDateField(label="生年月日", required=False, help_text=DATE_HELP)
    shogai = forms.ChoiceField(label="障害者加算", choices=SHOGAI_CHOICES, required=False)
    shuro_shunyu = forms.IntegerField(
        label="就労収入（月額）", min_value=0, max_value=10**8, required=False
    )
    shuro_keihi = forms.IntegerField(
        label="必要経費（月額）", min_value=0, max_value=10**8, required=False
    )
    sonota_shunyu = forms.IntegerField(
        label="その他の収入（月額）", min_value=0, max_value=10**8, required=False
    )
    ninsanpu = forms.ChoiceField(label="妊産婦加算", choices=NINSANPU_CHOICES, required=False)
    joji_zaitaku = forms.BooleanField(
        label="療養のため常時在宅（冬季加算の特別基準）", required=False
    )
    kaigo_hokenryo = forms.IntegerField(
        label="介護保険料（普通徴収・月額）",
        min_value=0,
        max_value=10**7,
        required=False,
        help_text="65歳以上で普通徴収の方は、介護保険料加算（実費）になります。",
    )


ShisanMemberFormSet = forms.formset_factory(ShisanMemberForm, extra=6, max_num=10)


def _nendo_now() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


# --- screens ----------------------------------------------------------------------------------


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE, action=AccessAction.SEARCH, ids="results[].pk", screen="fukushi.seiho_search"
    )
)
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest) -> HttpResponse:
    """The 業務's first screen: for holders of the grant, the case search (purpose first);
    for others, the 試算 only: no list, no count."""
    allowed = may_see_cases(request)
    form = SearchForm(request.POST or None) if allowed else None
    ctx: dict[str, Any] = {"allowed": allowed, "form": form, "can_write": _can_write(request)}
    if allowed and form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        results = cases_search(
            case_no=d.get("case_no") or "",
            atena_no=d.get("atena_no") or "",
            include_haishi=bool(d.get("include_haishi")),
        )
        for r in results:
            PURPOSE.put(request, f"case:{r.pk}", d["mokuteki"])
        ctx["results"] = results
        access_note(request, purpose=d["mokuteki"], count=len(results))
    return TemplateResponse(request, "fukushi/seiho/top.html", ctx)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # a purpose form; the case is not shown (and 404 without the grant)
@require_http_methods(["GET", "POST"])
def mokuteki(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _wall(request)
    if kind == "case":
        if not SeihoCase.objects.filter(pk=pk).exists():
            raise Http404("ページが見つかりません。")
        target = reverse("fukushi_seiho_case", kwargs={"pk": pk})
    elif kind == "shikyu":
        if not SeihoShikyu.objects.filter(pk=pk).exists():
            raise Http404("ページが見つかりません。")
        target = reverse("fukushi_seiho_shikyu_detail", kwargs={"pk": pk})
    else:
        raise Http404("ページが見つかりません。")
    form = MokutekiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        PURPOSE.put(request, f"{kind}:{pk}", form.cleaned_data["mokuteki"])
        return redirect(target)
    return TemplateResponse(request, "fukushi/seiho/mokuteki.html", {"form": form})


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_case"))
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    view = case_view(case)
    access_note(
        request, purpose=PURPOSE.get(request, f"case:{pk}"), detail={"atena_ids": view.atena_ids}
    )
    ctx: dict[str, Any] = {
        "case": case,
        "v": view,
        "can_write": _can_write(request) and case.status != CaseStatus.HAISHI,
        "kettei_form": KetteiForm(initial={"kettei_date": timezone.localdate()}),
    }
    return TemplateResponse(request, "fukushi/seiho/case.html", ctx)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
# shows no person (the 開始 is logged by its service); only a refused 照会 writes a row here
@logs_reads(Reads("atena", ids="atena_ids[]", shown="shown_persons", screen="fukushi.seiho_kaishi"))
@require_http_methods(["GET", "POST"])
def kaishi(request: HttpRequest) -> HttpResponse:
    _wall(request)
    today = timezone.localdate()
    form = KaishiForm(request.POST or None, initial={"kaishi_date": today, "kettei_date": today})
    setai_form = SetaiForm(request.POST or None, nendo=_nendo_now(), prefix="s")
    if request.method == "POST" and form.is_valid() and setai_form.is_valid():
        d = form.cleaned_data
        found = atena_resolve(d["atena_no"])
        if not found.found or found.atena_id is None:
            if found.atena_id is not None:
                access_refusal(
                    request, record_type="atena", record_id=found.atena_id, reason="照会抑止"
                )
            form.add_error("atena_no", found.message or "その宛名番号の方は見つかりません。")
        else:
            nushi = found.atena_id
            r0 = residents_among([nushi], d["kaishi_date"]).get(nushi)
            setai = household_on(r0.setai_id, d["kaishi_date"]) if r0 and r0.setai_id else []
            household = [r.atena_id for r in setai] or [nushi]
            account = (
                Account(
                    d.get("kinyu_kikan") or "",
                    d.get("shiten") or "",
                    d.get("yokin_shumoku") or "",
                    d.get("koza_bango") or "",
                    d.get("meigi_kana") or "",
                )
                if d.get("koza_bango")
                else None
            )
            try:
                k = seiho_kaishi(
                    nushi_atena_id=nushi,
                    members=[MemberInput(atena_id=i) for i in household],
                    setai=setai_form.setai(),
                    fujo=d["fujo"],
                    kaishi_date=d["kaishi_date"],
                    kettei_date=d["kettei_date"],
                    riyu=d["riyu"],
                    actor=actor_from_request(request),
                    account=account,
                )
            except SeihoRefused as exc:
                form.add_error(None, exc.message)
            else:
                PURPOSE.put(request, f"case:{k.case_id}", "保護開始の決定")
                messages.success(request, "保護開始を決定しました。")
                return redirect("fukushi_seiho_case", pk=k.case_id)
    return TemplateResponse(
        request,
        "fukushi/seiho/kaishi.html",
        {"form": form, "setai_form": setai_form},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_henko"))
@require_http_methods(["GET", "POST"])
def henko(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    if case.status == CaseStatus.HAISHI:
        raise Http404("ページが見つかりません。")
    today = timezone.localdate()
    current = members_on(case, today) or list(case.members.filter(to_date__isnull=True))
    names = person_identities(m.atena_id for m in current)
    initial_members = [{**member_input(m).__dict__, "keep": True} for m in current]
    form = HenkoForm(
        request.POST or None,
        initial={"tekiyo_date": today, "kettei_date": today, "fujo": case.fujo},
    )
    setai_form = SetaiForm(
        request.POST or None,
        nendo=_nendo_now(),
        prefix="s",
        initial={
            "kyuchi": case.kyuchi,
            "toki_ku": case.toki_ku,
            "jutaku_chiiki": case.jutaku_chiiki,
            "yachin": case.yachin,
            "hitorioya": case.hitorioya,
        },
    )
    members = MemberFormSet(request.POST or None, prefix="m", initial=initial_members)
    if (
        request.method == "POST"
        and form.is_valid()
        and setai_form.is_valid()
        and members.is_valid()
    ):
        d = form.cleaned_data
        chosen = [
            MemberInput(
                atena_id=m["atena_id"],
                shogai=m.get("shogai") or "",
                shuro_shunyu=m.get("shuro_shunyu") or 0,
                shuro_keihi=m.get("shuro_keihi") or 0,
                shinki_shuro=bool(m.get("shinki_shuro")),
                sonota_shunyu=m.get("sonota_shunyu") or 0,
            )
            for m in members.cleaned_data
            if m and m.get("keep") and m["atena_id"] in {c.atena_id for c in current}
        ]
        ok = True
        if d.get("add_atena_no"):
            found = atena_resolve(d["add_atena_no"])
            if not found.found or found.atena_id is None:
                form.add_error(
                    "add_atena_no", found.message or "その宛名番号の方は見つかりません。"
                )
                ok = False
            else:
                chosen.append(MemberInput(atena_id=found.atena_id))
        if ok:
            try:
                seiho_henko(
                    case_id=case.pk,
                    members=chosen,
                    setai=setai_form.setai(),
                    fujo=d["fujo"],
                    tekiyo_date=d["tekiyo_date"],
                    kettei_date=d["kettei_date"],
                    riyu=d["riyu"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "保護変更を決定しました。")
                return redirect("fukushi_seiho_case", pk=case.pk)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"case:{pk}"),
        detail={"atena_ids": [m.atena_id for m in current]},
    )
    rows = [(f, names.get(m.atena_id)) for f, m in zip(members.forms, current, strict=False)]
    return TemplateResponse(
        request,
        "fukushi/seiho/henko.html",
        {"case": case, "form": form, "setai_form": setai_form, "members": members, "rows": rows},
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(Reads(RECORD_TYPE, id_kwarg="pk", shown="case", screen="fukushi.seiho_kettei"))
@require_POST
def kettei(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    need = _need_mokuteki(request, f"case:{pk}", "")
    if need is not None:
        return need
    form = KetteiForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        fn = {
            KetteiKind.TEISHI: seiho_teishi,
            KetteiKind.SAIKAI: seiho_saikai,
            KetteiKind.HAISHI: None,
        }[d["kind"]]
        try:
            if fn is None:
                seiho_haishi(
                    case_id=case.pk,
                    haishi_date=d["tekiyo_date"],
                    kettei_date=d["kettei_date"],
                    riyu=d["riyu"],
                    actor=actor_from_request(request),
                )
            else:
                fn(
                    case_id=case.pk,
                    tekiyo_date=d["tekiyo_date"],
                    kettei_date=d["kettei_date"],
                    riyu=d["riyu"],
                    actor=actor_from_request(request),
                )
        except SeihoRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "決定しました。")
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    return redirect("fukushi_seiho_case", pk=case.pk)


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        RECORD_TYPE,
        action=AccessAction.PRINT,
        id_kwarg="case_pk",
        screen="fukushi.seiho_tsuchi_pdf",
    )
)
@require_GET
def tsuchi_pdf(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    return case_pdf(
        request,
        case_pk,
        find=lambda case: SeihoKettei.objects.filter(pk=pk, case=case).first(),
        render=lambda k: tsuchi_render([k]),
        detail=lambda case, k: {"kettei_id": k.pk, "atena_ids": [case.nushi_atena_id]},
        filename=f"seiho_kettei_{pk}.pdf",
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # the runs by month and their totals; 404 without the grant
@require_http_methods(["GET", "POST"])
def shikyu(request: HttpRequest) -> HttpResponse:
    _wall(request)
    today = timezone.localdate()
    form = ShikyuForm(
        request.POST or None,
        initial={"month": today.replace(day=1), "furikomi_date": today},
    )
    if request.method == "POST":
        if not _can_write(request):
            raise Http404("ページが見つかりません。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = seiho_shikyu_make(
                    month=d["month"],
                    furikomi_date=d["furikomi_date"],
                    actor=actor_from_request(request),
                )
            except SeihoRefused as exc:
                form.add_error(None, exc.message)
            else:
                PURPOSE.put(request, f"shikyu:{run.pk}", d["mokuteki"])
                messages.success(request, "支給の明細を作成しました。")
                return redirect("fukushi_seiho_shikyu_detail", pk=run.pk)
    runs = [shikyu_view(r, lines=False) for r in SeihoShikyu.objects.order_by("-month")[:24]]
    return TemplateResponse(
        request,
        "fukushi/seiho/shikyu.html",
        {"form": form, "runs": runs, "can_write": _can_write(request)},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(Reads(RECORD_TYPE, ids="case_ids[]", shown="run", screen="fukushi.seiho_shikyu"))
@require_GET
def shikyu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _wall(request)
    run = SeihoShikyu.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("ページが見つかりません。")
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    view = shikyu_view(run, lines=True)
    access_note(request, purpose=PURPOSE.get(request, f"shikyu:{pk}"))
    return TemplateResponse(
        request,
        "fukushi/seiho/shikyu_detail.html",
        {"run": view, "case_ids": [ln.case_id for ln in view.lines]},
    )


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@logs_reads(
    Reads(RECORD_TYPE, action=AccessAction.EXPORT, shown="run", screen="fukushi.seiho_furikomi")
)
@require_GET
def furikomi(request: HttpRequest, pk: int) -> HttpResponse:
    _wall(request)
    run = SeihoShikyu.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("ページが見つかりません。")
    need = _need_mokuteki(request, f"shikyu:{pk}", "")
    if need is not None:
        return need
    try:
        data, case_ids = seiho_furikomi_file(run)
    except SeihoRefused as exc:
        messages.error(request, exc.message)
        return redirect("fukushi_seiho_shikyu_detail", pk=pk)
    access_note(
        request,
        purpose=PURPOSE.get(request, f"shikyu:{pk}"),
        ids=case_ids,
        count=len(case_ids),
        detail={"shikyu_id": run.pk},
    )
    return furikomi_response(data, f"seiho_furikomi_{run.month:%Y%m}.txt")


@gyomu_view(GYOMU, write_level=RoleLevel.READ)
@no_personal_data  # figures typed in, no person; nothing saved (the 試算 is logged as such)
@require_http_methods(["GET", "POST"])
def shisan(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShisanForm(
        request.POST or None,
        nendo=_nendo_now(),
        initial={"kijunbi": today, "toki_ku": "6", "kyuchi": "2-1", "yachin": 0},
    )
    members = ShisanMemberFormSet(request.POST or None, prefix="m")
    answer: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid() and members.is_valid():
        rows = [m for m in members.cleaned_data if m and m.get("seinengappi")]
        kijunbi = form.cleaned_data["kijunbi"]
        if not rows:
            form.add_error(None, "世帯員の生年月日を一人以上入力してください。")
        else:
            births = {i: m["seinengappi"] for i, m in enumerate(rows)}
            inputs = [
                MemberInput(
                    atena_id=i,
                    shogai=m.get("shogai") or "",
                    shuro_shunyu=m.get("shuro_shunyu") or 0,
                    shuro_keihi=m.get("shuro_keihi") or 0,
                    sonota_shunyu=m.get("sonota_shunyu") or 0,
                    ninsanpu=m.get("ninsanpu") or "",
                    joji_zaitaku=bool(m.get("joji_zaitaku")),
                    kaigo_hokenryo=m.get("kaigo_hokenryo") or 0,
                )
                for i, m in enumerate(rows)
            ]
            try:
                r = compute(form.setai(), inputs, births, kijunbi)
            except SeihoRefused as exc:
                form.add_error(None, exc.message)
            else:
                answer = {"r": r, "meisai": meisai_json(r)}
                access_record(
                    request=request,
                    action=AccessAction.READ,
                    gyomu=GYOMU,
                    screen="fukushi.seiho_shisan",
                    record_type="fukushi.seiho_shisan",
                    record_count=0,
                    detail={"kijunbi": kijunbi.isoformat()},
                )
    return TemplateResponse(
        request, "fukushi/seiho/shisan.html", {"form": form, "members": members, "answer": answer}
    )


urlpatterns: list[URLPattern] = [
    path(
        f"entry/{GYOMU}/",
        gyomu_view(GYOMU)(RedirectView.as_view(url="/fukushi/seikatsu-hogo/")),
        name=f"gyomu_entry_{GYOMU}",
    ),
    path("", top, name="fukushi_seiho_top"),
    path("kaishi/", kaishi, name="fukushi_seiho_kaishi"),
    path("shisan/", shisan, name="fukushi_seiho_shisan"),
    path("cases/<int:pk>/", case_detail, name="fukushi_seiho_case"),
    path("cases/<int:pk>/henko/", henko, name="fukushi_seiho_henko"),
    path("cases/<int:pk>/kettei/", kettei, name="fukushi_seiho_kettei"),
    path(
        "cases/<int:case_pk>/kettei/<int:pk>/tsuchi.pdf",
        tsuchi_pdf,
        name="fukushi_seiho_tsuchi_pdf",
    ),
    path(
        "cases/<int:pk>/mokuteki/", mokuteki, {"kind": "case"}, name="fukushi_seiho_mokuteki_case"
    ),
    path(
        "shikyu/<int:pk>/mokuteki/",
        mokuteki,
        {"kind": "shikyu"},
        name="fukushi_seiho_mokuteki_shikyu",
    ),
    path("shikyu/", shikyu, name="fukushi_seiho_shikyu"),
    path("shikyu/<int:pk>/", shikyu_detail, name="fukushi_seiho_shikyu_detail"),
    path("shikyu/<int:pk>/furikomi/", furikomi, name="fukushi_seiho_furikomi"),
]
