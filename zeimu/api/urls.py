"""税務 REST API, mounted at /api/v1/zeimu/."""

from zeimu.api import fuka, kazei, kotei, shisan, shuno, shuno_taino

urlpatterns = [
    *shisan.urlpatterns,
    *kazei.urlpatterns,
    *fuka.urlpatterns,
    *kotei.urlpatterns,
    *shuno.urlpatterns,
    *shuno_taino.urlpatterns,
]
