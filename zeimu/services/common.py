"""Pieces the 税務 services and job kinds share."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from fractions import Fraction
from typing import Any

# The town's own settings (MunicipalParameter rows in its schema).
KYUCHI_KEY = "zeimu.kojin_juminzei.kyuchi"
SHITEI_TOSHI_KEY = "zeimu.kojin_juminzei.shitei_toshi"


def jsonable(value: Any) -> Any:
    """A calculation result as JSON: dataclasses to dicts, Fractions to exact strings."""
    if isinstance(value, int | str | bool) or value is None:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        # (not dataclasses.asdict: it deep-copies every value first, 2× slower here)
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    return value
