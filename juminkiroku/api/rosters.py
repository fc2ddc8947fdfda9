"""REST API: rosters."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
