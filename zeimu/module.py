"""税務's declaration to the platform (see tenants.modules.spec)."""

from tenants.modules.spec import ModuleSpec, UrlMount
from zeimu import gyomu

MODULE = ModuleSpec(
    app="zeimu",
    verbose_name="税務",
    gyomu=gyomu.ALL,
    entries={
        gyomu.KOJIN_JUMINZEI: f"gyomu_entry_{gyomu.KOJIN_JUMINZEI}",
        gyomu.SHUNO_KANRI: f"gyomu_entry_{gyomu.SHUNO_KANRI}",
        gyomu.KOTEI_SHISANZEI: f"gyomu_entry_{gyomu.KOTEI_SHISANZEI}",
    },
    urls=(UrlMount("zeimu/", "zeimu.urls"),),
    api_urls=(UrlMount("zeimu/", "zeimu.api.urls"),),
    jobkinds="zeimu.jobkinds",
    params_dir="params",
    meters="zeimu.meters",
    form_templates="forms/templates",
    demo="zeimu_demo",
    demo_order=20,
    # Access-log screens and record types this module writes, as words
    # (tenants.labels.word_for).
    words={
        "zeimu.Fuka": "個人住民税の賦課",
        "fuka": "個人住民税の賦課",
        "zeimu.kosei": "個人住民税の更正",
        "zeimu.fuka_list": "個人住民税 賦課の一覧",
        "zeimu.fuka_detail": "個人住民税 賦課の内容",
        "zeimu.tokucho_detail": "特別徴収税額（特別徴収義務者別）",
        "api.zeimu.fuka_list": "API（個人住民税 賦課の一覧）",
        "api.zeimu.fuka": "API（個人住民税 賦課の照会）",
        "api.zeimu.tokucho": "API（特別徴収税額の照会）",
        "tokucho_gimusha": "特別徴収義務者",
        "shiryo_import": "課税資料の取込",
        "kyuyo_hokoku": "給与支払報告書",
        "nenkin_hokoku": "公的年金等支払報告書",
        "shinkoku": "住民税申告・確定申告",
        # 収納管理 (issue 18)
        "zeimu.Nofu": "納付（収納）",
        "zeimu.ShunoFile": "収納ファイル",
        "zeimu.Kibetsu": "期別（調定）",
        "zeimu.shuno_nozeisha": "収納状況（納税義務者）",
        "zeimu.shuno_entaikin": "延滞金の試算",
        # 固定資産税・都市計画税
        "zeimu.KoteiFuka": "固定資産税・都市計画税の賦課",
        "zeimu.KoteiNozeisha": "固定資産税の納税義務者",
        "zeimu.KoteiTochi": "土地（固定資産課税台帳）",
        "zeimu.KoteiKaoku": "家屋（固定資産課税台帳）",
        "zeimu.kotei_daicho": "固定資産課税台帳の登録",
        "zeimu.kotei_search": "固定資産税 課税台帳の検索",
        "zeimu.kotei_tochi": "固定資産税 土地",
        "zeimu.kotei_kaoku": "固定資産税 家屋",
        "zeimu.kotei_nayose": "固定資産 名寄帳",
        "zeimu.kotei_nayose_pdf": "固定資産 名寄帳（PDF）",
        "zeimu.kotei_notice_pdf": "固定資産税 納税通知書の発行",
        "zeimu.kotei_fuka_list": "固定資産税 賦課の一覧",
        "zeimu.kotei_kosei": "固定資産税の更正",
        "zeimu.kotei_genmen": "固定資産税の減免",
        "job:zeimu_kotei_tosho": "固定資産税・都市計画税 当初賦課",
        "job:zeimu_kotei_notice_print": "固定資産税 納税通知書の一括印刷",
        "api.zeimu.kotei_nozeisha": "API（固定資産税 名寄の照会）",
        "api.zeimu.kotei_tochi": "API（固定資産税 土地の照会）",
        "api.zeimu.kotei_kaoku": "API（固定資産税 家屋の照会）",
        "load_kotei_demo": "システム（固定資産税の初期データ）",
    },
)
