"""連帯納付義務者 of a 期別 in the 収納 ledger, asked of the module that levies it.

Some premiums the ledger collects are owed, beside the person assessed, by others jointly:
後期高齢者医療保険料 collected by 普通徴収 is owed also by the 世帯主 of the insured's
household and by the insured's spouse (高齢者の医療の確保に関する法律第108条第2項・第3項;
介護保険料 of a 第1号被保険者 likewise, 介護保険法第132条第2項・第3項). Who they are is the
levying module's judgment (it knows the premium and its 徴収方法), while the ledger's
滞納 case view must show them; the ledger (zeimu) imports no levying module, so the
question is asked here: a module that levies such a premium declares a provider
in its ``module.py``::

    MODULE = ModuleSpec(..., rentai_providers={rentai.KOKI: "kokuho.public:..."})

(介護: ``{rentai.KAIGO: "kaigo.public:kaigo_rentai"}``.) The judgment from the registry
is the platform's too (``tenants.rentai_rule``), as the two articles are worded alike.

A kind is the ledger's 税目 code of the premium (``zeimu.public.Zeimoku`` values). A
provider is ``(asks) -> {ask.kibetsu_id: RentaiAnswer}``, answered in the current town's
schema; a 期別 it finds no one for may be left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from tenants.rentai_rule import RentaiResult

#: 後期高齢者医療保険料 (the ledger's 税目 code ``koki``; 高齢者医療確保法第108条)
KOKI = "koki"
#: 介護保険料 of a 第1号被保険者 (the ledger's 税目 code ``kaigo``; 介護保険法第132条)
KAIGO = "kaigo"
RENTAI_KINDS: dict[str, str] = {KOKI: "後期高齢者医療保険料", KAIGO: "介護保険料"}
#: the grounds the screens state above the table, by kind
RENTAI_LAW: dict[str, str] = {
    KOKI: "高齢者の医療の確保に関する法律第108条第2項・第3項",
    KAIGO: "介護保険法第132条第2項・第3項",
}


@dataclass(frozen=True)
class RentaiAsk:
    """One 期別 of the ledger: its id (the answer's key; opaque to the provider), the
    person it is owed by, and the 年度, 期 and 納期限 the ledger holds."""

    kibetsu_id: int
    atena_id: int
    nendo: int
    ki: int
    nouki: date


@dataclass(frozen=True)
class RentaiSha:
    """One 連帯納付義務者: who, and why in words (「世帯主（第108条第2項）」)."""

    atena_id: int
    #: their 続柄 to the 世帯主 on the day, in words (「子」, 「世帯主」)
    zokugara: str
    #: the grounds, in words, each with its article
    konkyo: tuple[str, ...]
    #: the tie was inferred (e.g. 父 and 母 of the 世帯主 taken as spouses) and must be
    #: confirmed (戸籍) before the person is billed
    suitei: bool = False


@dataclass(frozen=True)
class RentaiAnswer:
    #: the day the household was read for (the 期別's 納期限, as the provider decides)
    kijun_date: date
    sha: tuple[RentaiSha, ...] = ()
    #: what could not be judged from the registry, in words (empty when nothing)
    notes: tuple[str, ...] = field(default_factory=tuple)


RentaiProvider = Callable[[Sequence[RentaiAsk]], Mapping[int, RentaiAnswer]]


def rentai_answer(
    result: RentaiResult, day: date, label: Callable[[str], str], labels: dict[str, str]
) -> RentaiAnswer:
    """A judgment (``tenants.rentai_rule``) as the ledger's answer: the 続柄 in words by
    ``label`` (the registry's, memoised in ``labels``)."""
    return RentaiAnswer(
        kijun_date=day,
        sha=tuple(
            RentaiSha(
                atena_id=r.atena_id,
                zokugara=labels.setdefault(r.zokugara, label(r.zokugara)),
                konkyo=r.konkyo,
                suitei=r.suitei,
            )
            for r in result.sha
        ),
        notes=result.notes,
    )


def rentai_lookup(kind: str, asks: Iterable[RentaiAsk]) -> dict[int, RentaiAnswer]:
    """{kibetsu_id: answer} for the 期別 ``asks`` of 税目 ``kind`` from the module that
    provides it, when the current town subscribes to one of that module's 業務 today;
    empty when no module does (a 税目 nobody else is jointly liable for)."""
    from django.utils import timezone

    from tenants.db import connection
    from tenants.modules.registry import all_modules, resolve
    from tenants.selectors.gyomu import subscribed_codes

    asks = list(asks)
    if kind not in RENTAI_KINDS or not asks:
        return {}
    subscribed = subscribed_codes(municipality=connection.tenant, on=timezone.localdate())
    for spec in all_modules():
        dotted = spec.rentai_providers.get(kind)
        if not dotted or not subscribed.intersection(spec.gyomu):
            continue
        provider: RentaiProvider = resolve(dotted)
        wanted = {a.kibetsu_id for a in asks}
        answer = dict(provider(asks))
        stray = set(answer) - wanted
        if stray:
            raise ValueError(f"{dotted} answered for 期別 not asked: {sorted(stray)}")
        return answer
    return {}
