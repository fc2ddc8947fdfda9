from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tenants.events"
    label = "events"
    verbose_name = "ドメインイベント"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenants.events import checks  # noqa: F401  (registers the system check)
