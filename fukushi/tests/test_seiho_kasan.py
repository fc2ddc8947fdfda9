"""妊産婦加算, 介護保険料加算, the 冬季加算の特別基準 and the 住宅扶助 limit by 床面積
(``fukushi/rules/seiho_kasan.py``), through ``saitei_seikatsuhi`` and the 試算 screen and API.

No town or ministry published a worked 保護費 with these 加算 that was found; the figures
are the rule's arithmetic on the values of ``fukushi/params/seiho.yaml`` (each cited there),
except the 冬季加算の特別基準 of 2,580円 (seihokanzen.xyz's 東京都 single: 2,580円×1.3＝3,354円,
before the 10円 rounding the 実施要領 adds)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fukushi.rules.seiho import KijunMiteigi, Meisai, SaiteiSeikatsuhiResult, Setaiin
from fukushi.rules.seiho_kasan import is_nyuji
from fukushi.tests.test_seiho_rules import (
    VALUES,
    _structure_params,
    born,
    calc,
    line,
    params,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection

REIWA7 = date(2025, 6, 1)
#: 令和7年度 with every 経過的加算 cell 0 (the 令和7年度 table holds only a few cells): the
#: 加算 are compared with the same household without them
P7 = _structure_params(2025)
DEC = date(2026, 12, 1)  # Ⅵ区 の冬季加算の月


def kasan_line(r: SaiteiSeikatsuhiResult, meisho: str) -> Meisai:
    return next(m for m in r.meisai if m.meisho == meisho)


# --- 妊産婦加算 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kubun", "kyuchi", "gaku"),
    [
        ("ninpu_6miman", "1-1", 9_130),
        ("ninpu_6ijo", "2-1", 13_790),
        ("sanpu", "1-2", 8_480),
    ],
)
def test_ninsanpu_kasan_in_1_and_2_kyuchi(kubun, kyuchi, gaku):
    # given a woman of 30 alone, in 令和7年度
    m = (Setaiin(seinengappi=born(30, REIWA7), ninsanpu=kubun),)
    # when
    r = calc(REIWA7, [], setaiin=m, kyuchi=kyuchi, p=P7)
    plain = calc(REIWA7, [30], kyuchi=kyuchi, p=P7)
    # then the 加算 is added in words, and rests on a value the data marks unconfirmed
    x = kasan_line(r, "妊産婦加算")
    assert x.gaku == gaku and x.fujo == "加算" and x.unconfirmed
    assert x.uchiwake.startswith("妊婦" if kubun != "sanpu" else "産婦")
    assert r.kasan == gaku
    assert r.saitei_seikatsuhi == plain.saitei_seikatsuhi + gaku
    assert any("妊産婦加算" in u for u in r.unconfirmed)


def test_ninsanpu_kasan_not_found_is_refused_not_guessed():
    m = (Setaiin(seinengappi=born(30, REIWA7), ninsanpu="ninpu_6ijo"),)
    # 3級地: the amount was not found
    with pytest.raises(KijunMiteigi, match=r"妊産婦加算（妊婦（妊娠6か月以上）・3級地）"):
        calc(REIWA7, [], setaiin=m, kyuchi="3-1", p=P7)
    # 令和8年4月 from: the amounts after the revision were not found
    june = date(2026, 6, 1)
    m8 = (Setaiin(seinengappi=born(30, june), ninsanpu="sanpu"),)
    with pytest.raises(KijunMiteigi, match=r"妊産婦加算（産婦・1級地）"):
        calc(june, [], setaiin=m8)
    with pytest.raises(ValueError, match="区分が不明"):
        calc(REIWA7, [], setaiin=(Setaiin(born(30, REIWA7), ninsanpu="ninpu"),), p=P7)


# --- 介護保険料加算 ---------------------------------------------------------------------------


def test_kaigo_hokenryo_kasan_is_the_actual_premium():
    # given a member of 70 paying 5,120円 a month by 普通徴収 and a spouse of 64 without
    m = (
        Setaiin(seinengappi=born(70, REIWA7), kaigo_hokenryo=5_120),
        Setaiin(seinengappi=born(64, REIWA7)),
    )
    r = calc(REIWA7, [], setaiin=m, p=P7)
    plain = calc(REIWA7, [70, 64], p=P7)
    x = kasan_line(r, "介護保険料加算")
    assert (x.gaku, x.uchiwake) == (5_120, "普通徴収の介護保険料（実費）5,120円")
    assert not x.unconfirmed
    assert r.saitei_seikatsuhi == plain.saitei_seikatsuhi + 5_120
    # a member under 65 is no 第1号被保険者
    with pytest.raises(ValueError, match="第1号被保険者"):
        calc(REIWA7, [], setaiin=(Setaiin(born(64, REIWA7), kaigo_hokenryo=5_120),), p=P7)
    with pytest.raises(ValueError, match="0以上"):
        calc(REIWA7, [], setaiin=(Setaiin(born(70, REIWA7), kaigo_hokenryo=-1),), p=P7)


# --- 冬季加算の特別基準 -------------------------------------------------------------------------


def test_toki_tokubetsu_is_up_to_1_3_raised_to_10_yen():
    # given a single person of 45, 常時在宅 for 療養, Ⅵ区 in December (地区別冬季加算額 2,630円)
    m = (Setaiin(seinengappi=born(45, DEC), joji_zaitaku=True),)
    r = calc(DEC, [], setaiin=m, toki_tokubetsu=True)
    plain = calc(DEC, [45])
    # then 2,630 × 1.3 = 3,419 → 3,420円
    x = kasan_line(r, "冬季加算（特別基準）")
    assert x.gaku == 3_420
    assert "地区別冬季加算額2,630円×1.3" in x.uchiwake and "常時在宅" in x.uchiwake
    assert r.seikatsu_fujo == plain.seikatsu_fujo - 2_630 + 3_420
    # Ⅰ区: 12,780 × 1.3 = 16,614 → 16,620円
    assert line(
        calc(DEC, [], setaiin=m, toki_ku="1", toki_tokubetsu=True), "冬季加算（特別基準）"
    ) == (16_620)


def test_toki_tokubetsu_published_example_with_the_rounding():
    """seihokanzen.xyz: 東京都 single 2,580円 (平成27年度) × 1.3 = 3,354円; the 実施要領 raises
    the product to 10円 → 3,360円."""
    p = params(2026)
    kijun = {k: dict(v) for k, v in p.toki_kijun.items()}
    kijun["6"]["1"] = 2_580
    from dataclasses import replace

    p = replace(p, toki_kijun=kijun)
    m = (Setaiin(seinengappi=born(45, DEC), joji_zaitaku=True),)
    assert line(calc(DEC, [], setaiin=m, toki_tokubetsu=True, p=p), "冬季加算（特別基準）") == 3_360


def test_toki_tokubetsu_for_an_infant_until_the_day_before_the_first_birthday():
    # a couple of 30 with a baby born 2025-12-01: an 乳児 on 2026-11-30, not on 2026-12-01
    assert is_nyuji(date(2025, 12, 1), date(2026, 11, 30))
    assert not is_nyuji(date(2025, 12, 1), date(2026, 12, 1))
    assert is_nyuji(date(2024, 2, 29), date(2025, 2, 28))
    assert not is_nyuji(date(2024, 2, 29), date(2025, 3, 1))
    nov = date(2026, 11, 30)
    fam = tuple(Setaiin(seinengappi=b) for b in (born(30, nov), born(30, nov), date(2025, 12, 1)))
    r = calc(nov, [], setaiin=fam, toki_tokubetsu=True)
    # 3人 Ⅵ区 4,240 × 1.3 = 5,512 → 5,520円
    x = kasan_line(r, "冬季加算（特別基準）")
    assert x.gaku == 5_520 and "乳児がいる" in x.uchiwake
    with pytest.raises(ValueError, match="常時在宅せざるを得ない世帯員又は乳児"):
        calc(DEC, [], setaiin=fam, toki_tokubetsu=True)
    # outside the winter months nothing is added, and the condition still holds
    june = date(2026, 6, 1)
    r6 = calc(june, [45], toki_tokubetsu=False)
    zaitaku = (Setaiin(seinengappi=born(45, june), joji_zaitaku=True),)
    assert calc(june, [], setaiin=zaitaku, toki_tokubetsu=True).seikatsu_fujo == r6.seikatsu_fujo
    with pytest.raises(ValueError, match="乳児"):
        calc(june, [45], toki_tokubetsu=True)


def test_toki_tokubetsu_value_is_data():
    (span,) = VALUES["fukushi.seiho.toki_tokubetsu_kijun"]
    assert span["value"] == {"bairitsu": "1.3", "hasu": "kiriage_10en"}
    assert params(2026).toki_tokubetsu_bairitsu == Decimal("1.3")


# --- 住宅扶助の床面積別の限度額 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("chiiki", "shomenseki", "fujo"),
    [
        ("tokyo_1kyuchi", None, 53_700),  # not recorded: the limit by size
        ("tokyo_1kyuchi", Decimal("15.01"), 53_700),
        ("tokyo_1kyuchi", Decimal("15"), 48_000),
        ("tokyo_1kyuchi", Decimal("10.5"), 48_000),
        ("tokyo_1kyuchi", Decimal("10"), 43_000),
        ("tokyo_1kyuchi", Decimal("6.01"), 43_000),
        ("tokyo_1kyuchi", Decimal("6"), 38_000),
        ("tokyo_2kyuchi", Decimal("12"), 41_000),
        ("tokyo_2kyuchi", Decimal("8"), 36_000),
        ("tokyo_3kyuchi", Decimal("5"), 29_000),
        ("tokyo_3kyuchi", Decimal("14"), 37_000),
    ],
)
def test_jutaku_fujo_by_shomenseki_for_one_person(chiiki, shomenseki, fujo):
    r = calc(REIWA7, [50], yachin=60_000, jutaku_chiiki=chiiki, shomenseki=shomenseki, p=P7)
    assert r.jutaku_fujo == fujo
    if shomenseki is not None and shomenseki <= 15:
        assert f"（{shomenseki}㎡）の限度額{fujo:,}円" in line_words(r)


def line_words(r: SaiteiSeikatsuhiResult) -> str:
    return next(m.uchiwake for m in r.meisai if m.fujo == "住宅扶助")


def test_jutaku_fujo_shomenseki_exceptions_and_refusals():
    # the rent below the limit is paid as it is
    r = calc(
        REIWA7, [50], yachin=35_000, jutaku_chiiki="tokyo_1kyuchi", shomenseki=Decimal(6), p=P7
    )
    assert r.jutaku_fujo == 35_000
    # the ただし書: the ordinary limit, said in words
    r = calc(
        REIWA7,
        [50],
        yachin=60_000,
        jutaku_chiiki="tokyo_1kyuchi",
        shomenseki=Decimal(8),
        shomen_tadashigaki=True,
        p=P7,
    )
    assert r.jutaku_fujo == 53_700 and "ただし書" in line_words(r)
    # two persons: the 床面積 rule is for one-person households only
    r = calc(
        REIWA7, [50, 48], yachin=70_000, jutaku_chiiki="tokyo_1kyuchi", shomenseki=Decimal(8), p=P7
    )
    assert r.jutaku_fujo == 64_000
    # 神奈川県: the 床面積 amounts were not found
    with pytest.raises(
        KijunMiteigi, match=r"床面積別の限度額（神奈川県横浜市・床面積10㎡超15㎡以下）"
    ):
        calc(
            REIWA7,
            [50],
            yachin=60_000,
            jutaku_chiiki="kanagawa_yokohama",
            shomenseki=Decimal(12),
            p=P7,
        )
    with pytest.raises(ValueError, match="床面積"):
        calc(
            REIWA7, [50], yachin=60_000, jutaku_chiiki="tokyo_1kyuchi", shomenseki=Decimal(0), p=P7
        )


# --- the 試算 screen and API ------------------------------------------------------------------


@pytest.mark.django_db
def test_shisan_screen_and_api_show_the_kasan_in_words(alpha, beta, login):
    # given a clerk of 葉山町 (the 試算 reads no person and saves nothing)
    connection.set_schema_to_public()
    c = login("hayama-clerk", alpha.host)
    body = {
        "kijunbi": "2026-12-01",
        "kyuchi": "1-1",
        "toki_ku": "6",
        "toki_tokubetsu": True,
        "jutaku_chiiki": "tokyo_1kyuchi",
        "yachin": 60_000,
        "shomenseki": "12.50",
        "setaiin": [
            {
                "seinengappi": str(born(70, DEC)),
                "joji_zaitaku": True,
                "kaigo_hokenryo": 5_120,
            }
        ],
    }
    # when
    r = c.post("/api/v1/fukushi/seikatsu-hogo/shisan/", body, content_type="application/json")
    # then
    assert r.status_code == 200, r.content
    meisai = {m["meisho"]: m for m in r.json()["meisai"]}
    assert meisai["冬季加算（特別基準）"]["gaku"] == 3_420
    assert meisai["介護保険料加算"]["gaku"] == 5_120
    assert meisai["家賃・間代等"]["gaku"] == 48_000
    assert "床面積10㎡超15㎡以下（12.50㎡）" in meisai["家賃・間代等"]["uchiwake"]
    # a 加算 whose amount was not found is refused with its name, nothing guessed
    bad = {
        **body,
        "kyuchi": "3-1",
        "setaiin": [{"seinengappi": "1995-01-01", "ninsanpu": "sanpu", "joji_zaitaku": True}],
    }
    r = c.post("/api/v1/fukushi/seikatsu-hogo/shisan/", bad, content_type="application/json")
    assert r.status_code == 422 and "妊産婦加算（産婦・3級地）" in r.content.decode()
    # the screen shows the 加算 in words
    form = {
        "kijunbi": "令和7年6月1日",
        "kyuchi": "1-1",
        "toki_ku": "6",
        "yachin": "0",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-0-seinengappi": str(born(45, REIWA7)),  # 41〜59歳: a cell the 令和7年度 table holds
        "m-0-ninsanpu": "ninpu_6ijo",
    }
    r = c.post("/fukushi/seikatsu-hogo/shisan/", form)
    html = r.content.decode()
    assert r.status_code == 200 and "13,790円" in html
    assert "妊婦（妊娠6か月以上）・1級地" in html and "ninpu_6ijo" not in html.split("<table")[-1]
    # the 試算 is logged in 葉山町 only; 寒川町 has no row of it
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(record_type="fukushi.seiho_shisan").count() == 2
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(record_type="fukushi.seiho_shisan").exists()
