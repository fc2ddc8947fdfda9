"""証明書の発行 (標準仕様書 5.x): 住民票の写し, 除票の写し, 印鑑登録証明書, and 処分 (void).

Everything is checked before anything is written: a refused issue draws no 発行番号,
records no 交付履歴 and logs no print. The PDF holds every copy asked for; each copy
ends with its own 認証文 page, and every page carries the 発行番号.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from juminkiroku.codes import (
    AtenaKubun,
    InkanStatus,
    JuminJotai,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
    YokushiLevel,
    YokushiProcess,
    Zokugara,
)
from juminkiroku.forms.fit import TextTooLong
from juminkiroku.forms.shomei import (
    NINSHO_INKAN,
    NINSHO_JOHYO,
    NINSHO_JUMINHYO,
    Ninsho,
    PersonSheet,
    SheetOptions,
    history_rows,
    household_rows,
    inkan_rows,
    person_rows,
    wareki,
)
from juminkiroku.gyomu import INKAN_TOROKU, JUMINKIROKU
from juminkiroku.models import Atena, InkanToroku, ShomeiKofu
from juminkiroku.selectors.asof import history_of
from juminkiroku.selectors.yokushi import shien_covered_ids, yokushi_blocking
from juminkiroku.services.numbering import next_hakko_no
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality
from tenants.wareki import fiscal_year_of

GYOMU = JUMINKIROKU
GYOMU_INKAN = INKAN_TOROKU
NINSHOSHA_KEY = "juminkiroku.ninshosha"
MAX_COPIES = 20
ITEM_KEYS = ("setainushi", "honseki", "juminhyo_code", "kojin_bango", "rireki")

TITLES = {
    ShomeiKind.JUMINHYO: "住民票の写し",
    ShomeiKind.JOHYO: "除票の写し",
    ShomeiKind.INKAN: "印鑑登録証明書",
}


class ShomeiError(Exception):
    """A refused issue or void; the message is for the clerk."""


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


def _options(items: dict[str, Any] | None) -> SheetOptions:
    items = items or {}
    unknown = set(items) - set(ITEM_KEYS)
    if unknown:
        raise ShomeiError("記載事項の指定が正しくありません。")
    return SheetOptions(**{k: bool(items.get(k)) for k in ITEM_KEYS})


def ninshosha() -> tuple[str, str]:
    """(職名, 氏名) of the certifier: the municipality's parameter ``juminkiroku.ninshosha``
    (a name, or {"shokumei": ..., "shimei": ...} for e.g. a 職務代理者), else the mayor
    recorded on the municipality; refused when neither is set."""
    town = current_municipality()
    default_title = f"{town.name}長"
    today = timezone.localdate()
    try:
        value: Any = param_value(NINSHOSHA_KEY, fiscal_year_of(today))
    except ParameterMissing:
        value = None
    if isinstance(value, dict) and str(value.get("shimei", "")).strip():
        title = str(value.get("shokumei") or default_title).strip()
        return title, str(value["shimei"]).strip()
    if isinstance(value, str) and value.strip():
        return default_title, value.strip()
    if town.mayor_name.strip():
        return default_title, town.mayor_name.strip()
    raise ShomeiError(
        "認証者（首長の職氏名）が設定されていません。"
        f"団体別パラメータ「{NINSHOSHA_KEY}」に町長の氏名を登録してください。"
    )


def _load_persons(atena_ids: list[int] | None, setai_id: int | None, kind: str) -> list[Atena]:
    ids = list(dict.fromkeys(int(i) for i in (atena_ids or [])))
    if setai_id is not None and kind == ShomeiKind.JUMINHYO:
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
    persons = [found[i] for i in ids]
    return sorted(persons, key=lambda a: (a.setai_id or 0, a.setai_order, a.pk))


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
    copies: int,
    seikyusha: str,
) -> None:
    if kind not in ShomeiKind.values:
        raise ShomeiError("証明書の種類が正しくありません。")
    if seikyusha not in Seikyusha.values:
        raise ShomeiError("請求者の区分を選択してください。")
    if not 1 <= copies <= MAX_COPIES:
        raise ShomeiError(f"通数は1から{MAX_COPIES}までで指定してください。")
    if kind == ShomeiKind.INKAN:
        if len(persons) != 1:
            raise ShomeiError("印鑑登録証明書は1人ずつ発行します。")
        return
    if layout not in ShomeiLayout.values:
        raise ShomeiError("様式（世帯連記式・個人票）を選択してください。")
    for p in persons:
        if p.kubun != AtenaKubun.JUTOSHA:
            raise ShomeiError("住登外の方の住民票・除票は発行できません。")
        if kind == ShomeiKind.JUMINHYO and p.jotai != JuminJotai.JUMIN:
            raise ShomeiError("除票の方が含まれています。除票の写しで発行してください。")
        if kind == ShomeiKind.JOHYO and p.jotai == JuminJotai.JUMIN:
            raise ShomeiError("住民の方の除票はありません。住民票の写しで発行してください。")
    if layout == ShomeiLayout.RENKI and len({p.setai_id for p in persons}) != 1:
        raise ShomeiError("世帯連記式には同じ世帯の方だけを記載できます。")
    if opts.kojin_bango and seikyusha != Seikyusha.HONNIN:
        raise ShomeiError("個人番号は本人又は同一世帯の方からの請求に限り記載できます。")


def _head_names(persons: list[Atena]) -> dict[int, str]:
    setai_ids = {p.setai_id for p in persons if p.setai_id}
    heads = Atena.objects.filter(
        setai_id__in=setai_ids, zokugara=Zokugara.HONNIN, kubun=AtenaKubun.JUTOSHA
    ).filter(Q(jotai=JuminJotai.JUMIN) | Q(pk__in=[p.pk for p in persons]))
    out: dict[int, str] = {}
    for h in heads.order_by("jotai", "id"):
        if h.setai_id is not None:
            out.setdefault(h.setai_id, h.shimei)
    return out


def _sheets(persons: list[Atena], opts: SheetOptions, *, layout: str, johyo: bool) -> Any:
    heads = _head_names(persons)
    sheets: list[PersonSheet] = []
    for p in persons:
        head = heads.get(p.setai_id) if p.setai_id else None
        rows = person_rows(
            p,
            opts,
            with_address=layout == ShomeiLayout.KOJIN,
            head_name=head if head is not None else "",
            johyo=johyo,
        )
        history = (
            history_rows(history_of(p.pk, include_superseded=False), opts) if opts.rireki else []
        )
        sheets.append(PersonSheet(atena_id=p.pk, rows=rows, history=history))
    household = []
    if layout == ShomeiLayout.RENKI:
        first = persons[0]
        head = heads.get(first.setai_id) if first.setai_id else None
        household = household_rows(persons, opts, head if head is not None else "")
    return sheets, household


def _subtitle(kind: str, layout: str, persons: list[Atena], whole: bool) -> str:
    if kind == ShomeiKind.JOHYO:
        return "（除票）"
    if layout == ShomeiLayout.RENKI:
        return "（世帯全員）" if whole else "（世帯の一部）"
    return "（個人票）"


# --- the public services ------------------------------------------------------------


def shomei_precheck(
    *, kind: str, atena_ids: list[int] | None, setai_id: int | None, seikyusha: str
) -> Precheck:
    """Refusals and warnings without issuing anything (the screens ask to confirm)."""
    persons = _load_persons(atena_ids, setai_id, kind)
    return _check_access(persons, seikyusha, timezone.localdate())


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
) -> tuple[ShomeiKofu, bytes]:
    """Issue a certificate: returns the 交付履歴 row and the PDF (every copy in one file)."""
    today = timezone.localdate()
    if kind not in ShomeiKind.values:
        raise ShomeiError("証明書の種類が正しくありません。")
    opts = _options(items) if kind != ShomeiKind.INKAN else SheetOptions()
    if kind == ShomeiKind.INKAN:
        layout = ""
    persons = _load_persons(atena_ids, setai_id, kind)
    _validate(
        kind=kind, layout=layout, persons=persons, opts=opts, copies=copies, seikyusha=seikyusha
    )
    check = _check_access(persons, seikyusha, today)
    shokumei, shimei = ninshosha()
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
    }
    try:
        if kind == ShomeiKind.INKAN:
            template, inkan = "juminkiroku/forms/inkan.html", _inkan_of(persons[0])
            context["rows"] = inkan_rows(persons[0])
            context["inei_uri"] = "data:image/png;base64," + base64.b64encode(
                bytes(inkan.inei)
            ).decode("ascii")
            ninsho_text = NINSHO_INKAN
        else:
            sheets, household = _sheets(
                persons, opts, layout=layout, johyo=kind == ShomeiKind.JOHYO
            )
            context["persons"], context["household"] = sheets, household
            template = f"juminkiroku/forms/juminhyo_{layout}.html"
            ninsho_text = NINSHO_JOHYO if kind == ShomeiKind.JOHYO else NINSHO_JUMINHYO
    except TextTooLong as exc:
        raise ShomeiError(str(exc)) from exc
    context["ninsho"] = Ninsho(
        text=ninsho_text, date=wareki(today), shokumei=shokumei, shimei=shimei
    )
    # The number is drawn only now that every check passed; a sequence never rolls back,
    # so a failure below leaves a gap, which the standard allows.
    hakko_no = next_hakko_no(today)
    context["hakko_no"] = hakko_no
    rendered = render_pdf(template, context, copies=copies)
    printed_items: dict[str, Any] = opts.as_items() if kind != ShomeiKind.INKAN else {}
    if check.warnings:
        printed_items = {**printed_items, "warnings": check.warnings, "warning_codes": check.codes}
    setai = persons[0].setai_id if kind != ShomeiKind.INKAN else None
    atena_list = [p.pk for p in persons]
    with transaction.atomic(durable=True):
        kofu = ShomeiKofu.objects.create(
            hakko_no=hakko_no,
            kind=kind,
            layout=layout,
            atena_ids=atena_list,
            setai_id=setai if layout == ShomeiLayout.RENKI else None,
            items=printed_items,
            copies=copies,
            pages=rendered.pages,
            kojin_bango_printed=opts.kojin_bango,
            seikyusha=seikyusha,
            issued_by_id=actor.user_id,
            issued_by=actor.username or f"api:{actor.api_client}",
            terminal=actor.terminal,
        )
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=GYOMU_INKAN if kind == ShomeiKind.INKAN else GYOMU,
            screen=f"{TITLES[ShomeiKind(kind)]}発行",
            record_type="shomei_kofu",
            record_id=kofu.pk,
            mynumber_viewed=opts.kojin_bango,
            record_count=len(atena_list),
            detail={
                "pages": rendered.pages,
                "hakko_no": hakko_no,
                "kojin_bango_printed": opts.kojin_bango,
                "copies": copies,
                "atena_ids": atena_list,
            },
        )
    return kofu, rendered.pdf


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
