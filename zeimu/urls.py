"""税務 staff screens, mounted at /zeimu/ on a town host."""

from django.urls import path
from django.views.generic import RedirectView

from tenants.access import gyomu_view
from zeimu.gyomu import KOJIN_JUMINZEI, SHUNO_KANRI
from zeimu.views import (
    fuka,
    hojin,
    kazei,
    keijidosha,
    kotei,
    kotei_shokyaku,
    notices,
    shisan,
    shuno,
    shuno_conveni,
    shuno_hojin,
    shuno_juto,
    shuno_kanpu,
    shuno_koza,
    shuno_taino,
    shuno_tokusoku,
)

urlpatterns = [
    # the first screen of 個人住民税, for the platform's module page (gyomu_entry_<code>)
    path(
        f"entry/{KOJIN_JUMINZEI}/",
        gyomu_view(KOJIN_JUMINZEI)(RedirectView.as_view(url="/zeimu/fuka/")),
        name=f"gyomu_entry_{KOJIN_JUMINZEI}",
    ),
    path(
        f"entry/{SHUNO_KANRI}/",
        gyomu_view(SHUNO_KANRI)(RedirectView.as_view(url="/zeimu/shuno/")),
        name=f"gyomu_entry_{SHUNO_KANRI}",
    ),
    *shuno.urlpatterns,
    *shuno_hojin.urlpatterns,
    *shisan.urlpatterns,
    *fuka.urlpatterns,
    *kazei.urlpatterns,
    *notices.urlpatterns,
    *kotei.urlpatterns,
    *kotei_shokyaku.urlpatterns,
    *shuno_tokusoku.urlpatterns,
    *shuno_conveni.urlpatterns,
    *keijidosha.urlpatterns,
    *shuno_kanpu.urlpatterns,
    *shuno_juto.urlpatterns,
    *shuno_koza.urlpatterns,
    *hojin.urlpatterns,
    *shuno_taino.urlpatterns,
]
