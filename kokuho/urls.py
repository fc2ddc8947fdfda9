"""国民健康保険 staff screens, mounted at /kokuho/ on a town host."""

from django.urls import path
from django.views.generic import RedirectView

from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.views import shikaku
from kokuho.views import whatif as whatif_views
from tenants.access import gyomu_view

urlpatterns = [
    # the first screen of 国保（資格）, for the platform's module page (gyomu_entry_<code>)
    path(
        f"entry/{KOKUHO_SHIKAKU}/",
        gyomu_view(KOKUHO_SHIKAKU)(RedirectView.as_view(url="/kokuho/")),
        name=f"gyomu_entry_{KOKUHO_SHIKAKU}",
    ),
    *shikaku.urlpatterns,
    *whatif_views.urlpatterns,
]
