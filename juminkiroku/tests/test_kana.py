"""The normalised search keys of names (juminkiroku.rules.kana)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juminkiroku.rules.kana import kana_key, kana_key_tail, name_key


@pytest.mark.parametrize(
    "typed",
    ["やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ", " ヤマダ タロウ ", "やまだ・たろう"],
)
def test_kana_key_folds_what_clerks_type(typed: str) -> None:
    assert kana_key(typed) == "ヤマタタロ"


def test_kana_key_ignores_small_kana_and_name_key_ignores_spaces() -> None:
    assert kana_key("きょうこ") == kana_key("キヨウコ")
    assert kana_key("ｼﾞｮｰｼﾞ") == kana_key("ジョジ") == "シヨシ"
    assert name_key("山田　太郎") == name_key("山田 太郎") == "山田太郎"
    assert name_key("ｓｍｉｔｈ　ｊｏｈｎ") == "SMITHJOHN"


# --- 標準仕様書 2.1.2 検索文字入力: the あいまい検索 the standard lists ------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # 清音・濁音・半濁音 (the standard's own examples)
        ("ヂ", "ジ"), ("ズ", "ヅ"), ("ワ", "ハ"), ("ヴァ", "バ"), ("ヴィ", "ビ"),
        ("ヴ", "ブ"), ("オ", "ヲ"), ("ヒ", "ピ"), ("ヤマダ", "ヤマタ"), ("ｳﾞｨ", "ゔぃ"),
        # 拗音・促音の小文字と大文字
        ("ッ", "ツ"), ("ャ", "ヤ"), ("ュ", "ユ"), ("ョ", "ヨ"), ("ハットリ", "ハツトリ"),
        # オ段 + ウ → オ, and 長音の有無
        ("オオノ", "オウノ"), ("オウノ", "オーノ"), ("オーノ", "オノ"), ("コウノ", "コーノ"),
        ("キョウコ", "キョーコ"), ("サトウ", "サトオ"),
        # 長音 as typed: ー ― － ‐ ｰ -
        ("オーノ", "オ―ノ"), ("オーノ", "オ－ノ"), ("オーノ", "オ‐ノ"), ("オーノ", "ｵｰﾉ"),
        ("オーノ", "オ-ノ"),
        # 全角スペース / 半角スペース, or none, between 氏 and 名
        ("ヤマダ　タロウ", "ヤマダ タロウ"), ("ヤマダ　タロウ", "ヤマダタロウ"),
    ],
)  # fmt: skip
def test_kana_key_folds_the_differences_2_1_2_lists(a: str, b: str) -> None:
    assert kana_key(a) == kana_key(b)


@pytest.mark.parametrize(("a", "b"), [("ヤマダ", "ヤマモト"), ("カ", "サ"), ("ウエノ", "エノ")])
def test_kana_key_keeps_different_readings_apart(a: str, b: str) -> None:
    assert kana_key(a) != kana_key(b)


def test_u_is_folded_only_after_an_o_row_kana_and_not_first() -> None:
    assert kana_key("ウエノ") == "ウエノ"  # ウ as the first character stays
    assert kana_key("クウ") == "ク"  # ウ段 + ウ: a long vowel, not the オ段 rule
    assert kana_key("カウ") == "カウ"  # ア段 + ウ is not a long vowel


@pytest.mark.parametrize(
    "full", ["オオノ　ハナコ", "ヤマダ　タロウ", "サトウ　キョウコ", "ジョウ　ケンジ"]
)
def test_the_key_of_a_prefix_is_a_prefix_of_the_key(full: str) -> None:
    # the indexed startswith only works if folding never looks right of a character
    for i in range(1, len(full) + 1):
        assert kana_key(full).startswith(kana_key(full[:i])), full[:i]


@pytest.mark.django_db
def test_the_migration_rekeys_stored_keys(in_alpha):
    import importlib

    from django.apps import apps

    from juminkiroku.models import Atena
    from juminkiroku.tests.factories import household_tennyu, person_fields

    # given a person whose stored key is the one the old fold wrote
    _, (p,) = household_tennyu("hayama", members=[person_fields(shimei_kana="オウノ　ジョウ")])
    Atena.objects.filter(pk=p.pk).update(kana_key="オウノジヨウ")
    # when the data step of migration 0005 runs
    migration = importlib.import_module("juminkiroku.migrations.0010_data_fusho_kana_kisai")
    migration._rekey(apps, None)
    # then the key is the 2.1.2 fold
    assert Atena.objects.get(pk=p.pk).kana_key == kana_key("オーノ ジョー") == "オノシヨ"


# --- kana_key_tail: the key of 姓 + 名 from the keys of the parts (issue 23) -------------


@pytest.mark.parametrize(
    ("left", "text"),
    [
        ("サト", "ウタ"),  # オ段 + ウ across the join: サトウタ → サトオタ → サトタ
        ("オオノ", "オサム"),  # a repeated vowel across the join is dropped
        ("カトウ", "ウメ"),
        ("", "オウタ"),  # no left context: ウ after the first オ only
        ("ヤマダ", "たろう"),  # hiragana, voiced kana
        ("ｻﾄｳ", "ーコ"),  # a 長音 first
        ("ナカムラ", "ゔぃおら"),
    ],
)
def test_kana_key_tail_continues_the_key_of_the_left_part(left: str, text: str) -> None:
    tail = kana_key_tail(kana_key(left), text)
    assert tail is not None
    assert kana_key(left) + tail == kana_key(left + text)


@pytest.mark.parametrize(
    ("left", "text"), [("ヴ", "ァ"), ("カ", "\u3099"), ("ウ", "゛"), ("ア", "")]
)
def test_kana_key_tail_refuses_a_start_joined_to_the_kana_before(left: str, text: str) -> None:
    # ヴァ is read as バ and カ + the voicing mark composes to ガ: the key of the whole
    # is not the key of the parts, so the caller must fold the whole reading.
    assert kana_key_tail(kana_key(left), text) is None


def test_kana_key_tail_of_every_synthetic_name_pair() -> None:
    """Every (姓, 名) reading the synthetic-town generator can draw (it builds its keys
    with kana_key_tail): the same key as folding the whole reading."""
    from juminkiroku.synth import data

    surnames = {n.kana for n in data.surname_list()}
    givens = {
        n.kana
        for table in (data.given_male(), data.given_female())
        for weighted in table.values()
        for n in weighted.items
    }
    for nat in data.nationalities().items:
        surnames |= {n.kana for n in nat.surnames}
        givens |= {n.kana for n in (*nat.male, *nat.female)}
    checked = 0
    for s in sorted(surnames):
        left = kana_key(s)
        for g in sorted(givens):
            tail = kana_key_tail(left, g)
            assert tail is not None, (s, g)
            assert left + tail == kana_key(s + g), (s, g)
            checked += 1
    assert checked > 100_000


# --- the import's search keys: 姓 and 名 folded once each (issue 19) -------------------

_READING = st.text(
    alphabet=st.sampled_from(
        "アイウエオカガキギクグサザシジスズタダチヂツヅテデトドナハバパヒビピフブプ"
        "マミムメモヤユヨラリルレロワヲンァィゥェォャュョッヴーゝゞ"
        "あいうおかがきぎしじたちぢっつなはばぱやゆよらわん"
        "ｱｲｳｶｷﾀﾁﾞﾟｰﾊﾋﾝ・ 　ABcd"
        "\u3099\u309a"
    ),
    max_size=12,
)


@given(left=_READING, right=_READING, space=st.sampled_from([" ", "\u3000", "", "・"]))
def test_the_import_writer_gives_every_reading_the_key_of_the_whole(
    left: str, right: str, space: str
) -> None:
    # given: one writer, its memos shared by every reading (as over a file)
    from juminkiroku.services.iko_load import IkoPartWriter

    writer = IkoPartWriter(None, [], True)
    reading = left + space + right
    # when / then: the key of the parts is the key of the whole, memo or not
    assert writer._kana_key(reading) == kana_key(reading)
    assert writer._kana_key(reading) == kana_key(reading)
    assert writer._kana_key(right + space + left) == kana_key(right + space + left)


@pytest.mark.parametrize(
    "reading",
    [
        "サトウ　ウタ",  # オ段 + ウ across the space
        "オオノ　オサム",
        "ヴ　ァイオレット",  # 名 joined to the kana before: folded whole
        "カ　\u3099ン",
        "ｻﾄｳ ﾀﾛｳ",  # half-width: folded whole
        "　ヤマダ",
        "ヤマダ　",
        "ヤマダ　タロウ　ジュニア",
        "ヤマダタロウ",
        "",
    ],
)
def test_the_import_writer_folds_edge_readings_as_the_whole(reading: str) -> None:
    from juminkiroku.services.iko_load import IkoPartWriter

    writer = IkoPartWriter(None, [], True)
    writer._kana_key("サトウ　ハナコ")  # a memo already filled
    assert writer._kana_key(reading) == kana_key(reading)
