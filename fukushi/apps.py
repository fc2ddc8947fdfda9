from django.apps import AppConfig


class FukushiConfig(AppConfig):
    name = "fukushi"
    verbose_name = "福祉・子ども"
    default_auto_field = "django.db.models.BigAutoField"
