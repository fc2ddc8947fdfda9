"""福祉・子ども REST API, mounted at /api/v1/fukushi/."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("fukushi.api.jidoteate")),  # 児童手当
    path("", include("fukushi.api.fuyoteate")),
    path("seikatsu-hogo/", include("fukushi.api.seiho")),  # 生活保護 (issue 21 item 3)
    path("seikatsu-hogo/", include("fukushi.api.seiho_kyufukin")),  # 就労自立・進学準備給付金
    path("shogaisha-fukushi/", include("fukushi.api.shogai")),  # 障害者手帳・心身障害者医療
    path("shogaisha-fukushi/", include("fukushi.api.jiritsu")),  # 自立支援給付（支給決定）
    path("shogaisha-fukushi/", include("fukushi.api.tsusho")),  # 障害児通所支援（給付決定）
    path("shogaisha-fukushi/", include("fukushi.api.jogen_kanri")),  # 利用者負担の上限額管理
    path("shogaisha-fukushi/", include("fukushi.api.kogaku")),  # 高額障害福祉サービス等給付費
    path("kenko-kanri/", include("fukushi.api.yobo_sesshu")),  # 健康管理 (issue 21 item 4)
    path("kenko-kanri/", include("fukushi.api.kenshin")),  # 健康管理（健診・がん検診）
    path("shogaisha-fukushi/", include("fukushi.api.shinshin_shokan")),  # 心身障害者医療 償還
    path("", include("fukushi.api.iryo_shokan")),  # 子ども・ひとり親 医療費助成 償還
]

# 保育料の試算 (/api/v1/fukushi/hoikuryo/shisan/), issue 20 item 3
from fukushi.api import hoiku_ryo as _hoiku_ryo  # noqa: E402

urlpatterns += _hoiku_ryo.urlpatterns

# 児童扶養手当 返還金の分割納付, 施設型給付費, 医療費助成の現物給付 (issue 20: the screens' API)
from fukushi.api import fuyoteate_bunno as _fuyoteate_bunno  # noqa: E402
from fukushi.api import hoiku_kyufuhi as _hoiku_kyufuhi  # noqa: E402
from fukushi.api import hoiku_kyufuhi_henno as _hoiku_kyufuhi_henno  # noqa: E402
from fukushi.api import hoiku_kyufuhi_shiharai as _hoiku_kyufuhi_shiharai  # noqa: E402
from fukushi.api import iryo_genbutsu as _iryo_genbutsu  # noqa: E402

urlpatterns += _fuyoteate_bunno.urlpatterns + _hoiku_kyufuhi.urlpatterns
urlpatterns += _iryo_genbutsu.urlpatterns + _hoiku_kyufuhi_shiharai.urlpatterns
urlpatterns += _hoiku_kyufuhi_henno.urlpatterns
