from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "共通基盤"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the OpenAPI description of our authentication class.
        from tenants.api import schema  # noqa: F401
        from tenants.modules import checks  # noqa: F401  (registers the system check)
        from tenants.signals import connect

        connect()
