"""分離課税の土地・建物等の譲渡所得 (bunri joto): the 特別控除 and its limits.

A 申告 states, for 長期譲渡所得（一般） and 短期譲渡所得（一般） each, the 収入金額, the
取得費・譲渡費用, the kind of 特別控除 claimed (:class:`Tokurei`) and the amount claimed.
:func:`tokubetsu_kojo` caps each claim by its kind's limit and by the 譲渡所得 itself, and
the two together by the yearly limit (租税特別措置法第36条, 5,000万円), taking the 短期 first
(the order of 租税特別措置法施行令; 未確認, see the parameter's source). Every limit is a
parameter of the year (``zeimu.joto.tokubetsu_kojo``).

A loss within one 区分 is treated as none (租税特別措置法第31条第1項・第32条第1項: the
loss of 土地・建物等の譲渡 is not set off against other income), so a 譲渡所得 is never
negative here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["BunriKojo", "Tokurei", "tokubetsu_kojo", "tokurei_error"]


class Tokurei(StrEnum):
    """The kind of 特別控除 (the 申告's 「特例適用条文」)."""

    NASHI = ""
    SHUYO = "shuyo"
    TOKUTEI_TOCHI_KUKAKU = "tokutei_tochi_kukaku"
    TOKUTEI_JUTAKUCHI = "tokutei_jutakuchi"
    NOCHI_HOYU = "nochi_hoyu"
    KYOJUYO = "kyojuyo"
    TOKUTEI_KIKAN_TOCHI = "tokutei_kikan_tochi"

    @property
    def label(self) -> str:
        return TOKUREI_LABELS[self]


TOKUREI_LABELS: dict[Tokurei, str] = {
    Tokurei.NASHI: "なし",
    Tokurei.SHUYO: "収用等（措法33条の4）",
    Tokurei.TOKUTEI_TOCHI_KUKAKU: "特定土地区画整理事業等（措法34条）",
    Tokurei.TOKUTEI_JUTAKUCHI: "特定住宅地造成事業等（措法34条の2）",
    Tokurei.NOCHI_HOYU: "農地保有の合理化等（措法34条の3）",
    Tokurei.KYOJUYO: "居住用財産（措法35条）",
    Tokurei.TOKUTEI_KIKAN_TOCHI: "平成21・22年取得の土地等（措法35条の2）",
}


def tokurei_error(what: str, tokurei: str, claimed: int, shotoku: int) -> str | None:
    """A Japanese message when a 申告's 特別控除 cannot be taken as entered, else None.
    ``what``: 長期譲渡所得 / 短期譲渡所得."""
    try:
        kind = Tokurei(tokurei or "")
    except ValueError:
        names = "・".join(TOKUREI_LABELS[t] for t in Tokurei if t is not Tokurei.NASHI)
        return f"{what}の特別控除の種類は{names}のいずれかです。"
    if claimed and kind is Tokurei.NASHI:
        return f"{what}の特別控除額があるときは、特別控除の種類を選んでください。"
    if claimed and not shotoku:
        return f"{what}がないのに特別控除額が入力されています。"
    return None


@dataclass(slots=True)
class BunriKojo:
    """The 特別控除 allowed on each 区分 and why (explanation lines)."""

    choki: int
    tanki: int
    lines: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.choki + self.tanki


def _one(
    what: str, shotoku: int, tokurei: str, claimed: int, gendo: dict[str, int]
) -> tuple[int, str]:
    if not claimed or not shotoku:
        return 0, ""
    kind = Tokurei(tokurei)
    limit = gendo[kind.value]
    allowed = min(claimed, limit, shotoku)
    return allowed, (
        f"{what}の特別控除（{kind.label}）: 申告{claimed:,}円、限度{limit:,}円、"
        f"譲渡所得{shotoku:,}円のうち最も少ない{allowed:,}円"
    )


def tokubetsu_kojo(
    *,
    choki_shotoku: int,
    choki_tokurei: str,
    choki_claimed: int,
    tanki_shotoku: int,
    tanki_tokurei: str,
    tanki_claimed: int,
    gendo: dict[str, int],
    total_cap: int,
) -> BunriKojo:
    """The 特別控除 of each 区分: each claim capped by its kind's limit and by its
    譲渡所得, then the 短期 and the 長期 (in that order) by the yearly ``total_cap``."""
    tanki, t_line = _one("短期譲渡所得", tanki_shotoku, tanki_tokurei, tanki_claimed, gendo)
    choki, c_line = _one("長期譲渡所得", choki_shotoku, choki_tokurei, choki_claimed, gendo)
    lines = [x for x in (t_line, c_line) if x]
    if tanki > total_cap:
        tanki = total_cap
    if tanki + choki > total_cap:
        choki = total_cap - tanki
        lines.append(
            f"特別控除は年間{total_cap:,}円が限度（短期から先に控除）: "
            f"短期{tanki:,}円、長期{choki:,}円"
        )
    return BunriKojo(choki=choki, tanki=tanki, lines=tuple(lines))
