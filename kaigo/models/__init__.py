from kaigo.models.fuka import (
    ChoshuHoho,
    FukaKoseiCause,
    FukaKoseiStatus,
    FukaSantei,
    KaigoFuka,
    KaigoKoseiKoho,
    TokuchoFile,
    TokuchoFileKind,
    TokuchoTaisho,
)
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
    # 賦課 (kaigo.models.fuka)
    "ChoshuHoho",
    "FukaKoseiCause",
    "FukaKoseiStatus",
    "FukaSantei",
    "HihokenshaBango",
    "IryoHoken",
    "JogaiShisetsu",
    "JushochiTokurei",
    "JutokuShisetsu",
    "KaigoFuka",
    "KaigoKoseiKoho",
    "Kubun",
    "RirekiKind",
    "Shikaku",
    "ShikakuRireki",
    "ShutokuJiyu",
    "SoshitsuJiyu",
    "TashiJutoku",
    "TekiyoJogai",
    "TokuchoFile",
    "TokuchoFileKind",
    "TokuchoTaisho",
]

# 負担割合・負担限度額 (issue 16 item 5)
from kaigo.models.futan import (
    FutanJiyu,
    FutanWariai,
    GendogakuNintei,
    GendogakuRireki,
    GendogakuStatus,
    Wari,
)

__all__ += [
    "FutanJiyu",
    "FutanWariai",
    "GendogakuNintei",
    "GendogakuRireki",
    "GendogakuStatus",
    "Wari",
]

# 要介護認定 (kaigo.models.nintei)
from kaigo.models.nintei import (  # noqa: E402
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

# 老齢福祉年金の受給 (介護保険法施行令第39条第1項第1号イ)
from kaigo.models.rorei import (  # noqa: E402
    RoreiFukushiNenkin,
    RoreiFukushiNenkinRireki,
    RoreiKakunin,
    RoreiRirekiKind,
)

__all__ += ["RoreiFukushiNenkin", "RoreiFukushiNenkinRireki", "RoreiKakunin", "RoreiRirekiKind"]
