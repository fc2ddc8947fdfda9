"""国民健康保険 staff screens, mounted at /kokuho/ on a town host."""

from django.urls import path
from django.views.generic import RedirectView

from kokuho.gyomu import KOKUHO_KYUFU, KOKUHO_SHIKAKU
from kokuho.views import koki, kyufu, nenkin, shikaku
from tenants.access import gyomu_view

urlpatterns = [
    # the first screen of 国保（資格）, for the platform's module page (gyomu_entry_<code>)
    path(
        f"entry/{KOKUHO_SHIKAKU}/",
        gyomu_view(KOKUHO_SHIKAKU)(RedirectView.as_view(url="/kokuho/")),
        name=f"gyomu_entry_{KOKUHO_SHIKAKU}",
    ),
    *shikaku.urlpatterns,
    *koki.urlpatterns,  # 後期高齢者医療 (issue 15 item 5)
    *nenkin.urlpatterns,  # 国民年金 (issue 15 item 6)
    # 国保（給付）
    path(
        f"entry/{KOKUHO_KYUFU}/",
        gyomu_view(KOKUHO_KYUFU)(RedirectView.as_view(url="/kokuho/kyufu/")),
        name=f"gyomu_entry_{KOKUHO_KYUFU}",
    ),
    *kyufu.urlpatterns,
]

from kokuho.gyomu import KOKUHO_FUKA  # noqa: E402
from kokuho.views import fuka  # noqa: E402

urlpatterns += [
    # the first screen of 国保（賦課）, for the platform's module page
    path(
        f"entry/{KOKUHO_FUKA}/",
        gyomu_view(KOKUHO_FUKA)(RedirectView.as_view(url="/kokuho/fuka/")),
        name=f"gyomu_entry_{KOKUHO_FUKA}",
    ),
    *fuka.urlpatterns,
]
