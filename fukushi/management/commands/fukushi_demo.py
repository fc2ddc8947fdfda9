"""Demo data of 福祉・子ども: in each town, each part's loader for the 業務 the town uses
(児童手当, 児童扶養手当・医療費助成, 保育, 生活保護, 障害者手帳・心身障害者医療, 自立支援給付,
障害児通所支援, 健康管理). Each loader skips a town that already has its data, so ``make demo``
can run again."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from fukushi import (
    demo_fuyoteate,
    demo_hoiku,
    demo_jidoteate,
    demo_jiritsu,
    demo_kenko,
    demo_kogaku,
    demo_seiho,
    demo_seiho_kyufukin,
    demo_shogai,
    demo_shogai_teate,
    demo_tsusho,
    gyomu,
)
from tenants.db import connection
from tenants.models import Municipality

#: (the 業務 whose subscription runs it, the part's loader), in this order: 保育 and 医療 read
#: nothing of the allowances, so the order only keeps the output readable.
LOADERS: tuple[tuple[tuple[str, ...], Callable[[Any], None]], ...] = (
    ((gyomu.JIDO_TEATE,), demo_jidoteate.load),
    (
        (gyomu.JIDO_FUYO_TEATE, gyomu.NYUYOJI_IRYO, gyomu.HITORIOYA_IRYO),
        demo_fuyoteate.load,
    ),
    ((gyomu.KODOMO_KOSODATE, gyomu.HOIKURYO), demo_hoiku.load),
    ((gyomu.SEIKATSU_HOGO,), demo_seiho.load),
    ((gyomu.SEIKATSU_HOGO,), demo_seiho_kyufukin.load),  # after the cases
    ((gyomu.SHOGAISHA_FUKUSHI, gyomu.SHINSHIN_SHOGAISHA_IRYO), demo_shogai.load),
    # 特別障害者手当・障害児福祉手当・特別児童扶養手当: among the 手帳 holders just loaded
    ((gyomu.SHOGAISHA_FUKUSHI,), demo_shogai_teate.load),
    ((gyomu.SHOGAISHA_FUKUSHI,), demo_jiritsu.load),  # after the 手帳
    # 高額障害福祉サービス等給付費: a few households, after the 支給決定
    ((gyomu.SHOGAISHA_FUKUSHI,), demo_kogaku.load),
    ((gyomu.SHOGAISHA_FUKUSHI,), demo_tsusho.load),  # 障害児通所支援: resident children
    ((gyomu.KENKO_KANRI,), demo_kenko.load),
)


class Command(BaseCommand):
    help = (
        "福祉・子どものデモデータ（児童手当・児童扶養手当・医療費助成・保育・生活保護・"
        "障害者手帳・心身障害者医療・障害者の手当・自立支援給付・障害児通所支援・健康管理）"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for town in Municipality.objects.exclude(schema_name="public").order_by("dantai_code"):
            codes = set(town.subscriptions.values_list("gyomu__code", flat=True))
            connection.set_tenant(town)
            try:
                for needs, load in LOADERS:
                    if codes & set(needs):
                        said = io.StringIO()
                        load(said)
                        for line in said.getvalue().splitlines():
                            if line.strip():
                                self.stdout.write(f"{town.name}: {line}")
            finally:
                connection.set_schema_to_public()
