"""国民健康保険 staff screens, mounted at /kokuho/ on a town host."""

from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from kokuho.gyomu import KOKUHO_FUKA, KOKUHO_KYUFU, KOKUHO_SHIKAKU
from kokuho.views import fuka, fuka_tokucho, kofu, koki, kyufu, nenkin, shikaku
from kokuho.views import whatif as whatif_views
from tenants.access import gyomu_view


def _entry(code: str, target: str) -> URLPattern:
    """The first screen of a 業務, for the platform's module page (gyomu_entry_<code>)."""
    return path(
        f"entry/{code}/",
        gyomu_view(code)(RedirectView.as_view(url=target)),
        name=f"gyomu_entry_{code}",
    )


urlpatterns: list[URLPattern | URLResolver] = [
    _entry(KOKUHO_SHIKAKU, "/kokuho/"),
    *shikaku.urlpatterns,
    *kofu.urlpatterns,  # 資格確認書・資格情報のお知らせの交付・返還
    *koki.urlpatterns,  # 後期高齢者医療 (issue 15 item 5)
    *nenkin.urlpatterns,  # 国民年金 (issue 15 item 6)
    _entry(KOKUHO_KYUFU, "/kokuho/kyufu/"),  # 国保（給付）
    *kyufu.urlpatterns,
    _entry(KOKUHO_FUKA, "/kokuho/fuka/"),  # 国保（賦課）
    *fuka_tokucho.urlpatterns,  # 国保税の特別徴収（依頼・通知の取込）
    *fuka.urlpatterns,
    *whatif_views.urlpatterns,  # 国保税 税率の試算
]
