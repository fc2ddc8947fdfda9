"""Staff screens: yokushi."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
