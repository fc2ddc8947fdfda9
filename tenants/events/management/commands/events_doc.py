import difflib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.events.docs import EVENTS_DOC, render_events_md


class Command(BaseCommand):
    help = (
        "イベント一覧 docs/events.md を各モジュールの宣言から生成する（--check: 差分があれば失敗）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="書き込まず、コミット済みの内容と比べる"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fresh = render_events_md()
        if not options["check"]:
            EVENTS_DOC.write_text(fresh, encoding="utf-8")
            self.stdout.write(f"{EVENTS_DOC.name} を書きました。")
            return
        committed = EVENTS_DOC.read_text(encoding="utf-8") if EVENTS_DOC.exists() else ""
        if fresh != committed:
            diff = difflib.unified_diff(
                committed.splitlines(True), fresh.splitlines(True), str(EVENTS_DOC), "generated"
            )
            self.stderr.write("".join(list(diff)[:80]))
            raise CommandError(
                "docs/events.md が古くなっています。"
                "python manage.py events_doc で再生成してください。"
            )
        self.stdout.write("イベント一覧: 一致しています。")
