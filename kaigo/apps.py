from django.apps import AppConfig


class KaigoConfig(AppConfig):
    name = "kaigo"
    verbose_name = "介護保険"
    default_auto_field = "django.db.models.BigAutoField"
