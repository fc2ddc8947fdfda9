"""自立支援給付: the 利用者負担 区分 and 上限月額 at each boundary, the 補装具 46万円 rule and the
1割 負担 capped by the 上限月額 (pure rules; fukushi/rules/jiritsu.py).

Published figures these tests check (the 厚労省 page and 施行令第17条 itself were not read:
未確認, see fukushi/params/jiritsu.yaml):
- 松山市 FAQ (https://info-faq.city.matsuyama.ehime.jp/faq/show/816): 生活保護 0円, 市町村民税
  非課税世帯 0円, 課税世帯で所得割16万円未満 9,300円, 16万円以上 37,200円.
- tsuchiya-houmon.com (service-cost): 入所施設利用者（20歳以上）・グループホーム利用者は課税世帯なら
  一般2; 世帯の範囲は障害のある方とその配偶者.
- 土佐市 補装具費の支給 (https://www.city.tosa.lg.jp/life/detail.php?hdnKey=1877): 生活保護・
  低所得 0円, 一般 37,200円, 本人又は世帯員のうち所得割の最多納税者が46万円以上なら対象外.
"""

from __future__ import annotations

import pytest

from fukushi.rules.jiritsu import (
    Setaiin,
    futan_kubun,
    hosogu_futan,
    kyufu_gaku,
    parse_yogu,
    shikyu_ryo_errors,
)

JOGEN = {"seiho": 0, "teishotoku": 0, "ippan1": 9300, "ippan2": 37200}
HOSOGU = {"seiho": 0, "teishotoku": 0, "ippan": 37200}


def kubun(*members: Setaiin, hihogo: bool = False, nyusho: bool = False) -> tuple[str, int | None]:
    f = futan_kubun(
        hihogo=hihogo, members=list(members), nyusho=nyusho, jogen=JOGEN, ippan1_miman=160_000
    )
    return f.kubun, f.jogen


def honnin(kazei: bool | None, wari: int = 0) -> Setaiin:
    return Setaiin("本人", kazei, wari)


def haigusha(kazei: bool | None, wari: int = 0) -> Setaiin:
    return Setaiin("配偶者", kazei, wari)


def test_service_futan_boundaries():
    # 所得割 159,999円: 一般1 9,300円; 160,000円: 一般2 37,200円 (松山市 FAQ: 16万円未満)
    assert kubun(honnin(True, 159_999)) == ("ippan1", 9300)
    assert kubun(honnin(True, 160_000)) == ("ippan2", 37200)
    # 本人と配偶者の所得割の合計 (世帯 = 本人と配偶者)
    assert kubun(honnin(True, 100_000), haigusha(True, 59_999)) == ("ippan1", 9300)
    assert kubun(honnin(True, 100_000), haigusha(True, 60_000)) == ("ippan2", 37200)
    # 非課税の本人でも配偶者が課税なら課税世帯
    assert kubun(honnin(False), haigusha(True, 10_000)) == ("ippan1", 9300)
    # 世帯全員非課税: 低所得 0円
    assert kubun(honnin(False), haigusha(False)) == ("teishotoku", 0)
    # 生活保護: 0円 whatever the tax
    assert kubun(honnin(True, 500_000), hihogo=True) == ("seiho", 0)
    # グループホーム・入所施設の利用者: 課税世帯なら一般2 even below 16万円; 非課税は低所得
    assert kubun(honnin(True, 1), nyusho=True) == ("ippan2", 37200)
    assert kubun(honnin(False), nyusho=True) == ("teishotoku", 0)


def test_futan_shows_every_figure_and_refuses_an_unknown_income():
    f = futan_kubun(
        hihogo=False,
        members=[honnin(True, 100_000), haigusha(True, 60_000)],
        nyusho=False,
        jogen=JOGEN,
        ippan1_miman=160_000,
    )
    assert f.riyu == (
        "本人: 課税（市町村民税所得割 100,000円）",
        "配偶者: 課税（市町村民税所得割 60,000円）",
        "所得割の合計 160,000円（一般1 は 160,000円未満）",
    )
    with pytest.raises(ValueError, match="配偶者の市町村民税の課税状況がありません。"):
        kubun(honnin(False), haigusha(None))


def hosogu(*members: Setaiin, hihogo: bool = False) -> tuple[str, int | None]:
    f = hosogu_futan(hihogo=hihogo, members=list(members), jogen=HOSOGU, taishogai_ijo=460_000)
    return f.kubun, f.jogen


def test_hosogu_46man_boundary_is_the_largest_payer_not_the_sum():
    # 土佐市: 最多納税者の所得割が46万円以上なら対象外
    assert hosogu(honnin(True, 459_999)) == ("ippan", 37200)
    assert hosogu(honnin(True, 460_000)) == ("taishogai", None)
    assert hosogu(honnin(False), haigusha(True, 460_000)) == ("taishogai", None)
    assert hosogu(honnin(True, 300_000), haigusha(True, 300_000)) == ("ippan", 37200)
    assert hosogu(honnin(False), haigusha(False)) == ("teishotoku", 0)
    assert hosogu(honnin(True, 900_000), hihogo=True) == ("seiho", 0)


def test_one_tenth_capped_by_the_monthly_limit():
    # 基準額まで: 見積 120,000円・基準額 100,000円 → 費用 100,000円, 1割 10,000円
    assert kyufu_gaku(kijun_gaku=100_000, kakaku=120_000, jogen=37_200) == (100_000, 10_000, 90_000)
    # 1割 50,000円 > 上限 37,200円
    assert kyufu_gaku(kijun_gaku=500_000, kakaku=500_000, jogen=37_200) == (
        500_000, 37_200, 462_800,
    )  # fmt: skip
    # 円未満切捨て; 上限 9,300円; 0円
    assert kyufu_gaku(kijun_gaku=99_999, kakaku=99_999, jogen=9_300) == (99_999, 9_300, 90_699)
    assert kyufu_gaku(kijun_gaku=45_678, kakaku=45_678, jogen=37_200) == (45_678, 4_567, 41_111)
    assert kyufu_gaku(kijun_gaku=154_000, kakaku=154_000, jogen=0) == (154_000, 0, 154_000)
    with pytest.raises(ValueError):
        kyufu_gaku(kijun_gaku=1000, kakaku=0, jogen=0)


def test_town_list_and_shikyu_ryo_checks():
    assert parse_yogu("特殊寝台=154000、入浴補助用具=90000,\n頭部保護帽=12000") == {
        "特殊寝台": 154000, "入浴補助用具": 90000, "頭部保護帽": 12000,
    }  # fmt: skip
    with pytest.raises(ValueError, match="「特殊寝台」"):
        parse_yogu("特殊寝台")
    known = {"kyotaku_kaigo": {"name": "居宅介護", "tani": "jikan"},
             "seikatsu_kaigo": {"name": "生活介護", "tani": "nichi"}}  # fmt: skip
    assert shikyu_ryo_errors({"kyotaku_kaigo": 744, "seikatsu_kaigo": 31}, known) == []
    assert shikyu_ryo_errors({"seikatsu_kaigo": 32}, known) == [
        ("services", "生活介護の支給量は1から31までで入力してください。")
    ]
    assert shikyu_ryo_errors({}, known) == [
        ("services", "支給するサービスを一つ以上入力してください。")
    ]
    assert shikyu_ryo_errors({"x": 1}, known) == [("services", "サービスの種類「x」はありません。")]
