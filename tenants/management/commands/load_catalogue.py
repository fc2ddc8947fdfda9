from django.core.management.base import BaseCommand

from tenants.services.catalogue import catalogue_load


class Command(BaseCommand):
    help = "業務カタログ（tenants/data/gyomu_catalogue.json）をデータベースに反映する"

    def handle(self, *args: object, **options: object) -> None:
        count = catalogue_load()
        self.stdout.write(f"業務カタログ: {count}件を反映しました。")
