from django.apps import AppConfig


class TenantParamsConfig(AppConfig):
    name = "tenants.params.tenant"
    label = "tenant_params"
    verbose_name = "団体別パラメータ"
    default_auto_field = "django.db.models.BigAutoField"
