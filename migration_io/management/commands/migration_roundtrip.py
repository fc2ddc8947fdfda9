"""manage.py migration_roundtrip: ★ the round trip of issue 19 item 5 for one town.

    manage.py migration_roundtrip --schema m143014 [--formats csv,xml] [--encoding cp932]

Exports the town in the 中間標準レイアウト, imports the files into a scratch town (created
for the run inside a transaction that is rolled back: it never outlives the command),
exports that again and compares every item of every file. Prints the report; exits with an
error when anything differs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration_io.importer.roundtrip import roundtrip
from migration_io.layout import LAYOUTS, layout_load
from tenants.csvout import check_encoding
from tenants.db import connection
from tenants.models import Municipality


class Command(BaseCommand):
    help = "中間標準レイアウトの往復検証（出力→一時団体へ取込→再出力→全項目比較）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True, help="the municipality's schema name")
        parser.add_argument("--formats", default="csv,xml", help="csv, xml or csv,xml")
        parser.add_argument("--encoding", default="utf-8-sig", help="utf-8-sig or cp932 (CSV)")

    def handle(self, *args: Any, **options: Any) -> None:
        town = Municipality.objects.filter(schema_name=options["schema"]).first()
        if town is None:
            raise CommandError("該当する団体がありません。")
        formats = tuple(f.strip() for f in options["formats"].split(",") if f.strip())
        if not formats or set(formats) - {"csv", "xml"}:
            raise CommandError("形式は csv、xml、csv,xml のいずれかです。")
        try:
            encoding = check_encoding(options["encoding"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            result = roundtrip(town, layout_load(LAYOUTS[0]), formats=formats, encoding=encoding)
        finally:
            connection.set_schema_to_public()
        self.stdout.write(f"{town.name}（{town.schema_name}）の往復検証")
        for line in result.lines():
            self.stdout.write(line)
        for key, seconds in result.seconds.items():
            self.stdout.write(f"  {key}: {seconds}秒")
        if not result.same:
            raise CommandError("往復で差異がありました。")
