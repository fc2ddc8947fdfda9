"""Demo cost pools for the demo consortium. The structure follows seed 004 (神奈川:
組合運営費 by 均等割:人口割 = 4:6; システム利用料 as a monthly unit price per 業務 × months
used); the amounts and unit prices are demo choices, not from the seeds."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from billing.models import CostPool
from tenants.models import Consortium, Gyomu
from tenants.wareki import fiscal_year_of

DEMO_CONSORTIUM = "神奈川県町村情報システム共同事業組合"
# The monthly unit price per 業務 is demo data, kept with the catalogue's codes in a data
# file (billing names no module in code).
UNIT_PRICES: dict[str, int] = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "demo_unit_prices.json").read_text("utf-8")
)["unit_prices"]


class Command(BaseCommand):
    help = "デモの費用区分（組合運営費・システム利用料）を登録する"

    def handle(self, *args: object, **options: object) -> None:
        consortium = Consortium.objects.filter(name=DEMO_CONSORTIUM).first()
        if consortium is None:
            self.stdout.write("デモの共同利用団体がありません。先に load_demo を実行してください。")
            return
        year = fiscal_year_of(timezone.localdate())
        CostPool.objects.get_or_create(
            consortium=consortium,
            fiscal_year=year,
            name="組合運営費",
            defaults={
                "amount_yen": 120_000_000,
                "rule": {
                    "type": "mix",
                    "parts": [[4, {"type": "kintowari"}], [6, {"type": "jinkowari"}]],
                },
            },
        )
        names = dict(Gyomu.objects.filter(code__in=UNIT_PRICES).values_list("code", "name"))
        for sort, (code, price) in enumerate(UNIT_PRICES.items(), start=1):
            CostPool.objects.get_or_create(
                consortium=consortium,
                fiscal_year=year,
                name=f"システム利用料（{names.get(code, code)}）",
                defaults={
                    "amount_yen": None,
                    "rule": {
                        "type": "metered",
                        "unit_price_yen": price,
                        "figure": f"months:{code}",
                    },
                    "sort": sort,
                },
            )
        self.stdout.write(f"{year}年度の費用区分を登録しました。")
