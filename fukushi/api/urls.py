"""福祉・子ども REST API, mounted at /api/v1/fukushi/."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("fukushi.api.jidoteate")),  # 児童手当
    path("", include("fukushi.api.fuyoteate")),
]
