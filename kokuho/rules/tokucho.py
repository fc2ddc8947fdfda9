"""国民健康保険税の特別徴収（年金からの天引き）: who qualifies and how the 年税額 splits into
仮徴収 and 本徴収 (地方税法第706条の2・第706条の3、施行令第56条の89の2; the article numbers
are the ones municipal pages cite, not checked against e-Gov). Pure: the values come from
``kokuho/params/fuka.yaml`` (``kokuho.fuka.tokucho.*``) through :class:`TokuchoParameters`.

The 介護保険料 the 1/2 test needs, and whether it is itself collected from the pension, are
介護保険's figures: an input here, which kokuho.services.tokucho takes from kaigo's 賦課
(through ``tenants.nenkin_tokucho.hokenryo_lookup``: kokuho may not import kaigo) or, where
kaigo has none, from the clerk. So is the 年金額 (from the imported 特別徴収対象者の通知,
kokuho.services.tokucho_taisho, or typed where it has no line)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kokuho.rules.shikaku import birthday_at


@dataclass(frozen=True)
class TokuchoParameters:
    nenrei_from: int
    nenrei_to: int
    nenkin_min: int
    futan_ritsu: int  # percent
    kari_months: tuple[int, ...]
    hon_months: tuple[int, ...]

    @classmethod
    def load(cls, fiscal_year: int, value: Callable[[str, int], Any]) -> TokuchoParameters:
        def v(key: str) -> Any:
            return value(f"kokuho.fuka.tokucho.{key}", fiscal_year)

        return cls(
            nenrei_from=int(v("nenrei_from")),
            nenrei_to=int(v("nenrei_to")),
            nenkin_min=int(v("nenkin_min")),
            futan_ritsu=int(v("futan_ritsu")),
            kari_months=tuple(int(m) for m in v("kari_months")),
            hon_months=tuple(int(m) for m in v("hon_months")),
        )


@dataclass(frozen=True)
class TokuchoMember:
    birth_date: date
    insured: bool  # holds 国保 in the 年度
    setainushi: bool


@dataclass(frozen=True)
class TokuchoHantei:
    gaito: bool  # 特別徴収 applies
    reasons: tuple[str, ...]  # why not (empty when it applies)
    futan: int  # 国保税 + 介護保険料
    futan_gendo: int  # 年金額 × the ratio


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def tokucho_judge(
    *,
    fiscal_year: int,
    kijun_date: date,
    members: Sequence[TokuchoMember],
    nenkin_gaku: int,
    nengaku: int,
    kaigo_hokenryo: int,
    kaigo_tokucho: bool,
    koza_moushide: bool,
    p: TokuchoParameters,
) -> TokuchoHantei:
    """Whether the household's 国保税 is collected from the 世帯主's pension: the 世帯主 holds
    国保; every insured member is ``nenrei_from`` or older (on the 基準日) and under
    ``nenrei_to`` (the 世帯主 not reaching it by the end of the 年度); the pension is at least
    ``nenkin_min`` a year; the 世帯主's 介護保険料 is itself collected from the pension
    (``kaigo_tokucho``; 滝沢市「国民健康保険税の特別徴収」 lists it first among the
    conditions; the article of the 施行令 that says so is 未確認); 国保税 + 介護保険料 is at
    most ``futan_ritsu`` % of it; and the taxpayer has not asked to pay by 口座振替
    (申出 → 普通徴収)."""
    reasons: list[str] = []
    head = next((m for m in members if m.setainushi), None)
    if head is None or not head.insured:
        reasons.append("世帯主が国保の被保険者ではない（擬制世帯主）")
    insured = [m for m in members if m.insured]
    if any(_age(m.birth_date, kijun_date) < p.nenrei_from for m in insured):
        reasons.append(f"{p.nenrei_from}歳未満の被保険者がいる")
    year_end = date(fiscal_year + 1, 3, 31)
    if head is not None and birthday_at(head.birth_date, p.nenrei_to) <= year_end:
        reasons.append(f"世帯主が年度中に{p.nenrei_to}歳になる（後期高齢者医療へ移る）")
    if any(_age(m.birth_date, kijun_date) >= p.nenrei_to for m in insured):
        reasons.append(f"{p.nenrei_to}歳以上の被保険者がいる")
    if nenkin_gaku < p.nenkin_min:
        reasons.append(f"年金の年額が{p.nenkin_min:,}円未満")
    if not kaigo_tokucho:
        reasons.append("世帯主の介護保険料が年金から特別徴収されていない")
    futan = nengaku + kaigo_hokenryo
    gendo = nenkin_gaku * p.futan_ritsu // 100
    if futan > gendo:
        reasons.append(f"国保税と介護保険料の合計が年金額の{p.futan_ritsu}%を超える")
    if koza_moushide:
        reasons.append("口座振替の申出がある（普通徴収）")
    return TokuchoHantei(gaito=not reasons, reasons=tuple(reasons), futan=futan, futan_gendo=gendo)


@dataclass(frozen=True)
class TokuchoKi:
    month: int
    kubun: str  # 仮徴収 / 本徴収
    amount: int


def tokucho_kibetsu(nengaku: int, kari_gaku: int, p: TokuchoParameters) -> list[TokuchoKi]:
    """仮徴収 ``kari_gaku`` in each 仮徴収 month (the amount of the previous 年度's last 期,
    as the clerk gives it), then the rest of the 年税額 split evenly over the 本徴収 months,
    the remainder in the first. When the 仮徴収 already exceeds the 年税額, the 本徴収 is 0
    (the excess is a 過納, refunded outside this split)."""
    kari = [TokuchoKi(m, "仮徴収", kari_gaku) for m in p.kari_months]
    rest = max(0, nengaku - kari_gaku * len(p.kari_months))
    n = len(p.hon_months)
    each, extra = divmod(rest, n) if n else (0, 0)
    hon = [
        TokuchoKi(m, "本徴収", each + (extra if i == 0 else 0)) for i, m in enumerate(p.hon_months)
    ]
    return kari + hon
