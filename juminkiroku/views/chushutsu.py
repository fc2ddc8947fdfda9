"""Staff screen: 無作為抽出 (標準仕様書 9.6) with its list, CSV and 宛名シール (PDF).

Criteria are POSTed. The drawn persons travel between the list and its outputs as 宛名
ids in the POST body (never in a URL); every list, CSV and label sheet is logged with the
ids of the persons in it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import JuminShubetsu, Sex
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, Chiku
from juminkiroku.selectors.chushutsu import MAX_DRAW, Chushutsu, draw, drawn_again
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel
from tenants.pdf import render_pdf

LABELS_PER_PAGE = 12  # 2 columns × 6 rows on A4
SEX_LABELS = dict(Sex.choices)


class ChushutsuForm(forms.Form):
    count = forms.IntegerField(label="抽出人数", min_value=1, max_value=MAX_DRAW)
    sex = forms.ChoiceField(
        label="性別", required=False, choices=[("", "指定しない"), *Sex.choices]
    )
    birth_from = WarekiDateField(
        label="生年月日（この日から）",
        required=False,
        help_text=wareki_help("昭和50年4月2日", "S50.4.2", "1975/4/2"),
    )
    birth_to = WarekiDateField(
        label="生年月日（この日まで）",
        required=False,
        help_text=wareki_help("平成17年4月1日", "H17.4.1", "2005/4/1"),
    )
    chiku_code = forms.ChoiceField(label="地区", required=False)
    shubetsu = forms.ChoiceField(
        label="日本人・外国人",
        required=False,
        choices=[("", "指定しない"), *JuminShubetsu.choices],
    )
    encoding = CsvEncodingField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chiku = self.fields["chiku_code"]
        assert isinstance(chiku, forms.ChoiceField)
        chiku.choices = [
            ("", "指定しない"),
            *Chiku.objects.values_list("code", "name"),
        ]
        self.fields["count"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("birth_from"), data.get("birth_to")
        if start and end and end < start:
            self.add_error("birth_to", "生年月日の範囲は、終わりを始め以後の日にしてください。")
        return data

    def criteria(self) -> Chushutsu:
        d = self.cleaned_data
        return Chushutsu(
            count=d["count"],
            sex=d["sex"],
            birth_from=d["birth_from"],
            birth_to=d["birth_to"],
            chiku_code=d["chiku_code"],
            shubetsu=d["shubetsu"],
        )


def _posted_ids(request: HttpRequest) -> list[int]:
    return [int(x) for x in request.POST.getlist("ids") if x.isdigit()][:MAX_DRAW]


def _address(p: Atena) -> str:
    return f"{p.jusho}{p.banchi}" + (f" {p.katagaki}" if p.katagaki else "")


def _labels(request: HttpRequest, persons: list[Atena]) -> HttpResponse:
    sheets = [persons[i : i + LABELS_PER_PAGE] for i in range(0, len(persons), LABELS_PER_PAGE)]
    pdf = render_pdf(
        "juminkiroku/chushutsu/labels.html",
        {"sheets": [[(p, _address(p)) for p in sheet] for sheet in sheets]},
    )
    access_note(
        request,
        action=AccessAction.PRINT,
        ids=[p.pk for p in persons],
        count=len(persons),
        screen="無作為抽出（宛名シール）",
        detail={"pages": pdf.pages},
    )
    response = HttpResponse(pdf.pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="atena_seal.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@logs_reads(
    Reads(
        "atena",
        action=AccessAction.SEARCH,
        ids="persons[].pk",
        count=lambda ctx: len(ctx["persons"]),
        screen="無作為抽出",
    )
)
@require_http_methods(["GET", "POST"])
def chushutsu(request: HttpRequest) -> HttpResponseBase:
    form = ChushutsuForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        if "labels" in request.POST or "csv" in request.POST:
            persons = drawn_again(_posted_ids(request))
            if not persons:
                form.add_error(None, "先に抽出してください（抽出した住民がいません）。")
                return TemplateResponse(request, "juminkiroku/chushutsu/home.html", context)
            if "labels" in request.POST:
                return _labels(request, persons)
            access_note(
                request,
                action=AccessAction.EXPORT,
                ids=[p.pk for p in persons],
                count=len(persons),
                screen="無作為抽出CSV",
            )
            response = form_csv_response(
                form,
                "muisaku_chushutsu.csv",
                [
                    "宛名番号",
                    "氏名",
                    "フリガナ",
                    "生年月日",
                    "性別",
                    "郵便番号",
                    "住所",
                    "地区コード",
                ],
                (
                    [
                        p.atena_no,
                        p.shimei,
                        p.shimei_kana,
                        p.birth_date.isoformat(),
                        SEX_LABELS.get(p.sex, ""),
                        p.postal_code,
                        _address(p),
                        p.chiku_code,
                    ]
                    for p in persons
                ),
            )
            if response is not None:
                return response
        persons = draw(form.criteria())
        context.update(persons=persons, asked=form.cleaned_data["count"], searched=True)
    return TemplateResponse(request, "juminkiroku/chushutsu/home.html", context)


urlpatterns = [path("chushutsu/", chushutsu, name="juminkiroku_chushutsu")]
