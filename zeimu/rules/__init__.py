"""個人住民税の計算ルール (pure law/rule layer: no database access).

:func:`juminzei_compute` takes a :class:`JuminzeiInput` and the :class:`Parameters` of the
fiscal year (:func:`parameters_for` reads them from ``tenants.params``) and returns a
:class:`JuminzeiResult` with every intermediate figure and an explanation.
"""

from zeimu.rules.inputs import (
    Haigusha,
    JuminzeiInput,
    KafuHitorioya,
    SeimeiHokenryo,
    Shinzoku,
    Shogai,
)
from zeimu.rules.juminzei import JuminzeiResult, juminzei_compute
from zeimu.rules.parameters import Parameters, parameters_for, parameters_from_lookup
from zeimu.rules.shotoku import kyuyo_shotoku, nenkin_shotoku

__all__ = [
    "Haigusha",
    "JuminzeiInput",
    "JuminzeiResult",
    "KafuHitorioya",
    "Parameters",
    "SeimeiHokenryo",
    "Shinzoku",
    "Shogai",
    "juminzei_compute",
    "kyuyo_shotoku",
    "nenkin_shotoku",
    "parameters_for",
    "parameters_from_lookup",
]
