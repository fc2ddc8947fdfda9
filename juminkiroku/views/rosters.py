"""Staff screens: 選挙人名簿 (module 選挙), 学齢簿 (module 学齢簿) and 人口統計 (住民記録).

Criteria are POSTed (a 基準日 is not personal, but the pages that follow list persons, and
paging stays in the POST body too). Every list shown or downloaded is logged with the
record ids on the page, or with the criteria and the count for a full CSV.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import Sex
from juminkiroku.gyomu import GAKUREIBO, JUMINKIROKU, SENKYO
from juminkiroku.rules.zokugara import zokugara_label
from juminkiroku.selectors.gakurei import gakurei_children, gakurei_counts, hogosha_note
from juminkiroku.selectors.senkyo import senkyo_counts, senkyo_roll
from juminkiroku.selectors.tokei import SexRow, tokei_on
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.age import GAKUNEN_LABELS, school_year_of
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.nendo import NendoField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

PAGE_SIZE = 50
SEX_LABELS = dict(Sex.choices)


def _page_no(request: HttpRequest) -> int:
    try:
        return max(1, int(request.POST.get("page") or 1))
    except ValueError:
        return 1


def _autofocus(form: forms.Form, name: str) -> None:
    form.fields[name].widget.attrs["autofocus"] = True


# --- 選挙人名簿 ---------------------------------------------------------------------


class SenkyoForm(forms.Form):
    kijun_date = WarekiDateField(
        label="基準日", help_text=wareki_help("令和7年9月1日", "R7.9.1", "2025/9/1")
    )
    encoding = CsvEncodingField()


@gyomu_view(SENKYO, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        action=AccessAction.SEARCH,
        ids="page.object_list[].atena_id",
        count=lambda ctx: len(ctx["page"].object_list),
        detail=lambda ctx: {"kijun_date": ctx["day"].isoformat(), "page": ctx["page"].number},
        screen="選挙人名簿",
    )
)
@require_http_methods(["GET", "POST"])
def senkyo(request: HttpRequest) -> HttpResponseBase:
    form = SenkyoForm(request.POST or None, initial={"kijun_date": timezone.localdate()})
    _autofocus(form, "kijun_date")
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        day: date = form.cleaned_data["kijun_date"]
        roll = senkyo_roll(day)
        if "csv" in request.POST:
            rows = list(roll)
            # A full roll: the criteria and the count, not tens of thousands of ids.
            access_note(
                request,
                action=AccessAction.EXPORT,
                screen="選挙人名簿CSV",
                record_id=day.isoformat(),
                count=len(rows),
                detail={"kijun_date": day.isoformat()},
            )
            response = form_csv_response(
                form,
                f"senkyo_{day:%Y%m%d}.csv",
                [
                    "地区コード",
                    "宛名番号",
                    "氏名",
                    "フリガナ",
                    "生年月日",
                    "性別",
                    "住所",
                    "番地",
                    "方書",
                    "世帯番号",
                    "引き続き住所を有する起算日",
                ],
                (
                    [
                        r.chiku_code,
                        r.atena.atena_no,
                        r.shimei,
                        r.shimei_kana,
                        r.birth_date.isoformat(),
                        SEX_LABELS.get(r.sex, ""),
                        r.jusho,
                        r.banchi,
                        r.katagaki,
                        r.setai.setai_no if r.setai else "",
                        r.renzoku_from.isoformat() if r.renzoku_from else "",
                    ]
                    for r in rows
                ),
            )
            if response is not None:
                return response
        counts = senkyo_counts(day)
        page = Paginator(roll.select_related("setai"), PAGE_SIZE).get_page(_page_no(request))
        context.update(
            day=day,
            counts=counts,
            total_male=sum(c.male for c in counts),
            total_female=sum(c.female for c in counts),
            total=sum(c.total for c in counts),
            page=page,
            searched=True,
        )
    return TemplateResponse(request, "juminkiroku/rosters/senkyo.html", context)


# --- 学齢簿 -----------------------------------------------------------------------


class GakureiForm(forms.Form):
    nendo = NendoField(
        label="学年度",
        help_text="4月から始まる学年の年度。翌年度の就学予定者は翌年度を選びます。",
    )
    kijun_date = WarekiDateField(
        label="基準日",
        help_text="就学予定者は前年の10月1日、在学者は当日など（例: R7.10.1）",
    )
    gakunen = forms.TypedChoiceField(
        label="学年",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "すべて"), *GAKUNEN_LABELS.items()],
    )
    include_foreign = forms.BooleanField(label="外国人住民の児童生徒を含める", required=False)
    encoding = CsvEncodingField()


@gyomu_view(GAKUREIBO, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    Reads(
        "atena",
        action=AccessAction.SEARCH,
        ids="page.object_list[].atena_id",
        count=lambda ctx: len(ctx["page"].object_list),
        detail=lambda ctx: {
            "nendo": ctx["nendo"],
            "kijun_date": ctx["day"].isoformat(),
            "page": ctx["page"].number,
        },
        screen="学齢簿",
    )
)
@require_http_methods(["GET", "POST"])
def gakurei(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = GakureiForm(
        request.POST or None,
        initial={"nendo": school_year_of(today), "kijun_date": today},
    )
    _autofocus(form, "nendo")
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nendo: int = data["nendo"]
        day: date = data["kijun_date"]
        children = gakurei_children(nendo, day, include_foreign=data["include_foreign"])
        if data["gakunen"]:
            children = children.filter(gakunen=data["gakunen"])
        if "csv" in request.POST:
            rows = list(children.select_related("setai"))
            access_note(
                request,
                action=AccessAction.EXPORT,
                screen="学齢簿CSV",
                record_id=f"{nendo}",
                count=len(rows),
                detail={"nendo": nendo, "kijun_date": day.isoformat(), "gakunen": data["gakunen"]},
            )
            response = form_csv_response(
                form,
                f"gakurei_{nendo}_{day:%Y%m%d}.csv",
                [
                    "学年",
                    "宛名番号",
                    "氏名",
                    "フリガナ",
                    "生年月日",
                    "性別",
                    "住民種別",
                    "住所",
                    "番地",
                    "方書",
                    "地区コード",
                    "保護者（世帯主）氏名",
                    "続柄",
                    "注記",
                ],
                (
                    [
                        GAKUNEN_LABELS.get(r.gakunen, ""),
                        r.atena.atena_no,
                        r.shimei,
                        r.shimei_kana,
                        r.birth_date.isoformat(),
                        SEX_LABELS.get(r.sex, ""),
                        r.get_shubetsu_display(),
                        r.jusho,
                        r.banchi,
                        r.katagaki,
                        r.chiku_code,
                        r.hogosha_shimei or "",
                        zokugara_label(r.zokugara) if r.zokugara else "",
                        hogosha_note(r.zokugara, r.hogosha_id == r.atena_id),
                    ]
                    for r in rows
                ),
            )
            if response is not None:
                return response
        page = Paginator(children, PAGE_SIZE).get_page(_page_no(request))
        shown = [
            {
                "r": r,
                "gakunen_label": GAKUNEN_LABELS.get(r.gakunen, ""),
                "note": hogosha_note(r.zokugara, r.hogosha_id == r.atena_id),
            }
            for r in page.object_list
        ]
        counts = gakurei_counts(nendo, day, include_foreign=data["include_foreign"])
        context.update(nendo=nendo, day=day, counts=counts, page=page, shown=shown, searched=True)
    return TemplateResponse(request, "juminkiroku/rosters/gakurei.html", context)


# --- 人口統計 ---------------------------------------------------------------------


class TokeiForm(forms.Form):
    day = WarekiDateField(
        label="基準日", help_text=wareki_help("令和7年1月1日", "R7.1.1", "2025/1/1")
    )
    encoding = CsvEncodingField()


def _section(title: str, rows: list[SexRow]) -> list[list[Any]]:
    out: list[list[Any]] = [[title, "", "", ""]]
    out += [[r.label, r.male, r.female, r.total] for r in rows]
    out.append(
        ["計", sum(r.male for r in rows), sum(r.female for r in rows), sum(r.total for r in rows)]
    )
    out.append(["", "", "", ""])
    return out


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(
    # Counts by age, 地区 and 住民種別: no person, logged as a read of that day's 統計.
    Reads(
        "jinko_tokei", record_id=lambda ctx: ctx["day"].isoformat(), shown="data", screen="人口統計"
    )
)
@require_http_methods(["GET", "POST"])
def tokei(request: HttpRequest) -> HttpResponseBase:
    form = TokeiForm(request.POST or None, initial={"day": timezone.localdate()})
    _autofocus(form, "day")
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        day: date = form.cleaned_data["day"]
        data = tokei_on(day)
        if "csv" in request.POST:
            access_note(request, action=AccessAction.EXPORT, record_id=day.isoformat())
            rows = [
                *_section("年齢（5歳階級）", data.by_age),
                *_section("地区", data.by_chiku),
                *_section("住民種別", data.by_shubetsu),
            ]
            setai = data.setai
            if setai is not None:
                rows += [
                    ["世帯数", "", "", setai.total],
                    ["うち日本人住民のみの世帯", "", "", setai.nihonjin_only],
                    ["うち外国人住民のみの世帯", "", "", setai.gaikokujin_only],
                    ["うち複数国籍世帯", "", "", setai.fukusu],
                ]
            response = form_csv_response(
                form, f"jinko_{day:%Y%m%d}.csv", ["区分", "男", "女", "計"], rows
            )
            if response is not None:
                return response
        context.update(day=day, data=data)
    return TemplateResponse(request, "juminkiroku/rosters/tokei.html", context)


urlpatterns = [
    path("senkyo/", senkyo, name="juminkiroku_senkyo"),
    path("gakurei/", gakurei, name="juminkiroku_gakurei"),
    path("tokei/", tokei, name="juminkiroku_tokei"),
]
