"""介護保険 REST API, mounted at /api/v1/kaigo/."""

from kaigo.api import fuka, nintei, shikaku

urlpatterns = [*shikaku.urlpatterns, *fuka.urlpatterns, *nintei.urlpatterns]

# 負担割合・負担限度額 and the 試算 (issue 16 items 5–6)
from kaigo.api import futan, shisan  # noqa: E402

urlpatterns += [*futan.urlpatterns, *shisan.urlpatterns]
