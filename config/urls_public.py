"""URLs on the public host: the consortium office's portal."""

from django.urls import include, path

from billing import urls as billing_urls
from billing.api import urls as billing_api_urls
from tenants.api.urls import portal_urlpatterns
from tenants.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/portal/billing/", include(billing_api_urls.portal_urlpatterns)),
    path("api/v1/portal/", include(portal_urlpatterns)),
    path("billing/", include(billing_urls.portal_urlpatterns)),
    path("", include("tenants.portal_urls")),
]
