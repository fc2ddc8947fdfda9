"""宛名番号 / 世帯番号 (標準仕様書 1.1.13: 単純連番 + モジュラス11 M11W2～7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.atena_bango import is_valid_number, number_with_check_digit


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        # worked by hand: weights 2,3,4,5,6,7,2,3,4 from the right-most digit, 11 − r
        (1, "0000000019"),  # 1×2 = 2, r = 2 → 9
        (123, "0000001236"),  # 3×2 + 2×3 + 1×4 = 16, r = 5 → 6
        (5, "0000000051"),  # 5×2 = 10, r = 10 → 1
        (143, "0000001430"),  # 3×2 + 4×3 + 1×4 = 22, r = 0 → 0 (the standard's rule)
        (6, "0000000060"),  # 6×2 = 12, r = 1 → 11 − 1 = 10 does not fit: folded to 0
        (123456789, "1234567892"),  # 18+24+28+30+30+28+6+6+4 = 174, r = 9 → 2
    ],
)
def test_known_numbers(serial: int, expected: str) -> None:
    assert number_with_check_digit(serial) == expected
    assert is_valid_number(expected)
    assert not is_valid_number(expected[:-1] + str((int(expected[-1]) + 1) % 10))


@given(st.integers(min_value=1, max_value=10**9 - 1), st.integers(min_value=0, max_value=8))
def test_any_single_digit_error_is_detected(serial: int, position: int) -> None:
    number = number_with_check_digit(serial)
    digit = int(number[position])
    for replacement in range(10):
        if replacement == digit:
            continue
        wrong = number[:position] + str(replacement) + number[position + 1 :]
        if is_valid_number(wrong):
            # Folding remainders 0 and 1 to 0 costs this guarantee only there.
            assert number.endswith("0")


def test_the_inlined_check_agrees_with_the_general_one_on_every_digit():
    """is_valid_number inlines modulus11_check_digit for speed: for many serials, exactly
    the check digit the general function computes is accepted."""
    from tenants.atena_bango import SERIAL_DIGITS, m11w27_check_digit

    for serial in [*range(1, 3000), 123_456_789, 999_999_999, 10_000_000]:
        body = f"{serial:0{SERIAL_DIGITS}d}"
        right = m11w27_check_digit(body)
        accepted = [d for d in range(10) if is_valid_number(f"{body}{d}")]
        assert accepted == [right], serial
