"""The name and address tables the generator draws from (juminkiroku/data/synth/).

Every table is read once per process. Values go into PostgreSQL COPY text format
unescaped, so a tab, newline or backslash in a data file is refused here.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "synth"

T = TypeVar("T")

GENERATIONS = "ABCDE"
"""Birth cohorts of the given-name tables: A ≤1945, B 1946–65, C 1966–85, D 1986–2005, E 2006–."""


def generation_of(birth_year: int) -> str:
    if birth_year <= 1945:
        return "A"
    if birth_year <= 1965:
        return "B"
    if birth_year <= 1985:
        return "C"
    if birth_year <= 2005:
        return "D"
    return "E"


class Weighted(Generic[T]):
    """A weighted table: ``pick(rng)`` is one uniform draw and a binary search.

    Hot loops of the generator inline ``pick`` with ``padded``, ``cum`` and ``total``
    (``padded[bisect_right(cum, rng.random() * total)]``, the same draw)."""

    __slots__ = ("cum", "items", "padded", "total")

    def __init__(self, items: list[T], weights: list[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("weighted table needs items with one weight each")
        self.items = items
        # The last item twice: a product rounding up to the total still finds an item.
        self.padded = [*items, items[-1]]
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: Random) -> T:
        return self.padded[bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True)
class Name:
    kanji: str
    kana: str


@dataclass(frozen=True)
class ForeignName:
    alpha: str
    kana: str
    kanji: str


@dataclass(frozen=True)
class Nationality:
    kokuseki: str
    kanji: bool
    statuses: Weighted[str]
    surnames: list[ForeignName]
    male: list[ForeignName]
    female: list[ForeignName]


@dataclass(frozen=True)
class Chomei:
    name: str
    kana: str
    chome: bool


_FORBIDDEN = ("\t", "\n", "\r", "\\")


def _check(value: str, source: str) -> str:
    if any(c in value for c in _FORBIDDEN) or not value:
        raise ValueError(f"{source}: 空の値、またはタブ・改行・バックスラッシュを含む値 {value!r}")
    return value


def _rows(filename: str) -> list[list[str]]:
    out: list[list[str]] = []
    for line in (DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        out.append([_check(cell.strip(), filename) for cell in line.split("\t")])
    return out


@cache
def surnames() -> Weighted[Name]:
    """Japanese surnames; the file is in rank order, weight 1/rank^0.85 (roughly Zipf)."""
    names = [Name(k, kana) for k, kana in _rows("surnames.tsv")]
    return Weighted(names, [1.0 / (rank**0.85) for rank in range(1, len(names) + 1)])


@cache
def surname_list() -> list[Name]:
    return list(surnames().items)


def _given(filename: str) -> dict[str, Weighted[Name]]:
    by_gen: dict[str, list[Name]] = {g: [] for g in GENERATIONS}
    for kanji, kana, gens in _rows(filename):
        for g in gens:
            by_gen[g].append(Name(kanji, kana))
    return {
        g: Weighted(names, [1.0 / (rank**0.7) for rank in range(1, len(names) + 1)])
        for g, names in by_gen.items()
    }


@cache
def given_male() -> dict[str, Weighted[Name]]:
    return _given("given_male.tsv")


@cache
def given_female() -> dict[str, Weighted[Name]]:
    return _given("given_female.tsv")


def _foreign_names(raw: list[list[str]], source: str) -> list[ForeignName]:
    return [
        ForeignName(_check(r[0], source), _check(r[1], source), r[2] if len(r) > 2 else "")
        for r in raw
    ]


@cache
def nationalities() -> Weighted[Nationality]:
    doc: dict[str, Any] = json.loads((DATA_DIR / "foreign.json").read_text(encoding="utf-8"))
    items: list[Nationality] = []
    weights: list[float] = []
    for n in doc["nationalities"]:
        statuses = n["statuses"]
        items.append(
            Nationality(
                kokuseki=_check(n["kokuseki"], "foreign.json"),
                kanji=bool(n["kanji"]),
                statuses=Weighted(list(statuses), [float(w) for w in statuses.values()]),
                surnames=_foreign_names(n["surnames"], "foreign.json"),
                male=_foreign_names(n["male"], "foreign.json"),
                female=_foreign_names(n["female"], "foreign.json"),
            )
        )
        weights.append(float(n["weight"]))
    return Weighted(items, weights)


@cache
def places() -> Weighted[str]:
    rows = _rows("places.tsv")
    return Weighted([r[0] for r in rows], [float(r[1]) for r in rows])


@cache
def chomei_pool() -> list[Chomei]:
    return [Chomei(name, kana, chome == "1") for name, kana, chome in _rows("chomei.tsv")]


@cache
def apartment_prefixes() -> list[str]:
    return [r[0] for r in _rows("apartments.tsv")]


@cache
def town_table() -> dict[str, dict[str, str]]:
    doc: dict[str, Any] = json.loads((DATA_DIR / "towns.json").read_text(encoding="utf-8"))
    return {k: v for k, v in doc.items() if not k.startswith("_")}
