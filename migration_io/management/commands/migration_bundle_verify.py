"""``manage.py migration_bundle_verify PATH [--public-key FILE]``: verify an exit bundle.

PATH is the downloaded ZIP or its unpacked folder. The signature of bundle.json is
checked with the public key given (the PEM the platform publishes on 「移行バンドルの署名
鍵」), or, without it, this platform's own key; then every file's size and SHA-256, then
files the bundle does not list. Each difference is printed with the file it concerns;
the command fails (exit status 1) when there is any.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from migration_io.bundle.keys import SigningKeyError, key_id, load_public_pem, public_key
from migration_io.bundle.verify import bundle_verify


class Command(BaseCommand):
    help = "移行バンドル（署名付き）の署名とすべてのファイルのハッシュ値を検証します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="バンドルのZIPファイル、または展開したフォルダ")
        parser.add_argument(
            "--public-key", dest="public_key", help="照合に使う公開鍵（PEM）。省略時はこの環境の鍵"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} がありません。")
        try:
            if options["public_key"]:
                trusted = load_public_pem(Path(options["public_key"]).read_bytes())
            else:
                trusted = public_key()
        except (OSError, ValueError, SigningKeyError) as exc:
            raise CommandError(f"公開鍵を読めません: {exc}") from None
        report = bundle_verify(path, trusted=trusted)
        town = report.body.get("town") or {}
        self.stdout.write(
            f"団体: {town.get('name', '?')}（{town.get('dantai_code', '?')}）"
            f" 照合した鍵ID: {key_id(trusted)}"
        )
        for layout in report.body.get("layouts") or []:
            self.stdout.write(f"レイアウト: {layout.get('title')}（版 {layout.get('version')}）")
        for finding in report.findings:
            self.stdout.write(f"NG {finding}")
        if not report.ok:
            raise CommandError(f"検証に失敗しました（{len(report.findings)}件の相違）。")
        self.stdout.write(
            f"OK 署名は正しく、{report.files_checked}個のファイルすべてがハッシュ値と一致しました。"
        )
