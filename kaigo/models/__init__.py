from kaigo.models.shikaku import (
    CauseKind,
    HihokenshaBango,
    IryoHoken,
    JogaiShisetsu,
    JushochiTokurei,
    JutokuShisetsu,
    Kubun,
    RirekiKind,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
    SoshitsuJiyu,
    TashiJutoku,
    TekiyoJogai,
)

__all__ = [
    "CauseKind",
    "HihokenshaBango",
    "IryoHoken",
    "JogaiShisetsu",
    "JushochiTokurei",
    "JutokuShisetsu",
    "Kubun",
    "RirekiKind",
    "Shikaku",
    "ShikakuRireki",
    "ShutokuJiyu",
    "SoshitsuJiyu",
    "TashiJutoku",
    "TekiyoJogai",
]

# 要介護認定 (kaigo.models.nintei)
from kaigo.models.nintei import (
    OPEN_STATUSES,
    Daiko,
    KoshinYokoku,
    Nintei,
    NinteiRireki,
    NinteiShinsei,
    RirekiStep,
    ShinseiKubun,
    ShinseiStatus,
    TokuteiShippei,
    YokaigoKubun,
)

__all__ += [
    "OPEN_STATUSES",
    "Daiko",
    "KoshinYokoku",
    "Nintei",
    "NinteiRireki",
    "NinteiShinsei",
    "RirekiStep",
    "ShinseiKubun",
    "ShinseiStatus",
    "TokuteiShippei",
    "YokaigoKubun",
]
