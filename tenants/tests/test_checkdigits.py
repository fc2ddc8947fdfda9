"""Tests for tenants.checkdigits (no Django, no database)."""

from __future__ import annotations

import pytest

from tenants.checkdigits import (
    DANTAI_CODE_WEIGHTS,
    JUMINHYO_CODE_WEIGHTS,
    KOJIN_BANGO_WEIGHTS,
    dantai_code_check_digit,
    is_valid_dantai_code,
    is_valid_juminhyo_code,
    is_valid_kojin_bango,
    is_valid_postal_code,
    juminhyo_code_check_digit,
    kojin_bango_check_digit,
    modulus11_check_digit,
    normalise_postal_code,
    weights_from_right,
)

# --- shared helper -----------------------------------------------------------


def test_weights_from_right_repeats_cycle_from_the_right() -> None:
    # given the 2..7 cycle
    # when weights are laid out for 10 and 11 digits
    ten = weights_from_right(10, (2, 3, 4, 5, 6, 7))
    eleven = weights_from_right(11, (2, 3, 4, 5, 6, 7))
    # then the right-most digit gets weight 2 and the cycle restarts after 7
    assert ten == (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    assert eleven == (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    assert ten == JUMINHYO_CODE_WEIGHTS
    assert eleven == KOJIN_BANGO_WEIGHTS
    assert DANTAI_CODE_WEIGHTS == (6, 5, 4, 3, 2)


@pytest.mark.parametrize(
    ("digits", "zero", "units"),
    [
        # Σ = 0 → r = 0: "zero" gives 0, "units" gives (11 - 0) % 10 = 1
        ("00000", 0, 1),
        # Σ = 0×6+0×5+0×4+0×3+6×2 = 12 → r = 1: both give 0
        ("00006", 0, 0),
        # Σ = 5×2 = 10 → r = 10: both give 1
        ("00005", 1, 1),
        # Σ = 1×6+4×5+3×4+0×3+1×2 = 40 → r = 7: both give 4 (葉山町 14301)
        ("14301", 4, 4),
    ],
)
def test_modulus11_fold_variants(digits: str, zero: int, units: int) -> None:
    # given five digits and the 地方公共団体コード weights
    # when the check digit is computed with each fold rule
    # then remainders 0 and 1 are mapped as documented
    assert modulus11_check_digit(digits, DANTAI_CODE_WEIGHTS) == zero
    assert modulus11_check_digit(digits, DANTAI_CODE_WEIGHTS, fold="units") == units


@pytest.mark.parametrize(
    ("digits", "weights", "message"),
    [
        ("1234", (6, 5, 4, 3, 2), "一致しません"),
        ("12a45", (6, 5, 4, 3, 2), "半角数字以外"),
        ("１２３４５", (6, 5, 4, 3, 2), "半角数字以外"),
    ],
)
def test_modulus11_rejects_bad_input(digits: str, weights: tuple[int, ...], message: str) -> None:
    # given malformed digits
    # when / then the helper raises
    with pytest.raises(ValueError, match=message):
        modulus11_check_digit(digits, weights)


# --- 全国地方公共団体コード --------------------------------------------------

PUBLISHED_DANTAI_CODES = {
    "葉山町": "143014",
    "寒川町": "143219",
    "大磯町": "143413",
    "二宮町": "143421",
    "中井町": "143618",
    "大井町": "143626",
    "松田町": "143634",
    "山北町": "143642",
    "開成町": "143669",
    "箱根町": "143821",
    "真鶴町": "143839",
    "湯河原町": "143847",
    "愛川町": "144011",
    "清川村": "144029",
    "札幌市": "011002",
    "東京都": "130001",
    "横浜市": "141003",
    "豊橋市": "232017",
    "千代田区": "131016",
    "北海道": "010006",
    "相模原市": "141500",
}


@pytest.mark.parametrize(("name", "code"), sorted(PUBLISHED_DANTAI_CODES.items()))
def test_published_dantai_codes_are_valid(name: str, code: str) -> None:
    # given a published 全国地方公共団体コード
    # when its check digit is recomputed from the first five digits
    # then it matches the sixth digit
    assert dantai_code_check_digit(code[:5]) == int(code[5]), name
    assert is_valid_dantai_code(code), name


@pytest.mark.parametrize(
    ("first5", "expected"),
    [
        # 1×6+4×5+3×4+8×3+2×2 = 66 → r = 0 → 11 → units digit 1 (箱根町)
        ("14382", 1),
        # 1×6+4×5+4×4+0×3+1×2 = 44 → r = 0 → 1 (愛川町)
        ("14401", 1),
        # 1×6+4×5+1×4+5×3+0×2 = 45 → r = 1 → 10 → units digit 0 (相模原市)
        ("14150", 0),
        # 1×6+3×5+0×4+0×3+0×2 = 21 → r = 10 → 1 (東京都)
        ("13000", 1),
        # 0×6+1×5+1×4+0×3+0×2 = 9 → r = 9 → 2 (札幌市)
        ("01100", 2),
    ],
)
def test_dantai_code_check_digit_edge_remainders(first5: str, expected: int) -> None:
    # given first five digits whose weighted sum hits an edge remainder
    # when the check digit is computed
    # then it is the units digit of 11 − remainder
    assert dantai_code_check_digit(first5) == expected


@pytest.mark.parametrize(
    "code",
    ["143015", "043821", "143822", "14301", "1430144", "14301a", "１４３０１４", ""],
)
def test_invalid_dantai_codes(code: str) -> None:
    # given a code with a wrong check digit, wrong length or non-ASCII digits
    # when / then it is rejected
    assert is_valid_dantai_code(code) is False


def test_dantai_code_check_digit_requires_five_digits() -> None:
    # given a six-digit input
    # when / then the check-digit function refuses it
    with pytest.raises(ValueError, match="上5桁"):
        dantai_code_check_digit("143014")


# --- 個人番号 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first11", "expected"),
    [
        # 1×6+2×5+3×4+4×3+5×2+6×7+7×6+8×5+9×4+0×3+1×2 = 212 → r = 3 → 8
        ("12345678901", 8),
        # Σ = 0 → r = 0 → 0
        ("00000000000", 0),
        # Σ = 6×2 = 12 → r = 1 → 0
        ("00000000006", 0),
        # Σ = 5×2 = 10 → r = 10 → 1
        ("00000000005", 1),
        # Σ = 1×6 = 6 → r = 6 → 5 (the left-most digit has Q11 = 6)
        ("10000000000", 5),
        # Σ = 1×7 = 7 → r = 7 → 4 (the 6th digit from the right has Q6 = 7)
        ("00000100000", 4),
    ],
)
def test_kojin_bango_check_digit(first11: str, expected: int) -> None:
    # given the first eleven digits of a 個人番号
    # when the 検査用数字 is computed
    # then it matches the hand-computed value
    assert kojin_bango_check_digit(first11) == expected
    assert is_valid_kojin_bango(first11 + str(expected))


@pytest.mark.parametrize(
    "s12",
    ["123456789010", "123456789019", "12345678901", "1234567890180", "12345678901a", ""],
)
def test_invalid_kojin_bango(s12: str) -> None:
    # given a wrong check digit, wrong length or a non-digit
    # when / then it is rejected
    assert is_valid_kojin_bango(s12) is False


def test_published_example_kojin_bango() -> None:
    # given the commonly published example number
    # when / then it is valid
    assert is_valid_kojin_bango("123456789018") is True


def test_kojin_bango_detects_adjacent_transposition() -> None:
    # given a valid number and the same number with two adjacent digits swapped
    valid = "123456789018"
    swapped = "213456789018"
    # when / then only the original passes
    assert is_valid_kojin_bango(valid)
    assert not is_valid_kojin_bango(swapped)


# --- 住民票コード -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first10", "expected"),
    [
        # 1×5+2×4+3×3+4×2+5×7+6×6+7×5+8×4+9×3+0×2 = 195 → r = 8 → 3
        ("1234567890", 3),
        # Σ = 0 → r = 0 → 0
        ("0000000000", 0),
        # Σ = 6×2 = 12 → r = 1 → 0
        ("0000000006", 0),
        # Σ = 5×2 = 10 → r = 10 → 1
        ("0000000005", 1),
        # Σ = 1×5 = 5 → r = 5 → 6 (the left-most digit has weight 5)
        ("1000000000", 6),
        # Σ = 1×7 = 7 → r = 7 → 4 (the 6th digit from the right has weight 7)
        ("0000100000", 4),
    ],
)
def test_juminhyo_code_check_digit(first10: str, expected: int) -> None:
    # given the first ten digits of a 住民票コード
    # when the 検査数字 is computed
    # then it matches the hand-computed value
    assert juminhyo_code_check_digit(first10) == expected
    assert is_valid_juminhyo_code(first10 + str(expected))


@pytest.mark.parametrize(
    "s11", ["12345678904", "12345678900", "1234567890", "123456789033", "1234567890x"]
)
def test_invalid_juminhyo_code(s11: str) -> None:
    # given a wrong check digit, wrong length or a non-digit
    # when / then it is rejected
    assert is_valid_juminhyo_code(s11) is False


def test_juminhyo_check_digit_requires_ten_digits() -> None:
    # given eleven digits
    # when / then the check-digit function refuses them
    with pytest.raises(ValueError, match="上10桁"):
        juminhyo_code_check_digit("12345678903")


# --- 郵便番号 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2400112", "2400112"),
        ("240-0112", "2400112"),
        ("〒240-0112", "2400112"),
        ("〒 240-0112", "2400112"),
        ("２４０－０１１２", "2400112"),
        ("240ー0112", "2400112"),
        (" 240-0112 ", "2400112"),
    ],
)
def test_normalise_postal_code(text: str, expected: str) -> None:
    # given a 郵便番号 in a common notation
    # when it is normalised
    # then seven ASCII digits remain
    assert normalise_postal_code(text) == expected
    assert is_valid_postal_code(text) is True


@pytest.mark.parametrize("text", ["240-011", "24001123", "2400-112", "240--0112", "abc-defg", ""])
def test_invalid_postal_code(text: str) -> None:
    # given a malformed 郵便番号
    # when / then it is rejected
    assert is_valid_postal_code(text) is False
    with pytest.raises(ValueError, match="郵便番号は7桁"):
        normalise_postal_code(text)
