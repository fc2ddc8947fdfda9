"""介護保険's declaration to the platform (see tenants.modules.spec)."""

from kaigo import gyomu
from tenants import rentai
from tenants.modules.spec import ModuleSpec, UrlMount
from tenants.nenkin_tokucho import KAIGO_HOKENRYO

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
    # 国保税's 特別徴収 judgment asks the 世帯主's 介護保険料 (tenants.nenkin_tokucho)
    hokenryo_providers={KAIGO_HOKENRYO: "kaigo.public:tokucho_hokenryo"},
    # the 収納 ledger's 滞納 case view asks who is jointly liable (介護保険法第132条)
    rentai_providers={rentai.KAIGO: "kaigo.public:kaigo_rentai"},
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
        # 第1号保険料の賦課 (kaigo.fuka_jobs, kaigo.views.fuka, kaigo.api.fuka)
        "kaigo.KaigoFuka": "介護保険料の賦課",
        "kaigo.KaigoKoseiKoho": "介護保険料の更正候補",
        "kaigo.TokuchoTaisho": "介護保険料の特別徴収対象者",
        "kaigo.fuka_kekka": "介護保険料 賦課の結果",
        "kaigo.fuka_person": "介護保険料（個人）",
        "kaigo.fuka_tsuchi_pdf": "介護保険料額決定通知書・変更通知書",
        "kaigo.fuka_kosei": "介護保険料の更正",
        "kaigo.fuka_tokucho": "特別徴収対象者の通知の取込",
        "kaigo.fuka_tokucho_irai": "特別徴収依頼の通知の作成",
        "kaigo.fuka_tokucho_kekka": "特別徴収の処理結果・徴収結果・異動の通知の取込",
        "kaigo.TokuchoFile": "特別徴収の通知ファイル",
        "job:kaigo_fuka_honsantei": "介護保険料 本算定",
        "api.kaigo.fuka": "API（介護保険料の照会）",
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
        # 生活保護 (fukushi.events) and 老齢福祉年金 in the 第1段階
        "kaigo.RoreiFukushiNenkin": "老齢福祉年金の受給",
        "kaigo.rorei": "老齢福祉年金の受給の登録",
        "system:kaigo_seiho": "システム（生活保護の開始・廃止による介護保険料の更正）",
    },
)
