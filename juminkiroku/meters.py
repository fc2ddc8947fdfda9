"""住民記録's billing meters (declared in juminkiroku/module.py as ``meters=``).

Each function runs inside one member's schema (tenants.meters.registry enters it) and
reads that town's registry through juminkiroku's own selectors.
"""

from __future__ import annotations

from datetime import date

from juminkiroku import gyomu
from juminkiroku.selectors.asof import population_on
from juminkiroku.selectors.kofu import issued_totals_between
from tenants.meters.registry import Meter, register


def _residents_on_1_january(start: date, end: date) -> int:
    # 住民基本台帳人口 on 1 January of the 年度 (the 基準日 of the 住民基本台帳に基づく人口
    # 統計, 総務省): the 1 January that falls inside the period's first calendar year.
    return population_on(date(start.year, 1, 1))


def _certificates(start: date, end: date) -> int:
    return issued_totals_between(start, end)["copies"]


def _pages(start: date, end: date) -> int:
    return issued_totals_between(start, end)["pages"]


POPULATION_REGISTRY = register(
    Meter(
        code="population_registry",
        label="住民基本台帳人口",
        unit="人",
        gyomu=gyomu.JUMINKIROKU,
        compute=_residents_on_1_january,
        period_note="年度の1月1日現在",
    )
)
CERTIFICATES = register(
    Meter(
        code="certificates",
        label="証明書交付通数",
        unit="通",
        gyomu=gyomu.JUMINKIROKU,
        compute=_certificates,
        period_note="年度中に交付した通数（取消分を除く）",
    )
)
PAGES = register(
    Meter(
        code="pages",
        label="証明書印刷枚数",
        unit="枚",
        gyomu=gyomu.JUMINKIROKU,
        compute=_pages,
        period_note="年度中に交付した証明書の枚数×通数（取消分を除く）",
    )
)
