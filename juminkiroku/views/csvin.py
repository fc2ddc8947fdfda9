"""CSV取込 (標準仕様書 10.8): a CSV pre-fills the 異動 entry form or the certificate
request, for the clerk to check against the paper and confirm; nothing is registered here.

- 異動入力: a 転出証明書 CSV (→ 転入, one 異動者 per row) or a 住民異動届 CSV (転入・国外転入:
  new persons; 転居・転出: residents named by 宛名番号, of one household). The answer is the
  entry form itself, filled in, posting to ``ido_form``: its 「仮登録する」 is the clerk's
  act, and the 本登録 is another clerk's review, as for a typed 届.
- 証明書の発行: a 交付申請書 CSV fills the request (対象者 by 宛名番号 or 4情報, 種類, 通数,
  請求者); a 券面事項 CSV (a card reader's output) finds the card's holder and shows the
  card beside the registry, item by item (本人確認).

The upload is streamed to a temporary file and stopped at ``MAX_UPLOAD_BYTES``
(``tenants.uploads``) before the rest of the body is read; it is read once in the request
and never stored (Django deletes the temporary file when the request ends). Each upload
writes one access-log row: the layout, the number of lines and of errors, and the 宛名 ids
shown — never a name or a number from the file.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from juminkiroku.codes import IdoJiyu, JuminShubetsu, ShomeiLayout
from juminkiroku.csvin.layouts import (
    IDO_TODOKE,
    KENMEN,
    KISAI_JIYU,
    KOFU_SHINSEI,
    LAYOUTS,
    TENSHUTSU_SHOMEI,
    Item,
    Kind,
    Layout,
)
from juminkiroku.csvin.reader import ENCODINGS, CsvRead, read_csv, same_on_every_row
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena
from juminkiroku.rules.kana import name_key
from juminkiroku.selectors.csvin import (
    is_resident,
    kenmen_differences,
    person_for_card,
    person_for_row,
)
from juminkiroku.services.shomei import default_items
from juminkiroku.views.certificates import ShomeiForm, _members_of
from juminkiroku.views.ido import entry_form_page, entry_form_values, members_for
from tenants.access import gyomu_view
from tenants.accesslog.reads import Reads, access_note, logs_reads
from tenants.models import RoleLevel
from tenants.text import text_errors
from tenants.uploads import LimitedUploadHandler, limit_uploads
from tenants.wareki import format_wareki

GYOMU = JUMINKIROKU
#: a 届 or an 申請 is a few lines: 20 persons of 40 items fit in 20 KB; 1 MB leaves room
#: for any encoding and still refuses a file that is clearly something else
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_LABEL = "1MB"
IDO_SCREEN = "異動入力（CSV取込）"
SHOMEI_SCREEN = "証明書発行（CSV取込）"
_LABELS = {"layout": "取り込むデータ", "encoding": "文字コード", "header": "見出し行"}


class CsvUploadForm(forms.Form):
    layout = forms.ChoiceField(label="取り込むデータ", widget=forms.RadioSelect)
    encoding = forms.ChoiceField(
        label="文字コード", choices=list(ENCODINGS.items()), initial="auto"
    )
    header = forms.BooleanField(label="1行目は項目名（見出し行）", required=False, initial=True)
    file = forms.FileField(label="CSVファイル")

    def __init__(self, *args: Any, layouts: tuple[Layout, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["layout"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(lay.code, lay.label) for lay in layouts]
        field.initial = layouts[0].code


def _format(item: Item) -> str:
    """How a column is written, in words (the upload screen's list of items)."""
    if item.kind == Kind.TEXT:
        return f"文字（{item.max_length}文字まで）"
    if item.kind == Kind.KANA:
        return "カタカナ"
    if item.kind == Kind.DATE:
        return "日付（和暦は年号から: 昭和55年5月5日、S55.5.5。西暦も可）"
    if item.kind == Kind.CODE:
        return "、".join(k for k in item.codes if not k.isascii()) or "コード"
    if item.kind == Kind.FLAG:
        return "要 / 不要（空欄は不要）"
    if item.kind == Kind.COUNT:
        return f"1〜{item.max_value}の数"
    if item.kind == Kind.DIGITS:
        return f"{item.length}桁までの数字"
    if item.kind == Kind.KOJIN_BANGO:
        return "12桁の数字（検査用数字を確認）"
    if item.kind == Kind.JUMINHYO_CODE:
        return "11桁の数字（検査数字を確認）"
    if item.kind == Kind.POSTAL:
        return "7桁の数字（240-0112 の形も可）"
    return "続柄（世帯主、妻、子、子の子など）"


def layout_guides(layouts: tuple[Layout, ...]) -> list[dict[str, Any]]:
    return [
        {
            "layout": lay,
            "items": [
                {"no": n, "label": i.label, "required": i.required, "format": _format(i)}
                for n, i in enumerate(lay.items, start=1)
            ],
        }
        for lay in layouts
    ]


def _read(request: HttpRequest, form: CsvUploadForm) -> CsvRead:
    upload = form.cleaned_data["file"]
    read = read_csv(
        upload.file,  # the temporary file the upload handler wrote
        layout=LAYOUTS[form.cleaned_data["layout"]],
        file_name=upload.name or "",
        encoding=form.cleaned_data["encoding"],
        header=form.cleaned_data["header"],
    )
    return read


def _note(request: HttpRequest, read: CsvRead, screen: str, ids: list[int]) -> None:
    access_note(
        request,
        ids=ids,
        record_id=ids[0] if len(ids) == 1 else None,
        screen=screen,
        detail={
            "layout": read.layout.code,
            "lines": len(read.records),
            "errors": read.error_count,
        },
    )


def _upload_form(
    request: HttpRequest, handler: LimitedUploadHandler, layouts: tuple[Layout, ...]
) -> CsvUploadForm:
    form = CsvUploadForm(request.POST or None, request.FILES or None, layouts=layouts)
    if handler.exceeded:
        form = CsvUploadForm(
            {k: request.POST.get(k, "") for k in ("layout", "encoding", "header")},
            layouts=layouts,
        )
        form.full_clean()
        form.add_error(
            None,
            f"ファイルが大きすぎます（上限 {MAX_UPLOAD_LABEL}）。届・申請のCSVを選んでください。",
        )
    refused = text_errors(request.POST, label=lambda k: _LABELS.get(k, "入力項目"))
    for msgs in refused.values():
        for msg in msgs:
            form.add_error(None, msg)
    return form


# --- 異動入力 ----------------------------------------------------------------------------

IDO_LAYOUTS = (TENSHUTSU_SHOMEI, IDO_TODOKE)
_GAIKOKU_KEYS = ("alpha_name", "kokuseki", "zairyu_shikaku", "zairyu_kikan_to", "zairyu_card_no")
_PERSON_KEYS = (
    "shimei",
    "shimei_kana",
    "birth_date",
    "sex",
    "zokugara",
    "shubetsu",
    "honseki",
    "hittosha",
    "kyuuji",
    "tsusho",
    *_GAIKOKU_KEYS,
    "zairyu_kubun",
    "juminhyo_code",
    "kojin_bango",
)


def _form_value(value: Any) -> str:
    if value is None or value is False:
        return ""
    if hasattr(value, "isoformat"):
        return format_wareki(value)  # the entry form takes 和暦 (and shows it back)
    return str(value)


def _new_person_values(records: list[dict[str, Any]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for i, r in enumerate(records, start=1):
        person = dict(r)
        if not person.get("shubetsu"):
            foreign = any(person.get(k) for k in _GAIKOKU_KEYS)
            person["shubetsu"] = JuminShubetsu.GAIKOKUJIN if foreign else JuminShubetsu.NIHONJIN
        for key in _PERSON_KEYS:
            text = _form_value(person.get(key))
            if text:
                values[f"n{i}-{key}"] = text
    return values


def _tenshutsu_shomei_form(
    request: HttpRequest, read: CsvRead
) -> tuple[TemplateResponse | None, list[int]]:
    """転出証明書 → 転入: the 住所 on the certificate is the 転入前住所, its 転出先 the new
    住所 (the clerk corrects it to the address of the 届); one 異動者 per row."""
    same_on_every_row(read, ("tennyu_mae_jusho", "jusho", "tenshutsu_yotei_date"))
    if read.error_count:
        return None, []
    first = read.records[0]
    jiyu = IdoJiyu.TENNYU
    values = entry_form_values(jiyu, None, [])
    values["setai_mode"] = "new"
    for key in ("jusho", "tennyu_mae_jusho", "tennyu_mae_postal_code"):
        if first.get(key):
            values[f"c-{key}"] = _form_value(first[key])
    values.update(_new_person_values(read.records))
    notes = [f"転出の予定年月日: {format_wareki(first['tenshutsu_yotei_date'])}"]
    if first.get("setainushi_shimei"):
        notes.append(f"転出証明書の世帯主: {first['setainushi_shimei']}")
    if first.get("moto_jutei_date"):  # of the town left: not an item of our 住民票
        notes.append(f"転出前の住所を定めた日: {format_wareki(first['moto_jutei_date'])}")
    return _filled(request, read, jiyu, values, None, [], notes), []


def _ido_todoke_form(
    request: HttpRequest, read: CsvRead
) -> tuple[TemplateResponse | None, list[int]]:
    same_on_every_row(
        read,
        (
            "todoke_date",
            "ido_date",
            "jiyu",
            "postal_code",
            "jusho",
            "banchi",
            "katagaki",
            "moto_jusho",
            "moto_postal_code",
        ),
    )
    if read.error_count:
        return None, []
    first = read.records[0]
    jiyu = first["jiyu"]
    base: Atena | None = None
    members: list[Atena] = []
    persons: list[Atena] = []
    if jiyu not in KISAI_JIYU:
        for record, line in zip(read.records, read.lines, strict=True):
            atena = (
                Atena.objects.filter(atena_no=record["atena_no"]).first()
                if record.get("atena_no")
                else None
            )
            if atena is None or not is_resident(atena):
                read.error(
                    line,
                    "宛名番号",
                    "転居・転出は、この町の住民の宛名番号を書いてください。",
                )
                continue
            if name_key(record["shimei"]) != atena.name_key or (
                record["birth_date"] != atena.birth_date
            ):
                read.error(line, "宛名番号", "宛名番号の方と氏名・生年月日が一致しません。")
                continue
            if base is None:
                base = atena
            elif atena.setai_id != base.setai_id:
                read.error(line, "宛名番号", "1行目の方と同じ世帯の方にしてください。")
                continue
            persons.append(atena)
        if read.error_count or base is None:
            return None, []
        members = members_for(base)
    values = entry_form_values(jiyu, base, members)
    values["todoke_date"] = _form_value(first["todoke_date"])
    values["ido_date"] = _form_value(first["ido_date"])
    if jiyu in KISAI_JIYU:
        values["setai_mode"] = "new"
        address = {
            "postal_code": first.get("postal_code"),
            "jusho": first["jusho"],
            "banchi": first.get("banchi"),
            "katagaki": first.get("katagaki"),
            "tennyu_mae_jusho": first.get("moto_jusho"),
            "tennyu_mae_postal_code": first.get("moto_postal_code"),
        }
        values.update({f"c-{k}": _form_value(v) for k, v in address.items() if v})
        values.update(_new_person_values(read.records))
    else:
        for m in members:  # only the persons of the 届 are ticked
            values.pop(f"sel-{m.pk}", None)
        for p in persons:
            values[f"sel-{p.pk}"] = "on"
        if jiyu == IdoJiyu.TENSHUTSU:
            jusho = "".join(str(first.get(k) or "") for k in ("jusho", "banchi")) + (
                f"　{first['katagaki']}" if first.get("katagaki") else ""
            )
            values["c-tenshutsu_saki_jusho"] = jusho
            if first.get("postal_code"):
                values["c-tenshutsu_saki_postal_code"] = first["postal_code"]
        else:
            for k in ("postal_code", "jusho", "banchi", "katagaki"):
                if first.get(k):
                    values[f"c-{k}"] = str(first[k])
    shown = [m.pk for m in members]
    return _filled(request, read, jiyu, values, base, members, []), shown


def _filled(
    request: HttpRequest,
    read: CsvRead,
    jiyu: str,
    values: dict[str, str],
    base: Atena | None,
    members: list[Atena],
    notes: list[str],
) -> TemplateResponse:
    action = f"/juminkiroku/ido/new/{jiyu}/" + (f"?atena={base.pk}" if base else "")
    count = sum(1 for k in values if k.endswith("-shimei") and k.startswith("n"))
    return entry_form_page(
        request,
        jiyu,
        values=values,
        base=base,
        members=members,
        new_count=max(1, count),
        form_action=action,
        extra={
            "imported": {
                "layout": read.layout.label,
                "file": read.file,
                "rows": len(read.records),
                "notes": notes,
            },
            "csv_read": True,
        },
    )


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _ido_csv (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    # the residents of a 転居・転出 shown on the filled form; every upload also notes its
    # layout and line and error counts (access_note)
    Reads("atena", ids="shown_ids[]", screen=IDO_SCREEN, shown="csv_read", skip_empty=False)
)
@require_http_methods(["GET", "POST"])
@never_cache
def ido_csv(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
    return _ido_csv(request, handler)


@csrf_protect
def _ido_csv(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    form = _upload_form(request, handler, IDO_LAYOUTS)
    context: dict[str, Any] = {"form": form, "guides": layout_guides(IDO_LAYOUTS)}
    if request.method == "POST" and form.is_valid():
        read = _read(request, form)
        page: TemplateResponse | None = None
        shown: list[int] = []
        if not read.error_count:
            build = _tenshutsu_shomei_form if read.layout is TENSHUTSU_SHOMEI else _ido_todoke_form
            page, shown = build(request, read)
        _note(request, read, IDO_SCREEN, shown)
        if page is not None:
            page.context_data["shown_ids"] = shown  # type: ignore[index]
            return page
        context.update(read=read, csv_read=True, shown_ids=[])
        return TemplateResponse(request, "juminkiroku/csvin/ido.html", context, status=400)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "juminkiroku/csvin/ido.html", context, status=status)


# --- 証明書の発行 -------------------------------------------------------------------------

SHOMEI_LAYOUTS = (KOFU_SHINSEI, KENMEN)
_REQUEST_KEYS = (
    "seikyusha",
    "kind",
    "layout",
    "copies",
    "setainushi",
    "honseki",
    "juminhyo_code",
    "kojin_bango",
    "koyo_kikan",
    "koyo_mokuteki",
)


def _kofu_shinsei_page(
    request: HttpRequest, read: CsvRead, context: dict[str, Any]
) -> tuple[TemplateResponse | None, list[int]]:
    same_on_every_row(read, _REQUEST_KEYS)
    persons: list[Atena] = []
    for record, line in zip(read.records, read.lines, strict=True):
        found = person_for_row(record)
        if found.atena is None:
            read.error(line, found.by, found.message)
        else:
            persons.append(found.atena)
    if read.error_count:
        return None, []
    person = persons[0]
    members = _members_of(person)
    if not {p.pk for p in persons} <= {m.pk for m in members}:
        read.error(0, "", "証明する方は同じ世帯の方にしてください（世帯ごとに1つの申請書）。")
        return None, []
    first = read.records[0]
    initial: dict[str, Any] = {
        **default_items(),
        "atena_no": person.atena_no,
        "kind": first["kind"],
        "layout": first.get("layout") or ShomeiLayout.RENKI,
        "copies": first["copies"],
        "seikyusha": first["seikyusha"],
        "koyo_kikan": first.get("koyo_kikan") or "",
        "koyo_mokuteki": first.get("koyo_mokuteki") or "",
    }
    for key in ShomeiForm.ITEM_FIELDS:
        if key in first and key != "rireki":
            initial[key] = bool(first[key])
    page = TemplateResponse(
        request,
        "juminkiroku/certificates/issue.html",
        {
            "form": ShomeiForm(initial=initial),
            "members": members,
            "person": person,
            "chosen": {p.pk for p in persons},
            "form_action": "/juminkiroku/shomei/",
            "imported": {"layout": read.layout.label, "file": read.file, "rows": len(persons)},
            "csv_read": True,
        },
    )
    return page, [m.pk for m in members]


def _kenmen_page(
    request: HttpRequest, read: CsvRead, context: dict[str, Any]
) -> tuple[TemplateResponse | None, list[int]]:
    card = read.records[0]
    found = person_for_card(card)
    if found.atena is None:
        read.error(read.lines[0], found.by, found.message)
        return None, []
    differences = kenmen_differences(card, found.atena)
    context.update(
        kenmen={
            "person": found.atena,
            "by": found.by,
            "rows": differences,
            "all_same": all(d.same for d in differences),
            "resident": is_resident(found.atena),
        },
        csv_read=True,
    )
    page = TemplateResponse(request, "juminkiroku/csvin/shomei.html", context)
    return page, [found.atena.pk]


@csrf_exempt  # only so that nothing reads the body before the upload handler is set:
# the CSRF check runs in _shomei_csv (csrf_protect), after it
@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@logs_reads(
    # the household shown to issue for (交付申請書) or the card's holder beside the card
    # (券面事項); the PDF itself is logged by shomei_issue
    Reads("atena", ids="shown_ids[]", screen=SHOMEI_SCREEN, shown="csv_read", skip_empty=False)
)
@require_http_methods(["GET", "POST"])
@never_cache
def shomei_csv(request: HttpRequest) -> HttpResponse:
    handler = limit_uploads(request, limit=MAX_UPLOAD_BYTES)
    return _shomei_csv(request, handler)


@csrf_protect
def _shomei_csv(request: HttpRequest, handler: LimitedUploadHandler) -> HttpResponse:
    form = _upload_form(request, handler, SHOMEI_LAYOUTS)
    context: dict[str, Any] = {"form": form, "guides": layout_guides(SHOMEI_LAYOUTS)}
    if request.method == "POST" and form.is_valid():
        read = _read(request, form)
        page: TemplateResponse | None = None
        shown: list[int] = []
        if not read.error_count:
            build = _kofu_shinsei_page if read.layout is KOFU_SHINSEI else _kenmen_page
            page, shown = build(request, read, context)
        _note(request, read, SHOMEI_SCREEN, shown)
        if page is not None:
            page.context_data["shown_ids"] = shown  # type: ignore[index]
            return page
        context.update(read=read, csv_read=True, shown_ids=[])
        return TemplateResponse(request, "juminkiroku/csvin/shomei.html", context, status=400)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "juminkiroku/csvin/shomei.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("ido/csv/", ido_csv, name="jk_ido_csv"),
    path("shomei/csv/", shomei_csv, name="juminkiroku_shomei_csv"),
]
