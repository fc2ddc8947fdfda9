"""国民健康保険 REST API, mounted at /api/v1/kokuho/."""

from kokuho.api import shikaku

urlpatterns = [*shikaku.urlpatterns]

from kokuho.api import fuka  # noqa: E402

urlpatterns += fuka.urlpatterns

from kokuho.api import records  # noqa: E402

urlpatterns += records.urlpatterns
