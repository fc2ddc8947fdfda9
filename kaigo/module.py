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
    jobkinds="kaigo.jobkinds",
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
        # 負担割合・負担限度額・試算 (issue 16 items 5–6)
        "kaigo.FutanWariai": "介護保険の負担割合",
        "kaigo.GendogakuNintei": "介護保険負担限度額認定",
        "kaigo.shisan": "介護保険料・負担割合の試算（個人の情報なし）",
        "kaigo.futan_list": "介護保険 負担割合の一覧",
        "kaigo.futan_person": "介護保険の負担割合・負担限度額（個人）",
        "kaigo.futan_hantei": "介護保険の負担割合の判定",
        "kaigo.futan_saihantei": "介護保険の負担割合の再判定",
        "kaigo.futansho_pdf": "介護保険負担割合証",
        "kaigo.gendogaku_shinsei": "介護保険負担限度額認定の申請",
        "kaigo.gendogaku_hantei": "介護保険負担限度額認定の判定",
        "kaigo.gendogaku_kettei": "介護保険負担限度額認定の決定",
        "kaigo.gendogakusho_pdf": "介護保険負担限度額認定証",
        "api.kaigo.futan": "API（介護保険の負担割合・負担限度額の照会）",
        "api.kaigo.shisan": "API（介護保険料・負担割合の試算）",
    },
)
