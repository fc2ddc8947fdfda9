"""住民記録 staff screens, mounted at /juminkiroku/ on a town host. Each area owns its
module in juminkiroku/views/ with its own ``urlpatterns``."""

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

urlpatterns = [
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
