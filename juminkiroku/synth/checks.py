"""Check digits of generated numbers (住民票コード, 個人番号, 宛名番号) by table lookup."""

from __future__ import annotations

from typing import Any

from tenants.atena_bango import SERIAL_DIGITS, m11w27_check_digit
from tenants.checkdigits import (
    JUMINHYO_CODE_WEIGHTS,
    KOJIN_BANGO_WEIGHTS,
    juminhyo_code_check_digit,
    kojin_bango_check_digit,
    weights_from_right,
)


class Modulus11Table:
    """A modulus-11 check digit ("zero" fold: remainder 0 or 1 → 0) by table lookup.

    The weighted sum of a number is the sum over its 5-digit blocks, so one table of
    10⁵ sums per block gives the check digit in three lookups instead of a loop over
    the digits. The weights are tenants.checkdigits' own; ``__init__`` verifies a sample
    against its functions, and the tests verify every generated code."""

    def __init__(self, weights: tuple[int, ...], reference: Any) -> None:
        if len(weights) > 15:
            raise ValueError("at most 15 digits")
        self.length = len(weights)
        # Three blocks from the right: digits 1–5, 6–10 and 11–15 (absent ones sum to 0).
        n = self.length
        blocks = [weights[max(0, n - 5) :], weights[max(0, n - 10) : max(0, n - 5)]]
        blocks.append(weights[: max(0, n - 10)])
        tables: list[list[int]] = []
        for block in blocks:
            table = [0]
            for w in block:  # sums digit by digit, most significant first
                table = [t + d * w for t in table for d in range(10)]
            tables.append(table)
        self.low, self.mid, self.high = tables
        self.fold = [0 if r <= 1 else 11 - r for r in range(11)]
        for probe in (0, 1, 1234567890, 9876543210, 31415926535, 27182818284, 99999999999):
            probe %= 10**self.length
            text = f"{probe:0{self.length}d}"
            if self.digit(probe) != reference(text):
                raise AssertionError(f"check digit table disagrees for {text}")

    def number(self, serial: int) -> str:
        """``serial`` zero-padded to the table's length, followed by its check digit."""
        return f"{serial:0{self.length}d}{self.digit(serial)}"

    def digit(self, number: int) -> int:
        return self.fold[
            (
                self.low[number % 100000]
                + self.mid[number // 100000 % 100000]
                + self.high[number // 10000000000]
            )
            % 11
        ]


JUMINHYO_CHECK = Modulus11Table(JUMINHYO_CODE_WEIGHTS, juminhyo_code_check_digit)
KOJIN_BANGO_CHECK = Modulus11Table(KOJIN_BANGO_WEIGHTS, kojin_bango_check_digit)
# 宛名番号 / 世帯番号 (tenants.atena_bango: M11W2-7 over a 9-digit serial).
ATENA_NO_CHECK = Modulus11Table(
    weights_from_right(SERIAL_DIGITS, (2, 3, 4, 5, 6, 7)), m11w27_check_digit
)
