"""個人住民税の年税額: 調整控除、指定都市の税率、非課税、森林環境税、年度ごとの計算例.

No municipal worked example could be retrieved with the search tool for these exact
figures, so every expected value below is computed by hand in the comment, from:
地方税法第35条・第37条・第295条・第310条・第314条の2・第314条の3・第314条の6・
附則第3条の3、第20条の4の2、森林環境税及び森林環境譲与税に関する法律第5条.
The 令和8年度 changes (配偶者・扶養の所得要件58万円、特定親族特別控除) follow
平群町「令和8年度から適用される主な改正」https://www.town.heguri.nara.jp/soshiki/7/16079.html
and 日進市 https://www.city.nisshin.lg.jp/kurashi/sumai/zeikin/shiminnzei/17952.html .
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenants.params.services import ParameterMissing
from tenants.params.tenant.models import MunicipalParameter
from zeimu.rules import (
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
    juminzei_compute,
    parameters_for,
)

R6, R7, R8 = 2024, 2025, 2026


def test_r6_full_single_salary_3m(params) -> None:
    # 令和6年度（令和5年分）、単身、給与収入3,000,000円、社会保険料450,000円（手計算）
    #   給与所得   3,000,000×70% − 80,000 = 2,020,000
    #   所得控除   社会保険料450,000 + 基礎430,000 = 880,000
    #   課税総所得 2,020,000 − 880,000 = 1,140,000
    #   所得割     市 ×6% = 68,400 / 県 ×4% = 45,600
    #   調整控除   200万以下: min(差5万, 1,140,000) = 50,000 → 市 ×3% 1,500 / 県 ×2% 1,000
    #   所得割     市 66,900 / 県 44,600
    #   均等割     市 3,000 / 県 1,000（復興特例は令和5年度で終了）、森林環境税 1,000
    #   定額減税   本人1人 10,000（令和6年度のみ）: 県 10,000×44,600÷111,500 = 4,000、市 6,000
    #   年税額     市 63,900 + 県 41,600 + 森林 1,000 = 106,500
    r = juminzei_compute(
        JuminzeiInput(age=40, kyuyo_shunyu=3_000_000, shakai_hokenryo=450_000), params(R6)
    )
    assert r.kyuyo.shotoku == 2_020_000
    assert r.gokei_shotoku == 2_020_000
    assert r.kojo.kiso == 430_000
    assert r.kojo.gokei == 880_000
    assert r.kazei_shotoku == 1_140_000
    assert (r.sanshutsu_shichoson, r.sanshutsu_dofuken) == (68_400, 45_600)
    assert r.jinteki_sa == 50_000
    assert (r.chosei_kojo_shichoson, r.chosei_kojo_dofuken) == (1_500, 1_000)
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (66_900, 44_600)
    assert (r.kintowari_shichoson, r.kintowari_dofuken) == (3_000, 1_000)
    assert r.shinrin_kankyozei == 1_000
    assert (r.teigaku_genzei_shichoson, r.teigaku_genzei_dofuken) == (6_000, 4_000)
    assert (r.shichosonminzei, r.dofukenminzei, r.gokei_zeigaku) == (63_900, 41_600, 106_500)
    assert any("調整控除額" in line for line in r.explanation)


def test_r7_full_shitei_toshi_family_over_2m(params) -> None:
    # 令和7年度（令和6年分）、指定都市、給与収入6,000,000円、社会保険料700,000円、
    # 生命保険料（新・一般）100,000円・（介護医療）30,000円、地震保険料40,000円、
    # 配偶者（所得0、45歳）、子17歳（一般扶養）・20歳（特定扶養）（手計算）
    #   給与所得   6,000,000×80% − 440,000 = 4,360,000
    #   生命保険   一般 56,000超 → 28,000、介護医療 30,000×1/2 + 6,000 = 21,000 → 49,000
    #   地震保険   40,000×1/2 = 20,000
    #   所得控除   700,000 + 49,000 + 20,000 + 配偶者330,000 + 扶養330,000 + 450,000
    #              + 基礎430,000 = 2,309,000
    #   課税総所得 4,360,000 − 2,309,000 = 2,051,000（200万円超）
    #   所得割     市 ×8% = 164,080 / 県 ×2% = 41,020（指定都市）
    #   人的控除差 基礎5万 + 配偶者5万 + 一般扶養5万 + 特定扶養18万 = 330,000
    #   調整控除   330,000 − (2,051,000 − 2,000,000) = 279,000 → 市 ×4% 11,160 / 県 ×1% 2,790
    #   所得割     市 152,920 → 152,900 / 県 38,230 → 38,200（100円未満切捨て）
    #   年税額     市 155,900 + 県 39,200 + 森林 1,000 = 196,100
    r = juminzei_compute(
        JuminzeiInput(
            age=45,
            kyuyo_shunyu=6_000_000,
            shakai_hokenryo=700_000,
            seimei_hokenryo=SeimeiHokenryo(ippan_shin=100_000, kaigo_iryo=30_000),
            jishin_hokenryo=40_000,
            haigusha=Haigusha(gokei_shotoku=0, age=45),
            shinzoku=(Shinzoku(age=17), Shinzoku(age=20)),
            shitei_toshi=True,
        ),
        params(R7),
    )
    assert r.kyuyo.shotoku == 4_360_000
    assert (r.kojo.seimei_hoken, r.kojo.jishin_hoken) == (49_000, 20_000)
    assert (r.kojo.haigusha, r.kojo.fuyo) == (330_000, 780_000)
    assert r.kazei_shotoku == 2_051_000
    assert (r.rate_shichoson, r.rate_dofuken) == (
        params(R7).rate_shichoson_shitei,
        params(R7).rate_dofuken_shitei,
    )
    assert (r.sanshutsu_shichoson, r.sanshutsu_dofuken) == (164_080, 41_020)
    assert r.jinteki_sa == 330_000
    assert r.chosei_kijun == 279_000
    assert (r.chosei_kojo_shichoson, r.chosei_kojo_dofuken) == (11_160, 2_790)
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (152_900, 38_200)
    assert (r.shichosonminzei, r.dofukenminzei, r.gokei_zeigaku) == (155_900, 39_200, 196_100)


def test_r8_full_spouse_at_new_580000_limit(params) -> None:
    # 令和8年度（令和7年分）、給与収入5,000,000円、社会保険料750,000円、
    # 配偶者の合計所得金額580,000円（44歳）、子17歳（手計算）
    #   給与所得   5,000,000×80% − 440,000 = 3,560,000
    #   配偶者     58万円以下（令和8年度から）→ 配偶者控除330,000（同一生計配偶者）
    #   所得控除   750,000 + 330,000 + 330,000 + 430,000 = 1,840,000
    #   課税総所得 3,560,000 − 1,840,000 = 1,720,000
    #   所得割     市 103,200 / 県 68,800
    #   人的控除差 基礎5万 + 配偶者控除5万 + 一般扶養5万 = 150,000
    #   調整控除   min(150,000, 1,720,000) → 市 4,500 / 県 3,000
    #   所得割     市 98,700 / 県 65,800
    #   年税額     市 101,700 + 県 66,800 + 森林 1,000 = 169,500
    x = JuminzeiInput(
        age=45,
        kyuyo_shunyu=5_000_000,
        shakai_hokenryo=750_000,
        haigusha=Haigusha(gokei_shotoku=580_000, age=44),
        shinzoku=(Shinzoku(age=17),),
    )
    r = juminzei_compute(x, params(R8))
    assert (r.kojo.haigusha, r.kojo.haigusha_tokubetsu) == (330_000, 0)
    assert r.kazei_shotoku == 1_720_000
    assert r.jinteki_sa == 150_000
    assert (r.chosei_kojo_shichoson, r.chosei_kojo_dofuken) == (4_500, 3_000)
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (98_700, 65_800)
    assert (r.shichosonminzei, r.dofukenminzei, r.gokei_zeigaku) == (101_700, 66_800, 169_500)
    assert r.hikazei_ninzu == 3

    # The same household in 令和7年度: 580,000 > 48万 → 配偶者特別控除 330,000 (48万超100万以下),
    # whose 人的控除額の差 is 0 (55万以上) → 差 100,000 → 調整控除 3,000 / 2,000
    #   所得割 市 100,200 / 県 66,800 → 年税額 103,200 + 67,800 + 1,000 = 172,000
    r7 = juminzei_compute(x, params(R7))
    assert (r7.kojo.haigusha, r7.kojo.haigusha_tokubetsu) == (0, 330_000)
    assert r7.jinteki_sa == 100_000
    assert (r7.shichosonminzei, r7.dofukenminzei, r7.gokei_zeigaku) == (103_200, 67_800, 172_000)
    assert r7.hikazei_ninzu == 2  # 配偶者は同一生計配偶者ではない


def test_chosei_kojo_under_2m_limited_by_kazei_shotoku(params) -> None:
    # 令和6年度、単身、給与収入1,020,000円（手計算）
    #   給与所得 470,000、課税総所得 470,000 − 430,000 = 40,000
    #   所得割 市 2,400 / 県 1,600、調整控除 min(50,000, 40,000)=40,000 → 1,200 / 800
    #   所得割 市 1,200 / 県 800。総所得 470,000 − 所得割 2,000 = 468,000 は所得割の
    #   非課税限度額 450,000 以上なので調整なし
    #   定額減税 10,000 は所得割 2,000 が限度: 県 800・市 1,200 → 所得割 0
    #   年税額 市 3,000 + 県 1,000 + 森林 1,000 = 5,000
    r = juminzei_compute(JuminzeiInput(age=30, kyuyo_shunyu=1_020_000), params(R6))
    assert r.kazei_shotoku == 40_000
    assert r.chosei_kijun == 40_000
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (1_200, 800)
    assert (r.teigaku_genzei_shichoson, r.teigaku_genzei_dofuken) == (1_200, 800)
    assert (r.shichosonminzei, r.dofukenminzei, r.gokei_zeigaku) == (3_000, 1_000, 5_000)


def test_chosei_kojo_over_2m_minimum_2500(params) -> None:
    # 令和6年度、単身、給与収入10,000,000円、社会保険料1,400,000円（手計算）
    #   給与所得 10,000,000 − 1,950,000 = 8,050,000、課税総所得 8,050,000 − 1,830,000 = 6,220,000
    #   調整控除 50,000 − 4,220,000 < 5万 → 5万: 市 1,500 + 県 1,000 = 2,500
    #   所得割 市 373,200 − 1,500 = 371,700 / 県 248,800 − 1,000 = 247,800
    x = JuminzeiInput(age=30, kyuyo_shunyu=10_000_000, shakai_hokenryo=1_400_000)
    r = juminzei_compute(x, params(R6))
    assert r.chosei_kijun == 50_000
    assert r.chosei_kojo_shichoson + r.chosei_kojo_dofuken == 2_500
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (371_700, 247_800)
    # 指定都市: 8% + 2%、調整控除 4% 2,000 / 1% 500
    #   市 6,220,000×8% = 497,600 − 2,000 = 495,600 / 県 124,400 − 500 = 123,900
    rs = juminzei_compute(
        JuminzeiInput(
            age=30, kyuyo_shunyu=10_000_000, shakai_hokenryo=1_400_000, shitei_toshi=True
        ),
        params(R6),
    )
    assert (rs.chosei_kojo_shichoson, rs.chosei_kojo_dofuken) == (2_000, 500)
    assert (rs.shotokuwari_shichoson, rs.shotokuwari_dofuken) == (495_600, 123_900)
    # 合計の所得割は一般の市町村と同じ10%
    assert rs.sanshutsu_shichoson + rs.sanshutsu_dofuken == 622_000


@pytest.mark.parametrize(
    ("fy", "kyuchi", "shunyu", "kintowari", "shotokuwari"),
    [
        # 1級地・単身: 均等割・所得割とも合計所得金額45万円以下で非課税
        #   令和6年度: 給与収入1,000,000 → 所得450,000 → 非課税; 1,000,001 → 450,001 → 均等割課税
        (R6, 1, 1_000_000, False, False),
        (R6, 1, 1_000_001, True, False),
        # 令和8年度: 給与所得控除65万円 → 給与収入1,100,000が非課税の上限
        (R8, 1, 1_100_000, False, False),
        (R8, 1, 1_100_001, True, False),
        # 3級地・単身: 均等割は38万円以下で非課税 → 給与収入930,000（令和7年度）
        (R7, 3, 930_000, False, False),
        (R7, 3, 930_001, True, False),
        # 2級地・単身: 41.5万円 → 給与収入965,000
        (R7, 2, 965_000, False, False),
        (R7, 2, 965_001, True, False),
        # 所得割の非課税限度額（45万円、級地によらない）を超える: 1,020,000 → 470,000
        (R7, 3, 1_020_000, True, True),
    ],
)
def test_hikazei_single(params, fy, kyuchi, shunyu, kintowari, shotokuwari) -> None:
    r = juminzei_compute(JuminzeiInput(age=35, kyuyo_shunyu=shunyu, kyuchi=kyuchi), params(fy))
    assert (r.kintowari_shichoson > 0) is kintowari
    assert (r.shinrin_kankyozei > 0) is kintowari
    assert (r.shotokuwari_shichoson + r.shotokuwari_dofuken > 0) is shotokuwari
    assert r.hikazei is not kintowari


def test_hikazei_shotokuwari_only_with_dependents(params) -> None:
    # 1級地、配偶者（所得0）・子2人（10歳・8歳）: 4人
    #   均等割の限度額 35万×4 + 10万 + 21万 = 1,710,000
    #   所得割の限度額 35万×4 + 10万 + 32万 = 1,820,000
    # 令和6年度 給与収入2,700,000 → 2,700,000×70% − 80,000 = 1,810,000:
    #   均等割は課税、所得割は非課税
    x = JuminzeiInput(
        age=40,
        kyuyo_shunyu=2_700_000,
        haigusha=Haigusha(gokei_shotoku=0, age=38),
        shinzoku=(Shinzoku(age=10), Shinzoku(age=8)),
    )
    r = juminzei_compute(x, params(R6))
    assert r.hikazei_ninzu == 4
    assert (r.kintowari_hikazei_gendo, r.shotokuwari_hikazei_gendo) == (1_710_000, 1_820_000)
    assert not r.hikazei and r.shotokuwari_hikazei
    assert (r.shotokuwari_shichoson, r.kintowari_shichoson, r.gokei_zeigaku) == (0, 3_000, 5_000)


def test_hikazei_shogaisha_135man(params) -> None:
    # 障害者で合計所得金額135万円以下は均等割・所得割・森林環境税とも非課税（第295条第1項第2号）
    #   令和6年度: 給与収入2,043,999 → 4,000円単位で2,040,000×70% − 80,000 = 1,348,000 → 非課税
    #              給与収入2,044,000 → 2,044,000×70% − 80,000 = 1,350,800 → 課税
    below = JuminzeiInput(age=50, kyuyo_shunyu=2_043_999, shogai=Shogai.FUTSU)
    over = JuminzeiInput(age=50, kyuyo_shunyu=2_044_000, shogai=Shogai.FUTSU)
    rb = juminzei_compute(below, params(R6))
    ro = juminzei_compute(over, params(R6))
    assert rb.gokei_shotoku == 1_348_000 and rb.hikazei and rb.gokei_zeigaku == 0
    assert "第295条第1項第2号" in rb.hikazei_riyu
    assert ro.gokei_shotoku == 1_350_800 and not ro.hikazei
    # 課税なら障害者控除26万円が引かれる:
    #   1,350,800 − (260,000 + 430,000) = 660,800 → 660,000
    assert ro.kojo.shogaisha == 260_000
    assert ro.kazei_shotoku == 660_000
    # 人的控除差 基礎5万 + 障害者1万 = 6万 → 市 1,800 / 県 1,200
    #   所得割 市 39,600 − 1,800 = 37,800 / 県 26,400 − 1,200 = 25,200
    assert (ro.shotokuwari_shichoson, ro.shotokuwari_dofuken) == (37_800, 25_200)
    # ひとり親・寡婦・未成年者も同じ
    for kw in (
        {"kafu_hitorioya": KafuHitorioya.HITORIOYA_HAHA},
        {"kafu_hitorioya": KafuHitorioya.KAFU},
        {"miseinen": True},
    ):
        r = juminzei_compute(JuminzeiInput(age=50, kyuyo_shunyu=2_043_999, **kw), params(R7))
        assert r.hikazei


def test_shinrin_kankyozei_from_r6(params) -> None:
    # 森林環境税 1,000円は令和6年度から。均等割（市3,000・県1,000）と併せて課され、
    # 復興特例の加算（各500円）は令和5年度で終了（均等割合計は5,000円のまま）
    x = JuminzeiInput(age=35, kyuyo_shunyu=1_200_000)
    for fy in (R6, R7, R8):
        r = juminzei_compute(x, params(fy))
        assert r.shinrin_kankyozei == 1_000
        assert r.kintowari_shichoson + r.kintowari_dofuken + r.shinrin_kankyozei == 5_000
        assert r.gokei_zeigaku == r.shichosonminzei + r.dofukenminzei + 1_000
    # 令和5年度には森林環境税の行がない（国税として課されるのは令和6年度から）
    with pytest.raises(ParameterMissing, match="2023年度"):
        parameters_for(2023)


def test_r8_tokutei_shinzoku_tokubetsu_kojo(params) -> None:
    # 令和8年度: 20歳の子の合計所得金額850,000（給与収入150万円）は扶養親族ではないが、
    # 特定親族特別控除45万円（58万円超95万円以下）。令和7年度は扶養控除も受けられない。
    child = Shinzoku(age=20, gokei_shotoku=850_000)
    x = JuminzeiInput(age=50, kyuyo_shunyu=5_000_000, shakai_hokenryo=750_000, shinzoku=(child,))
    r8 = juminzei_compute(x, params(R8))
    assert (r8.kojo.tokutei_shinzoku, r8.kojo.fuyo) == (450_000, 0)
    assert r8.hikazei_ninzu == 1
    r7 = juminzei_compute(x, params(R7))
    assert (r7.kojo.tokutei_shinzoku, r7.kojo.fuyo) == (0, 0)
    # 段階: 100万円 → 41万円、123万円 → 3万円、123万円超 → 0
    for income, amount in ((1_000_000, 410_000), (1_230_000, 30_000), (1_230_001, 0)):
        xi = JuminzeiInput(
            age=50, kyuyo_shunyu=5_000_000, shinzoku=(Shinzoku(age=21, gokei_shotoku=income),)
        )
        assert juminzei_compute(xi, params(R8)).kojo.tokutei_shinzoku == amount


def test_nenkin_and_kyuyo_full(params) -> None:
    # 令和6年度、67歳、給与収入1,000,000・公的年金等収入2,000,000（手計算）
    #   給与所得 450,000、年金雑所得 2,000,000 − 1,100,000 = 900,000
    #   所得金額調整控除 10万 + 10万 − 10万 = 100,000 → 合計所得 350,000 + 900,000 = 1,250,000
    #   課税総所得 1,250,000 − 430,000 = 820,000 → 所得割 市 49,200 − 1,500 = 47,700 /
    #   県 32,800 − 1,000 = 31,800 → 定額減税 10,000（県 4,000・市 6,000）
    #   → 年税額 44,700 + 28,800 + 1,000 = 74,500
    x = JuminzeiInput(age=67, kyuyo_shunyu=1_000_000, nenkin_shunyu=2_000_000)
    r = juminzei_compute(x, params(R6))
    assert (r.nenkin.shotoku, r.shotoku_chosei_ryoho, r.gokei_shotoku) == (
        900_000,
        100_000,
        1_250_000,
    )
    assert (r.shichosonminzei, r.dofukenminzei, r.gokei_zeigaku) == (44_700, 28_800, 74_500)


def test_municipal_override_of_kintowari(params, world) -> None:
    # 葉山町が条例で市町村民税均等割を3,500円とする（テスト）: 葉山町の計算にだけ効く
    x = JuminzeiInput(age=40, kyuyo_shunyu=3_000_000, shakai_hokenryo=450_000)
    with schema_context(world.alpha.schema):
        MunicipalParameter.objects.create(
            key="zeimu.kojin_juminzei.kintowari.shichoson",
            fiscal_year_from=R7,
            value=3500,
            source="葉山町税条例（テスト）",
            created_by="test",
        )
        alpha = juminzei_compute(x, parameters_for(R7))
        alpha_r6 = juminzei_compute(x, parameters_for(R6))
    with schema_context(world.beta.schema):
        beta = juminzei_compute(x, parameters_for(R7))
        assert not MunicipalParameter.objects.exists()
    assert alpha.kintowari_shichoson == 3_500
    assert alpha_r6.kintowari_shichoson == 3_000
    assert beta.kintowari_shichoson == 3_000
    assert alpha.shichosonminzei - beta.shichosonminzei == 500


def test_hikazei_gendo_chosei_takes_off_only_the_shortfall(params) -> None:
    # 令和7年度、子2人（17歳・18歳、一般扶養）、その他の所得 1,480,000円（手計算）
    #   所得割の非課税限度額 35万×3人＋10万＋32万 = 1,470,000
    #   所得控除 基礎 430,000 + 扶養 330,000×2 = 1,090,000 → 課税総所得 390,000
    #   所得割 市 23,400 / 県 15,600、調整控除（差 50,000×3 = 150,000）市 4,500 / 県 3,000
    #   → 所得割 市 18,900 / 県 12,600（計 31,500）
    #   総所得金額等 1,480,000 − 31,500 = 1,448,500 は限度額に 21,500 満たない
    #   → 市 21,500×60% = 12,900、県 ×40% = 8,600 を控除 → 市 6,000 / 県 4,000
    #   （所得割の合計は 1,480,000 − 1,470,000 = 10,000 に等しい）
    x = JuminzeiInput(
        age=45,
        sonota_shotoku=1_480_000,
        shinzoku=(Shinzoku(age=17), Shinzoku(age=18)),
    )
    r = juminzei_compute(x, params(R7))
    assert r.shotokuwari_hikazei_gendo == 1_470_000
    assert r.kazei_shotoku == 390_000
    assert (r.chosei_kojo_shichoson, r.chosei_kojo_dofuken) == (4_500, 3_000)
    assert (r.shotokuwari_shichoson, r.shotokuwari_dofuken) == (6_000, 4_000)
    assert any("21,500円満たない" in line for line in r.explanation)
    # Ten thousand yen more income: the shortfall is gone, the 所得割 is whole again.
    r2 = juminzei_compute(
        JuminzeiInput(
            age=45,
            sonota_shotoku=1_530_000,
            shinzoku=(Shinzoku(age=17), Shinzoku(age=18)),
        ),
        params(R7),
    )
    # 課税 440,000 → 26,400 / 17,600 − 4,500 / 3,000 = 21,900 / 14,600 (36,500);
    # 1,530,000 − 36,500 = 1,493,500 ≥ 1,470,000: no adjustment
    assert (r2.shotokuwari_shichoson, r2.shotokuwari_dofuken) == (21_900, 14_600)
