"""REST API: simulator."""

from django.urls import URLPattern

portal_urlpatterns: list[URLPattern] = []
member_urlpatterns: list[URLPattern] = []
