from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "共通基盤"
    default_auto_field = "django.db.models.BigAutoField"
