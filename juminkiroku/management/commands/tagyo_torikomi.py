"""manage.py tagyo_torikomi: take in the 他業務連携 files of a town's drop folder now.

    manage.py tagyo_torikomi --schema m143014
    manage.py tagyo_torikomi --all

The same work the periodic task does (標準仕様書 7.2.1); prints file names and counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


class Command(BaseCommand):
    help = "他業務連携ファイル（取込フォルダ）を取り込みます。"

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--schema", help="団体のスキーマ名（例: m143014）")
        target.add_argument("--all", action="store_true", help="すべての団体")

    def handle(self, *args: Any, **options: Any) -> None:
        from juminkiroku.tagyo.torikomi import tagyo_torikomi_round

        towns = Municipality.objects.filter(
            status__in=[MunicipalityStatus.ACTIVE, MunicipalityStatus.PREPARING]
        )
        if options["schema"]:
            towns = towns.filter(schema_name=options["schema"])
            if not towns.exists():
                raise CommandError(f"団体のスキーマ {options['schema']} がありません。")
        try:
            for town in towns.order_by("dantai_code"):
                connection.set_tenant(town)
                for record in tagyo_torikomi_round():
                    self.stdout.write(
                        f"{town.schema_name}: {record.file_name} {record.get_status_display()} "
                        f"{record.rows}行 更新{record.changed}件 エラー{len(record.errors)}件"
                    )
        finally:
            connection.set_schema_to_public()
