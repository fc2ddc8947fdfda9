"""REST API: ido."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
