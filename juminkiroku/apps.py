from django.apps import AppConfig


class JuminkirokuConfig(AppConfig):
    name = "juminkiroku"
    verbose_name = "住民記録"
    default_auto_field = "django.db.models.BigAutoField"
