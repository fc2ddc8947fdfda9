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
        "system:fukushi_fuyoteate": "システム（住民記録の異動による児童扶養手当の資格喪失）",
    },
)
