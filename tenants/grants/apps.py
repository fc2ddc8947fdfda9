from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "tenants.grants"
    label = "grants"
    verbose_name = "操作権限"
    default_auto_field = "django.db.models.BigAutoField"
