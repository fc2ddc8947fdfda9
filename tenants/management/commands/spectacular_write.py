from django.core.management.base import BaseCommand

from tenants.openapi import OPENAPI_FILES, generate


class Command(BaseCommand):
    help = "OpenAPI ファイル（openapi/tenant.yaml, openapi/public.yaml）を生成して保存する"

    def handle(self, *args: object, **options: object) -> None:
        for name, (urlconf, path) in OPENAPI_FILES.items():
            path.write_text(generate(urlconf), encoding="utf-8")
            self.stdout.write(f"{name}: {path}")
