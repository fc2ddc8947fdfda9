"""児童扶養手当: which members of the applicant's household are 扶養義務者, read from the
registry's 続柄 (each to the 世帯主, 標準仕様書 1.1.11), and the 一部支給停止 month.

扶養義務者 (法第9条の2・第11条) are 民法第877条第1項's 直系血族 and 兄弟姉妹 with whom the
applicant 生計を同じくする; living in one 世帯 is read as 生計同一 (a 扶養義務者 living
elsewhere who shares it is entered by hand). Pure: codes in, words out.

The registry says how each member is related to the 世帯主, not to each other, so only
these cases are decided (codes: 04 子, 05 父, 06 母, 10–13 兄姉弟妹; a chain such as
``"0404"`` 子の子):

- the applicant is the 世帯主: members who are 子 (any 世代), 父・母 (any 世代) are 直系血族;
  兄・姉・弟・妹 are 兄弟姉妹;
- the applicant is 子 (any 世代) of the 世帯主: the 世帯主 and every member above on the
  chain (父・母 of the 世帯主, …) are 直系尊属; members whose chain continues the
  applicant's with 子 are 直系卑属 (孫 is recorded 子の子: read as the applicant's child
  when the applicant is 子 — the registry cannot say which 子 is the parent); members with
  the same chain ending in 子 are 兄弟姉妹;
- the applicant is 父・母 (any 世代) of the 世帯主: the 世帯主 and his or her 子 (any 世代)
  are 直系卑属;
- the applicant is 兄・姉・弟・妹 of the 世帯主: the 世帯主 and the other 兄弟姉妹 are
  兄弟姉妹.

Anything else (配偶者 and 姻族 such as 妻・子の妻・妻の父, 縁故者, 同居人, the applicant as the
世帯主's 配偶者) is not read as a 扶養義務者: the clerk enters such a person by hand.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "ICHIBU_TEISHI_GO_NEN",
    "ICHIBU_TEISHI_NANA_NEN",
    "ichibu_teishi_kaishi",
    "kankei",
    "tekiyo_jogai_kikan",
]

HONNIN = "01"
KO = "04"
UP = frozenset({"05", "06"})  # 父, 母
SIB = frozenset({"10", "11", "12", "13"})  # 兄, 姉, 弟, 妹
CHOKKEI = "直系血族"
KYODAI = "兄弟姉妹"


def _terms(code: str) -> list[str] | None:
    """The chain from the 世帯主 (``[]`` for the 世帯主), or None for a 続柄 not read."""
    if code == HONNIN:
        return []
    if not code or len(code) % 2:
        return None
    return [code[i : i + 2] for i in range(0, len(code), 2)]


def kankei(applicant: str, member: str) -> str | None:
    """直系血族, 兄弟姉妹 or None: how ``member`` is related to ``applicant`` (both 続柄 to
    the 世帯主 as the registry stores them), in the cases the module docstring lists."""
    a, m = _terms(applicant), _terms(member)
    if a is None or m is None:
        return None
    down_a = all(t == KO for t in a)
    up_a = all(t in UP for t in a)
    if not a:  # the applicant is the 世帯主
        if m and (all(t == KO for t in m) or all(t in UP for t in m)):
            return CHOKKEI
        return KYODAI if len(m) == 1 and m[0] in SIB else None
    if down_a:
        if len(m) < len(a) and all(t == KO for t in m):
            return CHOKKEI  # the 世帯主 or a 子 above the applicant on the chain
        if m and all(t in UP for t in m):
            return CHOKKEI  # the 世帯主's 父・母: the applicant's 祖父母 …
        if len(m) > len(a) and m[: len(a)] == a and all(t == KO for t in m[len(a) :]):
            return CHOKKEI
        if m == a:
            return KYODAI
        return None
    if up_a:
        return CHOKKEI if all(t == KO for t in m) else None
    if len(a) == 1 and a[0] in SIB and (not m or (len(m) == 1 and m[0] in SIB)):
        return KYODAI
    return None


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


#: 法第13条の3第1項: 支給開始月の初日から5年, 支給要件に該当した月の初日から7年
ICHIBU_TEISHI_GO_NEN = 60
ICHIBU_TEISHI_NANA_NEN = 84


def ichibu_teishi_kaishi(
    *, shikyu_kaishi: date, yoken_gaito: date | None, sansai: date | None
) -> date:
    """The first month whose amount is half stopped (法第13条の3第1項): the month after the
    one in which 5年 from the 支給開始月 (or 7年 from the month of the 支給要件, whichever
    is earlier) end — the period counted from the first of the month ends the day before
    the same date 5 years on, so the stop starts 60 (84) months after its first month
    (北区・静岡市: 「5年等経過月の翌月分から」). When a child under 3 was in care at the
    認定請求, only the rule of the 括弧書き counts: 5年 from the first of the month after
    the child turns 3 (``sansai``)."""
    if sansai is not None:
        return _add_months(_add_months(sansai.replace(day=1), 1), ICHIBU_TEISHI_GO_NEN)
    go = _add_months(shikyu_kaishi.replace(day=1), ICHIBU_TEISHI_GO_NEN)
    if yoken_gaito is None:
        return go
    return min(go, _add_months(yoken_gaito.replace(day=1), ICHIBU_TEISHI_NANA_NEN))


def tekiyo_jogai_kikan(todoke: date) -> tuple[date, date]:
    """The months an 適用除外事由届出 of ``todoke`` covers: from its month (a stop is never
    lifted for months before the 届出: 瀬戸内市 「減額された部分については、遡って支給されま
    せん」) to the 10月分 that ends its 現況届 year (filed in August or later: the next
    October, as the 届 goes with the 現況届 every August)."""
    end_year = todoke.year + 1 if todoke.month >= 8 else todoke.year
    return todoke.replace(day=1), date(end_year, 10, 1)
