"""個人住民税（市町村民税・道府県民税）と森林環境税の年税額の計算.

``juminzei_compute(inputs, params)`` is pure: every figure comes from ``inputs`` or from
``params`` (law data for the fiscal year); the result keeps every intermediate figure
and a readable explanation.  Order of the computation:

1. 所得: 給与所得（別表第五）、公的年金等に係る雑所得、所得金額調整控除 → 合計所得金額
2. 非課税: 生活扶助、障害者・未成年者・寡婦・ひとり親（合計所得金額135万円以下）、
   均等割の非課税限度額（級地・人数）
3. 所得控除（住民税の額）→ 課税総所得金額（1,000円未満切捨て）
4. 所得割（市・県）→ 調整控除 → 所得割の非課税限度額とその調整 → 100円未満切捨て
5. 均等割（市・県）、森林環境税
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from zeimu.rules.inputs import JuminzeiInput, KafuHitorioya, Shogai
from zeimu.rules.kojo import ShotokuKojo, shotoku_kojo
from zeimu.rules.numbers import floor_to, fmt_rate, fmt_yen
from zeimu.rules.parameters import Parameters
from zeimu.rules.shotoku import (
    KyuyoShotoku,
    NenkinShotoku,
    kyuyo_shotoku,
    nenkin_shotoku,
    shotoku_kingaku_chosei_kojo,
)

__all__ = ["JuminzeiResult", "juminzei_compute"]


@dataclass(frozen=True)
class JuminzeiResult:
    fiscal_year: int
    kyuyo: KyuyoShotoku
    nenkin: NenkinShotoku
    shotoku_chosei_kosodate: int
    shotoku_chosei_ryoho: int
    #: 給与所得から所得金額調整控除を引いた額
    kyuyo_shotoku_after_chosei: int
    sonota_shotoku: int
    gokei_shotoku: int
    kojo: ShotokuKojo
    #: 課税総所得金額（1,000円未満切捨て）
    kazei_shotoku: int
    rate_shichoson: Fraction
    rate_dofuken: Fraction
    #: 所得割（税額控除前）
    sanshutsu_shichoson: int
    sanshutsu_dofuken: int
    jinteki_sa: int
    #: 調整控除の基となる額（率を乗じる前）
    chosei_kijun: int
    chosei_kojo_shichoson: int
    chosei_kojo_dofuken: int
    #: 所得割（調整控除後、非課税調整前、端数処理前）
    shotokuwari_after_kojo_shichoson: Fraction
    shotokuwari_after_kojo_dofuken: Fraction
    #: 非課税限度額の人数（本人＋同一生計配偶者＋扶養親族）
    hikazei_ninzu: int
    kintowari_hikazei_gendo: int
    shotokuwari_hikazei_gendo: int
    hikazei: bool
    kintowari_hikazei: bool
    shotokuwari_hikazei: bool
    hikazei_riyu: str
    #: 確定した所得割（100円未満切捨て）
    shotokuwari_shichoson: int
    shotokuwari_dofuken: int
    kintowari_shichoson: int
    kintowari_dofuken: int
    shinrin_kankyozei: int
    #: 市町村民税・道府県民税の年税額（所得割＋均等割）
    shichosonminzei: int
    dofukenminzei: int
    #: 市町村民税＋道府県民税＋森林環境税
    gokei_zeigaku: int
    explanation: tuple[str, ...]


def _has_shogaisha_tou(x: JuminzeiInput) -> bool:
    return x.shogai is not Shogai.NASHI or x.miseinen or x.kafu_hitorioya is not KafuHitorioya.NASHI


def juminzei_compute(x: JuminzeiInput, p: Parameters) -> JuminzeiResult:
    ex: list[str] = [f"{p.fiscal_year}年度分（{p.fiscal_year - 1}年中の所得）"]

    # 1. 所得
    kyuyo = kyuyo_shotoku(x.kyuyo_shunyu, p)
    if x.kyuyo_shunyu:
        ex.append(
            f"給与収入 {fmt_yen(x.kyuyo_shunyu)} → 給与所得 {fmt_yen(kyuyo.shotoku)}"
            f"（{kyuyo.method}）"
        )
    other = kyuyo.shotoku + x.sonota_shotoku
    nenkin = nenkin_shotoku(x.nenkin_shunyu, x.age, max(other, 0), p)
    if x.nenkin_shunyu:
        ex.append(
            f"公的年金等収入 {fmt_yen(x.nenkin_shunyu)} → 雑所得 {fmt_yen(nenkin.shotoku)}"
            f"（{nenkin.method}）"
        )
    young = p.shotoku_chosei["tokubetsu_shogai_or_young_age"]
    h = x.haigusha
    kosodate_kaigo = (
        x.shogai is Shogai.TOKUBETSU
        or any(d.age < int(young) for d in x.shinzoku if d.gokei_shotoku <= p.fuyo["income_limit"])
        or any(
            d.shogai in (Shogai.TOKUBETSU, Shogai.DOKYO_TOKUBETSU)
            and d.gokei_shotoku <= p.fuyo["income_limit"]
            for d in x.shinzoku
        )
        or (
            h is not None
            and h.shogai in (Shogai.TOKUBETSU, Shogai.DOKYO_TOKUBETSU)
            and h.gokei_shotoku <= int(p.haigusha["dokyo_seikei_limit"])
        )
    )
    kosodate, ryoho = shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=x.kyuyo_shunyu,
        kyuyo_shotoku=kyuyo.shotoku,
        nenkin_shotoku=nenkin.shotoku,
        kosodate_kaigo=kosodate_kaigo,
        p=p,
    )
    if kosodate:
        ex.append(f"所得金額調整控除（子育て・介護）{fmt_yen(kosodate)}")
    if ryoho:
        ex.append(f"所得金額調整控除（給与・年金の双方）{fmt_yen(ryoho)}")
    kyuyo_after = kyuyo.shotoku - kosodate - ryoho
    gokei = kyuyo_after + nenkin.shotoku + x.sonota_shotoku
    if x.sonota_shotoku:
        ex.append(f"その他の所得 {fmt_yen(x.sonota_shotoku)}")
    gokei_pos = max(gokei, 0)
    ex.append(f"合計所得金額 {fmt_yen(gokei_pos)}")

    # 3. 所得控除（非課税の人数判定にも使う）
    kojo = shotoku_kojo(x, gokei_pos, p)
    ex.extend(kojo.lines)
    ex.append(f"所得控除の合計 {fmt_yen(kojo.gokei)}")
    kazei = floor_to(max(gokei_pos - kojo.gokei, 0), p.round_kazei)
    ex.append(
        f"課税総所得金額 {fmt_yen(kazei)}（合計所得金額−所得控除、"
        f"{fmt_yen(p.round_kazei)}未満切捨て）"
    )

    # 2. 非課税の判定
    ninzu = 1 + kojo.fuyo_ninzu
    kin_per, kin_kasan, kin_fuyo = p.hikazei_kintowari[str(x.kyuchi)]
    kin_gendo = kin_per * ninzu + kin_kasan + (kin_fuyo if kojo.fuyo_ninzu else 0)
    sho_per, sho_kasan, sho_fuyo = p.hikazei_shotokuwari
    sho_gendo = sho_per * ninzu + sho_kasan + (sho_fuyo if kojo.fuyo_ninzu else 0)
    hikazei_riyu = ""
    if x.seikatsu_fujo:
        hikazei_riyu = "生活保護法の生活扶助を受けている（地方税法第295条第1項第1号）"
    elif _has_shogaisha_tou(x) and gokei_pos <= p.hikazei_shogaisha_tou:
        hikazei_riyu = (
            f"障害者・未成年者・寡婦・ひとり親で合計所得金額が{fmt_yen(p.hikazei_shogaisha_tou)}"
            "以下（地方税法第295条第1項第2号）"
        )
    elif gokei_pos <= kin_gendo:
        hikazei_riyu = (
            f"合計所得金額が均等割の非課税限度額{fmt_yen(kin_gendo)}以下"
            f"（{x.kyuchi}級地・{ninzu}人）"
        )
    hikazei = bool(hikazei_riyu)
    shotokuwari_hikazei = hikazei or gokei_pos <= sho_gendo

    # 4. 所得割
    if x.shitei_toshi:
        r_shi, r_ken = p.rate_shichoson_shitei, p.rate_dofuken_shitei
        c_shi, c_ken = p.chosei_rate_shichoson_shitei, p.chosei_rate_dofuken_shitei
    else:
        r_shi, r_ken = p.rate_shichoson, p.rate_dofuken
        c_shi, c_ken = p.chosei_rate_shichoson, p.chosei_rate_dofuken
    sanshutsu_shi = int(kazei * r_shi)
    sanshutsu_ken = int(kazei * r_ken)
    ex.append(
        f"所得割（控除前）市 {fmt_yen(kazei)}×{fmt_rate(r_shi)}＝{fmt_yen(sanshutsu_shi)}、"
        f"県 {fmt_yen(kazei)}×{fmt_rate(r_ken)}＝{fmt_yen(sanshutsu_ken)}"
    )

    # 調整控除
    chosei_kijun = 0
    chosei_shi = chosei_ken = 0
    sa = kojo.jinteki_sa
    if kazei > 0 and gokei_pos <= p.chosei_gokei_joken:
        ex.append("人的控除額の差: " + "、".join(kojo.sa_lines) + f" 合計 {fmt_yen(sa)}")
        if kazei <= p.chosei_kijun:
            chosei_kijun = min(sa, kazei)
            ex.append(
                f"調整控除: 課税総所得金額{fmt_yen(p.chosei_kijun)}以下のため、"
                f"人的控除額の差と課税総所得金額の少ない方 {fmt_yen(chosei_kijun)}"
            )
        else:
            chosei_kijun = max(sa - (kazei - p.chosei_kijun), p.chosei_saitei)
            ex.append(
                f"調整控除: 人的控除額の差−（課税総所得金額−{fmt_yen(p.chosei_kijun)}）"
                f"＝{fmt_yen(sa - (kazei - p.chosei_kijun))}、最低{fmt_yen(p.chosei_saitei)}"
                f" → {fmt_yen(chosei_kijun)}"
            )
        chosei_shi = min(int(chosei_kijun * c_shi), sanshutsu_shi)
        chosei_ken = min(int(chosei_kijun * c_ken), sanshutsu_ken)
        ex.append(
            f"調整控除額 市 ×{fmt_rate(c_shi)}＝{fmt_yen(chosei_shi)}、"
            f"県 ×{fmt_rate(c_ken)}＝{fmt_yen(chosei_ken)}"
        )
    after_shi = Fraction(sanshutsu_shi - chosei_shi)
    after_ken = Fraction(sanshutsu_ken - chosei_ken)

    # 所得割の非課税と、限度額を少し超える者の調整
    shi_final: Fraction = after_shi
    ken_final: Fraction = after_ken
    if shotokuwari_hikazei:
        shi_final = ken_final = Fraction(0)
        if not hikazei:
            ex.append(
                f"所得割は非課税: 総所得金額等が所得割の非課税限度額{fmt_yen(sho_gendo)}以下"
                f"（{ninzu}人）"
            )
    else:
        rate, s_shi, s_ken, s_shi_t, s_ken_t = p.hikazei_shotokuwari_chosei
        share_shi, share_ken = (s_shi_t, s_ken_t) if x.shitei_toshi else (s_shi, s_ken)
        over = (gokei_pos - sho_gendo) * rate
        cap_shi, cap_ken = over * share_shi, over * share_ken
        if after_shi > cap_shi or after_ken > cap_ken:
            ex.append(
                f"所得割の非課税限度額{fmt_yen(sho_gendo)}を超える額の{fmt_rate(rate)}を上限とする"
                f"調整: 市 {fmt_yen(floor_to(cap_shi, 1))}、県 {fmt_yen(floor_to(cap_ken, 1))}"
            )
        shi_final = min(after_shi, cap_shi)
        ken_final = min(after_ken, cap_ken)
    shotokuwari_shi = floor_to(max(shi_final, Fraction(0)), p.round_zeigaku)
    shotokuwari_ken = floor_to(max(ken_final, Fraction(0)), p.round_zeigaku)
    if not shotokuwari_hikazei:
        ex.append(
            f"所得割 市 {fmt_yen(shotokuwari_shi)}、県 {fmt_yen(shotokuwari_ken)}"
            f"（{fmt_yen(p.round_zeigaku)}未満切捨て）"
        )

    # 5. 均等割・森林環境税
    if hikazei:
        kin_shi = kin_ken = shinrin = 0
        ex.append(f"非課税: {hikazei_riyu}。均等割・所得割・森林環境税は課されない")
    else:
        kin_shi = p.kintowari_shichoson + p.fukko_tokurei
        kin_ken = p.kintowari_dofuken + p.fukko_tokurei
        shinrin = p.shinrin_kankyozei
        ex.append(
            f"均等割 市 {fmt_yen(kin_shi)}、県 {fmt_yen(kin_ken)}、森林環境税 {fmt_yen(shinrin)}"
        )
    shi_total = floor_to(shotokuwari_shi + kin_shi, p.round_zeigaku)
    ken_total = floor_to(shotokuwari_ken + kin_ken, p.round_zeigaku)
    total = shi_total + ken_total + shinrin
    ex.append(
        f"年税額 市民税 {fmt_yen(shi_total)}＋県民税 {fmt_yen(ken_total)}"
        f"＋森林環境税 {fmt_yen(shinrin)}＝{fmt_yen(total)}"
    )
    return JuminzeiResult(
        fiscal_year=p.fiscal_year,
        kyuyo=kyuyo,
        nenkin=nenkin,
        shotoku_chosei_kosodate=kosodate,
        shotoku_chosei_ryoho=ryoho,
        kyuyo_shotoku_after_chosei=kyuyo_after,
        sonota_shotoku=x.sonota_shotoku,
        gokei_shotoku=gokei_pos,
        kojo=kojo,
        kazei_shotoku=kazei,
        rate_shichoson=r_shi,
        rate_dofuken=r_ken,
        sanshutsu_shichoson=sanshutsu_shi,
        sanshutsu_dofuken=sanshutsu_ken,
        jinteki_sa=sa,
        chosei_kijun=chosei_kijun,
        chosei_kojo_shichoson=chosei_shi,
        chosei_kojo_dofuken=chosei_ken,
        shotokuwari_after_kojo_shichoson=after_shi,
        shotokuwari_after_kojo_dofuken=after_ken,
        hikazei_ninzu=ninzu,
        kintowari_hikazei_gendo=kin_gendo,
        shotokuwari_hikazei_gendo=sho_gendo,
        hikazei=hikazei,
        kintowari_hikazei=hikazei,
        shotokuwari_hikazei=shotokuwari_hikazei,
        hikazei_riyu=hikazei_riyu,
        shotokuwari_shichoson=shotokuwari_shi,
        shotokuwari_dofuken=shotokuwari_ken,
        kintowari_shichoson=kin_shi,
        kintowari_dofuken=kin_ken,
        shinrin_kankyozei=shinrin,
        shichosonminzei=shi_total,
        dofukenminzei=ken_total,
        gokei_zeigaku=total,
        explanation=tuple(ex),
    )
