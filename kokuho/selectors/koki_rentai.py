"""連帯納付義務者 of 後期高齢者医療保険料 期別 (普通徴収), read from the registry's household
on a day (``juminkiroku.public.households_of``) and judged by ``kokuho.rules.koki_rentai``
(the platform's rule, ``tenants.rentai_rule``, with 第108条's grounds).

- :func:`rentai_on`: for (insured, day) pairs, the result of each (one registry query per
  distinct day);
- :func:`rentai_of_kibetsu`: for this app's 普通徴収 期別 rows, keyed by their id, judged on
  each 期別's 納期限;
- :func:`rentai_for_ledger`: the provider the 収納 ledger's 滞納 case view asks through the
  platform (``tenants.rentai``; declared in ``kokuho/module.py``).

The day: the 納期限 of the 期別 — the day by which the premium is to be paid and from which
it is in arrears. Which day the law means (賦課期日, 納期限 or the day of the 督促) is not
written in 第108条 and was not found: 未確認 (docs/standard/koki.md L-13).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from juminkiroku.public import households_of, zokugara_label
from kokuho.models import ChoshuHoho, KokiKibetsu
from kokuho.rules.koki_rentai import KOKI_KONKYO, RentaiResult
from kokuho.services.koki_chotei import TOKUCHO_KI
from tenants.rentai import RentaiAnswer, RentaiAsk, rentai_answer
from tenants.rentai_rule import rentai_on as _rentai_on


def rentai_on(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], RentaiResult]:
    """(insured 宛名 id, day) → who is jointly liable on that day (第108条)."""
    return _rentai_on(pairs, households_of=households_of, konkyo=KOKI_KONKYO)


def rentai_of_kibetsu(kibetsu: Iterable[KokiKibetsu], atena_id: int) -> dict[int, RentaiResult]:
    """{期別 id: result} for the 普通徴収 期別 of ``atena_id``'s 保険料 (特別徴収 ones are
    nobody else's and left out), each on its 納期限."""
    futsu = [k for k in kibetsu if k.choshu_hoho == ChoshuHoho.FUTSU]
    judged = rentai_on((atena_id, k.nokigen) for k in futsu)
    return {k.pk: judged[(atena_id, k.nokigen)] for k in futsu}


def rentai_for_ledger(asks: Sequence[RentaiAsk]) -> dict[int, RentaiAnswer]:
    """The ledger's 後期 期別 → their 連帯納付義務者 on each 納期限. A 特別徴収 期別 (ledger
    期 above ``TOKUCHO_KI``) is left out: 第108条 binds 普通徴収 only."""
    futsu = [a for a in asks if a.ki < TOKUCHO_KI]
    judged = rentai_on((a.atena_id, a.nouki) for a in futsu)
    labels: dict[str, str] = {}
    return {
        a.kibetsu_id: rentai_answer(judged[(a.atena_id, a.nouki)], a.nouki, zokugara_label, labels)
        for a in futsu
    }
