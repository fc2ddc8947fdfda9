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
    },
)
