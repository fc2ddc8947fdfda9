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
        gyomu.JIDO_FUYO_TEATE: f"gyomu_entry_{gyomu.JIDO_FUYO_TEATE}",
        gyomu.NYUYOJI_IRYO: f"gyomu_entry_{gyomu.NYUYOJI_IRYO}",
        gyomu.HITORIOYA_IRYO: f"gyomu_entry_{gyomu.HITORIOYA_IRYO}",
        gyomu.KODOMO_KOSODATE: f"gyomu_entry_{gyomu.KODOMO_KOSODATE}",  # 保育 (hoiku)
        gyomu.HOIKURYO: f"gyomu_entry_{gyomu.HOIKURYO}",  # 保育料 (hoiku)
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
        # 児童扶養手当・医療費助成 (fukushi.views.fuyoteate, fukushi.views.iryo_*)
        "fukushi.FuyoJukyusha": "児童扶養手当の受給者",
        "fukushi.FuyoShiharai": "児童扶養手当の支払",
        "fukushi.fuyoteate_list": "児童扶養手当 受給者の一覧",
        "fukushi.fuyoteate_detail": "児童扶養手当 受給者",
        "fukushi.fuyoteate_nintei": "児童扶養手当の認定",
        "fukushi.fuyoteate_genkyo": "児童扶養手当の現況届",
        "fukushi.fuyoteate_shikkaku": "児童扶養手当の資格喪失（住民記録の異動から）",
        "fukushi.fuyoteate_shiharai": "児童扶養手当の支払",
        "fukushi.fuyoteate_furikomi": "児童扶養手当の総合振込ファイル",
        "fukushi.kodomo_iryo_list": "子ども医療費助成 受給者の一覧",
        "fukushi.kodomo_iryo_detail": "子ども医療費助成 受給者",
        "fukushi.kodomo_iryo_furikomi": "子ども医療費助成 償還の総合振込ファイル",
        "fukushi.kodomo_iryo_pdf": "子ども医療費助成 受給者証の印刷",
        "fukushi.hitorioya_iryo_list": "ひとり親家庭等医療費助成 受給者の一覧",
        "fukushi.hitorioya_iryo_detail": "ひとり親家庭等医療費助成 受給者",
        "fukushi.hitorioya_iryo_furikomi": "ひとり親家庭等医療費助成 償還の総合振込ファイル",
        "fukushi.hitorioya_iryo_pdf": "ひとり親家庭等医療費助成 受給者証の印刷",
        "fukushi.IryoJukyusha": "医療費助成の受給者",
        "fukushi.IryoShiharai": "医療費助成の償還の支払",
        "fukushi.iryo_kofu": "医療費助成 受給者証の交付",
        "fukushi.iryo_koshin": "医療費助成 一斉更新",
        "fukushi.iryo_shikkaku": "医療費助成の資格喪失（住民記録の異動から）",
        "fukushi.iryo_shokan": "医療費助成 償還の受付",
        "fukushi.iryo_shinsa": "医療費助成 償還の審査",
        "fukushi.iryo_shiharai": "医療費助成 償還の支払",
        "system:fukushi_iryo": "システム（住民記録の異動による医療費助成の資格喪失）",
        "system:fukushi_fuyoteate": "システム（住民記録の異動による児童扶養手当の資格喪失）",
        # 保育・保育料 (hoiku)
        "fukushi.hoiku": "保育（支給認定・入所）",
        "fukushi.HoikuRireki": "保育の処理の履歴",
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
