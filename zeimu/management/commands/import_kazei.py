"""Import a 課税資料 CSV into one municipality: all rows or none (zeimu.services.kazei_import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality
from zeimu.services.kazei_import import ImportRejected, kazei_import
from zeimu.services.kazei_layouts import LAYOUTS


class Command(BaseCommand):
    help = (
        "課税資料（給与支払報告書・公的年金等支払報告書・住民税申告）のCSVを取り込む（全件か0件）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True, help="団体のスキーマ名（例: m143014）")
        parser.add_argument(
            "--kind",
            required=True,
            choices=list(LAYOUTS),
            help="資料の種類: " + "、".join(f"{k}={v.label}" for k, v in LAYOUTS.items()),
        )
        parser.add_argument("--operator", default="import_kazei", help="記録する取込者")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        town = Municipality.objects.filter(schema_name=options["schema"]).first()
        if town is None:
            raise CommandError(f"団体が見つかりません: {options['schema']}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        connection.set_tenant(town)
        try:
            with path.open("rb") as source:  # read as a stream, not whole
                result = kazei_import(
                    kind=options["kind"],
                    file_name=path.name,
                    content=source,
                    actor=Actor(user_id=None, username=options["operator"], terminal="batch"),
                )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.truncated:
                self.stderr.write("（誤りが多いため、以降は省略しました）")
            raise CommandError(str(exc)) from exc
        finally:
            connection.set_schema_to_public()
        replaced = (
            f"うち{result.replaced}件は既にあった申告を置き換えました。" if result.replaced else ""
        )
        self.stdout.write(
            f"{town.name}: {result.rows}件を取り込みました（取込ID {result.shiryo.pk}）。{replaced}"
        )
