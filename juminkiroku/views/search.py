"""Staff screens: 住民検索 (標準仕様書 2.1) at /juminkiroku/.

Criteria travel in the POST body only: the form posts, the pager posts, and a GET that
carries a query string is refused (it would have put personal data into a URL, and
with it into browser history and proxy logs).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import Sex, Zokugara
from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.selectors.kensaku import kensaku_rireki_criteria, kensaku_rireki_of
from juminkiroku.selectors.search import (
    MATCH_MODES,
    MINYURYOKU,
    SHOJO_JIYU,
    CriteriaError,
    SearchCriteria,
    criteria_from_data,
    page_number,
    search_log_detail,
    search_page,
)
from juminkiroku.services.kensaku import kensaku_rireki_record
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, logs_reads
from tenants.forms.text import TextField
from tenants.grants.selectors import has_grant
from tenants.models import RoleLevel

GYOMU = JUMINKIROKU
SCREEN = "住民検索"


class SearchForm(forms.Form):
    kana = TextField(
        label="カナ氏名",
        required=False,
        max_length=100,
        help_text="氏と名の間は空白。ひらがな・半角カナも可（例: やまだ たろう、ﾔﾏﾀﾞ）",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    name = TextField(
        label="氏名（漢字）",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = TextField(
        label="生年月日",
        required=False,
        max_length=20,
        help_text="例: 昭和55年5月5日、S55.5.5（西暦 1980/5/5 でも可）。昭和55年・昭和55年5月も可",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label="性別", required=False, choices=[("", "指定しない"), *Sex.choices]
    )
    address = TextField(
        label="住所",
        required=False,
        max_length=100,
        help_text="住所・番地の一部",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    atena_no = TextField(
        label="宛名番号",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    juminhyo_code = TextField(
        label="住民票コード",
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    kojin_bango = TextField(
        label="個人番号",
        required=False,
        max_length=14,
        help_text="12桁。個人番号による検索はアクセスログに記録されます（番号は記録しません）",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    zairyu_card_no = TextField(
        label="在留カード等番号",
        required=False,
        max_length=14,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    setai_no = TextField(
        label="世帯番号",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    kyuuji = TextField(
        label="旧氏",
        required=False,
        max_length=50,
        help_text="漢字またはカナ（先頭一致）",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    tsusho = TextField(
        label="通称",
        required=False,
        max_length=100,
        help_text="漢字またはカナ（先頭一致）",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    shojo_jiyu = forms.ChoiceField(
        label="消除事由",
        required=False,
        choices=[("", "指定しない"), *[(j.value, j.label) for j in SHOJO_JIYU]],
        help_text="指定すると除票も検索します",
    )
    zokugara = forms.ChoiceField(
        label="続柄", required=False, choices=[("", "指定しない"), *Zokugara.choices]
    )
    jusho_code = TextField(
        label="住所コード",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    katagaki = TextField(
        label="方書",
        required=False,
        max_length=100,
        help_text="方書の一部",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    minyuryoku = forms.ChoiceField(
        label="未入力の項目",
        required=False,
        choices=[("", "指定しない"), *MINYURYOKU.items()],
        help_text="その項目が未入力の住民を検索します",
    )
    match = forms.ChoiceField(
        label="氏名・カナの一致の方法",
        required=False,
        choices=list(MATCH_MODES.items()),
        initial="prefix",
    )
    include_johyo = forms.BooleanField(label="除票・住登外を含む", required=False)
    include_rireki = forms.BooleanField(label="氏名・住所を過去の履歴からも検索", required=False)

    criteria: SearchCriteria | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.criteria = criteria_from_data(data)
        except CriteriaError as exc:
            for key, messages in exc.errors.items():
                for message in messages:
                    self.add_error(None if key == "__all__" else key, message)
        return data


@gyomu_view(GYOMU, write_level=RoleLevel.READ)  # a search is a read, though it is a POST
@logs_reads(
    Reads(
        "atena",
        action=AccessAction.SEARCH,
        shown="result",
        count="result.count",
        # search_log_detail holds the ids shown (not those masked by 照会抑止).
        detail=lambda ctx: search_log_detail(ctx["form"].criteria, ctx["result"]),
        screen=SCREEN,
    )
)
@require_http_methods(["GET", "POST"])
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.GET:
            return TemplateResponse(
                request,
                "juminkiroku/search/search.html",
                {
                    "form": SearchForm(),
                    "refused_query": True,
                },
                status=400,
            )
        return _page(request, SearchForm())
    user_id = getattr(request.user, "pk", None)
    data: Any = request.POST
    if request.POST.get("history_id"):
        # 検索履歴 (2.1.1): search again with an entry, or put it back in the form to edit.
        kept = kensaku_rireki_criteria(user_id, request.POST["history_id"])
        if kept is None:
            return _page(request, SearchForm(), history_missing=True)
        if request.POST.get("history_action") == "fill":
            return _page(request, SearchForm(initial=kept))
        data = kept
    form = SearchForm(data)
    if not form.is_valid() or form.criteria is None:
        return _page(request, form)
    criteria = form.criteria
    result = search_page(criteria, page_number(request.POST.get("page")))
    kensaku_rireki_record(user_id=user_id, criteria=criteria)
    return TemplateResponse(
        request,
        "juminkiroku/search/search.html",
        {
            "form": form,
            "result": result,
            "pages": _page_links(result.page, result.num_pages),
            "may_unlock": has_grant(user_id, Kengen.YOKUSHI_TEMP_UNLOCK),
            "history": kensaku_rireki_of(user_id),
        },
    )


def _page(request: HttpRequest, form: SearchForm, **extra: Any) -> HttpResponse:
    user_id = getattr(request.user, "pk", None)
    context = {"form": form, "history": kensaku_rireki_of(user_id), **extra}
    return TemplateResponse(request, "juminkiroku/search/search.html", context)


def _page_links(current: int, last: int, *, around: int = 3) -> list[int]:
    """Page numbers to offer: the first, the last and a few around the current one."""
    shown = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    return sorted(shown)


urlpatterns: list[URLPattern] = [
    path("", search, name="jk_search"),
]
