from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "負担金"
    default_auto_field = "django.db.models.BigAutoField"
