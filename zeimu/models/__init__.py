from zeimu.models.fuka import (
    Fuka,
    FukaKind,
    FukaStatus,
)
from zeimu.models.kazei import (
    KyuyoHokoku,
    NenkinHokoku,
    Shinkoku,
    ShinkokuKind,
    ShiryoImport,
    ShiryoImportStatus,
)
from zeimu.models.kotei import (
    Chimoku,
    KaokuKozo,
    KaokuShurui,
    KoteiFuka,
    KoteiFukaKind,
    KoteiKaoku,
    KoteiKaokuKakaku,
    KoteiKyoyusha,
    KoteiNozeisha,
    KoteiTochi,
    KoteiTochiKakaku,
    NozeishaKind,
    YochiKubun,
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
    "Chimoku",
    "Chotei",
    "ChoteiKind",
    "Fuka",
    "FukaKind",
    "FukaStatus",
    "KaokuKozo",
    "KaokuShurui",
    "Kibetsu",
    "KoteiFuka",
    "KoteiFukaKind",
    "KoteiKaoku",
    "KoteiKaokuKakaku",
    "KoteiKyoyusha",
    "KoteiNozeisha",
    "KoteiTochi",
    "KoteiTochiKakaku",
    "KyuyoHokoku",
    "NenkinHokoku",
    "Nofu",
    "NofuChannel",
    "NofuStatus",
    "NozeishaKind",
    "Shinkoku",
    "ShinkokuKind",
    "ShiryoImport",
    "ShiryoImportStatus",
    "Shuno",
    "ShunoFile",
    "ShunoKind",
    "YochiKubun",
    "Zeimoku",
]

from zeimu.models.hojin import (
    Hojin,
    HojinJimusho,
    HojinShinkoku,
    JigyoshoShinkoku,
    ShinkokuKubun,
)
from zeimu.models.shuno_tokusoku import Tokusoku

__all__ += ["Hojin", "HojinJimusho", "HojinShinkoku", "JigyoshoShinkoku", "ShinkokuKubun"]
__all__ += ["Tokusoku"]
