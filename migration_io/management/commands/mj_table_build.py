"""manage.py mj_table_build: (re)build the 文字情報基盤 MJ table the 外字 tools read.

    manage.py mj_table_build --mji mji.00601.csv [--shukutai MJShrinkMap.json] [--out FILE]
    manage.py mj_table_build --mojikiban moji.csv [--out FILE]

``--mji`` is the MJ文字情報一覧表 saved as UTF-8 CSV with its own header row; ``--shukutai``
the MJ縮退マップ JSON. ``--mojikiban`` is code4fukui/mojikiban's data/moji.csv, the source
of the shipped file. Without ``--out`` the shipped file (migration_io/data/mj/
mj_table.tsv.gz) is replaced; processes read it on first use, so restart them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration_io.gaiji.build import from_mojikiban, from_official, write
from migration_io.gaiji.mjtable import TABLE_FILE


class Command(BaseCommand):
    help = "文字情報基盤（MJ文字情報一覧表・MJ縮退マップ）から外字対応用のMJ表を作る"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mji", type=Path, help="MJ文字情報一覧表 (CSV, UTF-8)")
        parser.add_argument("--shukutai", type=Path, help="MJ縮退マップ (JSON)")
        parser.add_argument("--mojikiban", type=Path, help="code4fukui/mojikiban data/moji.csv")
        parser.add_argument("--out", type=Path, default=TABLE_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["mji"]) == bool(options["mojikiban"]):
            raise CommandError("--mji か --mojikiban のどちらか一方を指定してください。")
        try:
            if options["mji"]:
                rows = from_official(options["mji"], options["shukutai"])
            else:
                rows = from_mojikiban(options["mojikiban"])
            count = write(rows, options["out"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"MJ表を作れませんでした: {exc}") from exc
        self.stdout.write(f"{options['out']}: {count} 字")
