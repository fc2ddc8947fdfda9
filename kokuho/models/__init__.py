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
from kokuho.models.fuka import KokuhoFuka, KoseiCause, KoseiKoho, KoseiStatus, Santei

__all__ += ["KokuhoFuka", "KoseiCause", "KoseiKoho", "KoseiStatus", "Santei"]
