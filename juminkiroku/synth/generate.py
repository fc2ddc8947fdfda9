"""Synthetic residents of one town: households, persons, 住所辞書, 除票, 住登外, 支援措置.

Pure Python, no database: ``TownGenerator.stream()`` yields households whose persons
are dicts of COPY-ready text per column (``\\N`` for NULL); the loader only adds ids.
Everything is drawn from one ``random.Random`` seeded with (seed, population), so the
same seed, population, town and as-of date give the same rows; the town only changes
the address text.

The shape aims at a Japanese town in 2025 (国勢調査 2020 household types, 人口推計
2024 age structure): many one-person and elderly households, about 29% aged 65+, few
children, about 2.5% foreign residents, about 1% 除票 and a few 住登外 persons.

The generator is one class built in layers, each file using only those before it:
``shape`` (shares and distributions) and ``checks`` (check digits), ``town`` (the town
and its row types), ``base`` (shared state, small draws), ``addresses`` (住所辞書),
``persons``, ``households``, ``johyo`` (除票, 住登外, 支援措置), and here the whole town
(``stream``). The order of the random draws is the contract: moving code between the
layers must not change it (the tests compare generated rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from random import Random
from typing import Any

from juminkiroku.codes import JuminJotai, JuminShubetsu, Zokugara
from juminkiroku.synth import data
from juminkiroku.synth.base import IsoDates
from juminkiroku.synth.checks import ATENA_NO_CHECK
from juminkiroku.synth.data import Weighted
from juminkiroku.synth.johyo import JohyoDraws
from juminkiroku.synth.shape import (
    DAYS_PER_YEAR,
    FEMALE,
    JOHYO_KINDS,
    JOHYO_SHARE,
    JOHYO_WEIGHTS,
    NULL,
    SHIEN_PER_RESIDENTS,
)
from juminkiroku.synth.town import ChikuRow, JishoRow, ShienRow, TownInfo, base_row, town_info

JUMIN = JuminJotai.JUMIN.value
NIHONJIN = JuminShubetsu.NIHONJIN.value

__all__ = ["ATENA_NO_CHECK", "NULL", "TownGenerator", "TownInfo", "town_generator", "town_info"]


class TownGenerator(JohyoDraws):
    """The whole generator: its parts are layered classes, each using those below it
    (base → addresses → persons → households → johyo → here)."""

    def __init__(self, *, population: int, seed: int, on: date, town: TownInfo) -> None:
        self.rng = Random(f"juminkiroku.synth:{seed}:{population}")  # noqa: S311 (not crypto)
        self.population = population
        self.on = on
        self.on_ord = on.toordinal()
        self.on_iso = on.isoformat()
        self.town = town
        self.prefix = town.prefix
        self.base = base_row()
        self.surnames = data.surnames()
        self.male = data.given_male()
        self.female = data.given_female()
        self.male_by_cohort = [self.male[g] for g in data.GENERATIONS]
        self.female_by_cohort = [self.female[g] for g in data.GENERATIONS]
        self.nationalities = data.nationalities()
        self.places = data.places()
        self.jcodes: set[str] = set()
        self.kbangos: set[str] = set()
        self.cards: set[str] = set()
        self.count = 0
        self.households = 0
        self.johyo_count = 0
        self.shien: list[ShienRow] = []
        self.kana_cache: dict[str, str] = {}
        self.tail_cache: dict[str, str | None] = {}
        self.iso_cache = IsoDates()
        self.iso = self.iso_cache.__getitem__
        self.name_cache: dict[str, str] = {}
        self.chiku: list[ChikuRow] = []
        self.jisho: list[JishoRow] = []
        self.jisho_table: Weighted[JishoRow] | None = None
        self.build_jisho()

    # -- the whole town --

    def stream(self) -> Iterator[list[dict[str, Any]]]:
        """Households in 世帯番号 order, each a list of persons in 宛名番号 order.

        Residents first (exactly ``population`` of them), with the 除票 persons that
        belong to a living household (a dead spouse, a child who moved out) attached to
        it; then one-person households whose only member is a 除票. 住登外 persons come
        from ``jutogai_persons`` (they have no household). Quotas are spread over the
        stream in proportion to progress, so counts are close to the targets without
        keeping the town in memory.
        """
        rng = self.rng
        johyo_target = round(self.population * JOHYO_SHARE)
        quota = {k: johyo_target * w for k, w in zip(JOHYO_KINDS.items, JOHYO_WEIGHTS, strict=True)}
        made = dict.fromkeys(quota, 0)
        shien_target = max(1, self.population // SHIEN_PER_RESIDENTS)
        remaining = self.population
        shien = self.shien
        on_ord = self.on_ord
        shien_young, shien_old = 20 * DAYS_PER_YEAR, 55 * DAYS_PER_YEAR
        while remaining > 0:
            members = self.household()
            if not members:
                continue
            if len(members) > remaining:
                members = members[:remaining]
            remaining -= len(members)
            progress = 1.0 - remaining / self.population
            head = members[0]
            japanese = head["shubetsu"] == JuminShubetsu.NIHONJIN
            head_age = (self.on_ord - head["_birth"]) / DAYS_PER_YEAR
            if (
                japanese
                and len(members) == 1
                and head_age > 70
                and made["widow"] < quota["widow"] * progress
            ):
                if self.attach_dead_spouse(members):
                    made["widow"] += 1
            elif (
                japanese
                and len(members) >= 3
                and members[1]["zokugara"] in (Zokugara.TSUMA, Zokugara.OTTO)
                and made["child"] < quota["child"] * progress
                and self.attach_moved_child(members)
            ):
                made["child"] += 1
            # 支援措置 for a Japanese woman of 20–55 (resident), while behind the quota.
            shien_due = len(shien) < shien_target * progress
            for m in members:
                self.count += 1
                if (
                    shien_due
                    and m["sex"] == FEMALE
                    and m["jotai"] == JUMIN
                    and m["shubetsu"] == NIHONJIN
                    and shien_young <= on_ord - m["_birth"] <= shien_old
                ):
                    self.add_shien(self.count - 1)
                    shien_due = len(shien) < shien_target * progress
            self.households += 1
            yield members
        for kind in ("moved", "died"):
            for _ in range(round(quota[kind])):
                yield [self.johyo_single(old=kind == "died")]
                self.count += 1
                self.households += 1
        self.johyo_count = sum(made.values()) + round(quota["moved"]) + round(quota["died"])
        del rng


def town_generator(*, population: int, seed: int, on: date, town: TownInfo) -> TownGenerator:
    """A generator of ``population`` residents of ``town`` as of ``on``; its 住所辞書 is
    built at once (``chiku``, ``jisho``), the persons come from ``stream()``."""
    if population < 1:
        raise ValueError("人口は1以上を指定してください。")
    return TownGenerator(population=population, seed=seed, on=on, town=town)
