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
    "KokuhoSetai",
    "RirekiKind",
    "Seiho",
    "Shaho",
    "Shikaku",
    "ShikakuRireki",
    "ShutokuJiyu",
    "SoshitsuJiyu",
    "TokuteiDoitsu",
]
from kokuho.models.whatif import WhatifRun, WhatifScenario, WhatifSetai

__all__ += ["WhatifRun", "WhatifScenario", "WhatifSetai"]
