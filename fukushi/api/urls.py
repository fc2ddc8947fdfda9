"""福祉・子ども REST API, mounted at /api/v1/fukushi/."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("seikatsu-hogo/", include("fukushi.api.seiho")),  # 生活保護 (issue 21 item 3)
]
