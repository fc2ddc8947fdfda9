"""国民健康保険's billing meters (declared in kokuho/module.py as ``meters=``).

Runs inside one member's schema (tenants.meters.registry enters it).
"""

from __future__ import annotations

from datetime import date

from kokuho import gyomu
from kokuho.selectors.setai import insured_count_on
from tenants.meters.registry import Meter, register


def hihokensha_at_end(start: date, end: date) -> int:
    """国保の被保険者数 on the last day of the period (the figure the 事業年報 reports
    at the end of a month or year)."""
    return insured_count_on(end)


HIHOKENSHA = register(
    Meter(
        code="kokuho_hihokensha",
        label="国民健康保険の被保険者数",
        unit="人",
        gyomu=gyomu.KOKUHO_SHIKAKU,
        compute=hihokensha_at_end,
        period_note="期間の末日の被保険者数",
    )
)
