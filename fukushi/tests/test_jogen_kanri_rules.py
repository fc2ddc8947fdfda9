"""利用者負担の上限額管理 (fukushi/rules/jogen_kanri.py, SG-83〜SG-84): the three 管理結果 with
their numbers, the 管理事業所 filled first, the 上限 0円, the 一般1 4,600円 and 一般2 37,200円
of the 障害児 (fukushi/params/tsusho.yaml), the share lowered by the 多子軽減 and a 事業所's
figure brought within the rules. The yen figures of the 総費用額 are ours (no published worked
example with yen per 事業所 was read); the 結果 words and 「管理事業所で充当」 follow the
descriptions of the 上限額管理結果票 read on vendors' manuals (helper-assist.zendesk.com,
manual.kaibiz.jp)."""

from __future__ import annotations

import pytest

from fukushi.rules.jogen_kanri import Getsugaku, jogen_kanri, jogen_kanri_errors

A, B, C = "1410000001", "1410000002", "1410000003"


def _kanri(jogen: int, *rows: Getsugaku, ritsu: int = 10, kanri: str = A):
    r = jogen_kanri(jogen=jogen, ritsu=ritsu, kanri_bango=kanri, rows=list(rows))
    return r.kekka, [(h.bango, h.santei, h.kettei) for h in r.rows], r


def test_kekka2_total_within_the_ippan1_4600() -> None:
    kekka, rows, r = _kanri(4_600, Getsugaku(B, "みどり", 15_000), Getsugaku(A, "はやま", 20_000))
    assert kekka == 2
    assert rows == [(A, 2_000, 2_000), (B, 1_500, 1_500)]  # the 管理事業所 first
    assert (r.gokei_sohiyo, r.gokei_santei, r.gokei_kettei) == (35_000, 3_500, 3_500)
    assert "利用者負担額の合算額 3,500円 ≦ 負担上限月額 4,600円" in r.riyu
    # exactly at the 上限: still 結果2
    kekka, rows, _ = _kanri(4_600, Getsugaku(A, "はやま", 26_000), Getsugaku(B, "みどり", 20_000))
    assert kekka == 2 and rows == [(A, 2_600, 2_600), (B, 2_000, 2_000)]


def test_kekka1_the_kanri_jigyosho_reaches_the_ippan2_37200() -> None:
    kekka, rows, r = _kanri(
        37_200, Getsugaku(A, "はやま", 400_000), Getsugaku(B, "みどり", 100_000)
    )
    assert kekka == 1
    assert rows == [(A, 37_200, 37_200), (B, 10_000, 0)]
    assert r.gokei_kettei == 37_200
    # 4,600円: the 管理事業所's 4,600 exactly with another 事業所's use → 結果1
    kekka, rows, _ = _kanri(4_600, Getsugaku(A, "はやま", 46_000), Getsugaku(B, "みどり", 1_000))
    assert kekka == 1 and rows == [(A, 4_600, 4_600), (B, 100, 0)]


def test_kekka3_adjusted_kanri_first_then_by_jigyosho_bango() -> None:
    kekka, rows, r = _kanri(
        4_600,
        Getsugaku(C, "さくら", 10_000),
        Getsugaku(B, "みどり", 40_000),
        Getsugaku(A, "はやま", 30_000),
    )
    assert kekka == 3
    # 3,000 + 4,000 + 1,000 = 8,000 > 4,600: 管理 3,000, then B 1,600, C 0
    assert rows == [(A, 3_000, 3_000), (B, 4_000, 1_600), (C, 1_000, 0)]
    assert r.gokei_kettei == 4_600
    # the 管理事業所 is filled first even when its number is not the smallest
    kekka, rows, _ = _kanri(
        4_600, Getsugaku(A, "はやま", 30_000), Getsugaku(C, "さくら", 40_000), kanri=C
    )
    assert kekka == 3 and rows == [(C, 4_000, 4_000), (A, 3_000, 600)]


def test_jogen_zero_seiho_teishotoku_and_mushoka() -> None:
    kekka, rows, r = _kanri(
        0, Getsugaku(A, "はやま", 200_000), Getsugaku(B, "みどり", 50_000, 5_000)
    )
    assert kekka == 2 and rows == [(A, 0, 0), (B, 0, 0)]
    assert r.gokei_kettei == 0
    assert any("申出の利用者負担額 5,000円を0円とした" in w for w in r.riyu)


def test_tashi_share_and_the_jigyosho_figure() -> None:
    # 多子軽減 第2子: 5% of 80,000 = 4,000 (below 4,600); 第3子以降 0%
    kekka, rows, _ = _kanri(4_600, Getsugaku(A, "はやま", 80_000), Getsugaku(B, "みどり", 20_000),
                            ritsu=5)  # fmt: skip
    assert kekka == 3 and rows == [(A, 4_000, 4_000), (B, 1_000, 600)]
    kekka, rows, _ = _kanri(4_600, Getsugaku(A, "はやま", 80_000), ritsu=0)
    assert kekka == 2 and rows == [(A, 0, 0)]
    # a lower figure of the 事業所 (its own 減免) is kept; a higher one is brought down
    kekka, rows, r = _kanri(
        37_200, Getsugaku(A, "はやま", 30_000, 2_500), Getsugaku(B, "みどり", 33_333, 9_999)
    )
    assert rows == [(A, 2_500, 2_500), (B, 3_333, 3_333)]  # 1円未満切捨て
    assert any("申出の利用者負担額 9,999円を3,333円とした" in w for w in r.riyu)


def test_refusals_in_japanese() -> None:
    assert jogen_kanri_errors([], A) == [("rows", "事業所の総費用額を1件以上入力してください。")]
    errors = [
        m
        for _, m in jogen_kanri_errors(
            [
                Getsugaku("14100", "短い", 1_000),
                Getsugaku(B, "みどり", 1_000),
                Getsugaku(B, "みどり", 1_000),
                Getsugaku(C, " ", 1_000, 2_000),
            ],
            A,
        )
    ]
    assert errors == [
        "事業所番号「14100」は10桁の数字にしてください。",
        f"事業所番号{B}が2回あります。",
        f"事業所番号{C}の事業所名を入力してください。",
        f"事業所番号{C}の利用者負担額が総費用額を超えています。",
        f"上限額管理事業所（事業所番号{A}）の行がありません"
        "（その月に提供がなければ総費用額0円で入力してください）。",
    ]
    with pytest.raises(ValueError):
        jogen_kanri(jogen=4_600, ritsu=10, kanri_bango=A, rows=[Getsugaku(B, "みどり", 1)])
