"""障害児通所支援: the 利用者負担 区分 and 上限月額 at each boundary and the 就学前の無償化 period
(pure rules; fukushi/rules/tsusho.py).

Published figures these tests check (施行令第24条の12 and the 厚労省 pages themselves were not
read: 未確認, see fukushi/params/tsusho.yaml):
- 市川市 利用者負担上限月額 (https://www.city.ichikawa.lg.jp/wel05/0000497481.html): 障害児通所
  支援は「保護者の属する世帯」で判定、生活保護 0円, 市民税非課税 0円, 所得割28万円未満 4,600円,
  28万円以上 37,200円.
- 朝霞市 就学前の児童発達支援等が無償化されます
  (https://www.city.asaka.lg.jp/soshiki/50/jihatsutoumushou.html): 2019年10月1日から2020年3月31日
  は誕生日が2013年4月2日から2016年4月1日までの児童、2020年度は2014年4月2日から2017年4月1日まで.
- 田原本町 就学前の障害のある子どもの発達支援の無償化
  (http://www.town.tawaramoto.nara.jp/soshki/jumin/fukushi/kenko/kenko/syougaisya/10052.html):
  平成28年9月30日生まれは令和2年4月1日から令和5年3月31日まで.
"""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.rules.tsusho import (
    Setaiin,
    futan_kubun,
    mushoka_from,
    mushoka_kikan,
    shikyu_ryo_errors,
)

JOGEN = {"seiho": 0, "teishotoku": 0, "ippan1": 4600, "ippan2": 37200}
MIMAN = 280_000


def kubun(*members: Setaiin, hihogo: bool = False) -> tuple[str, int]:
    f = futan_kubun(hihogo=hihogo, members=list(members), jogen=JOGEN, ippan1_miman=MIMAN)
    return f.kubun, f.jogen


def test_futan_kubun_boundaries_ichikawa():
    assert kubun(hihogo=True) == ("seiho", 0)
    assert kubun(Setaiin("保護者", False, 0), Setaiin("世帯員1", False, 0)) == ("teishotoku", 0)
    # 所得割28万円未満 4,600円, 28万円以上 37,200円: the household's sum
    assert kubun(Setaiin("保護者", True, 279_999)) == ("ippan1", 4600)
    assert kubun(Setaiin("保護者", True, 280_000)) == ("ippan2", 37200)
    assert kubun(Setaiin("保護者", True, 200_000), Setaiin("世帯員1", True, 80_000)) == (
        "ippan2", 37200,
    )  # fmt: skip
    # a 課税 member with 所得割 0 (均等割のみ) makes the household 課税: 一般1
    assert kubun(Setaiin("保護者", True, 0), Setaiin("世帯員1", False, 0)) == ("ippan1", 4600)


def test_futan_unknown_income_refused():
    with pytest.raises(ValueError, match="世帯員1の市町村民税の課税状況がありません。"):
        kubun(Setaiin("保護者", True, 1), Setaiin("世帯員1", None, 0))


@pytest.mark.parametrize(
    ("birth", "kaishi", "shuryo"),
    [
        # 田原本町: 平成28年9月30日生まれ → 令和2年4月1日から令和5年3月31日まで
        (date(2016, 9, 30), date(2020, 4, 1), date(2023, 3, 31)),
        # 朝霞市 2019年10月〜2020年3月: 2016年4月1日生まれまで (4/1 is the earlier 学年)
        (date(2016, 4, 1), date(2019, 4, 1), date(2022, 3, 31)),
        # ... and from 2013年4月2日生まれ
        (date(2013, 4, 2), date(2017, 4, 1), date(2020, 3, 31)),
        # 2013年4月1日生まれ: ended 2019年3月31日 (not in 朝霞市's 2019 range)
        (date(2013, 4, 1), date(2016, 4, 1), date(2019, 3, 31)),
        # 2016年4月2日生まれ: from 2020年4月1日 (not in 2019; in 朝霞市's 2020年度 range)
        (date(2016, 4, 2), date(2020, 4, 1), date(2023, 3, 31)),
        (date(2017, 4, 1), date(2020, 4, 1), date(2023, 3, 31)),
        # 2月29日生まれ
        (date(2016, 2, 29), date(2019, 4, 1), date(2022, 3, 31)),
    ],
)
def test_mushoka_kikan_edges(birth, kaishi, shuryo):
    assert mushoka_kikan(birth) == (kaishi, shuryo)


def test_asaka_ranges_whole():
    """Every birthday of 朝霞市's two published ranges is covered on the first day of its
    period, and the days just outside are not."""

    def covered(birth: date, day: date) -> bool:
        k, s = mushoka_kikan(birth)
        return k <= day <= s

    oct2019, apr2020 = date(2019, 10, 1), date(2020, 4, 1)
    assert covered(date(2013, 4, 2), oct2019) and covered(date(2016, 4, 1), oct2019)
    assert not covered(date(2013, 4, 1), oct2019) and not covered(date(2016, 4, 2), oct2019)
    assert covered(date(2014, 4, 2), apr2020) and covered(date(2017, 4, 1), apr2020)
    assert not covered(date(2014, 4, 1), apr2020) and not covered(date(2017, 4, 2), apr2020)


def test_mushoka_from_the_law_of_2019_10_01():
    """朝霞市: from 2019年10月1日 the children born 2013-04-02 to 2016-04-01; a period that ended
    before (2013-04-01 生まれ: 2019-03-31) gives nothing."""
    shiko = date(2019, 10, 1)
    assert mushoka_from(date(2016, 4, 1), shiko) == (date(2019, 10, 1), date(2022, 3, 31))
    assert mushoka_from(date(2013, 4, 2), shiko) == (date(2019, 10, 1), date(2020, 3, 31))
    assert mushoka_from(date(2013, 4, 1), shiko) is None
    assert mushoka_from(date(2016, 4, 2), shiko) == (date(2020, 4, 1), date(2023, 3, 31))


def test_shikyu_ryo_errors():
    kinds = {"jido_hattatsu": {"name": "児童発達支援"}}
    assert shikyu_ryo_errors({}, kinds) == [
        ("services", "支給するサービスを1つ以上入力してください。")
    ]
    assert shikyu_ryo_errors({"jido_hattatsu": 32}, kinds) == [
        ("services", "児童発達支援の支給量は1から31までで入力してください。")
    ]
    assert shikyu_ryo_errors({"x": 3}, kinds) == [
        ("services", "サービスの種類が正しくありません。")
    ]
    assert shikyu_ryo_errors({"jido_hattatsu": 23}, kinds) == []
