"""児童扶養手当: the 支払期月 of a 手当の月 (法第7条第3項) and the 時効 of the right to it
(法第22条: 2年).

The right to a month's 手当 can be claimed from its 支払期月 (昭和47年8月25日 児企第33号:
「手当の支払期月が到来すれば…支払いを請求しなければすべて時効が進行する」). The notice's
sentence on the 起算日 could not be read here: we count from the first day of the month
after the 支払期月 (the later of the two readings, so that nobody is refused too early);
marked ``unconfirmed`` in ``fukushi/params/fuyoteate.yaml``. Pure.
"""

from __future__ import annotations

from datetime import date

__all__ = ["jiko_kisanbi", "jiko_manryo", "shiharai_kizuki"]


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def shiharai_kizuki(month: date) -> date:
    """The 支払期月 (1・3・5・7・9・11月, each for the two months before it) in which the
    手当 of ``month`` is paid: 11月分・12月分 in 1月, 1月分・2月分 in 3月."""
    first = month.replace(day=1)
    return _add_months(first, 2 if first.month % 2 == 1 else 1)


def jiko_kisanbi(month: date) -> date:
    """The day the 時効 of ``month``'s 手当 starts to run (our reading: the first day of
    the month after its 支払期月)."""
    return _add_months(shiharai_kizuki(month), 1)


def jiko_manryo(month: date, nen: int) -> date:
    """The first day on which the right to ``month``'s 手当 is extinguished: ``nen`` years
    after :func:`jiko_kisanbi` (「2年を経過したとき」)."""
    k = jiko_kisanbi(month)
    return k.replace(year=k.year + nen)
