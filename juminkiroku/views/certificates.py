"""Staff screens: certificates."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
