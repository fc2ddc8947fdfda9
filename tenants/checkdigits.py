"""Check digits (検査数字) of Japanese public-administration codes.

Pure functions, no Django import.

* 全国地方公共団体コード (6 digits, JIS X 0402): weights 6,5,4,3,2 on the first
  five digits, r = Σ mod 11, check digit = the units digit of (11 − r).  So
  r = 0 → 1 and r = 1 → 0.  Verified against published codes, e.g. 箱根町
  143821 and 愛川町 144011 (r = 0 → 1), 相模原市 141500 (r = 1 → 0), 東京都
  130001 (r = 10 → 1).
* 個人番号 (12 digits): 行政手続における特定の個人を識別するための番号の利用等
  に関する法律施行令 第8条, which delegates the formula to the 総務省令 (通知カード
  及び個人番号カード並びに情報提供ネットワークシステムによる特定個人情報の提供等に
  関する省令) 第5条: check = 11 − (Σ Pn×Qn mod 11), 0 when the remainder ≤ 1;
  Pn is the n-th digit counted from the right of the first 11 digits and
  Qn = n + 1 (1 ≤ n ≤ 6), n − 5 (7 ≤ n ≤ 11).
* 住民票コード (11 digits): 住民基本台帳法施行規則 第1条 (10 random digits plus a
  検査数字 computed by the 算式 the 総務大臣 defines, 平成14年総務省告示第436号):
  modulus 11 with weights 2..7 repeating from the right-most of the first 10
  digits, check = 11 − remainder, 0 when the remainder is 0 or 1.
* 郵便番号: 7 digits, no check digit; "240-0112" and "〒２４０－０１１２" are
  normalised to "2400112".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

__all__ = [
    "DANTAI_CODE_WEIGHTS",
    "JUMINHYO_CODE_WEIGHTS",
    "KOJIN_BANGO_WEIGHTS",
    "dantai_code_check_digit",
    "is_valid_dantai_code",
    "is_valid_juminhyo_code",
    "is_valid_kojin_bango",
    "is_valid_postal_code",
    "juminhyo_code_check_digit",
    "kojin_bango_check_digit",
    "modulus11_check_digit",
    "normalise_postal_code",
    "weights_from_right",
]

_DIGITS = re.compile(r"[0-9]+")


def _is_ascii_digits(s: str, length: int) -> bool:
    return len(s) == length and _DIGITS.fullmatch(s) is not None


def _require_digits(s: str, length: int, label: str) -> None:
    if not _is_ascii_digits(s, length):
        raise ValueError(f"{label}は半角数字{length}桁で指定してください: {s!r}")


def weights_from_right(length: int, cycle: Sequence[int]) -> tuple[int, ...]:
    """Weights for ``length`` digits, left to right, where ``cycle`` is applied
    repeatedly starting from the right-most digit.

    ``weights_from_right(10, (2, 3, 4, 5, 6, 7))`` → (5, 4, 3, 2, 7, 6, 5, 4, 3, 2).
    """
    if not cycle:
        raise ValueError("cycle must not be empty")
    from_right = [cycle[i % len(cycle)] for i in range(length)]
    return tuple(reversed(from_right))


DANTAI_CODE_WEIGHTS: tuple[int, ...] = (6, 5, 4, 3, 2)
KOJIN_BANGO_WEIGHTS: tuple[int, ...] = weights_from_right(11, (2, 3, 4, 5, 6, 7))
"""(6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2): Qn = n+1 (n ≤ 6), n−5 (n ≥ 7) from the right."""
JUMINHYO_CODE_WEIGHTS: tuple[int, ...] = weights_from_right(10, (2, 3, 4, 5, 6, 7))
"""(5, 4, 3, 2, 7, 6, 5, 4, 3, 2)."""


def modulus11_check_digit(
    digits: str,
    weights: Sequence[int],
    *,
    fold: Literal["zero", "units"] = "zero",
) -> int:
    """Weighted modulus-11 check digit.

    ``weights`` are aligned left to right with ``digits`` (same length).  With
    r = Σ digit×weight mod 11 the result is 11 − r, except when that is 10 or
    11, which ``fold`` maps:

    * ``"zero"``: r ≤ 1 → 0 (個人番号, 住民票コード);
    * ``"units"``: the units digit of 11 − r, i.e. r = 0 → 1 and r = 1 → 0
      (全国地方公共団体コード).
    """
    if len(digits) != len(weights):
        raise ValueError(f"桁数({len(digits)})と重み数({len(weights)})が一致しません。")
    if _DIGITS.fullmatch(digits) is None:
        raise ValueError(f"半角数字以外が含まれています: {digits!r}")
    r = sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    if fold == "zero":
        return 0 if r <= 1 else 11 - r
    if fold == "units":
        return (11 - r) % 10
    raise ValueError(f"不正な fold 指定です: {fold!r}")


# --- 全国地方公共団体コード -------------------------------------------------


def dantai_code_check_digit(first5: str) -> int:
    """検査数字 of a 全国地方公共団体コード from its first five digits."""
    _require_digits(first5, 5, "地方公共団体コード（上5桁）")
    return modulus11_check_digit(first5, DANTAI_CODE_WEIGHTS, fold="units")


def is_valid_dantai_code(code6: str) -> bool:
    """True if ``code6`` is 6 ASCII digits with a correct 検査数字.

    Only the check digit is verified, not that the code is actually assigned.
    """
    if not _is_ascii_digits(code6, 6):
        return False
    return dantai_code_check_digit(code6[:5]) == int(code6[5])


# --- 個人番号 ---------------------------------------------------------------


def kojin_bango_check_digit(first11: str) -> int:
    """検査用数字 of a 個人番号 from its first eleven digits."""
    _require_digits(first11, 11, "個人番号（上11桁）")
    return modulus11_check_digit(first11, KOJIN_BANGO_WEIGHTS, fold="zero")


def is_valid_kojin_bango(s12: str) -> bool:
    """True if ``s12`` is 12 ASCII digits with a correct 検査用数字."""
    if not _is_ascii_digits(s12, 12):
        return False
    return kojin_bango_check_digit(s12[:11]) == int(s12[11])


# --- 住民票コード -----------------------------------------------------------


def juminhyo_code_check_digit(first10: str) -> int:
    """検査数字 of a 住民票コード from its first ten digits."""
    _require_digits(first10, 10, "住民票コード（上10桁）")
    return modulus11_check_digit(first10, JUMINHYO_CODE_WEIGHTS, fold="zero")


def is_valid_juminhyo_code(s11: str) -> bool:
    """True if ``s11`` is 11 ASCII digits with a correct 検査数字."""
    if not _is_ascii_digits(s11, 11):
        return False
    return juminhyo_code_check_digit(s11[:10]) == int(s11[10])


# --- 郵便番号 ---------------------------------------------------------------

_POSTAL = re.compile(r"〒?\s*(?P<a>[0-9]{3})-?(?P<b>[0-9]{4})")
_HYPHENS = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "ー": "-"})


def normalise_postal_code(text: str) -> str:
    """Normalise a 郵便番号 to 7 ASCII digits ("240-0112" → "2400112").

    Accepts full-width digits, an optional "〒" and an optional hyphen after
    the third digit.  Raises ``ValueError`` otherwise.
    """
    s = unicodedata.normalize("NFKC", text).strip().translate(_HYPHENS)
    m = _POSTAL.fullmatch(s)
    if m is None:
        raise ValueError(f"郵便番号は7桁の数字（例: 240-0112）で入力してください: {text!r}")
    return m["a"] + m["b"]


def is_valid_postal_code(text: str) -> bool:
    """True if ``text`` is a syntactically valid 郵便番号 (see normalise_postal_code)."""
    try:
        normalise_postal_code(text)
    except ValueError:
        return False
    return True
