from juminkiroku.models.atena import PERSON_FIELD_NAMES, Atena, AtenaRireki, PersonFields, Setai
from juminkiroku.models.ido import Ido, IdoTarget
from juminkiroku.models.inkan import InkanToroku
from juminkiroku.models.jisho import Chiku, JushoJisho
from juminkiroku.models.kensaku import KensakuRireki
from juminkiroku.models.kisai import Kisai, KisaiRireki, KisaiShurui, KisaiSosa
from juminkiroku.models.kofu import ShomeiKofu
from juminkiroku.models.renkei import RenkeiChange
from juminkiroku.models.yokushi import ShienSochi, Yokushi

__all__ = [
    "PERSON_FIELD_NAMES",
    "Atena",
    "AtenaRireki",
    "Chiku",
    "Ido",
    "IdoTarget",
    "InkanToroku",
    "JushoJisho",
    "KensakuRireki",
    "Kisai",
    "KisaiRireki",
    "KisaiShurui",
    "KisaiSosa",
    "PersonFields",
    "RenkeiChange",
    "Setai",
    "ShienSochi",
    "ShomeiKofu",
    "Yokushi",
]
