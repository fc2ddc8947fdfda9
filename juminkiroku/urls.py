"""住民記録 staff screens, mounted at /juminkiroku/ on a town host. Each area owns its
module in juminkiroku/views/ with its own ``urlpatterns``."""

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from juminkiroku.views import (
    certificates,
    ido,
    inkan,
    jutogai,
    person,
    reports,
    rosters,
    search,
    yokushi,
)
from tenants.access import gyomu_view


def _entry(code: str, target: str) -> URLPattern:
    """The first screen of a module, for the platform's module page (gyomu_entry_<code>)."""
    view = gyomu_view(code)(RedirectView.as_view(url=target))
    return path(f"entry/{code}/", view, name=f"gyomu_entry_{code}")


urlpatterns = [
    _entry("juminkiroku", "/juminkiroku/"),
    _entry("atena_kanri", "/juminkiroku/jutogai/new/"),
    _entry("inkan_toroku", "/juminkiroku/inkan/"),
    _entry("senkyo", "/juminkiroku/senkyo/"),
    _entry("gakureibo", "/juminkiroku/gakurei/"),
    _entry("jukinet_renkei", "/juminkiroku/"),
    *search.urlpatterns,
    *person.urlpatterns,
    *ido.urlpatterns,
    *yokushi.urlpatterns,
    *certificates.urlpatterns,
    *inkan.urlpatterns,
    *rosters.urlpatterns,
    *reports.urlpatterns,
    *jutogai.urlpatterns,
]
