"""manage.py tenshutsu_kakutei: run the daily 転出確定 (標準仕様書 1.1.5) by hand.

    manage.py tenshutsu_kakutei --schema m143014 [--today 2026-12-31]
    manage.py tenshutsu_kakutei --all

Every 転出 whose 転出予定日 is on or before the day becomes a 除票 from that date; a 転出
already done is skipped, so running it twice (or after the beat job) changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juminkiroku.services.tenshutsu import tenshutsu_kakutei_due
from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


class Command(BaseCommand):
    help = "転出予定日の来た転出を除票にする（転出確定、日次処理）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="one municipality's schema name")
        parser.add_argument("--all", action="store_true", help="every active municipality")
        parser.add_argument("--today", help="the day to run as (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["today"]) if options["today"] else None
        towns = Municipality.objects.filter(
            status__in=[MunicipalityStatus.ACTIVE, MunicipalityStatus.PREPARING]
        )
        if options["schema"]:
            towns = towns.filter(schema_name=options["schema"])
        elif not options["all"]:
            raise CommandError("--schema か --all を指定してください。")
        if not towns.exists():
            raise CommandError("該当する団体がありません。")
        for town in towns.order_by("schema_name"):
            connection.set_tenant(town)
            try:
                result = tenshutsu_kakutei_due(today=today)
            finally:
                connection.set_schema_to_public()
            self.stdout.write(
                f"{town.schema_name}: 確定 {len(result.done)} 件、保留 {len(result.refused)} 件"
            )
