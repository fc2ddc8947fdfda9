"""Pieces the 税務 services and job kinds share."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from fractions import Fraction
from typing import Any

# The town's own settings (MunicipalParameter rows in its schema).
KYUCHI_KEY = "zeimu.kojin_juminzei.kyuchi"
SHITEI_TOSHI_KEY = "zeimu.kojin_juminzei.shitei_toshi"


def jsonable(value: Any) -> Any:
    """A calculation result as JSON: dataclasses to dicts, Fractions to exact strings."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    return value
