"""福祉・子ども's declaration to the platform (see tenants.modules.spec)."""

from fukushi import gyomu
from fukushi.grants_seiho import SEIHO_CASE, SEIHO_CASE_LABEL
from tenants.modules.spec import GrantDecl, ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="fukushi",
    verbose_name="福祉・子ども",
    gyomu=gyomu.ALL,
    # each 業務's first screen (fukushi/urls.py: gyomu_entry_<code>)
    entries={
        gyomu.SEIKATSU_HOGO: f"gyomu_entry_{gyomu.SEIKATSU_HOGO}",
    },
    urls=(UrlMount("fukushi/", "fukushi.urls"),),
    api_urls=(UrlMount("fukushi/", "fukushi.api.urls"),),
    params_dir="params",
    form_templates="forms/templates",
    # after 住民記録 (its residents) and 税務 (the 所得 the allowances read)
    demo_order=50,
    events="fukushi.events",
    subscribers="fukushi.subscribers_seiho",
    # 生活保護 (要配慮個人情報): a separate grant beside the 業務 role; the personas'
    # 審査者 holds it, the 担当者 and 閲覧者 do not (tests prove they learn nothing)
    grants=(GrantDecl(SEIHO_CASE, SEIHO_CASE_LABEL, gyomu.SEIKATSU_HOGO),),
    persona_grants={"shinsa": (SEIHO_CASE,)},
    words={
        # 生活保護 (issue 21 item 3)
        "fukushi.SeihoCase": "生活保護ケース",
        "fukushi.SeihoShikyu": "保護費の支給",
        "fukushi.seiho_kettei": "生活保護の決定",
        "fukushi.seiho_henko": "生活保護の変更決定",
        "fukushi.seiho_kaishi": "生活保護の開始決定",
        "fukushi.seiho_renkei": "生活保護（住民記録の異動から）",
        "fukushi.seiho_case": "生活保護ケース",
        "fukushi.seiho_search": "生活保護ケースの検索",
        "fukushi.seiho_shikyu": "保護費の支給",
        "fukushi.seiho_furikomi": "保護費の総合振込ファイル",
        "fukushi.seiho_tsuchi_pdf": "保護決定通知書",
        "fukushi.seiho_shisan": "最低生活費の試算",
        "api.fukushi.seiho_case": "API（生活保護ケース）",
        "api.fukushi.seiho_shisan": "API（最低生活費の試算）",
        "system:fukushi_seiho": "システム（住民記録の異動による生活保護の廃止・変更）",
        "load_seiho_demo": "システム（生活保護の初期データ）",
    },
)
