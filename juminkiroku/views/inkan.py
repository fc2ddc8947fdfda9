"""Staff screens: inkan."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
