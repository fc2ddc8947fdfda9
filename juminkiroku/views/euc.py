"""Staff screens: EUC抽出 (標準仕様書 10.1).

A clerk holding the EUC grant lists the town's saved extractions, defines one step by
step (the wizard of 10.1: items, operators and values picked from lists, columns ticked),
runs it with a purpose, sees the count and a paged list, and downloads its CSV. Runs are
POSTs: the purpose and the page travel in the body, never a person in a URL; each run is
logged by ``euc_record_run``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writes XML only; never parses
from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from juminkiroku.grants import Kengen
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, EucChushutsu
from juminkiroku.selectors.euc import (
    ENZAN,
    MAX_JOKEN,
    MAX_ROWS,
    PAGE_SIZE,
    Joken,
    JokenError,
    Komoku,
    columns_of,
    extract,
    joken_of,
    komoku_for,
    rows,
)
from juminkiroku.services.euc import EucError, euc_record_run, euc_save
from tenants.access import gyomu_view
from tenants.accesslog.reads import LOGGED_BY_SERVICE, access_refusal, logs_reads, no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.export import CsvEncodingField, form_csv_response
from tenants.forms.text import TextField
from tenants.grants.selectors import grants_of
from tenants.models import RoleLevel
from tenants.pdf import render_pdf

LABELS_PER_PAGE = 12  # 2 columns × 6 rows on A4, as 無作為抽出's 宛名シール
KOJIN_BANGO_ONLY = "個人番号を含む抽出条件は、個人番号の表示の権限がある職員だけが変更できます。"
MAX_PDF = 2000  # one PDF rendered in the request; more is split by the conditions


def _address(p: Atena) -> str:
    return f"{p.jusho}{p.banchi}" + (f" {p.katagaki}" if p.katagaki else "")


def _xml(defn: EucChushutsu, people: list[Atena], cols: list[Komoku], today: date) -> bytes:
    """The extraction as XML (10.1 データ出力): one <住民> per person, one <項目> per column,
    named by its データ項目名称; dates in 西暦 (ISO 8601)."""
    root = ET.Element("EUC抽出", {"抽出名": defn.name, "抽出日": today.isoformat()})
    root.set("件数", str(len(people)))
    for values in rows(people, cols, today, wareki=False):
        person = ET.SubElement(root, "住民")
        for k, value in zip(cols, values, strict=True):
            ET.SubElement(person, "項目", {"名称": k.label}).text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _output(
    kind: str,
    form: RunForm,
    defn: EucChushutsu,
    people: list[Atena],
    cols: list[Komoku],
    today: date,
) -> HttpResponseBase | None:
    """The whole extraction as CSV (through tenants.csvout), XML, a list PDF or 宛名シール."""
    if kind == "csv":
        return form_csv_response(
            form,
            "euc_chushutsu.csv",
            [k.label for k in cols],
            rows(people, cols, today, wareki=False),
        )
    if kind == "xml":
        response = HttpResponse(_xml(defn, people, cols, today), content_type="application/xml")
        response["Content-Disposition"] = 'attachment; filename="euc_chushutsu.xml"'
    elif kind == "pdf":
        pdf = render_pdf(
            "juminkiroku/euc/list_pdf.html",
            {
                "defn": defn,
                "cols": cols,
                "table": list(rows(people, cols, today, wareki=True)),
                "today": today,
            },
        )
        response = HttpResponse(pdf.pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="euc_chushutsu.pdf"'
    else:  # 宛名形式: the labels of 無作為抽出's sheet
        sheets = [people[i : i + LABELS_PER_PAGE] for i in range(0, len(people), LABELS_PER_PAGE)]
        pdf = render_pdf(
            "juminkiroku/chushutsu/labels.html",
            {"sheets": [[(p, _address(p)) for p in sheet] for sheet in sheets]},
        )
        response = HttpResponse(pdf.pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="atena_seal.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _grants(request: HttpRequest) -> set[str]:
    user = getattr(request, "user", None)
    return grants_of(getattr(user, "pk", None))


def _refused(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access_refusal(request, record_type="euc_chushutsu", record_id=pk or "", reason="no_kengen")
    return TemplateResponse(
        request,
        "juminkiroku/euc/list.html",
        {"refused": "EUC抽出の権限がありません。権限の付与は管理者に依頼してください。"},
        status=403,
    )


class EucForm(forms.Form):
    """The wizard: 1 対象, 2 条件 (up to MAX_JOKEN rows), 3 出力項目, 4 名前."""

    hani = forms.ChoiceField(label="対象", choices=EucChushutsu.Hani.choices)
    ketsugo = forms.ChoiceField(label="条件の組み合わせ", choices=EucChushutsu.Ketsugo.choices)
    retsu = forms.MultipleChoiceField(
        label="出力する項目", widget=forms.CheckboxSelectMultiple, required=False
    )
    name = TextField(label="抽出名", max_length=60)

    def __init__(self, *args: Any, kojin_bango: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = [(k.key, k.label) for k in komoku_for(kojin_bango=kojin_bango)]
        retsu = self.fields["retsu"]
        assert isinstance(retsu, forms.MultipleChoiceField)
        retsu.choices = items
        for i in range(MAX_JOKEN):
            self.fields[f"komoku_{i}"] = forms.ChoiceField(
                label=f"条件{i + 1}の項目",
                required=False,
                choices=[("", "（使わない）"), *items],
            )
            self.fields[f"enzan_{i}"] = forms.ChoiceField(
                label=f"条件{i + 1}の比べ方", required=False, choices=list(ENZAN.items())
            )
            self.fields[f"atai_{i}"] = TextField(
                label=f"条件{i + 1}の値",
                required=False,
                max_length=100,
                help_text="日付は 令和7年4月1日・R7.4.1・2025/4/1、性別などは言葉（男・女）で。"
                if i == 0
                else "",
            )

    def joken(self) -> list[Joken]:
        d = self.cleaned_data
        return [
            Joken(d[f"komoku_{i}"], d[f"enzan_{i}"], d.get(f"atai_{i}") or "")
            for i in range(MAX_JOKEN)
            if d.get(f"komoku_{i}")
        ]

    @staticmethod
    def initial_of(defn: EucChushutsu) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": defn.name,
            "hani": defn.hani,
            "ketsugo": defn.ketsugo,
            "retsu": defn.retsu,
        }
        for i, j in enumerate(joken_of(defn)):
            initial.update({f"komoku_{i}": j.komoku, f"enzan_{i}": j.enzan, f"atai_{i}": j.atai})
        return initial


class RunForm(forms.Form):
    purpose = TextField(label="利用目的", max_length=200, help_text="例: 敬老祝金の対象者確認")
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    encoding = CsvEncodingField()


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.WRITE)
@no_personal_data  # the names of saved extractions
@require_http_methods(["GET"])
def euc_list(request: HttpRequest) -> HttpResponse:
    if Kengen.EUC not in _grants(request):
        return _refused(request)
    return TemplateResponse(
        request, "juminkiroku/euc/list.html", {"items": EucChushutsu.objects.all()}
    )


def _uses_kojin_bango(defn: EucChushutsu) -> bool:
    """Whether a definition has 個人番号 as a condition or a column (a clerk without the
    grant would drop it by saving)."""
    return "kojin_bango" in defn.retsu or any(j.komoku == "kojin_bango" for j in joken_of(defn))


def _edit(request: HttpRequest, defn: EucChushutsu | None) -> HttpResponse:
    grants = _grants(request)
    if Kengen.EUC not in grants:
        return _refused(request, defn.pk if defn else None)
    kojin_bango = Kengen.KOJIN_BANGO_VIEW in grants
    if defn is not None and not kojin_bango and _uses_kojin_bango(defn):
        # Neither shown (a condition's value may be a 個人番号) nor saved (it would drop it).
        return TemplateResponse(
            request,
            "juminkiroku/euc/list.html",
            {"refused": KOJIN_BANGO_ONLY},
            status=403,
        )
    initial = EucForm.initial_of(defn) if defn else {"retsu": ["atena_no", "shimei", "jusho"]}
    form = EucForm(request.POST or None, initial=initial, kojin_bango=kojin_bango)
    if request.method == "POST" and form.is_valid():
        try:
            saved = euc_save(
                name=form.cleaned_data["name"],
                hani=form.cleaned_data["hani"],
                ketsugo=form.cleaned_data["ketsugo"],
                joken=form.joken(),
                retsu=form.cleaned_data["retsu"],
                kojin_bango=kojin_bango,
                actor=actor_from_request(request),
                pk=defn.pk if defn else None,
            )
        except EucError as exc:
            for key, messages in exc.errors.items():
                for message in messages:
                    form.add_error(None if key == "__all__" else key, message)
        else:
            return redirect("jk_euc_run", pk=saved.pk)
    return TemplateResponse(
        request,
        "juminkiroku/euc/edit.html",
        {"form": form, "defn": defn},
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a definition; the save is logged by euc_save
@require_http_methods(["GET", "POST"])
def euc_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@gyomu_view(JUMINKIROKU, level=RoleLevel.WRITE, write_level=RoleLevel.WRITE)
@no_personal_data  # a definition; the save is logged by euc_save
@require_http_methods(["GET", "POST"])
def euc_edit(request: HttpRequest, pk: int) -> HttpResponse:
    defn = EucChushutsu.objects.filter(pk=pk).first()
    if defn is None:
        raise Http404
    return _edit(request, defn)


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ, write_level=RoleLevel.READ)  # a run reads
@logs_reads(LOGGED_BY_SERVICE)  # each run is logged by euc_record_run, with its purpose
@require_http_methods(["GET", "POST"])
def euc_run(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Run a saved extraction: the count and a page of the list, or the whole CSV."""
    defn = EucChushutsu.objects.filter(pk=pk).first()
    if defn is None:
        raise Http404
    grants = _grants(request)
    if Kengen.EUC not in grants:
        return _refused(request, pk)
    kojin_bango = Kengen.KOJIN_BANGO_VIEW in grants
    form = RunForm(request.POST or None)
    cols = columns_of(defn, kojin_bango=kojin_bango)
    context: dict[str, Any] = {"form": form, "defn": defn, "cols": cols}
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "juminkiroku/euc/run.html", context)
    today = timezone.localdate()
    try:
        persons = extract(defn, kojin_bango=kojin_bango, today=today)
        total = persons.count()
    except JokenError as exc:
        form.add_error(None, f"この抽出条件は実行できません: {exc}")
        return TemplateResponse(request, "juminkiroku/euc/run.html", context)
    mynumber = any(k.kojin_bango for k in cols)
    purpose = form.cleaned_data["purpose"].strip()
    actor = actor_from_request(request)
    kind = next((k for k in ("csv", "xml", "pdf", "labels") if k in request.POST), "")
    if kind:
        limit = MAX_ROWS if kind in ("csv", "xml") else MAX_PDF
        if total > limit:
            form.add_error(
                None, f"{limit}人を超える抽出はこの形式で出力できません。条件で分けてください。"
            )
            return TemplateResponse(request, "juminkiroku/euc/run.html", context)
        people = list(persons)
        response = _output(kind, form, defn, people, cols, today)
        if response is None:  # a character the chosen encoding cannot hold
            return TemplateResponse(request, "juminkiroku/euc/run.html", context)
        euc_record_run(
            actor=actor,
            defn=defn,
            purpose=purpose,
            kind=kind,
            count=total,
            ids=[p.pk for p in people],
            page=0,
            mynumber=mynumber and kind != "labels",
        )
        return response
    page = Paginator(persons, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
    shown = list(page.object_list)
    euc_record_run(
        actor=actor,
        defn=defn,
        purpose=purpose,
        kind="list",
        count=total,
        ids=[p.pk for p in shown],
        page=page.number,
        mynumber=mynumber and bool(shown),
    )
    context.update(
        total=total,
        page=page,
        table=list(rows(shown, cols, today, wareki=True)),
        ran=True,
    )
    return TemplateResponse(request, "juminkiroku/euc/run.html", context)


urlpatterns = [
    path("euc/", euc_list, name="jk_euc_list"),
    path("euc/new/", euc_new, name="jk_euc_new"),
    path("euc/<int:pk>/", euc_edit, name="jk_euc_edit"),
    path("euc/<int:pk>/run/", euc_run, name="jk_euc_run"),
]
