"""宛名番号 and 世帯番号 (標準仕様書 1.1.13): the platform's, because every module that takes a
宛名番号 checks it (住民記録 numbers people with it, 税務 validates the ones in its imports).

"最下位の１桁を除いて単純連番方式で付番し、最下位の１桁はチェックデジットとする。チェック
デジットの算出方式はモジュラス11（M11W２～７）とする。余りが０の場合、検査付番は０とする。"

Weights 2..7 repeat from the right-most digit of the serial; check = 11 − (Σ mod 11).
The standard fixes remainder 0 → 0; remainder 1 would give 10, which does not fit one
digit, and is folded to 0 as well (the common practice, and what 住民票コード does).
"""

from __future__ import annotations

import operator

from tenants.checkdigits import modulus11_check_digit, weights_from_right

SERIAL_DIGITS = 9
"""宛名番号 / 世帯番号 = 9-digit serial + 1 check digit = 10 digits."""


#: the weights of a 9-digit serial, left to right (computed once: a 450,000-row import
#: checks as many numbers)
SERIAL_WEIGHTS = weights_from_right(SERIAL_DIGITS, (2, 3, 4, 5, 6, 7))


def m11w27_check_digit(serial: str) -> int:
    weights = (
        SERIAL_WEIGHTS
        if len(serial) == SERIAL_DIGITS
        else weights_from_right(len(serial), (2, 3, 4, 5, 6, 7))
    )
    return modulus11_check_digit(serial, weights)


def number_with_check_digit(serial: int) -> str:
    if not 0 < serial < 10**SERIAL_DIGITS:
        raise ValueError(f"連番が範囲外です: {serial}")
    body = f"{serial:0{SERIAL_DIGITS}d}"
    return body + str(m11w27_check_digit(body))


def is_valid_number(number: str) -> bool:
    if len(number) != SERIAL_DIGITS + 1 or not number.isascii() or not number.isdigit():
        return False
    # (modulus11_check_digit inlined for the checked digits: the same sum and folding)
    r = sum(map(operator.mul, map(int, number[:SERIAL_DIGITS]), SERIAL_WEIGHTS)) % 11
    return (0 if r <= 1 else 11 - r) == int(number[SERIAL_DIGITS])
