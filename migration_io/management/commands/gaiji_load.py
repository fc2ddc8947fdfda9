"""manage.py gaiji_load: a vendor's list of 外字 into a town's table, all or nothing.

    manage.py gaiji_load --schema m143014 --vendor "旧住基（A社）" --list gaiji.csv [--images DIR]

The list is a CSV (UTF-8, with or without BOM, or cp932 with ``--encoding cp932``) whose
header row names ``私用領域の符号位置`` (U+E001), and optionally ``移行元の文字コード``,
``字形の説明`` and ``字形画像`` (a PNG file name inside ``--images``). Every line is checked
before anything is written; one error refuses the whole list with every message. The MJ
decisions are then made on the screen (/migration/gaiji/).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration_io.gaiji.glyph import MAX_BYTES
from migration_io.gaiji.services import GaijiListRefused, GaijiRow, gaiji_register_many
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.models import Municipality

COMMAND_ACTOR = Actor(user_id=None, username="mio_gaiji_command", terminal="command")
COLUMNS = {
    "pua": "私用領域の符号位置",
    "kyu_code": "移行元の文字コード",
    "setsumei": "字形の説明",
    "image": "字形画像",
}


def read_list(path: Path, *, encoding: str, images: Path | None) -> list[GaijiRow]:
    rows: list[GaijiRow] = []
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        reader = csv.DictReader(f)
        if COLUMNS["pua"] not in (reader.fieldnames or []):
            raise CommandError(f"見出しに「{COLUMNS['pua']}」がありません。")
        for line, record in enumerate(reader, start=2):
            glyph = None
            name = (record.get(COLUMNS["image"]) or "").strip()
            if name:
                if images is None:
                    raise CommandError(
                        f"{line}行目: 字形画像があるときは --images を指定してください。"
                    )
                file = (images / name).resolve()
                if images.resolve() not in file.parents or not file.is_file():
                    raise CommandError(f"{line}行目: 字形画像のファイルがありません。")
                glyph = file.read_bytes()[: MAX_BYTES + 1]
            rows.append(
                GaijiRow(
                    line=line,
                    pua=record.get(COLUMNS["pua"]) or "",
                    kyu_code=record.get(COLUMNS["kyu_code"]) or "",
                    setsumei=record.get(COLUMNS["setsumei"]) or "",
                    glyph=glyph,
                )
            )
    return rows


class Command(BaseCommand):
    help = "移行元システムの外字の一覧を団体の外字表に登録する（すべてか、何もしないか）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", required=True, help="the municipality's schema name")
        parser.add_argument("--vendor", required=True, help="移行元システム")
        parser.add_argument("--list", required=True, type=Path, help="the CSV list")
        parser.add_argument("--images", type=Path, help="folder of the PNG glyph images")
        parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp932"])

    def handle(self, *args: Any, **options: Any) -> None:
        town = Municipality.objects.filter(schema_name=options["schema"]).first()
        if town is None:
            raise CommandError("該当する団体がありません。")
        try:
            rows = read_list(
                options["list"], encoding=options["encoding"], images=options["images"]
            )
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"一覧を読めませんでした: {exc.__class__.__name__}") from None
        connection.set_tenant(town)
        try:
            count = gaiji_register_many(vendor=options["vendor"], rows=rows, actor=COMMAND_ACTOR)
        except GaijiListRefused as exc:
            raise CommandError("登録しませんでした。\n" + "\n".join(exc.errors)) from None
        finally:
            connection.set_schema_to_public()
        self.stdout.write(f"{count}字を登録しました（対応の決定は画面で行います）。")
