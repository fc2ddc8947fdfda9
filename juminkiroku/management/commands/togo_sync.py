"""manage.py togo_sync: one round of the 団体内統合宛名 link and of the 他業務 file linkage
for a town, or for every town.

    manage.py togo_sync --schema m143014             # make and send (標準仕様書 7.1.2.3)
    manage.py togo_sync --all --pf                   # also write the change files (7.2.1)
    manage.py togo_sync --schema m143014 --totsugo   # also run the 突合

The same work the periodic tasks do; prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


class Command(BaseCommand):
    help = "団体内統合宛名システムとの連携と他業務連携ファイルの作成を1回実行します。"

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--schema", help="団体のスキーマ名（例: m143014）")
        target.add_argument("--all", action="store_true", help="すべての団体")
        parser.add_argument("--totsugo", action="store_true", help="突合も実行する")
        parser.add_argument("--pf", action="store_true", help="他業務連携ファイルも作成する")

    def handle(self, *args: Any, **options: Any) -> None:
        from juminkiroku.pf.outbox import PfError, pf_file_round
        from juminkiroku.togo.soshin import SYSTEM_ACTOR, TotsugoError, togo_totsugo_run
        from juminkiroku.togo.tasks import togo_sync_round

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
                t = togo_sync_round()
                self.stdout.write(
                    f"{town.schema_name}: 作成 {t['made']} 変更なし {t['unchanged']} "
                    f"送信 {t['sent']} エラー {t['rejected']} 再送待ち {t['retry']}"
                )
                if options["totsugo"]:
                    try:
                        run = togo_totsugo_run(actor=SYSTEM_ACTOR)
                    except TotsugoError as exc:
                        raise CommandError(str(exc)) from None
                    self.stdout.write(
                        f"{town.schema_name}: 突合 {run.compared} 件中 相違 {run.differences} 件 "
                        f"再送信 {run.queued} 件"
                    )
                if options["pf"]:
                    try:
                        result = pf_file_round(actor=SYSTEM_ACTOR)
                    except PfError as exc:
                        raise CommandError(str(exc)) from None
                    self.stdout.write(
                        f"{town.schema_name}: 連携ファイル {result.files} 件"
                        f"（異動 {result.changes} 件）"
                    )
        finally:
            connection.set_schema_to_public()
