"""個人住民税（市町村民税・道府県民税）と森林環境税の年税額の計算.

``juminzei_compute(inputs, params)`` is pure: every figure comes from ``inputs`` or from
``params`` (law data for the fiscal year); the result keeps every intermediate figure
and a readable explanation.  Order of the computation:

1. 所得: 給与所得（別表第五）、公的年金等に係る雑所得、所得金額調整控除 → 総所得金額;
   分離課税の土地・建物等の譲渡所得（長期・短期の一般）とその特別控除 (zeimu.rules.bunri)
   → 合計所得金額 (譲渡所得は特別控除前) and 総所得金額等 (特別控除後)
2. 非課税: 生活扶助、障害者・未成年者・寡婦・ひとり親（合計所得金額135万円以下）、
   均等割の非課税限度額（級地・人数）
3. 所得控除（住民税の額）→ 課税総所得金額（1,000円未満切捨て）; the 所得控除 the 総所得金額
   does not absorb go against the 短期, then the 長期 譲渡所得 (課税短期・課税長期譲渡所得金額)
4. 所得割（市・県; 分離課税の譲渡所得はその税率）→ 調整控除（合計課税所得金額 = 課税総所得金額:
   the 岐阜市 example leaves the 課税長期譲渡所得金額 out）→ 所得割の非課税限度額とその調整
   (総所得金額等) → 100円未満切捨て
5. 均等割（市・県）、森林環境税

Speed matters here (the 当初賦課 runs this for every resident): rates are applied in
integers (``RateSet``, ``mul_trunc``: exactly the ``Fraction`` result), and amounts in the
explanation are written ``f"{amount:,}円"``, which is what ``fmt_yen`` gives for an int.
``python -m bench.engine`` times it; ``--dump`` checks a change gives identical results.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from tenants.wareki import format_nendo, format_wareki_year
from zeimu.rules.bunri import tokubetsu_kojo
from zeimu.rules.inputs import JuminzeiInput, KafuHitorioya, Shogai
from zeimu.rules.kojo import ShotokuKojo, is_dokyo_seikei_haigusha, shotoku_kojo
from zeimu.rules.numbers import floor_to, fmt_rate, mul_trunc
from zeimu.rules.parameters import Parameters
from zeimu.rules.shotoku import (
    KyuyoShotoku,
    NenkinShotoku,
    kyuyo_shotoku,
    nenkin_shotoku,
    shotoku_kingaku_chosei_kojo,
)

__all__ = ["JuminzeiResult", "juminzei_compute"]


def _yen_text(amount: Fraction) -> str:
    """An exact amount for the explanation: 1,234円 or 1,234.4円 (shares of 0.6/0.4…)."""
    if amount.denominator == 1:
        return f"{int(amount):,}円"
    whole, rest = divmod(amount, 1)
    return f"{int(whole):,}{str(float(rest))[1:6]}円"


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building the results ≈10 µs of the ≈30 µs per person (当初賦課, 380,000 people).
# Treat the results as read-only all the same.
@dataclass(slots=True)
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
    #: 令和6年度の特別税額控除（定額減税）: taken off the 所得割 above
    teigaku_genzei_shichoson: int = 0
    teigaku_genzei_dofuken: int = 0
    #: 分離課税の土地・建物等の譲渡所得: the 所得 (特別控除前), the 特別控除 allowed, the
    #: 課税長期・課税短期譲渡所得金額 (1,000円未満切捨て) and their 所得割 (調整控除前)
    choki_joto_shotoku: int = 0
    tanki_joto_shotoku: int = 0
    choki_tokubetsu_kojo: int = 0
    tanki_tokubetsu_kojo: int = 0
    kazei_choki_joto: int = 0
    kazei_tanki_joto: int = 0
    bunri_shotokuwari_shichoson: int = 0
    bunri_shotokuwari_dofuken: int = 0
    #: 総所得金額等 (総所得金額＋譲渡所得の特別控除後の金額): the 所得割の非課税 judges on it
    sogo_shotoku_tou: int = 0

    @property
    def joto_tokubetsu_kojo(self) -> int:
        """長期・短期譲渡所得の特別控除額の合計."""
        return self.choki_tokubetsu_kojo + self.tanki_tokubetsu_kojo


_TOKUBETSU = (Shogai.TOKUBETSU, Shogai.DOKYO_TOKUBETSU)


def _has_shogaisha_tou(x: JuminzeiInput) -> bool:
    return x.shogai is not Shogai.NASHI or x.miseinen or x.kafu_hitorioya is not KafuHitorioya.NASHI


@cache
def _heading(fiscal_year: int) -> str:
    """The explanation's first line: the same for everyone of the fiscal year."""
    return f"{format_nendo(fiscal_year)}分（{format_wareki_year(fiscal_year - 1)}中の所得）"


def juminzei_compute(x: JuminzeiInput, p: Parameters) -> JuminzeiResult:
    ex: list[str] = [_heading(p.fiscal_year)]

    # 1. 所得
    kyuyo = kyuyo_shotoku(x.kyuyo_shunyu, p)
    if x.kyuyo_shunyu:
        ex.append(f"給与収入 {x.kyuyo_shunyu:,}円 → 給与所得 {kyuyo.shotoku:,}円（{kyuyo.method}）")
    # 公的年金等に係る雑所得以外の合計所得金額: the 分離 譲渡所得 count before 特別控除
    other = kyuyo.shotoku + x.sonota_shotoku + x.choki_joto_shotoku + x.tanki_joto_shotoku
    nenkin = nenkin_shotoku(x.nenkin_shunyu, x.age, max(other, 0), p)
    if x.nenkin_shunyu:
        ex.append(
            f"公的年金等収入 {x.nenkin_shunyu:,}円 → 雑所得 {nenkin.shotoku:,}円（{nenkin.method}）"
        )
    fuyo_limit = p.fuyo["income_limit"]
    h = x.haigusha
    kosodate_kaigo = (
        x.shogai is Shogai.TOKUBETSU
        or any(
            d.gokei_shotoku <= fuyo_limit and (d.age < p.chosei_young_age or d.shogai in _TOKUBETSU)
            for d in x.shinzoku
        )
        or (h is not None and h.shogai in _TOKUBETSU and h.gokei_shotoku <= p.dokyo_seikei_limit)
    )
    kosodate, ryoho = shotoku_kingaku_chosei_kojo(
        kyuyo_shunyu=x.kyuyo_shunyu,
        kyuyo_shotoku=kyuyo.shotoku,
        nenkin_shotoku=nenkin.shotoku,
        kosodate_kaigo=kosodate_kaigo,
        p=p,
    )
    if kosodate:
        ex.append(f"所得金額調整控除（子育て・介護）{kosodate:,}円")
    if ryoho:
        ex.append(f"所得金額調整控除（給与・年金の双方）{ryoho:,}円")
    kyuyo_after = kyuyo.shotoku - kosodate - ryoho
    gokei = kyuyo_after + nenkin.shotoku + x.sonota_shotoku
    if x.sonota_shotoku:
        ex.append(f"その他の所得 {x.sonota_shotoku:,}円")
    sogo = max(gokei, 0)  # 総所得金額 (a loss is not set against the 分離 income: 未実装)
    choki, tanki = x.choki_joto_shotoku, x.tanki_joto_shotoku
    choki_kojo = tanki_kojo = 0
    if choki or tanki:
        bk = tokubetsu_kojo(
            choki_shotoku=choki,
            choki_tokurei=x.choki_tokurei,
            choki_claimed=x.choki_tokubetsu_kojo,
            tanki_shotoku=tanki,
            tanki_tokurei=x.tanki_tokurei,
            tanki_claimed=x.tanki_tokubetsu_kojo,
            gendo=p.joto_gendo,
            total_cap=p.joto_total_cap,
        )
        choki_kojo, tanki_kojo = bk.choki, bk.tanki
        ex.append(f"総所得金額 {sogo:,}円")
        if tanki:
            ex.append(f"分離短期譲渡所得（一般）{tanki:,}円")
        if choki:
            ex.append(f"分離長期譲渡所得（一般）{choki:,}円")
        ex.extend(bk.lines)
        gokei_pos = sogo + choki + tanki
        ex.append(f"合計所得金額 {gokei_pos:,}円（分離課税の譲渡所得は特別控除前）")
    else:
        gokei_pos = sogo
        ex.append(f"合計所得金額 {gokei_pos:,}円")
    #: 総所得金額等: the 譲渡所得 after its 特別控除
    sogo_tou = sogo + (choki - choki_kojo) + (tanki - tanki_kojo)

    # 3. 所得控除（非課税の人数判定にも使う）
    kojo = shotoku_kojo(x, gokei_pos, p)
    ex.extend(kojo.lines)
    ex.append(f"所得控除の合計 {kojo.gokei:,}円")
    kazei = floor_to(max(sogo - kojo.gokei, 0), p.round_kazei)
    what = "総所得金額" if choki or tanki else "合計所得金額"
    ex.append(f"課税総所得金額 {kazei:,}円（{what}−所得控除、{p.round_kazei:,}円未満切捨て）")
    kazei_tanki = kazei_choki = 0
    if choki or tanki:
        # 所得控除 not absorbed by the 総所得金額: the 短期, then the 長期 譲渡所得
        rest = max(kojo.gokei - sogo, 0)
        tanki_after = tanki - tanki_kojo
        kazei_tanki = floor_to(max(tanki_after - rest, 0), p.round_kazei)
        rest = max(rest - tanki_after, 0)
        kazei_choki = floor_to(max(choki - choki_kojo - rest, 0), p.round_kazei)
        if tanki:
            ex.append(f"課税短期譲渡所得金額 {kazei_tanki:,}円（{p.round_kazei:,}円未満切捨て）")
        if choki:
            ex.append(f"課税長期譲渡所得金額 {kazei_choki:,}円（{p.round_kazei:,}円未満切捨て）")

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
            f"障害者・未成年者・寡婦・ひとり親で合計所得金額が{p.hikazei_shogaisha_tou:,}円"
            "以下（地方税法第295条第1項第2号）"
        )
    elif gokei_pos <= kin_gendo:
        hikazei_riyu = (
            f"合計所得金額が均等割の非課税限度額{kin_gendo:,}円以下（{x.kyuchi}級地・{ninzu}人）"
        )
    hikazei = bool(hikazei_riyu)
    shotokuwari_hikazei = hikazei or sogo_tou <= sho_gendo

    # 4. 所得割 (exact integer arithmetic: every rate is num/den, see RateSet)
    rs = p.rate_sets[1 if x.shitei_toshi else 0]
    r_shi, r_ken = rs.shichoson, rs.dofuken
    sanshutsu_shi = mul_trunc(kazei, r_shi)
    sanshutsu_ken = mul_trunc(kazei, r_ken)
    kazei_yen = f"{kazei:,}円"
    ex.append(
        f"所得割（控除前）市 {kazei_yen}×{rs.shichoson_text}＝{sanshutsu_shi:,}円、"
        f"県 {kazei_yen}×{rs.dofuken_text}＝{sanshutsu_ken:,}円"
    )
    bunri_shi = bunri_ken = 0
    if kazei_tanki or kazei_choki:
        i_shi, i_ken = (2, 3) if x.shitei_toshi else (0, 1)
        for label, base, rates in (
            ("課税短期譲渡所得金額", kazei_tanki, p.bunri_joto["tanki_ippan"]),
            ("課税長期譲渡所得金額", kazei_choki, p.bunri_joto["choki_ippan"]),
        ):
            if not base:
                continue
            b_shi, b_ken = mul_trunc(base, rates[i_shi]), mul_trunc(base, rates[i_ken])
            bunri_shi += b_shi
            bunri_ken += b_ken
            ex.append(
                f"所得割（{label}）市 {base:,}円×{fmt_rate(rates[i_shi])}＝{b_shi:,}円、"
                f"県 {base:,}円×{fmt_rate(rates[i_ken])}＝{b_ken:,}円"
            )
        sanshutsu_shi += bunri_shi
        sanshutsu_ken += bunri_ken
        ex.append(f"所得割（控除前）の合計 市 {sanshutsu_shi:,}円、県 {sanshutsu_ken:,}円")

    # 調整控除
    chosei_kijun = 0
    chosei_shi = chosei_ken = 0
    sa = kojo.jinteki_sa
    if kazei > 0 and gokei_pos <= p.chosei_gokei_joken:
        ex.append("人的控除額の差: " + "、".join(kojo.sa_lines) + f" 合計 {sa:,}円")
        if kazei <= p.chosei_kijun:
            chosei_kijun = min(sa, kazei)
            ex.append(
                f"調整控除: 課税総所得金額{p.chosei_kijun:,}円以下のため、"
                f"人的控除額の差と課税総所得金額の少ない方 {chosei_kijun:,}円"
            )
        else:
            chosei_kijun = max(sa - (kazei - p.chosei_kijun), p.chosei_saitei)
            ex.append(
                f"調整控除: 人的控除額の差−（課税総所得金額−{p.chosei_kijun:,}円）"
                f"＝{sa - (kazei - p.chosei_kijun):,}円、最低{p.chosei_saitei:,}円"
                f" → {chosei_kijun:,}円"
            )
        chosei_shi = min(mul_trunc(chosei_kijun, rs.chosei_shichoson), sanshutsu_shi)
        chosei_ken = min(mul_trunc(chosei_kijun, rs.chosei_dofuken), sanshutsu_ken)
        ex.append(
            f"調整控除額 市 ×{rs.chosei_shichoson_text}＝{chosei_shi:,}円、"
            f"県 ×{rs.chosei_dofuken_text}＝{chosei_ken:,}円"
        )
    after_shi = sanshutsu_shi - chosei_shi
    after_ken = sanshutsu_ken - chosei_ken

    # 所得割の非課税と、限度額を少し超える者の調整 (附則第3条の3第2項・第5項): when
    # 総所得金額等 − 所得割 falls short of the 限度額, the shortfall is taken off the
    # 所得割, shared between 市 and 県 (num/den of RateSet.cap_*).
    unit = p.round_zeigaku
    if shotokuwari_hikazei:
        shotokuwari_shi = shotokuwari_ken = 0
        if not hikazei:
            ex.append(
                f"所得割は非課税: 総所得金額等が所得割の非課税限度額{sho_gendo:,}円以下"
                f"（{ninzu}人）"
            )
    else:
        num_shi, den_shi = rs.cap_shichoson
        num_ken, den_ken = rs.cap_dofuken
        fusoku = sho_gendo - (sogo_tou - (after_shi + after_ken))
        if fusoku > 0:
            # exact: (after × den − fusoku × num) / den, then down to the unit
            scaled_shi = after_shi * den_shi - fusoku * num_shi
            scaled_ken = after_ken * den_ken - fusoku * num_ken
            red_shi = _yen_text(Fraction(fusoku * num_shi, den_shi))
            red_ken = _yen_text(Fraction(fusoku * num_ken, den_ken))
            ex.append(
                f"所得割の非課税限度額による調整: 総所得金額等{sogo_tou:,}円−所得割"
                f"{after_shi + after_ken:,}円が限度額{sho_gendo:,}円に{fusoku:,}円満たないため、"
                f"その額を市 {red_shi}・県 {red_ken}に分けて所得割から控除"
            )
            shotokuwari_shi = max(scaled_shi, 0) // (den_shi * unit) * unit
            shotokuwari_ken = max(scaled_ken, 0) // (den_ken * unit) * unit
        else:
            shotokuwari_shi = max(after_shi, 0) // unit * unit
            shotokuwari_ken = max(after_ken, 0) // unit * unit
        ex.append(
            f"所得割 市 {shotokuwari_shi:,}円、県 {shotokuwari_ken:,}円（{unit:,}円未満切捨て）"
        )

    # 令和6年度分の特別税額控除（定額減税、地方税法附則第5条の8）: 本人と同一生計配偶者・
    # 扶養親族1人につき定額を所得割から控除し、市・県に所得割の比で按分する
    genzei_shi = genzei_ken = 0
    tg = p.teigaku_genzei
    shotokuwari = shotokuwari_shi + shotokuwari_ken
    if tg is not None and shotokuwari > 0 and gokei_pos <= tg[1]:
        per_person, _, honnin_limit = tg
        ninin = ninzu
        if gokei_pos > honnin_limit and is_dokyo_seikei_haigusha(x.haigusha, p):
            ninin -= 1  # 控除対象配偶者でない同一生計配偶者（翌年度の控除へ）
        genzei = min(per_person * ninin, shotokuwari)
        genzei_ken = genzei * shotokuwari_ken // shotokuwari
        genzei_shi = genzei - genzei_ken
        ex.append(
            f"定額減税 {per_person:,}円×{ninin}人＝{per_person * ninin:,}円（所得割が限度）: "
            f"県 {genzei:,}円×{shotokuwari_ken:,}÷{shotokuwari:,}＝{genzei_ken:,}円、"
            f"市 {genzei_shi:,}円"
        )

    # 5. 均等割・森林環境税
    if hikazei:
        kin_shi = kin_ken = shinrin = 0
        ex.append(f"非課税: {hikazei_riyu}。均等割・所得割・森林環境税は課されない")
    else:
        kin_shi = p.kintowari_shichoson + p.fukko_tokurei
        kin_ken = p.kintowari_dofuken + p.fukko_tokurei
        shinrin = p.shinrin_kankyozei
        ex.append(f"均等割 市 {kin_shi:,}円、県 {kin_ken:,}円、森林環境税 {shinrin:,}円")
    shi_total = floor_to(shotokuwari_shi - genzei_shi + kin_shi, p.round_zeigaku)
    ken_total = floor_to(shotokuwari_ken - genzei_ken + kin_ken, p.round_zeigaku)
    total = shi_total + ken_total + shinrin
    ex.append(
        f"年税額 市民税 {shi_total:,}円＋県民税 {ken_total:,}円"
        f"＋森林環境税 {shinrin:,}円＝{total:,}円"
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
        shotokuwari_after_kojo_shichoson=Fraction(after_shi),
        shotokuwari_after_kojo_dofuken=Fraction(after_ken),
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
        teigaku_genzei_shichoson=genzei_shi,
        teigaku_genzei_dofuken=genzei_ken,
        choki_joto_shotoku=choki,
        tanki_joto_shotoku=tanki,
        choki_tokubetsu_kojo=choki_kojo,
        tanki_tokubetsu_kojo=tanki_kojo,
        kazei_choki_joto=kazei_choki,
        kazei_tanki_joto=kazei_tanki,
        bunri_shotokuwari_shichoson=bunri_shi,
        bunri_shotokuwari_dofuken=bunri_ken,
        sogo_shotoku_tou=sogo_tou,
    )
