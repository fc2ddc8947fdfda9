from billing.models.figure import MemberFigure
from billing.models.pool import CostPool, FormerCost, RemainderMethod, TieBreak
from billing.models.run import AllocationRun, AllocationShare

__all__ = [
    "AllocationRun",
    "AllocationShare",
    "CostPool",
    "FormerCost",
    "MemberFigure",
    "RemainderMethod",
    "TieBreak",
]
