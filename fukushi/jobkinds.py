"""福祉・子ども's job kinds: one module per part, imported here (module.py names this one
module; each part adds its import line)."""

from fukushi import (
    hoikuryo_jobs,  # noqa: F401  保育料 9月の切替
    printjobs_fuyoteate,  # noqa: F401  児童扶養手当 現況届の案内
    printjobs_fuyoteate_kabarai,  # noqa: F401  児童扶養手当 返還金の督促状
    printjobs_iryo,  # noqa: F401  医療費助成 受給者証（一斉更新）
    printjobs_jidoteate,  # noqa: F401  児童手当 支払通知書
    printjobs_jidoteate_kettei,  # noqa: F401  児童手当 認定・額改定通知書
    printjobs_shinshin_koshin,  # noqa: F401  心身障害者医療 受給者証（一斉更新）
    shinshin_jobs,  # noqa: F401  心身障害者医療 受給者証の一斉更新
)
