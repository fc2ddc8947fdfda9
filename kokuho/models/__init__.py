from kokuho.models.kyufu import (
    GendoNintei,
    KogakuFutan,
    KozaShubetsu,
    Kyufu,
    KyufuKind,
    KyufuRireki,
    KyufuStatus,
    NinteiStatus,
    Shiharai,
)
from kokuho.models.shikaku import (
    CauseKind,
    KokuhoSetai,
    RirekiKind,
    Seiho,
    Shaho,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
    SoshitsuJiyu,
    TokuteiDoitsu,
)

__all__ = [
    "CauseKind",
    "GendoNintei",
    "KogakuFutan",
    "KokuhoSetai",
    "KozaShubetsu",
    "Kyufu",
    "KyufuKind",
    "KyufuRireki",
    "KyufuStatus",
    "NinteiStatus",
    "RirekiKind",
    "Seiho",
    "Shaho",
    "Shiharai",
    "Shikaku",
    "ShikakuRireki",
    "ShutokuJiyu",
    "SoshitsuJiyu",
    "TokuteiDoitsu",
]
from kokuho.models.fuka import KokuhoFuka, KoseiCause, KoseiKoho, KoseiStatus, Santei, Tokucho
from kokuho.models.koki import (
    ChoshuHoho,
    ImportStatus,
    KokiHokenryo,
    KokiHokenryoImport,
    KokiIdo,
    KokiIdoFile,
    KokiIdoKind,
    KokiKibetsu,
    KokiShikaku,
    KokiShutokuJiyu,
    KokiSoshitsuJiyu,
)
from kokuho.models.nenkin import (
    Hantei,
    NenkinHokoku,
    NenkinShinsei,
    NenkinTodoke,
    ShinseiKind,
    Shubetsu,
    TodokeJiyu,
    TodokeKind,
)
from kokuho.models.whatif import WhatifRun, WhatifScenario, WhatifSetai

__all__ += [
    "ChoshuHoho",
    "Hantei",
    "ImportStatus",
    "KokiHokenryo",
    "KokiHokenryoImport",
    "KokiIdo",
    "KokiIdoFile",
    "KokiIdoKind",
    "KokiKibetsu",
    "KokiShikaku",
    "KokiShutokuJiyu",
    "KokiSoshitsuJiyu",
    "NenkinHokoku",
    "NenkinShinsei",
    "NenkinTodoke",
    "ShinseiKind",
    "Shubetsu",
    "TodokeJiyu",
    "TodokeKind",
]

__all__ += ["KokuhoFuka", "KoseiCause", "KoseiKoho", "KoseiStatus", "Santei", "Tokucho"]
__all__ += ["WhatifRun", "WhatifScenario", "WhatifSetai"]
