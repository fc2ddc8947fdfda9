"""福祉・子ども's declaration to the platform (see tenants.modules.spec)."""

from fukushi import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="fukushi",
    verbose_name="福祉・子ども",
    gyomu=gyomu.ALL,
    # each 業務's first screen (fukushi/urls.py: gyomu_entry_<code>)
    entries={
        gyomu.KODOMO_KOSODATE: f"gyomu_entry_{gyomu.KODOMO_KOSODATE}",  # 保育 (hoiku)
        gyomu.HOIKURYO: f"gyomu_entry_{gyomu.HOIKURYO}",  # 保育料 (hoiku)
    },
    # 保育 (hoiku): a death or 転出 ends the child's 入所 and 認定 (fukushi/subscribers_hoiku.py)
    subscribers="fukushi.subscribers_hoiku",
    urls=(UrlMount("fukushi/", "fukushi.urls"),),
    api_urls=(UrlMount("fukushi/", "fukushi.api.urls"),),
    params_dir="params",
    form_templates="forms/templates",
    # after 住民記録 (its residents) and 税務 (the 所得 the allowances read)
    demo_order=50,
    words={
        # 保育・保育料 (hoiku)
        "fukushi.hoiku": "保育（支給認定・入所）",
        "fukushi.HoikuRireki": "保育の処理の履歴",
        "fukushi.HoikuNintei": "保育の支給認定",
        "fukushi.HoikuChoseiRun": "保育の利用調整",
        "fukushi.HoikuryoGetsugaku": "保育料（月額）",
        "fukushi.hoiku_nintei_list": "保育の支給認定の一覧",
        "fukushi.hoiku_chosei": "入所申込と利用調整",
        "fukushi.hoikuryo_list": "保育料の一覧",
        "fukushi.hoikuryo_compute": "保育料の算定",
        "fukushi.hoikuryo_tsuchi_pdf": "保育料（利用者負担額）決定通知書",
        "fukushi.hoikuryo_shisan": "保育料の試算（個人の情報なし）",
        "api.fukushi.hoikuryo_shisan": "API（保育料の試算）",
        "system:fukushi_hoiku": "システム（住民記録の異動による保育の退所・認定の終了）",
        "load_fukushi_hoiku_demo": "システム（保育の初期データ）",
    },
)
