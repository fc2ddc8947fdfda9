from zeimu.models.fuka import Fuka, FukaKind, FukaStatus
from zeimu.models.kazei import (
    KyuyoHokoku,
    NenkinHokoku,
    Shinkoku,
    ShinkokuKind,
    ShiryoImport,
    ShiryoImportStatus,
)

__all__ = [
    "Fuka",
    "FukaKind",
    "FukaStatus",
    "KyuyoHokoku",
    "NenkinHokoku",
    "Shinkoku",
    "ShinkokuKind",
    "ShiryoImport",
    "ShiryoImportStatus",
]
