"""介護保険 staff screens, mounted at /kaigo/ on a town host."""

from django.urls import path
from django.views.generic import RedirectView

from kaigo.gyomu import KAIGO_HOKEN
from kaigo.views import fuka, nintei, shikaku
from tenants.access import gyomu_view

urlpatterns = [
    # the first screen of 介護保険, for the platform's module page (gyomu_entry_<code>)
    path(
        f"entry/{KAIGO_HOKEN}/",
        gyomu_view(KAIGO_HOKEN)(RedirectView.as_view(url="/kaigo/")),
        name=f"gyomu_entry_{KAIGO_HOKEN}",
    ),
    *shikaku.urlpatterns,
    *fuka.urlpatterns,
    *nintei.urlpatterns,
]

# 負担割合・負担限度額 and the 試算 (issue 16 items 5–6)
from kaigo.views import futan, shisan  # noqa: E402

urlpatterns += [*futan.urlpatterns, *shisan.urlpatterns]

# 老齢福祉年金の受給 (介護保険法施行令第39条第1項第1号イ)
from kaigo.views import rorei  # noqa: E402

urlpatterns += rorei.urlpatterns
