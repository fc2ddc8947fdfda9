from django.apps import AppConfig


class ExampleModuleConfig(AppConfig):
    name = "tests.example_module"
    label = "example_module"
    verbose_name = "見本業務"
    default_auto_field = "django.db.models.BigAutoField"
