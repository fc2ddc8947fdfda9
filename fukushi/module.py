"""福祉・子ども's declaration to the platform (see tenants.modules.spec)."""

from fukushi import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="fukushi",
    verbose_name="福祉・子ども",
    gyomu=gyomu.ALL,
    # each 業務's first screen (fukushi/urls.py: gyomu_entry_<code>)
    entries={
        gyomu.JIDO_TEATE: f"gyomu_entry_{gyomu.JIDO_TEATE}",  # 児童手当
    },
    urls=(UrlMount("fukushi/", "fukushi.urls"),),
    api_urls=(UrlMount("fukushi/", "fukushi.api.urls"),),
    params_dir="params",
    form_templates="forms/templates",
    # after 住民記録 (its residents) and 税務 (the 所得 the allowances read)
    demo_order=50,
    subscribers="fukushi.subscribers",
    jobkinds="fukushi.jobkinds",
    words={
        # 児童手当 (fukushi.views.jidoteate, fukushi.api.jidoteate, fukushi.services.jidoteate*)
        "fukushi.jidoteate": "児童手当の認定・額改定・消滅",
        "fukushi.jidoteate.renkei": "児童手当（住民記録の異動から）",
        "fukushi.jidoteate.shiharai": "児童手当の支払",
        "fukushi.jidoteate_list": "児童手当 受給者の一覧",
        "fukushi.jidoteate_person": "児童手当（個人）",
        "fukushi.jidoteate_kouho": "児童手当 処理待ち（出生）",
        "fukushi.jidoteate_furikomi": "児童手当 総合振込データ",
        "fukushi.jidoteate_shisan": "児童手当の試算（個人の情報なし）",
        "fukushi.JidoteateJukyusha": "児童手当の受給者",
        "fukushi.JidoteateKouho": "児童手当の処理待ち",
        "fukushi.JidoteateShiharai": "児童手当の支払",
        "api.fukushi.jidoteate_list": "API（児童手当 受給者の一覧）",
        "api.fukushi.jidoteate_detail": "API（児童手当 受給者の照会）",
        "api.fukushi.jidoteate_shisan": "API（児童手当の試算）",
        "system:jidoteate_renkei": "システム（住民記録の異動による児童手当）",
        "job:fukushi_jidoteate_tsuchi_print": "児童手当支払通知書の一括印刷",
        "load_jidoteate_demo": "システム（児童手当の初期データ）",
    },
)
