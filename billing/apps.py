from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "負担金"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The engine's statements name counted figures by the meters' labels.
        from billing.services.meters import sync_figure_names

        sync_figure_names()
