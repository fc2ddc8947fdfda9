from juminkiroku.models.atena import PERSON_FIELD_NAMES, Atena, AtenaRireki, PersonFields, Setai
from juminkiroku.models.etsuran import EtsuranSeikyu
from juminkiroku.models.ido import Ido, IdoTarget
from juminkiroku.models.inkan import InkanToroku
from juminkiroku.models.jisho import Chiku, JushoJisho
from juminkiroku.models.kofu import ShomeiKofu
from juminkiroku.models.renkei import RenkeiChange
from juminkiroku.models.tsuchi import SeinenHikokennin, ShokkenMoshide, TsuchiHakko
from juminkiroku.models.yokushi import ShienSochi, Yokushi

__all__ = [
    "PERSON_FIELD_NAMES",
    "Atena",
    "AtenaRireki",
    "Chiku",
    "EtsuranSeikyu",
    "Ido",
    "IdoTarget",
    "InkanToroku",
    "JushoJisho",
    "PersonFields",
    "RenkeiChange",
    "SeinenHikokennin",
    "Setai",
    "ShienSochi",
    "ShokkenMoshide",
    "ShomeiKofu",
    "TsuchiHakko",
    "Yokushi",
]
