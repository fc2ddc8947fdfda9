"""``manage.py accesslog_verify [--town 団体コード …]``: check each town's access-log hash
chain against its rows and its anchor (tenants/accesslog/chain.py). Prints every
finding (ids, sequence numbers, field names: no personal data); exits with status 1 when
any town has one, so a monitoring job can alert on it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.accesslog.chain import FINDING_WORDS, accesslog_verify
from tenants.db import connection
from tenants.models import Municipality, MunicipalityStatus


class Command(BaseCommand):
    help = "各団体のアクセスログのハッシュチェーンを検証する（改変・削除・末尾の削除を検出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--town", action="append", default=[], help="団体コード（省略時は全団体）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        towns = Municipality.objects.filter(
            status__in=[MunicipalityStatus.ACTIVE, MunicipalityStatus.PREPARING]
        ).order_by("dantai_code")
        if options["town"]:
            towns = towns.filter(dantai_code__in=options["town"])
            if towns.count() != len(set(options["town"])):
                raise CommandError("指定した団体コードの団体が見つかりません。")
        bad = 0
        for town in towns:
            connection.set_tenant(town)
            try:
                result = accesslog_verify(record=True)
            finally:
                connection.set_schema_to_public()
            if result.ok:
                self.stdout.write(
                    f"{town.dantai_code} {town.name}: 正常（{result.checked:,}件、"
                    f"連番{result.base_seq + 1}〜{result.head_seq}）"
                )
                continue
            bad += 1
            self.stdout.write(
                f"{town.dantai_code} {town.name}: {len(result.findings)}件の問題があります"
            )
            for f in result.findings:
                self.stdout.write(f"  [{FINDING_WORDS[f.kind]}] {f.message}")
        if bad:
            raise CommandError(f"{bad}団体のアクセスログに問題があります。", returncode=1)
