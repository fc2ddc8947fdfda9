from django.core.management.base import BaseCommand

from tenants.params.services import law_parameters_load


class Command(BaseCommand):
    help = "法令パラメータ（共通基盤と各業務の params_dir の *.yaml）をデータベースに反映する"

    def handle(self, *args: object, **options: object) -> None:
        count = law_parameters_load()
        self.stdout.write(f"法令パラメータ: {count}行を反映しました。")
