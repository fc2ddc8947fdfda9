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

__all__ = [
    "CaseStatus",
    "Fujo",
    "KetteiCause",
    "KetteiKind",
    "SeihoCase",
    "SeihoKettei",
    "SeihoMember",
    "SeihoShikyu",
    "SeihoShikyuLine",
]
