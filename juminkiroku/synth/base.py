"""The generator's shared state and its small draws (ages, dates, numbers, name keys)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date
from random import Random
from typing import Any

from juminkiroku.codes import Sex
from juminkiroku.rules.kana import kana_key, kana_key_tail, name_key
from juminkiroku.synth import data
from juminkiroku.synth.checks import JUMINHYO_CHECK, KOJIN_BANGO_CHECK
from juminkiroku.synth.data import Name, Nationality, Weighted
from juminkiroku.synth.shape import (
    DAYS_PER_YEAR,
)
from juminkiroku.synth.town import ChikuRow, JishoRow, ShienRow, TownInfo


class IsoDates(dict[int, str]):
    """ISO text of date ordinals, made on first use: ``IsoDates().__getitem__`` is the
    generator's ``iso``, a lookup without a Python call once the date has been seen."""

    __slots__ = ()

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


# First ordinal of each given-name cohort after the first (data.GENERATIONS: B from
# 1946, C from 1966, D from 1986, E from 2006): a birth ordinal's cohort is a bisection.
GENERATION_STARTS = [date(year, 1, 1).toordinal() for year in (1946, 1966, 1986, 2006)]
if [data.generation_of(y) for y in (1945, 1946, 1965, 1966, 1985, 1986, 2005, 2006)] != list(
    "ABBCCDDE"
):  # pragma: no cover (a guard: the cohorts changed in data.py)
    raise AssertionError("GENERATION_STARTS disagrees with data.generation_of")


class GeneratorState:
    """What every part of the generator shares (set by ``TownGenerator.__init__``), and
    the small draws: ages, dates, numbers and the search keys of names."""

    rng: Random
    population: int
    on: date
    on_ord: int
    on_iso: str
    town: TownInfo
    prefix: str
    base: dict[str, Any]
    surnames: Weighted[Name]
    male: dict[str, Weighted[Name]]
    female: dict[str, Weighted[Name]]
    male_by_cohort: list[Weighted[Name]]
    female_by_cohort: list[Weighted[Name]]
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
    tail_cache: dict[str, str | None]
    iso_cache: IsoDates
    iso: Callable[[int], str]
    name_cache: dict[str, str]
    chiku: list[ChikuRow]
    jisho: list[JishoRow]
    jisho_table: Weighted[JishoRow] | None

    # -- small draws --

    def age_in(self, groups: Weighted[tuple[int, int]]) -> int:
        """``groups.pick`` then ``ri``, inline (the same two draws)."""
        random = self.rng.random
        lo, hi = groups.padded[bisect_right(groups.cum, random() * groups.total)]
        return lo + int(random() * (hi - lo + 1))

    def birth_ord(self, age: float) -> int:
        """A birthday giving ``age`` (whole years) on the as-of date."""
        return self.on_ord - int((age + self.rng.random()) * DAYS_PER_YEAR) - 1

    def ri(self, a: int, b: int) -> int:
        """A uniform integer in [a, b]; one draw, cheaper than ``randint``."""
        return a + int(self.rng.random() * (b - a + 1))

    def given(self, sex: str, birth_ord: int) -> Name:
        """A given name of the person's cohort (``data.generation_of`` their birth year)."""
        tables = self.male_by_cohort if sex == Sex.MALE else self.female_by_cohort
        return tables[bisect_right(GENERATION_STARTS, birth_ord)].pick(self.rng)

    def place(self) -> str:
        random = self.rng.random  # places.pick and ri(1, 3999), inline
        places = self.places
        place = places.padded[bisect_right(places.cum, random() * places.total)]
        return f"{place}{1 + int(random() * 3999)}番地"

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

    def pair_kana_key(self, surname: str, given: str) -> str:
        """kana_key(surname + given), from the keys of the parts (``kana_key_tail``):
        the key of each 姓 once, and the tail of each 名 once per last character of a 姓's
        key, instead of folding every (姓, 名) pair."""
        left = self.kana_cache.get(surname)
        if left is None:
            left = self.kana_cache[surname] = kana_key(surname)
        tails = self.tail_cache
        tail_key = f"{left[-1:]}\t{given}"
        tail = tails.get(tail_key)
        if tail is None:
            tail = tails[tail_key] = kana_key_tail(left, given)
        return kana_key(surname + given) if tail is None else left + tail

    def keys(self, surname: tuple[str, str], given: tuple[str, str]) -> tuple[str, str]:
        """kana_key and name_key of a full name (cached). name_key folds characters one
        by one, so key(姓 名) = key(姓) + key(名); kana_key looks one kana to the left
        (2.1.2 長音, オ段+ウ), so it is cached per (姓, 名) reading and made by
        ``pair_kana_key`` (the tests check every row against the rules). ``person``
        inlines this."""
        kc, nc = self.kana_cache, self.name_cache
        pair = surname[1] + "\t" + given[1]
        kana = kc.get(pair)
        if kana is None:
            kana = kc[pair] = self.pair_kana_key(surname[1], given[1])
        sn = nc.get(surname[0]) or nc.setdefault(surname[0], name_key(surname[0]))
        gn = nc.get(given[0]) or nc.setdefault(given[0], name_key(given[0]))
        return kana, sn + gn
