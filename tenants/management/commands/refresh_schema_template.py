from django.core.management.base import BaseCommand

from tenants.services.schema_template import schema_template_refresh


class Command(BaseCommand):
    help = "新規団体のスキーマ複製元（テンプレートスキーマ）を最新のマイグレーションで作り直す"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        built = schema_template_refresh(force=bool(options["force"]))
        self.stdout.write(
            "テンプレートスキーマを作成しました。" if built else "テンプレートスキーマは最新です。"
        )
