"""介護保険 REST API, mounted at /api/v1/kaigo/."""

from kaigo.api import fuka, shikaku

urlpatterns = [*shikaku.urlpatterns, *fuka.urlpatterns]
