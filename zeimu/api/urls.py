"""税務 REST API, mounted at /api/v1/zeimu/."""

from zeimu.api import shisan

urlpatterns = [*shisan.urlpatterns]
