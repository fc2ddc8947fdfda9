from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "tenants.jobs"
    label = "jobs"
    verbose_name = "バッチ処理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Job kinds of the platform itself; business apps register theirs in jobkinds.py.
        from tenants.jobs import registry

        registry.autoload()
