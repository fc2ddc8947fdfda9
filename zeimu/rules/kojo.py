"""所得控除（住民税の額）と、調整控除のための人的控除額の差."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zeimu.rules.inputs import Haigusha, JuminzeiInput, KafuHitorioya, SeimeiHokenryo, Shogai
from zeimu.rules.numbers import Bracket, pick_bracket
from zeimu.rules.parameters import Parameters

__all__ = ["ShotokuKojo", "is_dokyo_seikei_haigusha", "is_fuyo_shinzoku", "shotoku_kojo"]


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building the results ≈10 µs of the ≈30 µs per person (当初賦課, 380,000 people).
# Treat the results as read-only all the same.
@dataclass(slots=True)
class ShotokuKojo:
    """Each 所得控除 (住民税) and each part of 人的控除額の差, with readable lines."""

    shakai_hokenryo: int
    shokibo_kyosai: int
    seimei_hoken: int
    jishin_hoken: int
    iryohi: int
    shogaisha: int
    kafu_hitorioya: int
    kinro_gakusei: int
    haigusha: int
    haigusha_tokubetsu: int
    fuyo: int
    tokutei_shinzoku: int
    kiso: int
    gokei: int
    jinteki_sa: int
    lines: tuple[str, ...]
    sa_lines: tuple[str, ...]
    #: 非課税限度額の人数に入る同一生計配偶者・扶養親族の数
    fuyo_ninzu: int


def is_dokyo_seikei_haigusha(h: Haigusha | None, p: Parameters) -> bool:
    return h is not None and h.gokei_shotoku <= p.dokyo_seikei_limit


def is_fuyo_shinzoku(gokei_shotoku: int, p: Parameters) -> bool:
    return gokei_shotoku <= p.fuyo["income_limit"]


def _taxpayer_class(gokei: int, limits: list[Any]) -> int | None:
    for i, limit in enumerate(limits):
        if gokei <= int(limit):
            return i
    return None


def _seimei(s: SeimeiHokenryo, p: Parameters) -> tuple[int, str]:
    def f(table: tuple[Bracket, ...], paid: int) -> int:
        if paid <= 0:
            return 0
        b = pick_bracket(table, paid)
        return -(-b.apply_numerator(paid) // b.rate_den)  # 1円未満切上げ

    def category(shin: int, kyu: int) -> int:
        a, b = f(p.seimei_shin, shin), f(p.seimei_kyu, kyu)
        if shin > 0 and kyu > 0:
            return max(b, min(a + b, p.seimei_mixed_cap))
        return a + b

    ippan = category(s.ippan_shin, s.ippan_kyu)
    kaigo = category(s.kaigo_iryo, 0)
    nenkin = category(s.nenkin_shin, s.nenkin_kyu)
    total = min(ippan + kaigo + nenkin, p.seimei_total_cap)
    return total, (
        f"生命保険料控除 {total:,}円（一般{ippan:,}円＋介護医療{kaigo:,}円"
        f"＋個人年金{nenkin:,}円、合計{p.seimei_total_cap:,}円限度）"
    )


def _jishin(jishin: int, choki: int, p: Parameters) -> int:
    a = 0
    if jishin:
        rate = p.jishin_rate
        a = min(-(-jishin * rate.numerator // rate.denominator), p.jishin_cap)  # 切上げ
    b = 0
    if choki:
        row = pick_bracket(p.jishin_choki, choki)
        b = -(-row.apply_numerator(choki) // row.rate_den)  # 1円未満切上げ
    return min(a + b, p.jishin_total_cap)


def shotoku_kojo(x: JuminzeiInput, gokei: int, p: Parameters) -> ShotokuKojo:
    """所得控除（住民税）.  ``gokei`` は本人の合計所得金額."""
    lines: list[str] = []
    sa_lines: list[str] = []
    sa: dict[str, Any] = p.jinteki_sa
    sa_total = 0

    def add_sa(amount: int, what: str) -> None:
        nonlocal sa_total
        if amount:
            sa_total += amount
            sa_lines.append(f"{what} {amount:,}円")

    # 保険料・医療費
    if x.seimei_hoken_kojo is not None:
        seimei = x.seimei_hoken_kojo
        if seimei:
            lines.append(f"生命保険料控除 {seimei:,}円（計算済みの額）")
    elif x.seimei_hokenryo is not None:
        seimei, line = _seimei(x.seimei_hokenryo, p)
        lines.append(line)
    else:
        seimei = 0
    jishin = _jishin(x.jishin_hokenryo, x.kyu_choki_songai_hokenryo, p)
    for amount, label in (
        (x.shakai_hokenryo, "社会保険料控除"),
        (x.shokibo_kyosai, "小規模企業共済等掛金控除"),
        (jishin, "地震保険料控除"),
        (x.iryohi_kojo, "医療費控除"),
    ):
        if amount:
            lines.append(f"{label} {amount:,}円")

    # 障害者控除（本人・同一生計配偶者・扶養親族）
    persons: list[tuple[str, Shogai]] = [("本人", x.shogai)]
    h = x.haigusha
    dokyo_haigusha = is_dokyo_seikei_haigusha(h, p)
    if h is not None and dokyo_haigusha:
        persons.append(("同一生計配偶者", h.shogai))
    fuyo_list = [d for d in x.shinzoku if is_fuyo_shinzoku(d.gokei_shotoku, p)]
    persons.extend((f"扶養親族（{d.age}歳）", d.shogai) for d in fuyo_list)
    shogaisha = 0
    keys = {
        Shogai.FUTSU: "futsu",
        Shogai.TOKUBETSU: "tokubetsu",
        Shogai.DOKYO_TOKUBETSU: "dokyo_tokubetsu",
    }
    for who, kubun in persons:
        if kubun is Shogai.NASHI:
            continue
        amount = p.shogaisha[keys[kubun]]
        shogaisha += amount
        lines.append(f"障害者控除（{who}・{kubun.value}）{amount:,}円")
        add_sa(int(sa["shogaisha"][keys[kubun]]), f"障害者（{who}・{kubun.value}）")

    # 寡婦・ひとり親
    kafu = 0
    kh = p.kafu_hitorioya
    if x.kafu_hitorioya is not KafuHitorioya.NASHI and gokei <= kh["income_limit"]:
        if x.kafu_hitorioya is KafuHitorioya.KAFU:
            kafu = kh["kafu"]
            add_sa(int(sa["kafu"]), "寡婦")
        else:
            kafu = kh["hitorioya"]
            key = (
                "hitorioya_haha"
                if x.kafu_hitorioya is KafuHitorioya.HITORIOYA_HAHA
                else "hitorioya_chichi"
            )
            add_sa(int(sa[key]), x.kafu_hitorioya.value)
        lines.append(f"{x.kafu_hitorioya.value}控除 {kafu:,}円")

    # 勤労学生
    kinro = 0
    kg = p.kinro_gakusei
    if (
        x.kinro_gakusei
        and gokei <= kg["income_limit"]
        and x.kinro_igai_shotoku <= kg["other_limit"]
    ):
        kinro = kg["amount"]
        lines.append(f"勤労学生控除 {kinro:,}円")
        add_sa(int(sa["kinro_gakusei"]), "勤労学生")

    # 配偶者控除・配偶者特別控除（納税義務者の合計所得金額の区分）
    haigusha = 0
    haigusha_tokubetsu = 0
    hp = p.haigusha
    cls = _taxpayer_class(gokei, [r["taxpayer_up_to"] for r in hp["rows"]])
    if h is not None and cls is not None:
        if dokyo_haigusha:
            rojin = h.age >= int(hp["rojin_age"])
            kind = "rojin" if rojin else "ippan"
            haigusha = int(hp["rows"][cls][kind])
            label = "老人控除対象配偶者" if rojin else "一般の控除対象配偶者"
            lines.append(f"配偶者控除（{label}）{haigusha:,}円")
            add_sa(int(sa["haigusha_" + kind][cls]), f"配偶者控除（{label}）")
        else:
            ht = p.haigusha_tokubetsu
            if int(ht["spouse_over"]) < h.gokei_shotoku:
                for row in ht["rows"]:
                    if h.gokei_shotoku <= int(row["spouse_up_to"]):
                        haigusha_tokubetsu = int(row["amounts"][cls])
                        break
            if haigusha_tokubetsu:
                lines.append(
                    f"配偶者特別控除（配偶者の合計所得金額{h.gokei_shotoku:,}円）"
                    f"{haigusha_tokubetsu:,}円"
                )
                for row in sa["haigusha_tokubetsu"]:
                    if h.gokei_shotoku < int(row["spouse_below"]):
                        add_sa(int(row["amounts"][cls]), "配偶者特別控除")
                        break

    # 扶養控除・特定親族特別控除
    fuyo = 0
    fp = p.fuyo
    for d in fuyo_list:
        if d.age < fp["min_age"]:
            continue
        if fp["tokutei_from"] <= d.age <= fp["tokutei_to"]:
            kind, label = "tokutei", "特定扶養親族"
        elif d.age >= fp["rojin_age"]:
            kind, label = (
                ("dokyo_roshin", "同居老親等") if d.dokyo_roshin else ("rojin", "老人扶養親族")
            )
        else:
            kind, label = "ippan", "一般の扶養親族"
        fuyo += fp[kind]
        lines.append(f"扶養控除（{label}・{d.age}歳）{fp[kind]:,}円")
        add_sa(int(sa["fuyo"][kind]), f"扶養控除（{label}）")
    tokutei_shinzoku = 0
    ts = p.tokutei_shinzoku
    if ts is not None:
        for d in x.shinzoku:
            if not int(ts["age_from"]) <= d.age <= int(ts["age_to"]):
                continue
            if not int(ts["over"]) < d.gokei_shotoku:
                continue
            for row in ts["rows"]:
                if d.gokei_shotoku <= int(row["up_to"]):
                    amount = int(row["amount"])
                    tokutei_shinzoku += amount
                    lines.append(
                        f"特定親族特別控除（{d.age}歳・合計所得金額{d.gokei_shotoku:,}円）"
                        f"{amount:,}円"
                    )
                    for srow in sa["tokutei_shinzoku"]:
                        if d.gokei_shotoku <= int(srow["up_to"]):
                            add_sa(int(srow["amount"]), "特定親族特別控除")
                            break
                    break

    # 基礎控除
    kiso = 0
    for up_to, amount in p.kiso:
        if up_to is None or gokei <= up_to:
            kiso = amount
            break
    lines.append(f"基礎控除 {kiso:,}円")
    if kiso:
        add_sa(int(sa["kiso"]), "基礎控除")

    total = (
        x.shakai_hokenryo
        + x.shokibo_kyosai
        + seimei
        + jishin
        + x.iryohi_kojo
        + shogaisha
        + kafu
        + kinro
        + haigusha
        + haigusha_tokubetsu
        + fuyo
        + tokutei_shinzoku
        + kiso
    )
    return ShotokuKojo(
        shakai_hokenryo=x.shakai_hokenryo,
        shokibo_kyosai=x.shokibo_kyosai,
        seimei_hoken=seimei,
        jishin_hoken=jishin,
        iryohi=x.iryohi_kojo,
        shogaisha=shogaisha,
        kafu_hitorioya=kafu,
        kinro_gakusei=kinro,
        haigusha=haigusha,
        haigusha_tokubetsu=haigusha_tokubetsu,
        fuyo=fuyo,
        tokutei_shinzoku=tokutei_shinzoku,
        kiso=kiso,
        gokei=total,
        jinteki_sa=sa_total,
        lines=tuple(lines),
        sa_lines=tuple(sa_lines),
        fuyo_ninzu=(1 if dokyo_haigusha else 0) + len(fuyo_list),
    )
