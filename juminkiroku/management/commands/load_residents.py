"""manage.py load_residents: synthetic residents into one town, or into every demo town.

    manage.py load_residents --schema m143014 --population 32823 --seed 1
    manage.py load_residents --all-demo [--if-empty]

``--all-demo`` loads every municipality (tenants.Municipality, withdrawn ones skipped)
at its ``population`` with a seed derived from its 団体コード. A town that already has
residents is refused, skipped with ``--if-empty``, or emptied first with ``--replace``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils import timezone

from juminkiroku.synth.load import LoadResult, SynthLoadError, residents_load, town_is_empty
from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


def demo_seed(dantai_code: str) -> int:
    """The seed of a demo town: its 団体コード as a number (stable, distinct per town)."""
    return int(dantai_code)


class Command(BaseCommand):
    help = (
        "合成した住民データ（世帯・除票・住登外・支援措置を含む）を団体のスキーマに読み込みます。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--schema", help="読み込む団体のスキーマ名（例: m143014）")
        target.add_argument(
            "--all-demo",
            action="store_true",
            help="登録済みのすべての団体に、それぞれの人口（公表値）で読み込む",
        )
        parser.add_argument(
            "--population", type=int, help="住民の数（省略時は団体の人口（公表値））"
        )
        parser.add_argument(
            "--seed", type=int, help="乱数の種（省略時は団体コード）。同じ種なら同じデータ"
        )
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            help="基準日 YYYY-MM-DD（省略時は今日）。年齢・在留期間はこの日で計算",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--replace",
            action="store_true",
            help="既存の住民記録をこの団体のスキーマから削除してから読み込む",
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="既に住民記録がある団体は何もせず飛ばす",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on: date = options["on"] or timezone.localdate()
        if options["all_demo"]:
            if options["population"] is not None or options["seed"] is not None:
                raise CommandError("--all-demo では --population と --seed は指定できません。")
            towns = list(
                Municipality.objects.exclude(status=MunicipalityStatus.WITHDRAWN).order_by(
                    "dantai_code"
                )
            )
            if not towns:
                raise CommandError(
                    "団体が登録されていません（先に load_demo を実行してください）。"
                )
        else:
            town = Municipality.objects.filter(schema_name=options["schema"]).first()
            if town is None:
                raise CommandError(f"スキーマ {options['schema']} の団体が見つかりません。")
            towns = [town]
        total = 0
        for town in towns:
            population = options["population"] or town.population
            seed = options["seed"] if options["seed"] is not None else demo_seed(town.dantai_code)
            result = self._load_one(
                town,
                population=population,
                seed=seed,
                on=on,
                replace=options["replace"],
                if_empty=options["if_empty"],
            )
            if result is not None:
                total += result.residents
            # A connection that has visited many schemas gets slower (docs/benchmarks.md);
            # not inside a caller's transaction (tests), which closing would end.
            if not transaction.get_connection().in_atomic_block:
                connections.close_all()
        if len(towns) > 1:
            self.stdout.write(f"合計 {total:,} 人を読み込みました。")

    def _load_one(
        self,
        town: Municipality,
        *,
        population: int,
        seed: int,
        on: date,
        replace: bool,
        if_empty: bool,
    ) -> LoadResult | None:
        connection.set_tenant(town)
        try:
            if if_empty and not town_is_empty():
                self.stdout.write(
                    f"{town.name}（{town.schema_name}）: 住民記録があるため飛ばします。"
                )
                return None
            try:
                result = residents_load(population=population, seed=seed, on=on, replace=replace)
            except SynthLoadError as exc:
                raise CommandError(str(exc)) from exc
        finally:
            connection.set_schema_to_public()
        self.stdout.write(
            f"{result.municipality}（{result.schema}）: 住民 {result.residents:,} 人、"
            f"世帯 {result.setai:,}、除票 {result.johyo:,}、住登外 {result.jutogai:,}、"
            f"支援措置 {result.shien}、町字 {result.jisho}（地区 {result.chiku}）"
            f" — {result.seconds:.1f} 秒（種 {seed}、基準日 {on:%Y-%m-%d}）"
        )
        return result
