"""国民健康保険's declaration to the platform (see tenants.modules.spec)."""

from kokuho import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="kokuho",
    verbose_name="国民健康保険",
    gyomu=gyomu.ALL,
    entries={gyomu.KOKUHO_SHIKAKU: f"gyomu_entry_{gyomu.KOKUHO_SHIKAKU}"},
    urls=(UrlMount("kokuho/", "kokuho.urls"),),
    api_urls=(UrlMount("kokuho/", "kokuho.api.urls"),),
    jobkinds="kokuho.jobkinds",
    subscribers="kokuho.subscribers",
    meters="kokuho.meters",
    params_dir="params",
    form_templates="forms/templates",
    demo="kokuho_demo",
    # after 住民記録 (its residents) and 税務
    demo_order=30,
    words={
        "kokuho.Shikaku": "国保の資格",
        "kokuho.KokuhoSetai": "国保世帯",
        "kokuho.renkei": "国保の資格（住民記録の異動から）",
        "kokuho.koki_ido": "国保の資格（75歳到達の日次処理）",
        "kokuho.todoke": "国保の資格の届出",
        "kokuho.hihokensha_list": "国保 被保険者の一覧",
        "kokuho.person": "国保の資格（個人）",
        "kokuho.iko": "国保の資格（初期データ）",
        "kokuho.setai": "国保 世帯の資格と履歴",
        "kokuho.shikaku_pdf": "資格確認書・資格情報のお知らせ",
        "api.kokuho.shikaku": "API（国保の資格の照会）",
        "api.kokuho.hihokensha_list": "API（国保 被保険者の一覧）",
        "system:kokuho_renkei": "システム（住民記録の異動による国保の資格）",
        "system:kokuho_koki": "システム（75歳到達の日次処理）",
        "load_kokuho_demo": "システム（国保の初期データ）",
        "kokuho.WhatifScenario": "国保税 税率の試算",
        "kokuho.whatif_new": "国保税 税率の試算の登録",
    },
)
