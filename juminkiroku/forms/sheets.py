"""The sheets of a 住民票の写し / 除票の写し / 記載事項証明書 for a list of persons, and the
文字溢れ settlement (標準仕様書 5.8): an item too long for its box prints to the limit or
blank, and its whole value goes on a 別紙 before the 認証文 (5.1)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Q

from juminkiroku.codes import AtenaKubun, JuminJotai, MojiAfure, ShomeiKind, ShomeiLayout, Zokugara
from juminkiroku.forms.shomei import (
    PersonSheet,
    Row,
    SheetOptions,
    _row,
    cut_to_box,
    history_rows,
    household_rows,
    kisai_rows,
    person_rows,
)
from juminkiroku.models import Atena, JijitsujoSetainushi
from juminkiroku.selectors.asof import history_of

KISAI_KINDS = (ShomeiKind.KISAI, ShomeiKind.JOHYO_KISAI)


def head_names(persons: list[Atena]) -> dict[int, str]:
    setai_ids = {p.setai_id for p in persons if p.setai_id}
    heads = Atena.objects.filter(
        setai_id__in=setai_ids, zokugara=Zokugara.HONNIN, kubun=AtenaKubun.JUTOSHA
    ).filter(Q(jotai=JuminJotai.JUMIN) | Q(pk__in=[p.pk for p in persons]))
    out: dict[int, str] = {}
    for h in heads.order_by("jotai", "id"):
        if h.setai_id is not None:
            out.setdefault(h.setai_id, h.shimei)
    return out


def build_sheets(
    persons: list[Atena],
    opts: SheetOptions,
    *,
    kind: str,
    layout: str,
    kisai: list[str],
    katagaki: bool,
) -> tuple[list[PersonSheet], list[Row]]:
    heads = head_names(persons)
    sheets: list[PersonSheet] = []
    for p in persons:
        head = heads.get(p.setai_id) if p.setai_id else None
        # A 除票 moved to the 除票用データベース (selectors.johyo) carries its own versions
        # and the 世帯主 of its household as they were at the move.
        archived = getattr(p, "archived", None)
        if archived is not None:
            head = archived.head_name or None
        if kind in KISAI_KINDS:
            rows = kisai_rows(p, kisai, opts, head_name=head or "", katagaki=katagaki)
            sheets.append(PersonSheet(atena_id=p.pk, rows=rows))
            continue
        rows = person_rows(
            p,
            opts,
            with_address=layout == ShomeiLayout.KOJIN,
            head_name=head if head is not None else "",
            johyo=kind == ShomeiKind.JOHYO,
        )
        versions = archived.standing() if archived is not None else None
        history = (
            history_rows(
                versions if versions is not None else history_of(p.pk, include_superseded=False),
                opts,
            )
            if opts.rireki
            else []
        )
        sheets.append(PersonSheet(atena_id=p.pk, rows=rows, history=history))
    household: list[Row] = []
    if layout == ShomeiLayout.RENKI and kind not in KISAI_KINDS:
        first = persons[0]
        head = heads.get(first.setai_id) if first.setai_id else None
        household = household_rows(persons, opts, head if head is not None else "")
        if opts.setainushi and first.setai_id is not None:
            household.extend(jijitsujo_rows(first.setai_id))
    return sheets, household


def jijitsujo_rows(setai_id: int) -> list[Row]:
    """標準仕様書 4.1.4.3: the 事実上の世帯主 in the 備考 (C類型) of the household block,
    printed with the 世帯主 item (juminkiroku.models.jijitsujo)."""
    record = JijitsujoSetainushi.objects.filter(setai_id=setai_id).first()
    if record is None:
        return []
    return [_row("備考", f"事実上の世帯主　{record.shimei}", "address")]


@dataclass(frozen=True)
class Afure:
    """One item that did not fit (5.8): who (the person's number on the form), what."""

    person_no: int
    label: str
    value: str


def settle_overflow(sheets: list[PersonSheet], household: list[Row], mode: str) -> list[Afure]:
    """Print each overflowing item to the limit or blank (5.8) and return the full values
    for the 別紙. Changes ``sheets`` and ``household`` in place."""
    blank = mode == MojiAfure.KUHAKU
    found: list[Afure] = []

    def fix(rows: list[Row], no: int) -> None:
        for i, r in enumerate(rows):
            if r.overflow:
                found.append(Afure(no, r.label, r.value))
                rows[i] = replace(r, value="" if blank else cut_to_box(r.value, r.box))

    fix(household, 0)
    for no, sheet in enumerate(sheets, start=1):
        fix(sheet.rows, no)
        for i, h in enumerate(sheet.history):
            if not h.overflow:
                continue
            new = h
            if "氏名（履歴）" in h.overflow:
                found.append(Afure(no, "氏名（履歴）", h.shimei))
                new = replace(new, shimei="" if blank else cut_to_box(h.shimei, "h_name"))
            if "住所（履歴）" in h.overflow:
                found.append(Afure(no, "住所（履歴）", h.address))
                new = replace(new, address="" if blank else cut_to_box(h.address, "h_address"))
            sheet.history[i] = new
    return found


def is_unregistered_gaiji(ch: str) -> bool:
    """A private-use code point: a town's own 外字 not mapped to 文字情報基盤 (MJ), which
    no certificate font has (5.8: アラート)."""
    cp = ord(ch)
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFD


def gaiji_labels(sheets: list[PersonSheet], household: list[Row]) -> list[str]:
    """The labels of the items holding an unregistered 外字, for the clerk's alert."""
    labels: set[str] = set()
    for r in [*household, *(r for s in sheets for r in s.rows)]:
        if any(is_unregistered_gaiji(c) for c in r.value):
            labels.add(r.label)
    for s in sheets:
        for h in s.history:
            if any(is_unregistered_gaiji(c) for c in h.shimei):
                labels.add("氏名（履歴）")
            if any(is_unregistered_gaiji(c) for c in h.address):
                labels.add("住所（履歴）")
    return sorted(labels)
