"""続柄 as 標準仕様書 1.1.11 lists them, stored as a chain of two-digit codes.

1.1.11 allows: ① 世帯主; ② 夫, 妻, 夫（未届）, 妻（未届）, 子, 子の夫, 子の妻, 父, 母, 兄, 姉,
弟, 妹; ③ terms of ② joined by 「の」 up to four 世代 (the number of terms joined, counted
mechanically: 子の子の子の子); ④ 縁故者; ⑤ 同居人. Anything longer is 縁故者. Its
【実装しない機能】 forbids any other 続柄 (祖父, 祖母, 孫, おじ, おば, 甥, 姪, 家事使用人,
準世帯主 …): 孫 is 子の子, 妻の父 a chain of 妻 and 父.

A stored value is the codes of its terms, concatenated: ``"04"`` 子, ``"0404"`` 子の子,
``"0414"`` 子の子の妻 (子 + 子の妻), ``"0205"`` 妻の父. Single codes are what they were, so a
value stored before chains existed keeps its meaning (migration 0005_idokinds_zokugara
rewrites the codes 1.1.11 forbids).
"""

from __future__ import annotations

from juminkiroku.codes import Zokugara

# ② : the terms a chain is made of.
CHAIN_TERMS: tuple[str, ...] = (
    Zokugara.OTTO,
    Zokugara.TSUMA,
    Zokugara.MITODOKE_OTTO,
    Zokugara.MITODOKE_TSUMA,
    Zokugara.KO,
    Zokugara.KO_NO_OTTO,
    Zokugara.KO_NO_TSUMA,
    Zokugara.CHICHI,
    Zokugara.HAHA,
    Zokugara.ANI,
    Zokugara.ANE,
    Zokugara.OTOTO,
    Zokugara.IMOTO,
)
# ①, ④, ⑤: never part of a chain.
ALONE: tuple[str, ...] = (Zokugara.HONNIN, Zokugara.ENKOSHA, Zokugara.DOKYONIN)
MAX_SEDAI = 4  # 1.1.11 ③
_LABEL = dict(Zokugara.choices)
# Longest words first, so 「子の妻」 is read as one term before 「子」.
_WORDS = sorted(((_LABEL[c], c) for c in (*CHAIN_TERMS, *ALONE)), key=lambda w: -len(w[0]))


def split_zokugara(code: str) -> list[str] | None:
    """The terms of a stored 続柄, or None if it is not one 1.1.11 allows."""
    if not code or len(code) % 2:
        return None
    terms = [code[i : i + 2] for i in range(0, len(code), 2)]
    if len(terms) == 1 and terms[0] in ALONE:
        return terms
    if len(terms) > MAX_SEDAI or any(t not in CHAIN_TERMS for t in terms):
        return None
    return terms


def is_valid_zokugara(code: str) -> bool:
    return split_zokugara(code) is not None


def zokugara_label(code: str) -> str:
    """「子の子の妻」 for ``"0414"``; a value 1.1.11 does not allow is shown as it is stored."""
    terms = split_zokugara(code)
    if terms is None:
        return code
    return "の".join(_LABEL[t] for t in terms)


def parse_zokugara(text: str) -> str:
    """A 続柄 typed in words (「子の子の妻」) or as its code, to its code. Raises ValueError
    with a Japanese message when 1.1.11 does not allow it; five 世代 or more is 縁故者."""
    text = text.strip().replace("（", "(").replace("）", ")")
    if is_valid_zokugara(text):
        return text
    words = [(w.replace("（", "(").replace("）", ")"), c) for w, c in _WORDS]
    terms: list[str] = []
    rest = text
    while rest:
        for word, code in words:
            if rest.startswith(word):
                terms.append(code)
                rest = rest[len(word) :]
                break
        else:
            raise ValueError(
                "続柄は標準仕様書の続柄（世帯主、妻、子、子の子など）で入力してください。"
            )
        if rest:
            if not rest.startswith("の"):
                raise ValueError("続柄は「の」でつないで入力してください（例: 子の子の妻）。")
            rest = rest[1:]
            if not rest:
                raise ValueError("続柄が「の」で終わっています。")
    if len(terms) > MAX_SEDAI and all(t in CHAIN_TERMS for t in terms):
        return Zokugara.ENKOSHA  # 1.1.11: five 世代 or more is 縁故者
    code = "".join(terms)
    if not is_valid_zokugara(code):
        raise ValueError("世帯主・縁故者・同居人は「の」でつなげません。")
    return code


def common_choices() -> list[tuple[str, str]]:
    """The 続柄 offered in a select on the screens: every single term, then the chains of
    two 世代 (子の子, 妻の父 …). Longer chains are typed in words (``parse_zokugara``)."""
    # in code order (世帯主, 妻, 夫, 子 …), as the select always listed them
    single = [(c, _LABEL[c]) for c in sorted((Zokugara.HONNIN, *CHAIN_TERMS))]
    double = [(a + b, f"{_LABEL[a]}の{_LABEL[b]}") for a in CHAIN_TERMS for b in CHAIN_TERMS]
    tail = [(c, _LABEL[c]) for c in (Zokugara.ENKOSHA, Zokugara.DOKYONIN)]
    return [*single, *double, *tail]


# The codes 1.1.11 forbids, and what a stored one becomes (migration 0005_idokinds_zokugara).
# 祖父・祖母 and 親族 do not say which side or how: 縁故者, for a clerk to correct by 職権修正.
RETIRED: dict[str, str] = {
    "07": Zokugara.KO + Zokugara.KO,  # 孫 → 子の子
    "08": Zokugara.ENKOSHA,  # 祖父
    "09": Zokugara.ENKOSHA,  # 祖母
    "16": Zokugara.TSUMA + Zokugara.CHICHI,  # 妻の父
    "17": Zokugara.TSUMA + Zokugara.HAHA,  # 妻の母
    "18": Zokugara.OTTO + Zokugara.CHICHI,  # 夫の父
    "19": Zokugara.OTTO + Zokugara.HAHA,  # 夫の母
    "21": Zokugara.ENKOSHA,  # 親族
}
