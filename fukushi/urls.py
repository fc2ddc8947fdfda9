"""福祉・子ども staff screens, mounted at /fukushi/ on a town host.

Each 業務 adds its screens as ``fukushi/views/<part>.py`` with its own ``urlpatterns``,
among them its first screen named ``gyomu_entry_<code>`` (named in module.py ``entries``).
"""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("seikatsu-hogo/", include("fukushi.views.seiho")),  # 生活保護 (issue 21 item 3)
]
