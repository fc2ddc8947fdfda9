"""福祉・子ども staff screens, mounted at /fukushi/ on a town host.

Each 業務 adds its screens as ``fukushi/views/<part>.py`` with its own ``urlpatterns``,
among them its first screen named ``gyomu_entry_<code>`` (named in module.py ``entries``).
"""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("fukushi.views.jidoteate")),  # 児童手当
    path("", include("fukushi.views.jidoteate_kettei")),  # 児童手当 却下・決定通知書
    path("jido-fuyo-teate/", include("fukushi.views.fuyoteate")),
    path("kodomo-iryo/", include("fukushi.views.iryo_kodomo")),
    path("hitorioya-iryo/", include("fukushi.views.iryo_hitorioya")),
    path("seikatsu-hogo/", include("fukushi.views.seiho")),  # 生活保護 (issue 21 item 3)
    # 生活保護 返還金・徴収金 and 医療券・介護券 (issue 21)
    path("seikatsu-hogo/", include("fukushi.views.seiho_henkan")),
    path("seikatsu-hogo/", include("fukushi.views.seiho_chosei")),
    path(
        "seikatsu-hogo/", include("fukushi.views.seiho_madoguchi")
    ),  # 窓口払・追給 (SH-17)  # 保護費からの徴収（第78条の2）
    path("seikatsu-hogo/", include("fukushi.views.seiho_iryo")),  # 医療要否意見書
    path("seikatsu-hogo/", include("fukushi.views.seiho_shuro")),  # 就労自立給付金（第55条の4）
    path("shogaisha-fukushi/", include("fukushi.views.shogai")),  # 障害者手帳 (issue 21 item 1)
    # 特別障害者手当・障害児福祉手当・特別児童扶養手当 (issue 21 item 1)
    path("shogaisha-fukushi/teate/", include("fukushi.views.shogai_teate")),
    # 20歳到達・再認定の案内・支払通知書
    path("shogaisha-fukushi/teate/", include("fukushi.views.shogai_teate_annai")),
    path("shinshin-shogaisha-iryo/", include("fukushi.views.shinshin")),  # 心身障害者医療
    # 心身障害者医療 見直しによる資格喪失通知書
    path("shinshin-shogaisha-iryo/", include("fukushi.views.shinshin_soshitsu")),
    path("shinshin-shogaisha-iryo/", include("fukushi.views.shinshin_koshin")),  # 一斉更新のジョブ
    path(
        "jiritsu-shien/", include("fukushi.views.jiritsu")
    ),  # 自立支援給付（障害福祉サービス・補装具・日常生活用具）
    # 高額障害福祉サービス等給付費 (SG-87)
    path("jiritsu-shien/", include("fukushi.views.kogaku")),
    path("jido-tsusho/", include("fukushi.views.tsusho")),  # 障害児通所支援 (SG-52)
    path("jido-tsusho/", include("fukushi.views.tsusho_tashi")),  # 多子軽減・満20歳までの延長
]

# 利用者負担の上限額管理 (SG-83〜): one set under each decision's screens
from fukushi.views import jogen_kanri as _jogen_kanri  # noqa: E402

urlpatterns += [
    path("jido-tsusho/", include(_jogen_kanri.tsusho_urlpatterns)),
    path("jiritsu-shien/", include(_jogen_kanri.jiritsu_urlpatterns)),
    path("kenko-kanri/kenshin/", include("fukushi.views.kenshin")),  # 健康管理（健診）
    path("kenko-kanri/", include("fukushi.views.yobo_sesshu")),  # 健康管理 (issue 21 item 4)
]

# 子ども・子育て支援 (/fukushi/kodomo-kosodate/) and 保育料 (/fukushi/hoikuryo/), issue 20 item 3
from fukushi.views import hoiku as _hoiku  # noqa: E402
from fukushi.views import hoiku_ryo as _hoiku_ryo  # noqa: E402

urlpatterns += [*_hoiku.urlpatterns, *_hoiku_ryo.urlpatterns]
from fukushi.views import hoiku_kyufu as _hoiku_kyufu  # noqa: E402  施設型給付費 (HK-13)

urlpatterns += _hoiku_kyufu.urlpatterns
from fukushi.views import hoiku_kyufu_shiharai as _hoiku_kyufu_shiharai  # noqa: E402  給付費の支払

urlpatterns += _hoiku_kyufu_shiharai.urlpatterns
