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

# Error answers: JSON under /api/, the Japanese pages elsewhere (tenants.views.errors).
handler400 = "tenants.views.errors.bad_request"
handler403 = "tenants.views.errors.forbidden"
handler404 = "tenants.views.errors.not_found"
handler500 = "tenants.views.errors.server_error"
