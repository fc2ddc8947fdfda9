"""REST API: certificates."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
