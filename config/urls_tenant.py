"""URLs on a municipality host (``<town>.<base domain>``)."""

from django.urls import include, path

from tenants.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("tenants.api.urls")),
    path("", include("tenants.urls")),
]
