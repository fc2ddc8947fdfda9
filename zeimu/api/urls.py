"""税務 REST API, mounted at /api/v1/zeimu/."""

from zeimu.api import fuka, hojin, kazei, kotei, shisan, shuno

urlpatterns = [
    *shisan.urlpatterns,
    *kazei.urlpatterns,
    *fuka.urlpatterns,
    *kotei.urlpatterns,
    *shuno.urlpatterns,
    *hojin.urlpatterns,
]
