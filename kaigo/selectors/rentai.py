"""連帯納付義務者 of 介護保険料 期 (普通徴収, 介護保険法第132条第2項・第3項), read from the
registry's household on a day (``juminkiroku.public.households_of``) and judged by the
platform's rule (``tenants.rentai_rule``) with 第132条's grounds (``kaigo.rules.rentai``).

- :func:`rentai_on`: for (insured, day) pairs, the result of each (one registry query per
  distinct day);
- :func:`rentai_of_fuka`: for a 賦課's 普通徴収 期 (its ``kibetsu`` list), keyed by 期,
  judged on each 期's 納期限;
- :func:`rentai_for_ledger`: the provider the 収納 ledger's 滞納 case view asks through the
  platform (``tenants.rentai``; declared in ``kaigo/module.py``).

The day: the 納期限 of the 期, as for 後期 (kokuho.selectors.koki_rentai). Which day the law
means (賦課期日, 納期限 or the day of the 督促) is not written in 第132条 and was not
found: 未確認 (docs/standard/kaigo.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from juminkiroku.public import households_of, zokugara_label
from kaigo.rules.fuka_kibetsu import FUTSU
from kaigo.rules.rentai import KAIGO_KONKYO
from tenants.rentai import RentaiAnswer, RentaiAsk, rentai_answer
from tenants.rentai_rule import RentaiResult
from tenants.rentai_rule import rentai_on as _rentai_on


def rentai_on(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], RentaiResult]:
    """(insured 宛名 id, day) → who is jointly liable on that day (第132条)."""
    return _rentai_on(pairs, households_of=households_of, konkyo=KAIGO_KONKYO)


def rentai_of_fuka(
    kibetsu: Sequence[dict[str, Any]] | None, atena_id: int
) -> list[tuple[dict[str, Any], RentaiResult]]:
    """(期, result) for the 普通徴収 期 of one 賦課's ``kibetsu`` (特別徴収 ones are nobody
    else's and left out), each judged on its 納期限, in the 期's order."""
    futsu = [k for k in (kibetsu or []) if k.get("kind") == FUTSU]
    days = [date.fromisoformat(str(k["due"])) for k in futsu]
    judged = rentai_on((atena_id, d) for d in days)
    return [(k, judged[(atena_id, d)]) for k, d in zip(futsu, days, strict=True)]


def rentai_for_ledger(asks: Sequence[RentaiAsk]) -> dict[int, RentaiAnswer]:
    """The ledger's 介護保険料 期別 → their 連帯納付義務者 on each 納期限. The ledger holds
    only 普通徴収 期 of 介護保険料 (特別徴収 is withheld by the pension insurer and never
    posted: kaigo.services.fuka_chotei), so every ask is judged."""
    judged = rentai_on((a.atena_id, a.nouki) for a in asks)
    labels: dict[str, str] = {}
    return {
        a.kibetsu_id: rentai_answer(judged[(a.atena_id, a.nouki)], a.nouki, zokugara_label, labels)
        for a in asks
    }
