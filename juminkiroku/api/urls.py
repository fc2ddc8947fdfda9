"""住民記録 REST API, mounted at /api/v1/juminkiroku/. One module per area; serializers
live beside their views (juminkiroku/api/<area>.py)."""

from juminkiroku.api import (
    certificates,
    feed,
    ido,
    person,
    residents,
    rosters,
    search,
    setai,
    tagyo,
)

urlpatterns = [
    *search.urlpatterns,
    *person.urlpatterns,
    *setai.urlpatterns,
    *residents.urlpatterns,
    *ido.urlpatterns,
    *certificates.urlpatterns,
    *feed.urlpatterns,
    *rosters.urlpatterns,
    *tagyo.urlpatterns,
]
