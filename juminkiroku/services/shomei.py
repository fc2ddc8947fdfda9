"""証明書の発行 (標準仕様書 5.x): 住民票の写し, 除票の写し, 住民票(除票)記載事項証明書,
印鑑登録証明書, and 処分 (void).

Everything is checked before anything is written: a refused issue draws no 発行番号,
records no 交付履歴 and logs no print. The PDF holds every copy asked for; each copy has
its own 発行番号 (5.5) on every page with "n/N", and ends with its 認証文 under the
認証者 and 電子公印 valid on the issue date (1.3.7, 1.3.9, 5.6). A 公用 request prints
「公用」 (5.7). An item too long for its box prints to the limit or blank (the town's
parameter ``juminkiroku.moji_afure``) and is listed whole on a 別紙 before the 認証文
(5.8, 5.1); the screens warn before issuing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import (
    AtenaKubun,
    InkanStatus,
    JuminJotai,
    MojiAfure,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
    YokushiLevel,
    YokushiProcess,
)
from juminkiroku.forms.sheets import (
    KISAI_KINDS,
    Afure,
    build_sheets,
    gaiji_labels,
    settle_overflow,
)
from juminkiroku.forms.shomei import (
    GAIKOKU_ITEMS,
    KISAI_ITEMS,
    NINSHO_INKAN,
    NINSHO_JOHYO,
    NINSHO_JOHYO_KISAI,
    NINSHO_JUMINHYO,
    NINSHO_KISAI,
    Ninsho,
    PersonSheet,
    SheetOptions,
    inkan_rows,
    wareki,
)
from juminkiroku.gyomu import INKAN_TOROKU, JUMINKIROKU
from juminkiroku.models import Atena, InkanToroku, ShomeiKofu
from juminkiroku.rules.narabi import NARABI_KEY, NIN_I, standard_order
from juminkiroku.selectors.johyo import with_restored
from juminkiroku.selectors.yokushi import shien_covered_ids, yokushi_blocking
from juminkiroku.services.kofu import shomei_kofu_record
from juminkiroku.services.ninsho import Certifier, NinshoError, certifier_for
from juminkiroku.services.numbering import hakko_no_text, next_hakko_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.pdf import render_pdf_each
from tenants.selectors.current import current_municipality
from tenants.wareki import fiscal_year_of

GYOMU = JUMINKIROKU
GYOMU_INKAN = INKAN_TOROKU
MOJI_AFURE_KEY = "juminkiroku.moji_afure"
FURIGANA_KEY = "juminkiroku.shomei_furigana"
MAX_COPIES = 20
ITEM_KEYS = ("setainushi", "honseki", "juminhyo_code", "kojin_bango", "rireki")
KOYO_LABEL = "公用"

TITLES = {
    ShomeiKind.JUMINHYO: "住民票の写し",
    ShomeiKind.JOHYO: "除票の写し",
    ShomeiKind.INKAN: "印鑑登録証明書",
    ShomeiKind.KISAI: "住民票記載事項証明書",
    ShomeiKind.JOHYO_KISAI: "住民票除票記載事項証明書",
}

JOHYO_KINDS = (ShomeiKind.JOHYO, ShomeiKind.JOHYO_KISAI)


class ShomeiError(Exception):
    """A refused issue or void; the message is for the clerk."""


def certifier_of(day: date, **choice: Any) -> Certifier:
    """The 認証者 and 公印 of ``day`` for any certificate (1.3.7, 1.3.9, 5.6); a missing
    one is refused with the clerk's message (ShomeiError)."""
    try:
        return certifier_for(day, **choice)
    except NinshoError as exc:
        raise ShomeiError(str(exc)) from exc


class ShomeiNotFound(ShomeiError):
    """The person, household or record does not exist in this municipality."""


@dataclass(frozen=True)
class Precheck:
    """What the clerk must confirm before issuing (支援措置 for 本人, 発行アラート)."""

    warnings: list[str]
    alert_ids: list[int]
    codes: list[str]
    """Machine-readable warning codes ("alert", "shien_sochi") for API headers."""


# --- helpers ------------------------------------------------------------------------


def _town_param(key: str, default: Any) -> Any:
    try:
        return param_value(key, fiscal_year_of(timezone.localdate()))
    except ParameterMissing:
        return default


def _options(items: dict[str, Any] | None, omit_gaikoku: list[str] | None = None) -> SheetOptions:
    items = items or {}
    unknown = set(items) - set(ITEM_KEYS)
    if unknown:
        raise ShomeiError("記載事項の指定が正しくありません。")
    omit = frozenset(omit_gaikoku or ())
    if not omit <= set(GAIKOKU_ITEMS):
        raise ShomeiError("省略する外国人住民の記載事項の指定が正しくありません。")
    return SheetOptions(
        **{k: bool(items.get(k)) for k in ITEM_KEYS},
        omit_gaikoku=omit,
        furigana=bool(_town_param(FURIGANA_KEY, True)),
    )


DEFAULT_ITEMS_KEY = "juminkiroku.shomei_default_items"


def default_items() -> dict[str, bool]:
    """The town's default for the optional items (5.1: デフォルトは省略又は記載の選択):
    parameter ``juminkiroku.shomei_default_items``, e.g. {"setainushi": true}; every item
    omitted when unset. The clerk changes them per request on the screen."""
    value = _town_param(DEFAULT_ITEMS_KEY, {})
    if not isinstance(value, dict):
        return {}
    return {k: bool(value.get(k)) for k in ITEM_KEYS if k != "kojin_bango"}


def _kisai_items(kind: str, kisai_items: list[str] | None) -> list[str]:
    """The items of a 記載事項証明書, in the form's order; refused when none or unknown."""
    if kind not in KISAI_KINDS:
        if kisai_items:
            raise ShomeiError("証明する事項は記載事項証明書でだけ指定できます。")
        return []
    chosen = list(dict.fromkeys(kisai_items or []))
    if not chosen:
        raise ShomeiError("証明する事項を1つ以上選んでください。")
    if not set(chosen) <= set(KISAI_ITEMS):
        raise ShomeiError("証明する事項の指定が正しくありません。")
    if "shojo" in chosen and kind != ShomeiKind.JOHYO_KISAI:
        raise ShomeiError("消除事由・消除日は除票記載事項証明書でだけ証明できます。")
    return [k for k in KISAI_ITEMS if k in chosen]


def _load_persons(atena_ids: list[int] | None, setai_id: int | None, kind: str) -> list[Atena]:
    ids = list(dict.fromkeys(int(i) for i in (atena_ids or [])))
    if setai_id is not None and kind in (ShomeiKind.JUMINHYO, ShomeiKind.KISAI):
        in_household = list(
            Atena.objects.filter(
                setai_id=setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
            ).order_by("setai_order", "id")
        )
        if not in_household:
            raise ShomeiNotFound("指定された世帯が見つかりません。")
        if not ids:
            return in_household
        household_ids = {a.pk for a in in_household}
        if not set(ids) <= household_ids:
            raise ShomeiError("指定された世帯に属していない方が含まれています。")
        return [a for a in in_household if a.pk in set(ids)]
    if not ids:
        raise ShomeiError("証明する方（宛名）を指定してください。")
    found = {a.pk: a for a in Atena.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ShomeiNotFound("指定された宛名が見つかりません。")
    # A 除票 moved to the 除票用データベース is certified from its snapshot (標準仕様書 9.3).
    persons = with_restored([found[i] for i in ids])
    return sorted(persons, key=lambda a: (a.setai_id or 0, a.setai_order, a.pk))


def _ordered(persons: list[Atena], layout: str) -> list[Atena]:
    """世帯連記式: the order of 5.2 unless the town keeps its own (parameter)."""
    if layout != ShomeiLayout.RENKI or _town_param(NARABI_KEY, "") == NIN_I:
        return persons
    return standard_order(persons)


def _active_shien(atena_ids: list[int], today: date) -> list[int]:
    """支援対象者 and 併せて支援を求める者 among them (標準仕様書 3.4; in force past the
    終了日 until a clerk ends the 措置, 3.1)."""
    return sorted(shien_covered_ids(atena_ids, today))


def _check_access(persons: list[Atena], seikyusha: str, today: date) -> Precheck:
    ids = [p.pk for p in persons]
    setai_ids = {p.setai_id for p in persons if p.setai_id}
    found = yokushi_blocking(atena_ids=ids, setai_ids=setai_ids, process=YokushiProcess.HAKKO)
    if any(y.level == YokushiLevel.ERROR for y in found):
        raise ShomeiError(
            "発行抑止が設定されている方が含まれています。抑止の解除または一時解除が必要です。"
        )
    warnings: list[str] = []
    codes: list[str] = []
    alerts = sorted(y.pk for y in found if y.level == YokushiLevel.ALERT)
    if alerts:
        codes.append("alert")
        warnings.append("発行アラートが設定されている方が含まれています。内容を確認してください。")
    if _active_shien(ids, today):
        if seikyusha == Seikyusha.DAISANSHA:
            raise ShomeiError(
                "DV等支援措置の対象者が含まれているため、第三者からの請求には交付できません。"
            )
        codes.append("shien_sochi")
        warnings.append(
            "DV等支援措置の対象者が含まれています。請求者の本人確認を厳格に行ってください。"
        )
    return Precheck(warnings=warnings, alert_ids=alerts, codes=codes)


def _validate(
    *,
    kind: str,
    layout: str,
    persons: list[Atena],
    opts: SheetOptions,
    kisai: list[str],
    copies: int,
    seikyusha: str,
    koyo_kikan: str,
    koyo_mokuteki: str,
) -> None:
    if kind not in ShomeiKind.values:
        raise ShomeiError("証明書の種類が正しくありません。")
    if seikyusha not in Seikyusha.values:
        raise ShomeiError("請求者の区分を選択してください。")
    if seikyusha == Seikyusha.KOYO:
        if kind == ShomeiKind.INKAN:
            raise ShomeiError("印鑑登録証明書は公用請求では発行しません。")
        if not koyo_kikan or not koyo_mokuteki:
            raise ShomeiError("公用請求では、請求した機関と請求の目的を入力してください。")
    elif koyo_kikan or koyo_mokuteki:
        raise ShomeiError("請求機関・目的は公用請求のときだけ入力します。")
    if not 1 <= copies <= MAX_COPIES:
        raise ShomeiError(f"通数は1から{MAX_COPIES}までで指定してください。")
    if kind == ShomeiKind.INKAN:
        if len(persons) != 1:
            raise ShomeiError("印鑑登録証明書は1人ずつ発行します。")
        return
    if kind not in KISAI_KINDS and layout not in ShomeiLayout.values:
        raise ShomeiError("様式（世帯連記式・個人票）を選択してください。")
    for p in persons:
        if p.kubun != AtenaKubun.JUTOSHA:
            raise ShomeiError("住登外の方の住民票・除票は発行できません。")
        if kind not in JOHYO_KINDS and p.jotai != JuminJotai.JUMIN:
            raise ShomeiError("除票の方が含まれています。除票の写しで発行してください。")
        if kind in JOHYO_KINDS and p.jotai == JuminJotai.JUMIN:
            raise ShomeiError("住民の方の除票はありません。住民票の写しで発行してください。")
    if layout == ShomeiLayout.RENKI and len({p.setai_id for p in persons}) != 1:
        raise ShomeiError("世帯連記式には同じ世帯の方だけを記載できます。")
    if (opts.kojin_bango or "kojin_bango" in kisai) and seikyusha != Seikyusha.HONNIN:
        raise ShomeiError("個人番号は本人又は同一世帯の方からの請求に限り記載できます。")


def _subtitle(kind: str, layout: str, persons: list[Atena], whole: bool) -> str:
    if kind in JOHYO_KINDS:
        return "（除票）"
    if kind in KISAI_KINDS:
        return ""
    if layout == ShomeiLayout.RENKI:
        return "（世帯全員）" if whole else "（世帯の一部）"
    return "（個人票）"


def _afure_mode() -> str:
    mode = str(_town_param(MOJI_AFURE_KEY, MojiAfure.GENKAI))
    return mode if mode in MojiAfure.values else MojiAfure.GENKAI


# --- the public services ------------------------------------------------------------


def shomei_precheck(
    *,
    kind: str,
    atena_ids: list[int] | None,
    setai_id: int | None,
    seikyusha: str,
    layout: str = "",
    items: dict[str, Any] | None = None,
    kisai_items: list[str] | None = None,
    omit_gaikoku: list[str] | None = None,
) -> Precheck:
    """Refusals and warnings without issuing anything (the screens ask to confirm): 抑止,
    支援措置, and, when the layout is given, items that will not fit or hold an
    unregistered 外字 (5.8 アラート)."""
    persons = _load_persons(atena_ids, setai_id, kind)
    check = _check_access(persons, seikyusha, timezone.localdate())
    if (not layout and kind not in KISAI_KINDS) or kind == ShomeiKind.INKAN:
        return check
    try:
        opts = _options(items, omit_gaikoku)
        kisai = _kisai_items(kind, kisai_items)
    except ShomeiError:
        return check  # shomei_issue says why
    sheets, household = build_sheets(
        persons, opts, kind=kind, layout=layout, kisai=kisai, katagaki=True
    )
    gaiji = gaiji_labels(sheets, household)
    labels = sorted({a.label for a in settle_overflow(sheets, household, _afure_mode())})
    warnings, codes = list(check.warnings), list(check.codes)
    if labels:
        how = "空白で" if _afure_mode() == MojiAfure.KUHAKU else "入る文字数まで"
        codes.append("moji_afure")
        warnings.append(
            f"文字溢れがあります（{'、'.join(labels)}）。該当項目は{how}印字し、"
            "全文を別紙に記載します。"
        )
    if gaiji:
        codes.append("gaiji")
        warnings.append(
            f"未登録の外字が含まれています（{'、'.join(gaiji)}）。印字できない文字があります。"
            "文字情報基盤の文字への置き換えを確認してください。"
        )
    return Precheck(warnings=warnings, alert_ids=check.alert_ids, codes=codes)


def shomei_issue(
    *,
    kind: str,
    layout: str,
    atena_ids: list[int] | None,
    setai_id: int | None,
    items: dict[str, Any] | None,
    copies: int,
    seikyusha: str,
    actor: Actor,
    kisai_items: list[str] | None = None,
    omit_gaikoku: list[str] | None = None,
    omit_katagaki: bool = False,
    koyo_kikan: str = "",
    koyo_mokuteki: str = "",
    ninshosha_kubun: str = "",
    koin: bool = True,
    koin_kind: str = "",
    kofu_basho: str = "",
) -> tuple[ShomeiKofu, bytes]:
    """Issue a certificate: returns the 交付履歴 row and the PDF (every copy in one file).

    ``kisai_items`` (KISAI_ITEMS keys) are what a 記載事項証明書 certifies; ``omit_katagaki``
    leaves out the 方書 there only (5.4). ``omit_gaikoku`` (GAIKOKU_ITEMS keys) are a
    foreign resident's items left out on request (5.1). ``koyo_*`` name the office and
    purpose of a 公用 request (5.7). ``ninshosha_kubun``, ``koin`` and ``koin_kind`` choose
    the certifier and seal for this certificate (5.6)."""
    today = timezone.localdate()
    if kind not in ShomeiKind.values:
        raise ShomeiError("証明書の種類が正しくありません。")
    koyo_kikan, koyo_mokuteki = koyo_kikan.strip()[:100], koyo_mokuteki.strip()[:200]
    opts = _options(items, omit_gaikoku) if kind != ShomeiKind.INKAN else SheetOptions()
    kisai = _kisai_items(kind, kisai_items)
    if omit_katagaki and kind not in KISAI_KINDS:
        raise ShomeiError("方書の省略は記載事項証明書でだけ指定できます。")
    if kind in (ShomeiKind.INKAN, *KISAI_KINDS):
        layout = ""
    persons = _ordered(_load_persons(atena_ids, setai_id, kind), layout)
    _validate(
        kind=kind,
        layout=layout,
        persons=persons,
        opts=opts,
        kisai=kisai,
        copies=copies,
        seikyusha=seikyusha,
        koyo_kikan=koyo_kikan,
        koyo_mokuteki=koyo_mokuteki,
    )
    check = _check_access(persons, seikyusha, today)
    certifier = certifier_of(today, ninshosha_kubun=ninshosha_kubun, koin=koin, koin_kind=koin_kind)
    town = current_municipality()
    whole = False
    if kind == ShomeiKind.JUMINHYO and persons[0].setai_id is not None:
        members = Atena.objects.filter(
            setai_id=persons[0].setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
        ).count()
        whole = layout == ShomeiLayout.RENKI and members == len(persons)
    context: dict[str, Any] = {
        "title": TITLES[ShomeiKind(kind)],
        "subtitle": _subtitle(kind, layout, persons, whole),
        "town_name": town.name,
        "show_zokugara": opts.setainushi,
        "koyo": KOYO_LABEL if seikyusha == Seikyusha.KOYO else "",
    }
    afure: list[Afure] = []
    gaiji: list[str] = []
    if kind == ShomeiKind.INKAN:
        template, inkan = "juminkiroku/forms/inkan.html", _inkan_of(persons[0])
        sheet = PersonSheet(atena_id=persons[0].pk, rows=inkan_rows(persons[0]))
        afure = settle_overflow([sheet], [], _afure_mode())
        context["rows"], context["afure"] = sheet.rows, afure
        context["inei_uri"] = png_uri(bytes(inkan.inei))
        ninsho_text = NINSHO_INKAN
    else:
        sheets, household = build_sheets(
            persons, opts, kind=kind, layout=layout, kisai=kisai, katagaki=not omit_katagaki
        )
        gaiji = gaiji_labels(sheets, household)
        afure = settle_overflow(sheets, household, _afure_mode())
        context["persons"], context["household"], context["afure"] = sheets, household, afure
        if kind in KISAI_KINDS:
            template = "juminkiroku/forms/kisai.html"
            ninsho_text = NINSHO_JOHYO_KISAI if kind == ShomeiKind.JOHYO_KISAI else NINSHO_KISAI
        else:
            template = f"juminkiroku/forms/juminhyo_{layout}.html"
            ninsho_text = NINSHO_JOHYO if kind == ShomeiKind.JOHYO else NINSHO_JUMINHYO
    context["ninsho"] = Ninsho(
        text=ninsho_text,
        date=wareki(today),
        shokumei=certifier.shokumei,
        shimei=certifier.shimei,
        koin_uri=png_uri(certifier.koin_png) if certifier.koin_png else "",
        mongon=certifier.mongon,
    )
    # The numbers are drawn only now that every check passed, one per copy (5.5); a
    # sequence never rolls back, so a failure below leaves a gap, which the standard allows.
    keys = [next_hakko_no(today) for _ in range(copies)]
    rendered = render_pdf_each(
        template,
        [
            {
                **context,
                "hakko_no": hakko_no_text(k, town_name=town.name, terminal=actor.terminal),
            }
            for k in keys
        ],
    )
    printed_items: dict[str, Any] = opts.as_items() if kind != ShomeiKind.INKAN else {}
    if kisai:
        printed_items = {"kisai": kisai, **printed_items}
        if omit_katagaki:
            printed_items["omit_katagaki"] = True
    if afure:
        printed_items["moji_afure"] = sorted({a.label for a in afure})
    if gaiji:
        printed_items["gaiji"] = gaiji
    if check.warnings:
        printed_items = {**printed_items, "warnings": check.warnings, "warning_codes": check.codes}
    setai = persons[0].setai_id if kind != ShomeiKind.INKAN else None
    atena_list = [p.pk for p in persons]
    kojin_bango = opts.kojin_bango or "kojin_bango" in kisai
    kofu = shomei_kofu_record(
        kind=kind,
        screen=f"{TITLES[ShomeiKind(kind)]}発行",
        hakko_nos=keys,
        atena_ids=atena_list,
        pages=rendered.pages,
        actor=actor,
        gyomu=GYOMU_INKAN if kind == ShomeiKind.INKAN else GYOMU,
        layout=layout,
        setai_id=setai if layout == ShomeiLayout.RENKI else None,
        items=printed_items,
        kojin_bango_printed=kojin_bango,
        seikyusha=seikyusha,
        koyo_kikan=koyo_kikan,
        koyo_mokuteki=koyo_mokuteki,
        kofu_basho=kofu_basho,
        ninshosha=certifier.label,
        koin_id=certifier.koin_id,
    )
    return kofu, rendered.pdf


def png_uri(png: bytes) -> str:
    """A PNG as a data URI for the PDF templates (公印, 印影)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _inkan_of(person: Atena) -> InkanToroku:
    if person.kubun != AtenaKubun.JUTOSHA or person.jotai != JuminJotai.JUMIN:
        raise ShomeiError("住民ではない方の印鑑登録証明書は発行できません。")
    inkan = InkanToroku.objects.filter(atena=person, status=InkanStatus.TOROKU).first()
    if inkan is None:
        raise ShomeiError("この方の印鑑登録はありません（廃止・亡失・抹消済みを含む）。")
    return inkan


def shomei_void(*, kofu_id: int, reason: str, actor: Actor) -> ShomeiKofu:
    """処分: a spoiled or returned certificate is voided; the row stays, marked."""
    if not reason.strip():
        raise ShomeiError("処分の理由を入力してください。")
    with transaction.atomic(durable=True):
        kofu = ShomeiKofu.objects.select_for_update().filter(pk=kofu_id).first()
        if kofu is None:
            raise ShomeiNotFound("交付履歴が見つかりません。")
        if kofu.voided_at is not None:
            raise ShomeiError("この証明書は既に処分されています。")
        kofu.voided_at = timezone.now()
        kofu.voided_by = actor.username or f"api:{actor.api_client}"
        kofu.void_reason = reason.strip()[:200]
        kofu.save(update_fields=["voided_at", "voided_by", "void_reason"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU_INKAN if kofu.kind == ShomeiKind.INKAN else GYOMU,
            screen="証明書の処分",
            record_type="shomei_kofu",
            record_id=kofu.pk,
            detail={"hakko_no": kofu.hakko_no},
        )
    return kofu
