"""URLs on a municipality host (``<town>.<base domain>``).

The business modules' screens and APIs come from their ``module.py`` declarations; this
file names none of them."""

from django.urls import include, path

from tenants.modules.urls import tenant_module_patterns
from tenants.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *tenant_module_patterns(),
    path("api/v1/", include("tenants.api.urls")),
    path("", include("tenants.urls")),
]
