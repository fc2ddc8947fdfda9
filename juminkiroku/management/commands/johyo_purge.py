"""manage.py johyo_purge: delete the 除票 in the 除票用データベース past their 保存期限.

    manage.py johyo_purge --schema m143014 [--today 2170-01-01]
    manage.py johyo_purge --all

住民基本台帳法施行令第34条 keeps a 除票 150 years from its 消除 (``juminkiroku.johyo.
hozon_nensu``); each moved 除票 carries its 保存期限 from the move. Rows past it are
deleted with one access-log row naming their 宛名 ids; the 宛名 key rows stay (宛名番号 are
never reused). Running it twice deletes nothing the second time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juminkiroku.services.johyo import johyo_purge
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus

ACTOR = Actor(user_id=None, username="johyo_purge_batch")


class Command(BaseCommand):
    help = "保存期限を過ぎた除票を除票用データベースから削除する"

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
                gone = johyo_purge(today=today, actor=ACTOR)
            finally:
                connection.set_schema_to_public()
            self.stdout.write(f"{town.schema_name}: 削除 {len(gone)} 件")
