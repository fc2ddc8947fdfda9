"""The generator's shared state and its small draws (ages, dates, numbers, name keys)."""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Any

from juminkiroku.codes import Sex
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.synth import data
from juminkiroku.synth.checks import JUMINHYO_CHECK, KOJIN_BANGO_CHECK
from juminkiroku.synth.data import Name, Nationality, Weighted
from juminkiroku.synth.shape import (
    DAYS_PER_YEAR,
)
from juminkiroku.synth.town import ChikuRow, JishoRow, ShienRow, TownInfo


class GeneratorState:
    """What every part of the generator shares (set by ``TownGenerator.__init__``), and
    the small draws: ages, dates, numbers and the search keys of names."""

    rng: Random
    population: int
    on: date
    on_ord: int
    on_iso: str
    town: TownInfo
    base: dict[str, Any]
    surnames: Weighted[Name]
    male: dict[str, Weighted[Name]]
    female: dict[str, Weighted[Name]]
    nationalities: Weighted[Nationality]
    places: Weighted[str]
    jcodes: set[str]
    kbangos: set[str]
    cards: set[str]
    count: int
    households: int
    johyo_count: int
    shien: list[ShienRow]
    kana_cache: dict[str, str]
    iso_cache: dict[int, str]
    name_cache: dict[str, str]
    chiku: list[ChikuRow]
    jisho: list[JishoRow]
    jisho_table: Weighted[JishoRow] | None

    # -- small draws --

    def age_in(self, groups: Weighted[tuple[int, int]]) -> int:
        lo, hi = groups.pick(self.rng)
        return self.ri(lo, hi)

    def birth_ord(self, age: float) -> int:
        """A birthday giving ``age`` (whole years) on the as-of date."""
        return self.on_ord - int((age + self.rng.random()) * DAYS_PER_YEAR) - 1

    def ri(self, a: int, b: int) -> int:
        """A uniform integer in [a, b]; one draw, cheaper than ``randint``."""
        return a + int(self.rng.random() * (b - a + 1))

    def iso(self, ordinal: int) -> str:
        text = self.iso_cache.get(ordinal)
        if text is None:
            text = self.iso_cache[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def given(self, sex: str, birth_ord: int) -> Name:
        gen = data.generation_of(int(self.iso(birth_ord)[:4]))
        table = self.male if sex == Sex.MALE else self.female
        return table[gen].pick(self.rng)

    def place(self) -> str:
        return f"{self.places.pick(self.rng)}{self.ri(1, 3999)}番地"

    def juminhyo_code(self) -> str:
        while True:
            body = int(self.rng.random() * 10**10)
            code = f"{body:010d}{JUMINHYO_CHECK.digit(body)}"
            if code not in self.jcodes:
                self.jcodes.add(code)
                return code

    def kojin_bango(self) -> str:
        while True:
            body = 10**10 + int(self.rng.random() * 9 * 10**10)
            code = f"{body:011d}{KOJIN_BANGO_CHECK.digit(body)}"
            if code not in self.kbangos:
                self.kbangos.add(code)
                return code

    def zairyu_card_no(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        while True:
            r = self.rng
            card = (
                r.choice(letters)
                + r.choice(letters)
                + f"{int(r.random() * 10**8):08d}"
                + r.choice(letters)
                + r.choice(letters)
            )
            if card not in self.cards:
                self.cards.add(card)
                return card

    def keys(self, surname: tuple[str, str], given: tuple[str, str]) -> tuple[str, str]:
        """kana_key and name_key of a full name (cached). name_key folds characters one
        by one, so key(姓 名) = key(姓) + key(名); kana_key looks one kana to the left
        (2.1.2 長音, オ段+ウ), so it is cached per (姓, 名) reading (the tests check
        every row against the rules)."""
        kc, nc = self.kana_cache, self.name_cache
        pair = surname[1] + "\t" + given[1]
        kana = kc.get(pair) or kc.setdefault(pair, kana_key(surname[1] + given[1]))
        sn = nc.get(surname[0]) or nc.setdefault(surname[0], name_key(surname[0]))
        gn = nc.get(given[0]) or nc.setdefault(given[0], name_key(given[0]))
        return kana, sn + gn
