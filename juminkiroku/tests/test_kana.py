"""The normalised search keys of names (juminkiroku.rules.kana)."""

from __future__ import annotations

import pytest

from juminkiroku.rules.kana import kana_key, name_key


@pytest.mark.parametrize(
    "typed",
    ["やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ", " ヤマダ タロウ ", "やまだ・たろう"],
)
def test_kana_key_folds_what_clerks_type(typed: str) -> None:
    assert kana_key(typed) == "ヤマダタロウ"


def test_kana_key_ignores_small_kana_and_name_key_ignores_spaces() -> None:
    assert kana_key("きょうこ") == kana_key("キヨウコ")
    assert kana_key("ｼﾞｮｰｼﾞ") == "ジヨージ"
    assert name_key("山田　太郎") == name_key("山田 太郎") == "山田太郎"
    assert name_key("ｓｍｉｔｈ　ｊｏｈｎ") == "SMITHJOHN"
