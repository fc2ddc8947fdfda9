from fukushi.models.fuyoteate import *  # noqa: F403
from fukushi.models.fuyoteate_henkan import *  # noqa: F403  未支払の手当・過払の返還金
from fukushi.models.hoiku import *  # noqa: F403
from fukushi.models.hoiku_kyufu import *  # noqa: F403  施設型給付費・地域型保育給付費
from fukushi.models.iryo import *  # noqa: F403
from fukushi.models.jidoteate import *  # noqa: F403  児童手当
from fukushi.models.jiritsu import *  # noqa: F403  自立支援給付（障害福祉サービス・補装具・日常生活用具）
from fukushi.models.jogen_kanri import *  # noqa: F403  利用者負担の上限額管理 (SG-83)
from fukushi.models.kenko import (  # 健康管理（予防接種・健診）
    KekkaKubun,
    KenshinJushin,
    SeimitsuKekka,
    SesshuKubun,
    YoboSesshu,
)
from fukushi.models.kogaku import *  # noqa: F403  高額障害福祉サービス等給付費 (SG-87)
from fukushi.models.seiho import (  # 生活保護 (issue 21 item 3)
    CaseStatus,
    Fujo,
    KetteiCause,
    KetteiKind,
    SeihoCase,
    SeihoKettei,
    SeihoMember,
    SeihoShikyu,
    SeihoShikyuLine,
)
from fukushi.models.seiho_henkan import (  # 返還金・徴収金, 医療券・介護券 (issue 21)
    ChoseiStatus,
    HenkanHo,
    HenkanKind,
    KenShubetsu,
    KikanShubetsu,
    SeihoChosei,
    SeihoChoseiRireki,
    SeihoHenkan,
    SeihoKen,
    SeihoKikan,
)
from fukushi.models.seiho_iryo import (  # 医療要否意見書 (医療扶助運営要領)
    NyuinKubun,
    SeihoIryoYohi,
    YohiKekka,
)
from fukushi.models.seiho_madoguchi import (  # 窓口払・追給 (SH-17)
    JuryoSha,
    SeihoMadoguchi,
    SeihoTsuikyu,
    TsuikyuShubetsu,
)
from fukushi.models.seiho_shuro import (  # 就労自立給付金 (生活保護法第55条の4)
    SeihoShingakuKyufukin,
    SeihoShuroKyufukin,
    ShingakuKind,
    ShuroStatus,
)
from fukushi.models.shogai import *  # noqa: F403  障害者手帳・心身障害者医療 (issue 21 items 1–2)
from fukushi.models.shogai_teate import *  # noqa: F403  特別障害者手当・障害児福祉手当・特別児童扶養手当
from fukushi.models.tsusho import *  # noqa: F403  障害児通所支援 (SG-52)

__all__ = [
    "CaseStatus",
    "ChoseiStatus",
    "Fujo",
    "HenkanHo",
    "HenkanKind",
    "JuryoSha",
    "KekkaKubun",
    "KenShubetsu",
    "KenshinJushin",
    "KetteiCause",
    "KetteiKind",
    "KikanShubetsu",
    "NyuinKubun",
    "SeihoCase",
    "SeihoChosei",
    "SeihoChoseiRireki",
    "SeihoHenkan",
    "SeihoIryoYohi",
    "SeihoKen",
    "SeihoKettei",
    "SeihoKikan",
    "SeihoMadoguchi",
    "SeihoMember",
    "SeihoShikyu",
    "SeihoShikyuLine",
    "SeihoShingakuKyufukin",
    "SeihoShuroKyufukin",
    "SeihoTsuikyu",
    "SeimitsuKekka",
    "SesshuKubun",
    "ShingakuKind",
    "ShuroStatus",
    "TsuikyuShubetsu",
    "YoboSesshu",
    "YohiKekka",
]
