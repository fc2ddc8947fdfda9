"""福祉・子ども REST API, mounted at /api/v1/fukushi/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
