"""福祉・子ども's declaration to the platform (see tenants.modules.spec)."""

from fukushi import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="fukushi",
    verbose_name="福祉・子ども",
    gyomu=gyomu.ALL,
    # each 業務's first screen (fukushi/urls.py: gyomu_entry_<code>)
    entries={
        gyomu.JIDO_FUYO_TEATE: f"gyomu_entry_{gyomu.JIDO_FUYO_TEATE}",
        gyomu.NYUYOJI_IRYO: f"gyomu_entry_{gyomu.NYUYOJI_IRYO}",
        gyomu.HITORIOYA_IRYO: f"gyomu_entry_{gyomu.HITORIOYA_IRYO}",
    },
    urls=(UrlMount("fukushi/", "fukushi.urls"),),
    api_urls=(UrlMount("fukushi/", "fukushi.api.urls"),),
    params_dir="params",
    form_templates="forms/templates",
    # after 住民記録 (its residents) and 税務 (the 所得 the allowances read)
    demo_order=50,
    subscribers="fukushi.subscribers_fuyoteate",
    words={
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
    },
)
