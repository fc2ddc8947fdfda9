"""REST API: search."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
