from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.access import gyomu_view
from tests.example_module import gyomu


@gyomu_view(gyomu.MIHON)
def mihon_home(request: HttpRequest) -> HttpResponse:
    """Shows no personal data: the module's first screen."""
    return render(request, "example_module/home.html", {})
