from django.apps import AppConfig


class MigrationIoConfig(AppConfig):
    name = "migration_io"
    verbose_name = "データ移行（中間標準レイアウト）"
    default_auto_field = "django.db.models.BigAutoField"
