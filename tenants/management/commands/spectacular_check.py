import difflib

from django.core.management.base import BaseCommand, CommandError

from tenants.openapi import OPENAPI_FILES, generate


class Command(BaseCommand):
    help = "コミット済みの OpenAPI ファイルが現在のコードから生成したものと一致するか確認する"

    def handle(self, *args: object, **options: object) -> None:
        failed = []
        for name, (urlconf, path) in OPENAPI_FILES.items():
            fresh = generate(urlconf)
            committed = path.read_text(encoding="utf-8") if path.exists() else ""
            if fresh != committed:
                diff = "".join(
                    list(
                        difflib.unified_diff(
                            committed.splitlines(True),
                            fresh.splitlines(True),
                            str(path),
                            "generated",
                        )
                    )[:80]
                )
                self.stderr.write(diff)
                failed.append(name)
        if failed:
            raise CommandError(
                f"OpenAPI が古くなっています: {', '.join(failed)}。"
                "make openapi で再生成してください。"
            )
        self.stdout.write("OpenAPI: 一致しています。")
