"""自立支援給付 (障害者総合支援法): the 利用者負担 区分 and 上限月額, the 補装具費 and 日常生活用具
負担額, 障害支援区分 and 支給量 checks. Pure functions: the figures arrive as arguments (the
services read zeimu's public face and fukushi's own 生活保護 records), the law's values as the
year's parameters (fukushi/params/jiritsu.yaml).

世帯 for the 区分 of a person of 18 or more: 本人 and 配偶者 (the parameters file cites where this
was read). 障害児 are not handled here (see docs/standard/shogaisha_fukushi.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "KUBUN_LABELS",
    "Futan",
    "Setaiin",
    "futan_kubun",
    "hosogu_futan",
    "kyufu_gaku",
    "parse_yogu",
    "shien_kubun_errors",
    "shikyu_ryo_errors",
]

SEIHO = "seiho"
TEISHOTOKU = "teishotoku"
IPPAN1 = "ippan1"
IPPAN2 = "ippan2"
IPPAN = "ippan"  # 補装具: one 一般
TAISHOGAI = "taishogai"  # 補装具: 所得割 46万円以上の者がいる

KUBUN_LABELS = {
    SEIHO: "生活保護",
    TEISHOTOKU: "低所得（市町村民税非課税世帯）",
    IPPAN1: "一般1（市町村民税課税世帯・所得割16万円未満）",
    IPPAN2: "一般2",
    IPPAN: "一般（市町村民税課税世帯）",
    TAISHOGAI: "支給対象外（所得割46万円以上の世帯員がいる）",
}

#: 障害支援区分 (法第4条第4項, 障害支援区分に係る市町村審査会による審査及び判定の基準等に関する省令)
SHIEN_KUBUN = {"0": "非該当", "1": "区分1", "2": "区分2", "3": "区分3", "4": "区分4",
               "5": "区分5", "6": "区分6"}  # fmt: skip


@dataclass(frozen=True)
class Setaiin:
    """One member of the 世帯 as the 判定 read them: who (本人/配偶者), their 課税状況 and
    市町村民税 所得割 (円) of the fiscal year; ``kazei`` None when no assessment was found."""

    zokugara: str
    kazei: bool | None
    shotokuwari: int


@dataclass(frozen=True)
class Futan:
    kubun: str
    jogen: int | None  # None: 補装具 not paid (対象外)
    riyu: tuple[str, ...]  # every figure used, in words

    @property
    def label(self) -> str:
        return KUBUN_LABELS[self.kubun]


def _unknown(members: list[Setaiin]) -> list[str]:
    return [m.zokugara for m in members if m.kazei is None]


def futan_kubun(
    *,
    hihogo: bool,
    members: list[Setaiin],
    nyusho: bool,
    jogen: dict[str, int],
    ippan1_miman: int,
) -> Futan:
    """障害福祉サービスの 負担上限月額 (施行令第17条). ``nyusho``: 20歳以上の入所施設利用者 or
    グループホーム利用者 (課税世帯 then is 一般2 whatever the 所得割). Raises ValueError when a
    member's assessment is missing (an unknown income is not 非課税)."""
    if hihogo:
        return Futan(SEIHO, int(jogen[SEIHO]), ("本人は生活保護の被保護者",))
    missing = _unknown(members)
    if missing:
        raise ValueError(f"{'・'.join(missing)}の市町村民税の課税状況がありません。")
    riyu = [
        f"{m.zokugara}: {'課税' if m.kazei else '非課税'}（市町村民税所得割 {m.shotokuwari:,}円）"
        for m in members
    ]
    if not any(m.kazei for m in members):
        return Futan(TEISHOTOKU, int(jogen[TEISHOTOKU]), (*riyu, "世帯全員が市町村民税非課税"))
    total = sum(m.shotokuwari for m in members)
    riyu.append(f"所得割の合計 {total:,}円（一般1 は {ippan1_miman:,}円未満）")
    if nyusho:
        riyu.append("入所施設・グループホームの利用者（課税世帯は一般2）")
        return Futan(IPPAN2, int(jogen[IPPAN2]), tuple(riyu))
    if total < ippan1_miman:
        return Futan(IPPAN1, int(jogen[IPPAN1]), tuple(riyu))
    return Futan(IPPAN2, int(jogen[IPPAN2]), tuple(riyu))


def hosogu_futan(
    *, hihogo: bool, members: list[Setaiin], jogen: dict[str, int], taishogai_ijo: int
) -> Futan:
    """補装具費の 負担上限月額: 生活保護・低所得 0円, 一般 37,200円; when the largest 所得割 of
    本人 or a 世帯員 is ``taishogai_ijo`` or more, no 補装具費 (``jogen`` None)."""
    if hihogo:
        return Futan(SEIHO, int(jogen[SEIHO]), ("本人は生活保護の被保護者",))
    missing = _unknown(members)
    if missing:
        raise ValueError(f"{'・'.join(missing)}の市町村民税の課税状況がありません。")
    riyu = [
        f"{m.zokugara}: {'課税' if m.kazei else '非課税'}（市町村民税所得割 {m.shotokuwari:,}円）"
        for m in members
    ]
    if not any(m.kazei for m in members):
        return Futan(TEISHOTOKU, int(jogen[TEISHOTOKU]), (*riyu, "世帯全員が市町村民税非課税"))
    saita = max(m.shotokuwari for m in members)
    riyu.append(f"所得割の最多納税者の額 {saita:,}円（{taishogai_ijo:,}円以上は対象外）")
    if saita >= taishogai_ijo:
        return Futan(TAISHOGAI, None, tuple(riyu))
    return Futan(IPPAN, int(jogen[IPPAN]), tuple(riyu))


def kyufu_gaku(*, kijun_gaku: int, kakaku: int, jogen: int) -> tuple[int, int, int]:
    """(費用の額, 利用者負担額, 給付額): the cost counted is the price up to the 基準額 (what is
    over it the person pays besides); the 負担 is 1割 of it (円未満切捨て) up to the 上限月額."""
    if kijun_gaku < 0 or kakaku <= 0 or jogen < 0:
        raise ValueError("金額が正しくありません。")
    hiyo = min(kijun_gaku, kakaku)
    futan = min(hiyo // 10, jogen)
    return hiyo, futan, hiyo - futan


_SEP = re.compile(r"[、,，\n]")


def parse_yogu(text: str) -> dict[str, int]:
    """The town's 日常生活用具 list ``品目=基準額、…`` → 品目 → 基準額 (円). ValueError on a
    malformed entry."""
    out: dict[str, int] = {}
    for part in _SEP.split(text or ""):
        part = part.strip()
        if not part:
            continue
        name, eq, amount = part.partition("=")
        if not eq or not name.strip() or not amount.strip().isdigit():
            raise ValueError(f"日常生活用具の品目「{part}」は「品目=基準額」の形ではありません。")
        out[name.strip()] = int(amount.strip())
    return out


def shien_kubun_errors(kubun: str, kaishi: date, shuryo: date) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if kubun not in SHIEN_KUBUN:
        errors.append(("kubun", "障害支援区分は非該当または区分1〜6から選んでください。"))
    if shuryo < kaishi:
        errors.append(("yuko_shuryo", "有効期間の終了日が開始日より前です。"))
    return errors


def shikyu_ryo_errors(
    services: dict[str, int], known: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """支給量 per service: a known kind, 1 or more, at most the days of a month (日/月) or the
    hours of a month (時間/月)."""
    errors: list[tuple[str, str]] = []
    if not services:
        errors.append(("services", "支給するサービスを一つ以上入力してください。"))
    for code, ryo in services.items():
        spec = known.get(code)
        if spec is None:
            errors.append(("services", f"サービスの種類「{code}」はありません。"))
            continue
        limit = 31 if spec.get("tani") == "nichi" else 744
        if not 1 <= ryo <= limit:
            errors.append(
                ("services", f"{spec['name']}の支給量は1から{limit}までで入力してください。")
            )
    return errors
