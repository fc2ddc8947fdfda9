"""住民記録 staff screens, mounted at /juminkiroku/ on a town host. Each area owns its
module in juminkiroku/views/ with its own ``urlpatterns``."""

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from juminkiroku.gyomu import (
    ATENA_KANRI,
    GAKUREIBO,
    INKAN_TOROKU,
    JUKINET_RENKEI,
    JUMINKIROKU,
    SENKYO,
)
from juminkiroku.views import (
    certificates,
    chushutsu,
    cs,
    csvin,
    dotai,
    etsuran,
    euc,
    fuhyo,
    help,
    ido,
    ido_entry,
    ikkatsu,
    inkan,
    jisho,
    johyo,
    jusho_master,
    jutogai,
    kisai,
    login_counts,
    moji,
    nyukan,
    person,
    reports,
    rosters,
    search,
    tagyo,
    tenshutsu,
    togo,
    tsuchi,
    yokushi,
)
from tenants.access import gyomu_view


def _entry(code: str, target: str) -> URLPattern:
    """The first screen of a module, for the platform's module page (gyomu_entry_<code>)."""
    view = gyomu_view(code)(RedirectView.as_view(url=target))
    return path(f"entry/{code}/", view, name=f"gyomu_entry_{code}")


urlpatterns = [
    _entry(JUMINKIROKU, "/juminkiroku/"),
    _entry(ATENA_KANRI, "/juminkiroku/jutogai/new/"),
    _entry(INKAN_TOROKU, "/juminkiroku/inkan/"),
    _entry(SENKYO, "/juminkiroku/senkyo/"),
    _entry(GAKUREIBO, "/juminkiroku/gakurei/"),
    _entry(JUKINET_RENKEI, "/juminkiroku/cs/"),
    *search.urlpatterns,
    *person.urlpatterns,
    *johyo.urlpatterns,
    *kisai.urlpatterns,
    *tagyo.urlpatterns,
    *moji.urlpatterns,
    *jusho_master.urlpatterns,
    *ikkatsu.urlpatterns,
    *ido_entry.urlpatterns,
    *csvin.urlpatterns,
    *ido.urlpatterns,
    *yokushi.urlpatterns,
    *certificates.urlpatterns,
    *inkan.urlpatterns,
    *rosters.urlpatterns,
    *reports.urlpatterns,
    *jutogai.urlpatterns,
    *tenshutsu.urlpatterns,
    *nyukan.urlpatterns,
    *cs.urlpatterns,
    *fuhyo.urlpatterns,
    *togo.urlpatterns,
    *dotai.urlpatterns,
    *chushutsu.urlpatterns,
    *login_counts.urlpatterns,
    *jisho.urlpatterns,
    *tsuchi.urlpatterns,
    *etsuran.urlpatterns,
    *euc.urlpatterns,
    *help.urlpatterns,
]
