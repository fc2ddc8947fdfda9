from juminkiroku.models.atena import PERSON_FIELD_NAMES, Atena, AtenaRireki, PersonFields, Setai
from juminkiroku.models.cs import (
    CardJokyo,
    CsJushin,
    CsKofu,
    CsRenkei,
    CsSeigo,
    CsSeigoSa,
    CsSoshin,
    CsYokyu,
    JuminhyoCodeAki,
    Sofusaki,
)
from juminkiroku.models.etsuran import EtsuranSeikyu
from juminkiroku.models.euc import EucChushutsu
from juminkiroku.models.fuhyo import FuhyoRenkei, FuhyoTotsugo, FuhyoTsuchi
from juminkiroku.models.ido import Ido, IdoTarget
from juminkiroku.models.inkan import InkanToroku
from juminkiroku.models.jijitsujo import JijitsujoSetainushi
from juminkiroku.models.jisho import Chiku, JushoJisho
from juminkiroku.models.johyo import IkouKekka, JohyoArchive, JohyoIkouKekka
from juminkiroku.models.jusho_master import Banchi, BanchiKubun, Katagaki
from juminkiroku.models.kensaku import KensakuRireki
from juminkiroku.models.kisai import Kisai, KisaiRireki, KisaiShurui, KisaiSosa
from juminkiroku.models.kofu import Koin, Ninshosha, ShomeiKofu
from juminkiroku.models.nyukan import NyukanTsuchi, ShichosonTsuchi
from juminkiroku.models.renkei import RenkeiChange
from juminkiroku.models.tagyo import TagyoJoho, TagyoJohoRireki, TagyoTorikomi
from juminkiroku.models.tenshutsu import (
    TennyuTsuchi,
    Tenshutsu,
    TenshutsuShomei,
    TenshutsuStatus,
)
from juminkiroku.models.togo import (
    PfFile,
    PfRenkei,
    TogoRenkei,
    TogoSoshin,
    TogoTotsugo,
    TogoTotsugoSa,
)
from juminkiroku.models.tsuchi import SeinenHikokennin, ShokkenMoshide, TsuchiHakko
from juminkiroku.models.yokushi import ShienHeisha, ShienKagaisha, ShienSochi, Yokushi

__all__ = [
    "PERSON_FIELD_NAMES",
    "Atena",
    "AtenaRireki",
    "Banchi",
    "BanchiKubun",
    "CardJokyo",
    "Chiku",
    "CsJushin",
    "CsKofu",
    "CsRenkei",
    "CsSeigo",
    "CsSeigoSa",
    "CsSoshin",
    "CsYokyu",
    "EtsuranSeikyu",
    "EucChushutsu",
    "FuhyoRenkei",
    "FuhyoTotsugo",
    "FuhyoTsuchi",
    "Ido",
    "IdoTarget",
    "IkouKekka",
    "InkanToroku",
    "JijitsujoSetainushi",
    "JohyoArchive",
    "JohyoIkouKekka",
    "JuminhyoCodeAki",
    "JushoJisho",
    "Katagaki",
    "KensakuRireki",
    "Kisai",
    "KisaiRireki",
    "KisaiShurui",
    "KisaiSosa",
    "Koin",
    "Ninshosha",
    "NyukanTsuchi",
    "PersonFields",
    "PfFile",
    "PfRenkei",
    "RenkeiChange",
    "SeinenHikokennin",
    "Setai",
    "ShichosonTsuchi",
    "ShienHeisha",
    "ShienKagaisha",
    "ShienSochi",
    "ShokkenMoshide",
    "ShomeiKofu",
    "Sofusaki",
    "TagyoJoho",
    "TagyoJohoRireki",
    "TagyoTorikomi",
    "TennyuTsuchi",
    "Tenshutsu",
    "TenshutsuShomei",
    "TenshutsuStatus",
    "TogoRenkei",
    "TogoSoshin",
    "TogoTotsugo",
    "TogoTotsugoSa",
    "TsuchiHakko",
    "Yokushi",
]
