"""URLs on a municipality host (``<town>.<base domain>``)."""

from django.urls import include, path

from billing import urls as billing_urls
from billing.api import urls as billing_api_urls
from tenants.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/juminkiroku/", include("juminkiroku.api.urls")),
    path("api/v1/zeimu/", include("zeimu.api.urls")),
    path("api/v1/billing/", include(billing_api_urls.member_urlpatterns)),
    path("api/v1/", include("tenants.api.urls")),
    path("juminkiroku/", include("juminkiroku.urls")),
    path("zeimu/", include("zeimu.urls")),
    path("billing/", include(billing_urls.member_urlpatterns)),
    path("", include("tenants.urls")),
]
