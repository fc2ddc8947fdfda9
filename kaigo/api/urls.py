"""介護保険 REST API, mounted at /api/v1/kaigo/."""

from kaigo.api import nintei, shikaku

urlpatterns = [*shikaku.urlpatterns, *nintei.urlpatterns]
