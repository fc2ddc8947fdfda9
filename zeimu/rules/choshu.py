"""徴収方法: how a year's tax is split between 普通徴収, 給与特別徴収 and 年金特別徴収,
and the 期別 of each.

Split (pure, from the assessment's figures):

- 所得割 is attributed to the kinds of income in proportion to their 所得 (給与所得 after
  所得金額調整控除, 公的年金等に係る雑所得, other income > 0), each part floored to 100円
  and the remainder given to the other-income part. This 按分 is the common practice of
  municipalities for 地方税法第321条の3第2項 and 第321条の7の2第1項 ("公的年金等に係る所得
  に係る所得割額"); the law does not fix the formula.
- 給与特別徴収 (第321条の3): when an employer pays a salary with 特別徴収, it collects the
  所得割 on 給与, the 均等割 and 森林環境税, and the 所得割 on other income unless the
  taxpayer asked in the 申告 for 普通徴収 of it (第321条の3第1項ただし書き); the 所得割 on
  公的年金等 too unless it goes to 年金特別徴収.
- 年金特別徴収 (第321条の7の2): a recipient aged 65 or more on 1 April whose payer
  reports 特別徴収: the 所得割 on 公的年金等, plus 均等割 and 森林環境税 when no employer
  collects them. In the first year (no 年金特別徴収 the year before) half of it is
  collected by 普通徴収 in the first two 期 and the other half from the October, December
  and February pensions (第321条の7の2第2項). From the second year, April, June and
  August take half of last year's 年金特別徴収 (仮徴収, 第321条の7の8), and October to
  February take the rest (本徴収). If the 仮徴収 exceeds this year's tax, 本徴収 is 0 and
  the excess is shown as 過誤納 to refund.
- Everything else is 普通徴収 (第319条・第320条).

The three amounts always sum to the year's tax. Installment units, months and due days
are parameters (zeimu/params/kojin_juminzei_choshu.yaml), read once per fiscal
year into a :class:`ChoshuCalendar`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from zeimu.rules.kibetsu import Ki, futsu_choshu, split_ki, tokubetsu_choshu

__all__ = ["Bunkatsu", "ChoshuCalendar", "choshu_bunkatsu", "kibetsu_json", "kibetsu_text"]

_KEY = "zeimu.kojin_juminzei."


@dataclass(frozen=True)
class ChoshuCalendar:
    """The fiscal year's 納期 and units (one lookup per year, not per person)."""

    fiscal_year: int
    futsu: tuple[Ki, ...]
    futsu_unit: int
    kyuyo: tuple[Ki, ...]
    kyuyo_unit: int
    nenkin_kari_months: tuple[int, ...]
    nenkin_hon_months: tuple[int, ...]
    nenkin_unit: int
    nenkin_age: int
    #: the 期別 JSON of each method with its amounts left open (:func:`kibetsu_text`):
    #: derived from the fields above, made once with the calendar
    templates: _KibetsuTemplates = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "templates", _KibetsuTemplates.of(self))

    @classmethod
    def build(cls, fiscal_year: int, lookup: Callable[[str, int], Any]) -> ChoshuCalendar:
        # The due dates do not depend on the amount: take them from a zero split.
        return cls(
            fiscal_year=fiscal_year,
            futsu=tuple(futsu_choshu(0, fiscal_year, lookup)),
            futsu_unit=int(lookup(_KEY + "futsu_choshu.hasu_tani", fiscal_year)),
            kyuyo=tuple(tokubetsu_choshu(0, fiscal_year, lookup)),
            kyuyo_unit=int(lookup(_KEY + "tokubetsu_choshu.hasu_tani", fiscal_year)),
            nenkin_kari_months=tuple(
                int(m) for m in lookup(_KEY + "nenkin_tokucho.karichoshu_months", fiscal_year)
            ),
            nenkin_hon_months=tuple(
                int(m) for m in lookup(_KEY + "nenkin_tokucho.honchoshu_months", fiscal_year)
            ),
            nenkin_unit=int(lookup(_KEY + "nenkin_tokucho.hasu_tani", fiscal_year)),
            nenkin_age=int(lookup(_KEY + "nenkin_tokucho.kaishi_nenrei", fiscal_year)),
        )


@dataclass(frozen=True)
class Bunkatsu:
    futsu: int
    kyuyo: int
    nenkin: int
    #: of ``futsu``: the first-year half of 年金特別徴収, due in the first two 期
    nenkin_shonendo_futsu: int = 0
    #: 年金特別徴収: 仮徴収 (April, June, August) and 本徴収 (October–February)
    nenkin_kari: tuple[int, ...] = ()
    nenkin_hon: tuple[int, ...] = ()
    #: 仮徴収 beyond this year's 年金特別徴収 (to refund)
    nenkin_kagonou: int = 0
    #: 所得割 attributed to each kind of income (for the explanation)
    shotokuwari_kyuyo: int = 0
    shotokuwari_nenkin: int = 0
    shotokuwari_sonota: int = 0

    @property
    def total(self) -> int:
        return self.futsu + self.kyuyo + self.nenkin


def choshu_bunkatsu(
    *,
    shotokuwari: int,
    kintowari: int,
    kyuyo_shotoku: int,
    nenkin_shotoku: int,
    sonota_shotoku: int,
    kyuyo_tokucho: bool,
    nenkin_tokucho: bool,
    futsu_kibo: bool,
    nenkin_prev: int | None,
    calendar: ChoshuCalendar,
) -> Bunkatsu:
    """Split a year's tax (``shotokuwari`` 所得割 of 市+県, ``kintowari`` 均等割 of 市+県
    plus 森林環境税) between the collection methods.

    ``nenkin_tokucho``: the person qualifies for 年金特別徴収 (age and the payer's report);
    ``nenkin_prev``: last year's 年金特別徴収 amount, or None if there was none."""
    unit = calendar.nenkin_unit  # 100円 (the parts of 所得割 are in the same unit)
    parts = [max(kyuyo_shotoku, 0), max(nenkin_shotoku, 0), max(sonota_shotoku, 0)]
    base = sum(parts)
    if base > 0 and shotokuwari > 0:
        w_kyuyo = shotokuwari * parts[0] // base // unit * unit
        w_nenkin = shotokuwari * parts[1] // base // unit * unit
    else:
        w_kyuyo = w_nenkin = 0
    w_sonota = shotokuwari - w_kyuyo - w_nenkin
    nenkin_toku = nenkin_tokucho and parts[1] > 0
    kyuyo = nenkin = 0
    if kyuyo_tokucho:
        kyuyo = w_kyuyo + kintowari + (0 if futsu_kibo else w_sonota)
        if nenkin_toku:
            nenkin = w_nenkin
        else:
            kyuyo += w_nenkin
    elif nenkin_toku:
        nenkin = w_nenkin + kintowari
    total = shotokuwari + kintowari
    shonendo_futsu = 0
    kari: tuple[int, ...] = ()
    hon: tuple[int, ...] = ()
    kagonou = 0
    if nenkin > 0:
        if not nenkin_prev:
            # First year: half by 普通徴収 (第1・2期), half from Oct/Dec/Feb pensions.
            hon_total = nenkin // 2 // unit * unit
            shonendo_futsu = nenkin - hon_total
            nenkin = hon_total
            hon = tuple(split_ki(hon_total, len(calendar.nenkin_hon_months), unit))
        else:
            kari_total = nenkin_prev // 2 // unit * unit
            kari = tuple(split_ki(kari_total, len(calendar.nenkin_kari_months), unit))
            rest = nenkin - kari_total
            if rest < 0:
                # The 仮徴収 already exceeds this year's 年金特別徴収: no 本徴収; refund.
                kagonou = -rest
                hon = tuple(0 for _ in calendar.nenkin_hon_months)
            else:
                hon = tuple(split_ki(rest, len(calendar.nenkin_hon_months), unit))
    futsu = total - kyuyo - nenkin
    return Bunkatsu(
        futsu=futsu,
        kyuyo=kyuyo,
        nenkin=nenkin,
        nenkin_shonendo_futsu=shonendo_futsu,
        nenkin_kari=kari,
        nenkin_hon=hon,
        nenkin_kagonou=kagonou,
        shotokuwari_kyuyo=w_kyuyo,
        shotokuwari_nenkin=w_nenkin,
        shotokuwari_sonota=w_sonota,
    )


def _ki(
    label: str,
    amount: int,
    due: date | None,
    *,
    nominal: str | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    # The keys in jsonb's order (shorter first, then bytewise): ``Fuka.kibetsu`` is JSON
    # text since zeimu 0031 and reads back in the order written, the order it had as jsonb.
    out: dict[str, Any] = {"due": due.isoformat() if due else None}
    if kind is not None:
        out["kind"] = kind
        out["year"] = year
    out["label"] = label
    out["amount"] = amount
    if nominal is not None:
        out["nominal"] = nominal
    return out


def _nenkin_items(cal: ChoshuCalendar, kari: tuple[int, ...], hon: tuple[int, ...]) -> list[Any]:
    """年金特別徴収's 期別: the 仮徴収 months (none in the first year), then the 本徴収."""
    fy = cal.fiscal_year
    months = zip(cal.nenkin_kari_months, kari, strict=True) if kari else []
    items = [
        _ki(f"{m}月", a, None, kind="仮徴収", year=fy if m >= 4 else fy + 1) for m, a in months
    ]
    items += [
        _ki(f"{m}月", a, None, kind="本徴収", year=fy if m >= 4 else fy + 1)
        for m, a in zip(cal.nenkin_hon_months, hon, strict=True)
    ]
    return items


def kibetsu_json(b: Bunkatsu, cal: ChoshuCalendar) -> dict[str, Any]:
    """The 期別 of each method as stored on the assessment (``Fuka.kibetsu``)."""
    out: dict[str, Any] = {}
    if b.futsu > 0:
        regular = b.futsu - b.nenkin_shonendo_futsu
        amounts = split_ki(regular, len(cal.futsu), cal.futsu_unit)
        if b.nenkin_shonendo_futsu:
            first_two = split_ki(b.nenkin_shonendo_futsu, 2, cal.nenkin_unit)
            amounts[0] += first_two[0]
            amounts[1] += first_two[1]
        out["futsu"] = [
            _ki(k.label, a, k.due, nominal=k.due_nominal.isoformat())
            for k, a in zip(cal.futsu, amounts, strict=True)
        ]
    if b.kyuyo > 0:
        amounts = split_ki(b.kyuyo, len(cal.kyuyo), cal.kyuyo_unit)
        out["kyuyo"] = [_ki(k.label, a, k.due) for k, a in zip(cal.kyuyo, amounts, strict=True)]
    if b.nenkin_kari or b.nenkin_hon:
        out["nenkin"] = _nenkin_items(cal, b.nenkin_kari, b.nenkin_hon)
        if b.nenkin_kagonou:
            out["nenkin_kagonou"] = b.nenkin_kagonou
    return out


#: an amount no 期 has: marks where the amounts go when the templates are made
_OPEN = -7_319_046_285_173


def _template(key: str, items: list[dict[str, Any]]) -> str:
    """``"key":[item, …]`` as :func:`kibetsu_json`'s JSON text (orjson, as
    ``tenants.fields.json_text`` writes it) with each amount a ``%d``."""
    text = orjson.dumps({key: items}).decode()[1:-1]
    return text.replace("%", "%%").replace(str(_OPEN), "%d")


@dataclass(frozen=True)
class _KibetsuTemplates:
    """The JSON text of each method's 期別 for a calendar, amounts open (``%d``): the 期's
    labels and due dates are the same for everyone of the fiscal year."""

    futsu: str
    kyuyo: str
    #: 年金特別徴収 of the first year (本徴収 alone), and from the second (仮徴収 too)
    nenkin_hon: str
    nenkin_kari_hon: str
    nenkin_kagonou: str

    @classmethod
    def of(cls, cal: ChoshuCalendar) -> _KibetsuTemplates:
        kari = tuple(_OPEN for _ in cal.nenkin_kari_months)
        hon = tuple(_OPEN for _ in cal.nenkin_hon_months)
        return cls(
            futsu=_template(
                "futsu",
                [_ki(k.label, _OPEN, k.due, nominal=k.due_nominal.isoformat()) for k in cal.futsu],
            ),
            kyuyo=_template("kyuyo", [_ki(k.label, _OPEN, k.due) for k in cal.kyuyo]),
            nenkin_hon=_template("nenkin", _nenkin_items(cal, (), hon)),
            nenkin_kari_hon=_template("nenkin", _nenkin_items(cal, kari, hon)),
            nenkin_kagonou=orjson.dumps({"nenkin_kagonou": _OPEN})
            .decode()[1:-1]
            .replace(str(_OPEN), "%d"),
        )


def kibetsu_text(b: Bunkatsu, cal: ChoshuCalendar) -> str:
    """``json_text(kibetsu_json(b, cal))`` — the same text, character for character
    (tested) — from the calendar's templates: only the amounts are written per person
    (the 当初賦課 writes one for every resident; issue 23)."""
    t = cal.templates
    parts = []
    if b.futsu > 0:
        amounts = split_ki(b.futsu - b.nenkin_shonendo_futsu, len(cal.futsu), cal.futsu_unit)
        if b.nenkin_shonendo_futsu:
            first_two = split_ki(b.nenkin_shonendo_futsu, 2, cal.nenkin_unit)
            amounts[0] += first_two[0]
            amounts[1] += first_two[1]
        parts.append(t.futsu % tuple(amounts))
    if b.kyuyo > 0:
        parts.append(t.kyuyo % tuple(split_ki(b.kyuyo, len(cal.kyuyo), cal.kyuyo_unit)))
    if b.nenkin_kari or b.nenkin_hon:
        kari, hon = b.nenkin_kari, b.nenkin_hon
        if len(hon) != len(cal.nenkin_hon_months) or (
            kari and len(kari) != len(cal.nenkin_kari_months)
        ):  # (not a split choshu_bunkatsu makes: kibetsu_json says what is wrong)
            return orjson.dumps(kibetsu_json(b, cal)).decode()
        parts.append((t.nenkin_kari_hon if kari else t.nenkin_hon) % (*kari, *hon))
        if b.nenkin_kagonou:
            parts.append(t.nenkin_kagonou % b.nenkin_kagonou)
    return "{" + ",".join(parts) + "}"
