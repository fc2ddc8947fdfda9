from django.apps import AppConfig


class KokuhoConfig(AppConfig):
    name = "kokuho"
    verbose_name = "国民健康保険"
    default_auto_field = "django.db.models.BigAutoField"
