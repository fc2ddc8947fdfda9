"""By hand, in one town: ``manage.py kokuho_koki_ido --schema m143014 [--date 2026-12-06]``
(the same as the daily task)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tenants.db import connection
from tenants.models import Municipality


class Command(BaseCommand):
    help = "75歳到達で後期高齢者医療へ移行する国保の被保険者の資格を喪失させる（日次処理）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True)
        parser.add_argument("--date", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        from kokuho.services.koki import koki_ido_due

        town = Municipality.objects.get(schema_name=options["schema"])
        connection.set_tenant(town)
        day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        result = koki_ido_due(today=day)
        self.stdout.write(f"{len(result.moved)}人を後期高齢者医療へ移行しました。")
