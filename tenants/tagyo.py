"""他業務の登録情報 (住民記録システム標準仕様書 7.2.2): what other business systems know
about a person, as the 住民記録 screens show it.

住民記録 is the lowest business layer: it cannot import the modules that hold these facts
(国保, 介護, 福祉 …). So the vocabulary lives here, in the platform, and a module that
holds one of them declares a provider in its ``module.py``::

    MODULE = ModuleSpec(..., tagyo_providers={tagyo.KOKUHO: "kokuho.public:tagyo_kokuho"})

A provider is a function ``(atena_ids) -> {atena_id: TagyoStatus}`` that answers in the
current town's schema, one query for any number of ids; a person it knows nothing of is
left out. :func:`tagyo_lookup` asks the providers of the modules the town subscribes to
*now*, at display time, so the screen shows the holding system's latest data
(「最新の登録情報」) and a town that does not use a module never runs its code.

Exactly the items of 7.2.2 are here. The items its 【実装しない機能】 lists (選挙人名簿の
投票権・登録/抹消年月日・投票区・事由, 国保・後期・介護の被保険者証の記号番号/番号,
米穀の配給) have no field, so no provider, API or file can carry them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

# The 業務 of 7.2.2, as codes the platform owns (a provider and 住民記録 both name them).
SENKYO = "senkyo_meibo"  # 選挙人名簿 (not the catalogue code of the 選挙 業務)
KOKUHO = "kokuho"  # 国民健康保険
KOKI = "koki"  # 後期高齢者医療
KAIGO = "kaigo"  # 介護保険
NENKIN = "nenkin"  # 国民年金
JIDO_TEATE = "jido_teate_jukyu"  # 児童手当の受給 (not the catalogue code)
CARD = "card"  # 住基カード又は個人番号カード (住民記録's own, from the CS)

KIND_LABELS: dict[str, str] = {
    SENKYO: "選挙人名簿",
    KOKUHO: "国民健康保険",
    KOKI: "後期高齢者医療",
    KAIGO: "介護保険",
    NENKIN: "国民年金",
    JIDO_TEATE: "児童手当",
    CARD: "住基カード・個人番号カード",
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

# The items each 業務 carries (7.2.2, in the standard's order); every other item of
# TagyoStatus stays empty for that 業務.
KIND_ITEMS: dict[str, tuple[str, ...]] = {
    SENKYO: ("gaito",),
    KOKUHO: ("gaito", "shutoku_date", "soshitsu_date"),
    KOKI: ("gaito", "shutoku_date", "soshitsu_date"),
    KAIGO: ("gaito", "shutoku_date", "soshitsu_date"),
    NENKIN: (
        "gaito",
        "kiso_nenkin_no",
        "nenkin_shubetsu",
        "shubetsu_henko_date",
        "shutoku_date",
        "soshitsu_date",
    ),
    JIDO_TEATE: ("kaishi_ym", "shuryo_ym"),
    CARD: ("gaito",),
}
ITEMS: tuple[str, ...] = (
    "gaito",
    "shutoku_date",
    "soshitsu_date",
    "kiso_nenkin_no",
    "nenkin_shubetsu",
    "shubetsu_henko_date",
    "kaishi_ym",
    "shuryo_ym",
)
DATE_ITEMS = frozenset({"shutoku_date", "soshitsu_date", "shubetsu_henko_date"})
MONTH_ITEMS = frozenset({"kaishi_ym", "shuryo_ym"})

# The word of 「該当の有無」 per 業務 (7.2.2 names it so for each).
GAITO_LABELS: dict[str, str] = {
    SENKYO: "選挙人名簿への登録の有無",
    KOKUHO: "被保険者該当の有無",
    KOKI: "被保険者該当の有無",
    KAIGO: "被保険者該当の有無",
    NENKIN: "被保険者該当の有無",
    CARD: "カードの保有の有無",
}
ITEM_LABELS: dict[str, str] = {
    "gaito": "該当の有無",
    "shutoku_date": "資格取得年月日",
    "soshitsu_date": "資格喪失年月日",
    "kiso_nenkin_no": "基礎年金番号",
    "nenkin_shubetsu": "被保険者種別",
    "shubetsu_henko_date": "種別変更年月日",
    "kaishi_ym": "受給開始年月",
    "shuryo_ym": "受給終了年月",
}

# 国民年金の被保険者種別 (国民年金法 第7条 第1項 第1号〜第3号, 附則第5条 任意加入被保険者).
NENKIN_SHUBETSU: dict[str, str] = {
    "1": "第1号被保険者",
    "2": "第2号被保険者",
    "3": "第3号被保険者",
    "4": "任意加入被保険者",
}


@dataclass(frozen=True)
class TagyoStatus:
    """One person's items of one 業務, as its holding system last registered them.

    ``gaito`` is None when the system does not say. ``kaishi_ym``/``shuryo_ym`` are the
    first day of their month. ``shutsusho`` names the system in words (「国民健康保険
    （資格）」); ``koshin_at`` is when it last changed, None if the system does not keep it."""

    kind: str
    gaito: bool | None = None
    shutoku_date: date | None = None
    soshitsu_date: date | None = None
    kiso_nenkin_no: str = ""
    nenkin_shubetsu: str = ""
    shubetsu_henko_date: date | None = None
    kaishi_ym: date | None = None
    shuryo_ym: date | None = None
    shutsusho: str = ""
    koshin_at: datetime | None = None


TagyoProvider = Callable[[Iterable[int]], Mapping[int, TagyoStatus]]


def tagyo_lookup(
    atena_ids: Iterable[int], *, kinds: Iterable[str] = KINDS
) -> dict[str, dict[int, TagyoStatus]]:
    """kind → {atena_id: status} from the providers of the modules the current town
    subscribes to today; a kind no subscribed module provides is absent. A status whose
    ``kind`` is not the one asked for is a provider's bug and raises."""
    from django.utils import timezone

    from tenants.db import connection
    from tenants.modules.registry import all_modules, resolve
    from tenants.selectors.gyomu import subscribed_codes

    ids = sorted(set(atena_ids))
    wanted = set(kinds)
    subscribed = subscribed_codes(municipality=connection.tenant, on=timezone.localdate())
    out: dict[str, dict[int, TagyoStatus]] = {}
    for spec in all_modules():
        if not spec.tagyo_providers or not subscribed.intersection(spec.gyomu):
            continue
        for kind, dotted in spec.tagyo_providers.items():
            if kind not in wanted:
                continue
            provider: TagyoProvider = resolve(dotted)
            answer = dict(provider(ids)) if ids else {}
            for status in answer.values():
                if status.kind != kind:
                    raise ValueError(f"{dotted} answered {status.kind!r} for {kind!r}")
            out.setdefault(kind, {}).update(answer)
    return out
