"""REST API: feed."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
