"""The town being generated (name, 郡, postal area) and the rows of its 住所辞書 and 支援措置."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from juminkiroku.models import PersonFields
from juminkiroku.synth import data
from juminkiroku.synth.shape import (
    NULL,
)


@dataclass(frozen=True)
class TownInfo:
    dantai_code: str
    prefecture: str
    gun: str
    name: str
    postal_base: str

    @property
    def prefix(self) -> str:
        """The address up to the town: 神奈川県三浦郡葉山町."""
        return f"{self.prefecture}{self.gun}{self.name}"


def town_info(*, dantai_code: str, prefecture: str, name: str) -> TownInfo:
    """郡 and postal area from juminkiroku/data/synth/towns.json; an unknown town gets
    no 郡 and a postal area derived from its code (synthetic)."""
    known = data.town_table().get(dantai_code, {})
    postal_base = known.get("postal_base") or f"{100 + int(dantai_code[:5]) % 900:03d}0101"
    return TownInfo(dantai_code, prefecture, known.get("gun", ""), name, postal_base)


@dataclass
class ChikuRow:
    code: str
    name: str


@dataclass
class JishoRow:
    jusho_code: str
    postal_code: str
    name: str
    kana: str
    chiku_code: str
    chome: bool
    base_name: str
    buildings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ShienRow:
    person_index: int
    start: date
    end: date
    moshide: date


def base_row() -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in PersonFields._meta.local_fields:
        if f.null:
            row[f.attname] = NULL
        elif f.has_default():
            value = f.get_default()
            row[f.attname] = ("t" if value else "f") if isinstance(value, bool) else str(value)
        else:
            row[f.attname] = ""
    return row
