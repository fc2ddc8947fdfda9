"""税務 REST API, mounted at /api/v1/zeimu/."""

from zeimu.api import (
    fuka,
    hojin,
    kazei,
    keijidosha,
    kotei,
    kotei_shokyaku,
    shisan,
    shuno,
    shuno_kanpu,
    shuno_taino,
)

urlpatterns = [
    *shisan.urlpatterns,
    *kazei.urlpatterns,
    *fuka.urlpatterns,
    *kotei.urlpatterns,
    *kotei_shokyaku.urlpatterns,
    *shuno.urlpatterns,
    *keijidosha.urlpatterns,
    *shuno_kanpu.urlpatterns,
    *hojin.urlpatterns,
    *shuno_taino.urlpatterns,
]
