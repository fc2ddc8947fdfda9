"""国民健康保険's declaration to the platform (see tenants.modules.spec)."""

from kokuho import gyomu
from tenants import tagyo
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="kokuho",
    verbose_name="国民健康保険",
    gyomu=gyomu.ALL,
    entries={
        gyomu.KOKUHO_SHIKAKU: f"gyomu_entry_{gyomu.KOKUHO_SHIKAKU}",
        gyomu.KOKI_IRYO: f"gyomu_entry_{gyomu.KOKI_IRYO}",
        gyomu.KOKUMIN_NENKIN: f"gyomu_entry_{gyomu.KOKUMIN_NENKIN}",
    },
    urls=(UrlMount("kokuho/", "kokuho.urls"),),
    api_urls=(UrlMount("kokuho/", "kokuho.api.urls"),),
    jobkinds="kokuho.printjobs",
    subscribers="kokuho.subscribers",
    meters="kokuho.meters",
    params_dir="params",
    form_templates="forms/templates",
    demo="kokuho_demo",
    # 他業務の登録情報 (住民記録標準仕様書 7.2.2) of 後期高齢者医療 and 国民年金
    tagyo_providers={
        tagyo.KOKI: "kokuho.public:tagyo_koki",
        tagyo.NENKIN: "kokuho.public:tagyo_nenkin",
    },
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
        # 後期高齢者医療 (issue 15 item 5)
        "kokuho.KokiShikaku": "後期高齢者医療の資格",
        "kokuho.KokiIdoFile": "後期高齢者医療の異動ファイル",
        "kokuho.KokiHokenryo": "後期高齢者医療の保険料",
        "kokuho.KokiHokenryoImport": "後期高齢者医療の保険料データの取込",
        "kokuho.koki_shikaku_due": "後期高齢者医療の資格（75歳到達の日次処理）",
        "kokuho.koki_renkei": "後期高齢者医療の資格（住民記録の異動から）",
        "kokuho.koki_shogai": "後期高齢者医療の障害認定",
        "kokuho.koki_ido_file": "広域連合への異動ファイルの作成",
        "kokuho.koki_ido_download": "広域連合への異動ファイルのダウンロード",
        "kokuho.koki_hokenryo_import": "後期高齢者医療の保険料データの取込",
        "kokuho.koki_person": "後期高齢者医療（個人）",
        "kokuho.koki_nofusho_pdf": "後期高齢者医療の納付書",
        "system:kokuho_koki_iryo": "システム（後期高齢者医療の資格）",
        # 国民年金 (issue 15 item 6)
        "kokuho.NenkinTodoke": "国民年金の届",
        "kokuho.NenkinShinsei": "国民年金の免除等の申請",
        "kokuho.NenkinHokoku": "国民年金の報告ファイル",
        "kokuho.nenkin_todoke": "国民年金の届の受付",
        "kokuho.nenkin_shinsei": "国民年金の免除等の申請の受付",
        "kokuho.nenkin_hokoku": "日本年金機構への報告ファイルの作成",
        "kokuho.nenkin_hokoku_download": "日本年金機構への報告ファイルのダウンロード",
        "kokuho.nenkin_person": "国民年金（個人）",
    },
)
