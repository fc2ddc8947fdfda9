"""税務 REST API, mounted at /api/v1/zeimu/."""

from zeimu.api import fuka, shisan

urlpatterns = [*shisan.urlpatterns, *fuka.urlpatterns]
