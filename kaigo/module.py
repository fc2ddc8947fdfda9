"""介護保険's declaration to the platform (see tenants.modules.spec)."""

from kaigo import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="kaigo",
    verbose_name="介護保険",
    gyomu=gyomu.ALL,
    entries={gyomu.KAIGO_HOKEN: f"gyomu_entry_{gyomu.KAIGO_HOKEN}"},
    urls=(UrlMount("kaigo/", "kaigo.urls"),),
    api_urls=(UrlMount("kaigo/", "kaigo.api.urls"),),
    jobkinds="kaigo.printjobs",
    subscribers="kaigo.subscribers",
    meters="kaigo.meters",
    params_dir="params",
    form_templates="forms/templates",
    demo="kaigo_demo",
    # 住民記録's 他業務 tab (標準仕様書 7.2.2) asks 介護保険 at display time
    tagyo_providers={"kaigo": "kaigo.public:tagyo_kaigo"},
    # after 住民記録 (its residents), 税務 and 国保
    demo_order=40,
    words={
        "kaigo.Shikaku": "介護保険の資格",
        "kaigo.JushochiTokurei": "介護保険の住所地特例",
        "kaigo.TashiJutoku": "他市町村の住所地特例者",
        "kaigo.TekiyoJogai": "介護保険の適用除外",
        "kaigo.renkei": "介護保険の資格（住民記録の異動から）",
        "kaigo.nenrei_totatsu": "介護保険の資格（65歳到達の日次処理）",
        "kaigo.todoke": "介護保険の資格の届出",
        "kaigo.iko": "介護保険の資格（初期データ）",
        "kaigo.hihokensha_list": "介護保険 被保険者の一覧",
        "kaigo.person": "介護保険の資格（個人）",
        "kaigo.hihokenshasho_pdf": "介護保険被保険者証",
        "api.kaigo.shikaku": "API（介護保険の資格の照会）",
        "api.kaigo.hihokensha_list": "API（介護保険 被保険者の一覧）",
        "system:kaigo_renkei": "システム（住民記録の異動による介護保険の資格）",
        "system:kaigo_nenrei": "システム（65歳到達の日次処理）",
        "load_kaigo_demo": "システム（介護保険の初期データ）",
        # 要介護認定
        "kaigo.NinteiShinsei": "要介護認定の申請",
        "kaigo.KoshinYokoku": "要介護認定の更新勧奨の対象",
        "kaigo.nintei": "要介護認定の手続",
        "kaigo.nintei_list": "要介護認定 申請の一覧",
        "kaigo.nintei_person": "要介護認定（個人）",
        "kaigo.nintei_case": "要介護認定の申請（手続）",
        "kaigo.nintei_tsuchi_pdf": "要介護認定等結果通知書",
        "kaigo.nintei_yokoku": "要介護認定 更新申請の勧奨",
        "api.kaigo.nintei": "API（要介護認定の照会）",
        "api.kaigo.nintei_shinsei_list": "API（要介護認定の申請の一覧）",
        "system:kaigo_nintei": "システム（資格喪失による要介護認定の終了・更新勧奨の日次処理）",
    },
)
