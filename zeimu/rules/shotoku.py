"""所得の計算: 給与所得（所得税法別表第五）、公的年金等に係る雑所得、所得金額調整控除."""

from __future__ import annotations

from dataclasses import dataclass

from zeimu.rules.numbers import Bracket, floor_to, fmt_yen, pick_bracket
from zeimu.rules.parameters import Parameters

__all__ = [
    "KyuyoShotoku",
    "NenkinShotoku",
    "kyuyo_shotoku",
    "nenkin_shotoku",
    "shotoku_kingaku_chosei_kojo",
]


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building the results ≈10 µs of the ≈30 µs per person (当初賦課, 380,000 people).
# Treat the results as read-only all the same.
@dataclass(slots=True)
class KyuyoShotoku:
    shunyu: int
    #: 別表第五で収入金額を刻みの単位に切り捨てた額（表によらない場合 None）
    table_base: int | None
    kojo: int
    shotoku: int
    method: str


@dataclass(slots=True)
class NenkinShotoku:
    shunyu: int
    koreisha: bool
    kojo: int
    shotoku: int
    method: str


def _formula(b: Bracket) -> str:
    if b.rate_num == 0:
        return fmt_yen(b.add)
    sign = "＋" if b.add >= 0 else "−"
    return f"収入金額×{b.rate_text}{sign}{fmt_yen(abs(b.add))}"


def _shotoku_after_kojo(shunyu: int, b: Bracket, unit: int) -> int:
    """``floor_to(shunyu − min(b.apply(shunyu), shunyu), unit)`` in integers: the control
    deduction (控除額) is ``apply_numerator / rate_den`` and is limited to the 収入金額."""
    den = b.rate_den
    rest = shunyu * den - b.apply_numerator(shunyu)  # (収入金額 − 控除額) × den
    if rest <= 0:
        return 0
    return rest // (den * unit) * unit


def kyuyo_shotoku(shunyu: int, p: Parameters) -> KyuyoShotoku:
    """給与所得の金額.  収入金額が別表第五の上限未満なら表の定め（刻みの単位に切り捨てた
    収入金額に控除の式を当てはめる、または固定の行）、それ以外は第28条第3項の式."""
    if shunyu < 0:
        raise ValueError(f"給与収入がマイナスです: {shunyu}")
    if shunyu < p.beppyo5_upper:
        for row in p.beppyo5_fixed:
            if row.start <= shunyu < row.below:
                return KyuyoShotoku(
                    shunyu,
                    None,
                    shunyu - row.shotoku,
                    row.shotoku,
                    f"別表第五の{fmt_yen(row.start)}以上{fmt_yen(row.below)}未満の行により"
                    f"{fmt_yen(row.shotoku)}",
                )
        if shunyu >= p.beppyo5_step_from:
            base = floor_to(shunyu, p.beppyo5_step)
            b = pick_bracket(p.kyuyo_kojo, base)
            kojo_on_base = b.apply_exact(base)
            shotoku = floor_to(base - kojo_on_base, p.round_shotoku)
            return KyuyoShotoku(
                shunyu,
                base,
                shunyu - shotoku,
                shotoku,
                f"別表第五: 収入金額を{fmt_yen(p.beppyo5_step)}単位に切り捨てた{fmt_yen(base)}から"
                f"給与所得控除（{_formula(b)}＝{fmt_yen(kojo_on_base)}）を引いて{fmt_yen(shotoku)}",
            )
    b = pick_bracket(p.kyuyo_kojo, shunyu)
    shotoku = _shotoku_after_kojo(shunyu, b, p.round_shotoku)
    return KyuyoShotoku(
        shunyu,
        None,
        shunyu - shotoku,
        shotoku,
        f"給与所得控除（{_formula(b)}、収入金額が限度）により{fmt_yen(shotoku)}",
    )


def nenkin_shotoku(shunyu: int, age: int, other_gokei: int, p: Parameters) -> NenkinShotoku:
    """公的年金等に係る雑所得.  控除額は年齢（前年12月31日現在）と公的年金等以外の
    合計所得金額の区分による."""
    if shunyu < 0:
        raise ValueError(f"公的年金等の収入がマイナスです: {shunyu}")
    koreisha = age >= p.nenkin_koreisha_age
    for up_to, under, over in p.nenkin_classes:
        if up_to is None or other_gokei <= up_to:
            table = over if koreisha else under
            break
    else:  # pragma: no cover - the last class has no limit
        raise AssertionError
    b = pick_bracket(table, shunyu)
    shotoku = _shotoku_after_kojo(shunyu, b, p.round_shotoku)
    age_label = f"{p.nenkin_koreisha_age}歳以上" if koreisha else f"{p.nenkin_koreisha_age}歳未満"
    return NenkinShotoku(
        shunyu,
        koreisha,
        shunyu - shotoku,
        shotoku,
        f"公的年金等控除（{age_label}、公的年金等以外の合計所得金額{fmt_yen(other_gokei)}の区分、"
        f"{_formula(b)}）により{fmt_yen(shotoku)}",
    )


def shotoku_kingaku_chosei_kojo(
    *,
    kyuyo_shunyu: int,
    kyuyo_shotoku: int,
    nenkin_shotoku: int,
    kosodate_kaigo: bool,
    p: Parameters,
) -> tuple[int, int]:
    """所得金額調整控除: (子育て・介護分, 給与・年金の双方がある者の分).  合計は給与所得が限度."""
    over = p.chosei_kyuyo_over
    kosodate = 0
    if kosodate_kaigo and kyuyo_shunyu > over:
        base = min(kyuyo_shunyu, p.chosei_kyuyo_cap) - over
        rate = p.chosei_kosodate_rate
        kosodate = -(-base * rate.numerator // rate.denominator)  # 1円未満切上げ
    kosodate = min(kosodate, kyuyo_shotoku)
    ryoho = 0
    if kyuyo_shotoku > 0 and nenkin_shotoku > 0:
        ryoho = max(
            0,
            min(kyuyo_shotoku, p.chosei_kyuyo_shotoku_cap)
            + min(nenkin_shotoku, p.chosei_nenkin_shotoku_cap)
            - p.chosei_deduct,
        )
    ryoho = min(ryoho, kyuyo_shotoku - kosodate)
    return kosodate, ryoho
