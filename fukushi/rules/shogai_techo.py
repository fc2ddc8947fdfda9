"""障害者手帳 and 心身障害者医療: the checks of a 手帳's 等級/程度 and dates, the 精神 手帳's
有効期限, and whether a person's 手帳 make them a 心身障害者医療 受給者 under the town's
criteria. Pure; every figure comes in as an argument (fukushi/params/shogai_techo.yaml).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ICHIBU",
    "KIND_LABELS",
    "SEISHIN_TOKYU",
    "SHINTAI_TOKYU",
    "ZENGAKU",
    "ShinshinKijun",
    "ShinshinResult",
    "TechoFact",
    "parse_teido",
    "shinshin_hantei",
    "shinshin_shokan_gaku",
    "techo_errors",
    "yuko_kigen",
]

SHINTAI = "shintai"
RYOIKU = "ryoiku"
SEISHIN = "seishin"
KIND_LABELS = {
    SHINTAI: "身体障害者手帳",
    RYOIKU: "療育手帳",
    SEISHIN: "精神障害者保健福祉手帳",
}
#: 身体障害者福祉法施行規則別表第5号: 1〜7級; a 手帳 is issued for 1〜6級 (7級 alone: none)
SHINTAI_TOKYU = (1, 6)
#: 精神保健及び精神障害者福祉に関する法律施行令第6条第3項: 1〜3級
SEISHIN_TOKYU = (1, 3)


def parse_teido(text: str) -> list[str]:
    """The 程度 codes of a town's text parameter ("A1,A2,B1,B2"), heaviest first."""
    return [p.strip() for p in text.replace("、", ",").split(",") if p.strip()]


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 2月29日
        return date(d.year + years, 3, 1)


def yuko_kigen(start: date, years: int) -> date:
    """The 有効期限 of a 精神 手帳 counted from ``start`` (the 交付日, or the day after the
    previous 有効期限 on renewal): the last day of the month in which ``years`` years end
    (e.g. 交付 令和6年4月15日 → 令和8年4月30日)."""
    return _month_end(_add_years(start, years))


def techo_errors(
    *,
    kind: str,
    tokyu: str,
    bui: Sequence[str],
    kofu_date: date,
    yuko_kigen_date: date | None,
    bui_codes: Sequence[str],
    ryoiku_teido: Sequence[str],
) -> list[tuple[str, str]]:
    """(field, Japanese message) for each thing wrong with a 手帳's facts; [] when right."""
    errors: list[tuple[str, str]] = []
    if kind not in KIND_LABELS:
        return [("kind", "手帳の種類を選んでください。")]
    if kind in (SHINTAI, SEISHIN):
        lo, hi = SHINTAI_TOKYU if kind == SHINTAI else SEISHIN_TOKYU
        if not tokyu.isdigit() or not lo <= int(tokyu) <= hi:
            errors.append(("tokyu", f"{KIND_LABELS[kind]}の等級は{lo}級から{hi}級です。"))
    elif tokyu not in ryoiku_teido:
        errors.append(
            (
                "tokyu",
                f"療育手帳の程度は {'・'.join(ryoiku_teido) or '（未設定）'} のいずれかです。",
            )
        )
    if kind == SHINTAI:
        if not bui:
            errors.append(("bui", "身体障害者手帳の障害の部位を一つ以上選んでください。"))
        elif any(b not in bui_codes for b in bui):
            errors.append(("bui", "障害の部位に登録されていないものがあります。"))
    elif bui:
        errors.append(("bui", "障害の部位は身体障害者手帳だけに記録します。"))
    if kind == SEISHIN:
        if yuko_kigen_date is None:
            errors.append(("yuko_kigen", "精神障害者保健福祉手帳には有効期限が必要です。"))
        elif yuko_kigen_date < kofu_date:
            errors.append(("yuko_kigen", "有効期限が交付日より前になっています。"))
    elif yuko_kigen_date is not None:
        errors.append(("yuko_kigen", "有効期限は精神障害者保健福祉手帳だけに記録します。"))
    return errors


@dataclass(frozen=True)
class TechoFact:
    """One valid 手帳 of the person on the day asked about."""

    kind: str
    tokyu: str


@dataclass(frozen=True)
class ShinshinKijun:
    """The town's criteria (its 条例): 0 / empty means the kind does not qualify."""

    shintai_tokyu: int
    ryoiku_teido: tuple[str, ...]
    seishin_tokyu: int
    shinki_nenrei_seigen: int
    shotoku_seigen: int


@dataclass(frozen=True)
class ShinshinResult:
    ok: bool
    konkyo: TechoFact | None
    reasons: tuple[str, ...]


def _qualifies(f: TechoFact, k: ShinshinKijun) -> bool:
    if f.kind == SHINTAI:
        return f.tokyu.isdigit() and 1 <= int(f.tokyu) <= k.shintai_tokyu
    if f.kind == SEISHIN:
        return f.tokyu.isdigit() and 1 <= int(f.tokyu) <= k.seishin_tokyu
    return f.tokyu in k.ryoiku_teido


def shinshin_hantei(
    *,
    techo: Sequence[TechoFact],
    kijun: ShinshinKijun,
    age: int,
    shinki: bool,
    gokei_shotoku: int | None,
) -> ShinshinResult:
    """Whether the person qualifies: a 手帳 meeting the town's 等級/程度, the age limit for a
    new applicant (``shinki``: not renewing), the income limit on 本人's 合計所得金額
    (``None``: no assessment found)."""
    reasons: list[str] = []
    meeting = [f for f in techo if _qualifies(f, kijun)]
    if not techo:
        reasons.append("有効な障害者手帳がありません。")
    elif not meeting:
        reasons.append("手帳の等級・程度がこの町の対象（条例）に当たりません。")
    if shinki and kijun.shinki_nenrei_seigen and age >= kijun.shinki_nenrei_seigen:
        reasons.append(
            f"{kijun.shinki_nenrei_seigen}歳以上で新たに申請する方は対象になりません（条例）。"
        )
    if kijun.shotoku_seigen:
        if gokei_shotoku is None:
            reasons.append("本人の所得の資料（住民税の賦課）がありません。")
        elif gokei_shotoku > kijun.shotoku_seigen:
            reasons.append(
                f"本人の合計所得金額 {gokei_shotoku:,}円が所得制限 {kijun.shotoku_seigen:,}円を"
                "超えています。"
            )
    # the heaviest qualifying 手帳 is the 根拠 (身体 before 療育 before 精神 when equal)
    konkyo = meeting[0] if meeting else None
    return ShinshinResult(not reasons, konkyo, tuple(reasons))


#: the town's 償還 rule (``fukushi.shinshin.shokan_hoshiki``)
ZENGAKU = "zengaku"
ICHIBU = "ichibu"


def shinshin_shokan_gaku(
    *, jiko_futan: int, hoshiki: str, ichibu_futan: int, sude_ni: int
) -> tuple[int, int]:
    """(一部負担金 taken from this claim, the refund) of one 償還 claim.

    ``zengaku``: the whole 保険診療の自己負担 is refunded. ``ichibu``: the 受給者 bears the
    town's 一部負担金 once per 月 per 医療機関; ``sude_ni`` is what earlier claims of the same
    月 and 医療機関 have already borne, so a second receipt bears only the rest.
    """
    if hoshiki == ZENGAKU:
        return 0, jiko_futan
    if hoshiki != ICHIBU:
        raise ValueError(hoshiki)
    bears = min(jiko_futan, max(0, ichibu_futan - sude_ni))
    return bears, jiko_futan - bears
