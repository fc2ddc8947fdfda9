from zeimu.models.fuka import Fuka, FukaKind, FukaStatus
from zeimu.models.kazei import (
    KyuyoHokoku,
    NenkinHokoku,
    Shinkoku,
    ShinkokuKind,
    ShiryoImport,
    ShiryoImportStatus,
)
from zeimu.models.shuno import (
    Chotei,
    ChoteiKind,
    Kibetsu,
    Nofu,
    NofuChannel,
    NofuStatus,
    Shuno,
    ShunoFile,
    ShunoKind,
    Zeimoku,
)

__all__ = [
    "Chotei",
    "ChoteiKind",
    "Fuka",
    "FukaKind",
    "FukaStatus",
    "Kibetsu",
    "KyuyoHokoku",
    "NenkinHokoku",
    "Nofu",
    "NofuChannel",
    "NofuStatus",
    "Shinkoku",
    "ShinkokuKind",
    "ShiryoImport",
    "ShiryoImportStatus",
    "Shuno",
    "ShunoFile",
    "ShunoKind",
    "Zeimoku",
]
