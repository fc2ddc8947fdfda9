"""負担金の按分ルール (pure law/rule layer: no Django).

See :mod:`billing.rules.allocation` for the engine, :mod:`billing.rules.definitions`
for the rules, :mod:`billing.rules.rounding` for the exact-total rounding and
:mod:`billing.rules.guarantee` for the savings guarantee.
"""

from billing.rules.allocation import (
    Allocation,
    Member,
    Share,
    allocate,
    describe_rule,
    sum_allocations,
)
from billing.rules.definitions import (
    CURVE_EXPONENT_1_5,
    Jinkowari,
    Kintowari,
    Kobetsu,
    Metered,
    Mix,
    PoolRule,
    Rule,
    Teigen,
    TeigenCurve,
)
from billing.rules.guarantee import GuaranteeInfeasible, GuaranteeResult, apply_savings_guarantee
from billing.rules.numbers import Number
from billing.rules.rounding import (
    LARGEST_REMAINDER,
    TIE_DANTAI_CODE,
    TIE_POPULATION,
    TIE_SHARE,
    TRUNCATE,
    Rounding,
    apportion,
    floor_to_unit,
    round_shares,
    split_installments,
)

__all__ = [
    "CURVE_EXPONENT_1_5",
    "LARGEST_REMAINDER",
    "TIE_DANTAI_CODE",
    "TIE_POPULATION",
    "TIE_SHARE",
    "TRUNCATE",
    "Allocation",
    "GuaranteeInfeasible",
    "GuaranteeResult",
    "Jinkowari",
    "Kintowari",
    "Kobetsu",
    "Member",
    "Metered",
    "Mix",
    "Number",
    "PoolRule",
    "Rounding",
    "Rule",
    "Share",
    "Teigen",
    "TeigenCurve",
    "allocate",
    "apply_savings_guarantee",
    "apportion",
    "describe_rule",
    "floor_to_unit",
    "round_shares",
    "split_installments",
    "sum_allocations",
]
