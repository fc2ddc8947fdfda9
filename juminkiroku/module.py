"""住民記録's declaration to the platform (see tenants.modules.spec)."""

from juminkiroku import gyomu
from juminkiroku.grants import Kengen
from tenants.modules.spec import ApiScopeDecl, GrantDecl, ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="juminkiroku",
    verbose_name="住民記録",
    gyomu=gyomu.ALL,
    entries={code: f"gyomu_entry_{code}" for code in gyomu.ALL},
    urls=(UrlMount("juminkiroku/", "juminkiroku.urls"),),
    api_urls=(UrlMount("juminkiroku/", "juminkiroku.api.urls"),),
    subscribers="juminkiroku.subscribers",
    events="juminkiroku.events",
    meters="juminkiroku.meters",
    jobkinds="juminkiroku.jobkinds",
    params_dir="params",
    demo="juminkiroku_demo",
    demo_order=10,
    # 個人番号 through the API: persons/<id>/kojin-bango/ and certificates (住民記録), the
    # linkage feed (住基ネット連携).
    kojin_bango_api=(gyomu.JUMINKIROKU, gyomu.JUKINET_RENKEI),
    # Other business systems register their items of a person (標準仕様書 7.2.2) with a
    # key holding this scope, which read and write do not imply (juminkiroku/api/tagyo.py).
    api_scopes=(ApiScopeDecl(gyomu.JUMINKIROKU, "tagyo", "住民基本台帳 他業務情報の登録"),),
    grants=tuple(GrantDecl(k.value, str(k.label), gyomu.JUMINKIROKU) for k in Kengen),
    # 審査者 and 管理者 hold every 住民記録 grant (本登録, 抑止, 個人番号の表示).
    persona_grants={
        "shinsa": tuple(k.value for k in Kengen),
        "admin": tuple(k.value for k in Kengen),
    },
    # Record types and system actors this module writes into the access log and the
    # 異動 records, as the platform's screens show them (tenants.labels.word_for).
    words={
        "atena": "住民（宛名）",
        "chiku": "地区",
        "jinko_dotai": "人口動態",
        "jusho_jisho": "住所辞書",
        "koin": "公印",
        "ninshosha": "認証者",
        "person": "住民（宛名）",
        "setai": "世帯",
        "ido": "異動",
        "shomei_kofu": "証明書の交付",
        "etsuran_seikyu": "閲覧の請求",
        "yokushi": "抑止",
        "shien_sochi": "支援措置",
        "kojin_bango": "個人番号",
        "jinko_tokei": "人口統計",
        "senkyo_shukei": "選挙人名簿登録者数",
        "accesslog": "アクセスログ点検帳票",
        "ido_honroku": "異動の本登録",
        "load_residents": "システム（住民データの一括登録）",
        "tenshutsu": "転出",
        "tennyu_tsuchi": "転入通知",
        "tenshutsu_shomei": "転出証明書",
        "tenshutsu_kakutei": "転出確定の日次処理",
        "jukinet_cs": "システム（住基ネットCS連携）",
        "togo_atena": "システム（団体内統合宛名連携）",
        "juminhyo_code_aki": "住民票コード空き番",
        "cs_jushin": "CS受信電文",
        "cs_seigo": "整合性確認",
        "cs_renkei": "住基ネット連携の設定",
        "tenshutsu_shomei_joho": "転出証明書情報",
        "banchi": "住居表示・地番",
        "katagaki": "方書",
        "euc_chushutsu": "EUC抽出条件",
        "nyukan_tsuchi": "出入国在留管理庁長官通知",
        "shichoson_tsuchi": "市町村通知",
        "fuhyo_renkei": "システム（戸籍附票連携）",
        "fuhyo_totsugo": "戸籍附票との突合",
        "tagyo_torikomi": "他業務連携ファイルの取込",
        "tagyo_renkei": "システム（他業務連携）",
        "johyo_archive": "除票用データベースの除票",
        "johyo_ikou": "除票用データベースへの移行",
        "johyo_purge": "保存期限を過ぎた除票の削除",
        "johyo_purge_batch": "システム（保存期限を過ぎた除票の削除）",
    },
)
