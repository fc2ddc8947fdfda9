"""高額障害福祉サービス等給付費 (障害者総合支援法第76条の2; 施行令第43条の5, 本文未確認): a
世帯's 利用者負担 of one month, summed (合算) over the 障害福祉サービス, the 障害児通所支援 and the
補装具費 of its members, less the 世帯の基準額, is refunded. Pure: the 基準額 arrives as an
argument (``fukushi.kogaku.kijungaku``, per 年度, fukushi/params/kogaku.yaml).

The rules as the municipal guides read state them (向日市, 春日部市, 由布市; cited in the yaml):

1. every 利用者負担額 of the month is summed, each after its own 上限 (the 上限額管理's
   result for a 事業所's figure) — the caller brings it so;
2. a 補装具費 counts only when the same person also has a 障害福祉サービス or 障害児支援 負担
   in that month (向日市 注釈2); otherwise it is shown as left out, with the reason;
3. 支給額 = 合算額 − 基準額 when positive, else 0 (nothing to refund).

Not here (未確認, see docs/standard/shogaisha_fukushi.md SG-87): 介護保険's 利用者負担 (kaigo's
public face offers none), the 基準額 of 非課税・生活保護 households and of households of
障害児 only, and the 按分 of the 支給額 among the 支給決定者 of the 世帯.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HOSOGU", "KUBUN_LABELS", "SERVICE", "TSUSHO", "Futan", "Kogaku", "kogaku_santei"]

SERVICE, TSUSHO, HOSOGU = "service", "tsusho", "hosogu"
KUBUN_LABELS = {SERVICE: "障害福祉サービス", TSUSHO: "障害児通所支援", HOSOGU: "補装具費"}


@dataclass(frozen=True)
class Futan:
    """One 利用者負担 of the month: whose, of what, how much, and where it comes from."""

    atena_id: int
    kubun: str
    gaku: int
    label: str


@dataclass(frozen=True)
class Kogaku:
    gassan: int
    kijungaku: int
    shikyu: int
    taisho: tuple[Futan, ...]
    jogai: tuple[tuple[Futan, str], ...]
    riyu: tuple[str, ...]


def kogaku_santei(*, kijungaku: int, rows: list[Futan]) -> Kogaku:
    """The month's 合算 of a 世帯 (see the module); every step in words in ``riyu``."""
    if kijungaku < 0 or any(r.gaku < 0 or r.kubun not in KUBUN_LABELS for r in rows):
        raise ValueError(
            "基準額・利用者負担額は0円以上、区分は障害福祉サービス・障害児通所支援・補装具費"
        )
    heiyo = {r.atena_id for r in rows if r.kubun in (SERVICE, TSUSHO) and r.gaku > 0}
    taisho: list[Futan] = []
    jogai: list[tuple[Futan, str]] = []
    riyu: list[str] = []
    for r in rows:
        if r.kubun == HOSOGU and r.atena_id not in heiyo:
            why = "同じ人がその月に障害福祉サービス・障害児支援を利用していないため合算しない"
            jogai.append((r, why))
            riyu.append(f"{r.label} {r.gaku:,}円: {why}")
            continue
        taisho.append(r)
        riyu.append(f"{r.label} {r.gaku:,}円")
    gassan = sum(r.gaku for r in taisho)
    shikyu = max(gassan - kijungaku, 0)
    riyu.append(f"合算額 {gassan:,}円")
    riyu.append(f"世帯の基準額 {kijungaku:,}円")
    if shikyu:
        riyu.append(f"支給額 = 合算額 {gassan:,}円 − 基準額 {kijungaku:,}円 = {shikyu:,}円")
    else:
        riyu.append("合算額が基準額以下のため支給額は0円")
    return Kogaku(gassan, kijungaku, shikyu, tuple(taisho), tuple(jogai), tuple(riyu))
