from django.apps import AppConfig


class ParamsConfig(AppConfig):
    name = "tenants.params"
    label = "params"
    verbose_name = "法令パラメータ"
    default_auto_field = "django.db.models.BigAutoField"
