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
from juminkiroku.models.ido import Ido, IdoTarget
from juminkiroku.models.inkan import InkanToroku
from juminkiroku.models.jijitsujo import JijitsujoSetainushi
from juminkiroku.models.jisho import Chiku, JushoJisho
from juminkiroku.models.kofu import Koin, Ninshosha, ShomeiKofu
from juminkiroku.models.nyukan import NyukanTsuchi, ShichosonTsuchi
from juminkiroku.models.renkei import RenkeiChange
from juminkiroku.models.tenshutsu import (
    TennyuTsuchi,
    Tenshutsu,
    TenshutsuShomei,
    TenshutsuStatus,
)
from juminkiroku.models.yokushi import ShienHeisha, ShienKagaisha, ShienSochi, Yokushi

__all__ = [
    "PERSON_FIELD_NAMES",
    "Atena",
    "AtenaRireki",
    "CardJokyo",
    "Chiku",
    "CsJushin",
    "CsKofu",
    "CsRenkei",
    "CsSeigo",
    "CsSeigoSa",
    "CsSoshin",
    "CsYokyu",
    "Ido",
    "IdoTarget",
    "InkanToroku",
    "JijitsujoSetainushi",
    "JuminhyoCodeAki",
    "JushoJisho",
    "Koin",
    "Ninshosha",
    "NyukanTsuchi",
    "PersonFields",
    "RenkeiChange",
    "Setai",
    "ShichosonTsuchi",
    "ShienHeisha",
    "ShienKagaisha",
    "ShienSochi",
    "ShomeiKofu",
    "Sofusaki",
    "TennyuTsuchi",
    "Tenshutsu",
    "TenshutsuShomei",
    "TenshutsuStatus",
    "Yokushi",
]
