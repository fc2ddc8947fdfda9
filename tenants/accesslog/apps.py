from django.apps import AppConfig


class AccessLogConfig(AppConfig):
    name = "tenants.accesslog"
    label = "accesslog"
    verbose_name = "アクセスログ"
    default_auto_field = "django.db.models.BigAutoField"
