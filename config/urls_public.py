"""URLs on the public host: the consortium office's portal.

The business modules' portal screens and APIs come from their ``module.py`` declarations;
this file names none of them."""

from django.urls import include, path

from tenants.api.urls import portal_urlpatterns
from tenants.modules.urls import portal_module_patterns
from tenants.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *portal_module_patterns(),
    path("api/v1/portal/", include(portal_urlpatterns)),
    path("", include("tenants.portal_urls")),
]

# Error answers: JSON under /api/, the Japanese pages elsewhere (tenants.views.errors).
handler400 = "tenants.views.errors.bad_request"
handler403 = "tenants.views.errors.forbidden"
handler404 = "tenants.views.errors.not_found"
handler500 = "tenants.views.errors.server_error"
