"""manage.py cs_sync: one round of the 住基ネット CS link for a town, or for every town.

    manage.py cs_sync --schema m143014        # make, send, receive (標準仕様書 7.1.1.1)
    manage.py cs_sync --all
    manage.py cs_sync --schema m143014 --aki 500    # also fetch 500 住民票コード 空き番
    manage.py cs_sync --schema m143014 --seigo      # also run the 整合性確認 (7.1.1.2)

The same work the periodic task does; prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


class Command(BaseCommand):
    help = "住基ネットCSとの連携（送信・受信）を1回実行します。"

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--schema", help="団体のスキーマ名（例: m143014）")
        target.add_argument("--all", action="store_true", help="すべての団体")
        parser.add_argument("--aki", type=int, default=0, help="取得する住民票コード空き番の件数")
        parser.add_argument("--seigo", action="store_true", help="整合性確認も実行する")

    def handle(self, *args: Any, **options: Any) -> None:
        from juminkiroku.cs.bango import BangoError, juminhyo_code_aki_fetch
        from juminkiroku.cs.common import SYSTEM_ACTOR
        from juminkiroku.cs.seigo import SeigoError, cs_seigo_run
        from juminkiroku.cs.tasks import cs_sync_round

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
                if options["aki"]:
                    try:
                        got = juminhyo_code_aki_fetch(count=options["aki"], actor=SYSTEM_ACTOR)
                    except BangoError as exc:
                        raise CommandError(str(exc)) from None
                    self.stdout.write(f"{town.schema_name}: 空き番 {got} 件を取得")
                totals = cs_sync_round()
                self.stdout.write(
                    f"{town.schema_name}: 作成 {totals['made']} 送信 {totals['sent']} "
                    f"エラー {totals['rejected']} 再送待ち {totals['retry']} "
                    f"受信 {totals['received']}"
                )
                if options["seigo"]:
                    try:
                        run = cs_seigo_run(actor=SYSTEM_ACTOR)
                    except SeigoError as exc:
                        raise CommandError(str(exc)) from None
                    self.stdout.write(
                        f"{town.schema_name}: 整合性確認 {run.compared} 件中 "
                        f"相違 {run.differences} 件"
                    )
        finally:
            connection.set_schema_to_public()
