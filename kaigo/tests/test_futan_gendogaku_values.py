"""負担限度額認定 (補足給付): the limits, income thresholds and savings limits the rules use,
checked against the tables the towns publish (copies of 厚生労働省's 周知資料; the ministry's
own page was not reachable from here, nor the 告示).

Pages (stored copies read through the search tool, December 2026):

- 居住費 from 令和6年8月 (the six room kinds): 北広島市
  https://www.city.kitahiroshima.hokkaido.jp/hotnews/detail/00154069.html ; with 食費, the
  80万円/120万円 thresholds and the 第1段階 savings: 開成町 https://www.town.kaisei.kanagawa.jp/Info/1546
- 居住費・食費 of 令和3年8月〜令和6年7月 with the savings: 大槌町
  https://www.town.otsuchi.iwate.jp/gyosei/docs/374830.html , 大牟田市
  https://www.city.omuta.lg.jp/kiji0032128/index.html , 五島市
  https://www.city.goto.nagasaki.jp/s033/010/010/010/080/20230516134937.html
- 令和7年8月: the 第2段階 threshold 80.9万円 (令和6年の老齢基礎年金 809,000円) for the
  特定入所者介護サービス費: 行橋市 https://www.city.yukuhashi.fukuoka.jp/soshiki/21/36796.html ;
  80.9万円・120万円 and the savings of every 段階 (単身・夫婦): 山県市
  https://www.city.yamagata.gifu.jp/site/kaigo/44449.html ; 「令和7年7月までは、80万円です」: 平川市
  https://www.city.hirakawa.lg.jp/fukushi/kaigohoken/keigen/tokuteinyushosyakaigoservice.html
- 第2号被保険者 1,000万円（夫婦2,000万円）whatever the 段階: 川根本町
  http://www.town.kawanehon.shizuoka.jp/soshiki/koreishahukushi/chojukaigo/1/3/15403.html
- 令和7年8月's 室料相当額控除 (基準費用額 +260円 in some 老健・介護医療院 多床室) does not raise
  what a 第1〜第3段階 person pays: 福岡市
  https://www.city.fukuoka.lg.jp/fukushi/kaigohoken/health/00/03/shitsuryo.html — so the 令和6年8月
  limits stay for 令和7年度. (長崎市's FAQ named in the brief was not found by the search.)

Nothing for 令和8年8月 onward was found: that 年度 is refused, not guessed.
"""

from __future__ import annotations

from typing import Any

import pytest

from kaigo.rules.futan_gendogaku import (
    GendogakuInput,
    gendogaku_hantei,
    gendogaku_parameters_from_lookup,
)
from tenants.db import connection
from tenants.params.services import ParameterMissing, param_value

pytestmark = pytest.mark.django_db

ROOMS = (
    "unit_koshitsu",
    "unit_tashoshitsu",
    "jurai_koshitsu_tokuyo",
    "jurai_koshitsu_roken",
    "tashoshitsu_tokuyo",
    "tashoshitsu_roken",
)


def _rows(table: dict[str, tuple[int, ...]]) -> dict[str, dict[str, int]]:
    return {dankai: dict(zip(ROOMS, yen, strict=True)) for dankai, yen in table.items()}


# 北広島市 (令和6年8月から): ユニット型個室 / ユニット型個室的多床室 / 従来型個室（特養等） /
# 従来型個室（老健・医療院等） / 多床室 (one column: 特養等 and 老健・医療院等 alike)
KYOJUHI_R6 = _rows(
    {
        "dai1": (880, 550, 380, 550, 0, 0),
        "dai2": (880, 550, 480, 550, 430, 430),
        "dai3_1": (1370, 1370, 880, 1370, 430, 430),
        "dai3_2": (1370, 1370, 880, 1370, 430, 430),
    }
)
# 大槌町 (令和3年8月〜令和6年7月): ユニット型個室 / ユニット型個室的多床室 / 従来型個室
# (in brackets: 介護老人福祉施設・短期入所生活介護) / 多床室
KYOJUHI_R3 = _rows(
    {
        "dai1": (820, 490, 320, 490, 0, 0),
        "dai2": (820, 490, 420, 490, 370, 370),
        "dai3_1": (1310, 1310, 820, 1310, 370, 370),
        "dai3_2": (1310, 1310, 820, 1310, 370, 370),
    }
)
# 開成町 (令和6年8月), 大槌町 (令和3年8月〜): 食費 施設サービス / 短期入所サービス
SHOKUHI = {
    "dai1": {"shisetsu": 300, "short": 300},
    "dai2": {"shisetsu": 390, "short": 600},
    "dai3_1": {"shisetsu": 650, "short": 1000},
    "dai3_2": {"shisetsu": 1360, "short": 1300},
}
# 山県市 (令和7年8月), 大槌町 (令和3年8月〜): 預貯金等 (単身, 夫婦)
YOCHOKIN = {
    "dai1": (10_000_000, 20_000_000),
    "dai2": (6_500_000, 16_500_000),
    "dai3_1": (5_500_000, 15_500_000),
    "dai3_2": (5_000_000, 15_000_000),
}
# 第2段階 ≤ DAI2 < 第3段階① ≤ 1,200,000 < 第3段階②
DAI2 = {2021: 800_000, 2022: 800_000, 2023: 800_000, 2024: 800_000, 2025: 809_000}
DAI3_1 = 1_200_000
YEARS = sorted(DAI2)


def _kyojuhi(year: int) -> dict[str, dict[str, int]]:
    return KYOJUHI_R3 if year < 2024 else KYOJUHI_R6


def _hantei(year: int, shunyu: int, yochokin: int = 0, **kw: Any) -> Any:
    kw.setdefault("setai_hikazei", True)
    return gendogaku_hantei(
        GendogakuInput(
            fiscal_year=year,
            kazei_nenkin_shunyu=shunyu,
            hikazei_nenkin_shunyu=0,
            sonota_gokei_shotoku=0,
            yochokin=yochokin,
            **kw,
        ),
        gendogaku_parameters_from_lookup(param_value, year),
    )


def _one_of_each_dankai(year: int) -> dict[str, Any]:
    """A person at each 段階 of ``year`` (single, no savings), judged by the rules."""
    return {
        "dai1": _hantei(year, 0, rorei_fukushi_nenkin=True),
        "dai2": _hantei(year, DAI2[year]),
        "dai3_1": _hantei(year, DAI2[year] + 1),
        "dai3_2": _hantei(year, DAI3_1 + 1),
    }


@pytest.mark.parametrize("year", YEARS)
def test_limits_per_dankai_and_room_are_the_published_tables(in_alpha, year):
    """Each 段階 the rules reach returns, for every room kind and for 食費, the daily limit of the
    published table: 令和3年8月's (820/490/320…) up to 令和6年7月, 令和6年8月's (880/550/380…,
    多床室 第1段階 0円 unchanged) from 令和6年8月, and the same for 令和7年8月 (unchanged:
    福岡市)."""
    results = _one_of_each_dankai(year)
    assert {d: r.dankai for d, r in results.items()} == {d: d for d in results}
    assert {d: r.kyojuhi for d, r in results.items()} == _kyojuhi(year)
    assert {d: r.shokuhi for d, r in results.items()} == SHOKUHI


def test_r7_limits_equal_r6_and_r8_is_refused(in_alpha):
    """令和7年8月 changed the 収入基準 alone (80.9万円), so its limits are 令和6年8月's; no value of
    令和8年8月 onward was found, so every part of that 年度 is refused rather than carried on."""
    r6 = gendogaku_parameters_from_lookup(param_value, 2024)
    r7 = gendogaku_parameters_from_lookup(param_value, 2025)
    assert (r7.kyojuhi, r7.shokuhi, r7.yochokin) == (r6.kyojuhi, r6.shokuhi, r6.yochokin)
    assert (r6.kijun_dai2, r7.kijun_dai2) == (800_000, 809_000)
    for key in ("shunyu_kijun", "yochokin", "kyojuhi", "shokuhi"):
        with pytest.raises(ParameterMissing):
            param_value("kaigo.futan.gendogaku." + key, 2026)


@pytest.mark.parametrize("year", YEARS)
def test_income_thresholds_of_each_year(in_alpha, year):
    """80万円 (令和3年8月〜令和7年7月, 平川市「令和7年7月までは、80万円」), 80.9万円 from 令和7年8月
    (行橋市・山県市); 120万円 throughout. 年金収入 at the boundary and one yen over."""
    assert _hantei(year, DAI2[year]).dankai == "dai2"
    assert _hantei(year, DAI2[year] + 1).dankai == "dai3_1"
    assert _hantei(year, DAI3_1).dankai == "dai3_1"
    assert _hantei(year, DAI3_1 + 1).dankai == "dai3_2"


@pytest.mark.parametrize("year", YEARS)
def test_savings_limits_single_couple_and_dai2go(in_alpha, year):
    """The savings of each 段階 for a single person and a couple (山県市's table: 1,000万/2,000万,
    650万/1,650万, 550万/1,550万, 500万/1,500万円), and 第2号被保険者 1,000万/2,000万円 at any 段階
    (川根本町): the limit itself is accepted, one yen more refuses the 認定."""
    shunyu = {"dai2": DAI2[year], "dai3_1": DAI2[year] + 1, "dai3_2": DAI3_1 + 1}
    for dankai, (single, couple) in YOCHOKIN.items():
        kw: dict[str, Any] = {"rorei_fukushi_nenkin": True} if dankai == "dai1" else {}
        income = shunyu.get(dankai, 0)
        assert _hantei(year, income, single, **kw).dankai == dankai
        assert _hantei(year, income, single + 1, **kw).dankai is None
        assert _hantei(year, income, couple, haigusha=True, **kw).dankai == dankai
        assert _hantei(year, income, couple + 1, haigusha=True, **kw).dankai is None
    for income in (DAI2[year], DAI3_1 + 1):
        assert _hantei(year, income, 10_000_000, dai2go=True).yochokin_jogen == 10_000_000
        assert _hantei(year, income, 10_000_001, dai2go=True).dankai is None
        assert _hantei(year, income, 20_000_000, dai2go=True, haigusha=True).dankai is not None
        assert _hantei(year, income, 20_000_001, dai2go=True, haigusha=True).dankai is None


def test_both_towns_read_the_same_national_table(alpha, beta):
    """No town has its own 負担限度額: 葉山町 and 寒川町 get the published table alike."""
    seen = []
    for town in (alpha, beta):
        connection.set_tenant(town.municipality)
        p = gendogaku_parameters_from_lookup(param_value, 2025)
        seen.append((p.kyojuhi, p.shokuhi, p.kijun_dai2))
        connection.set_schema_to_public()
    assert seen == [(KYOJUHI_R6, SHOKUHI, 809_000)] * 2
