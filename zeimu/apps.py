from django.apps import AppConfig


class ZeimuConfig(AppConfig):
    name = "zeimu"
    verbose_name = "税務"
    default_auto_field = "django.db.models.BigAutoField"
