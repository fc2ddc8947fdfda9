"""Synthetic residents of one town: households, persons, 住所辞書, 除票, 住登外, 支援措置.

Pure Python, no database: ``TownGenerator.stream()`` yields households whose persons
are dicts of COPY-ready text per column (``\\N`` for NULL); the loader only adds ids.
Everything is drawn from one ``random.Random`` seeded with (seed, population), so the
same seed, population, town and as-of date give the same rows; the town only changes
the address text.

The shape aims at a Japanese town in 2025 (国勢調査 2020 household types, 人口推計
2024 age structure): many one-person and elderly households, about 29% aged 65+, few
children, about 2.5% foreign residents, about 1% 除票 and a few 住登外 persons.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from random import Random
from typing import Any

from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai, JuminShubetsu, Sex, Zokugara
from juminkiroku.models import PersonFields
from juminkiroku.rules.kana import kana_key, name_key
from juminkiroku.synth import data
from juminkiroku.synth.data import ForeignName, Name, Nationality, Weighted
from tenants.atena_bango import SERIAL_DIGITS, m11w27_check_digit
from tenants.checkdigits import (
    JUMINHYO_CODE_WEIGHTS,
    KOJIN_BANGO_WEIGHTS,
    juminhyo_code_check_digit,
    kojin_bango_check_digit,
    weights_from_right,
)

NULL = "\\N"
DAYS_PER_YEAR = 365.2425
KANJI_DIGITS = "一二三四五六七八九"

# --- shares (documented in docs/benchmarks.md; checked by the tests) ----------------

FOREIGN_HOUSEHOLD_SHARE = 0.03
MIXED_MARRIAGE_SHARE = 0.012
KYUUJI_SHARE = 0.04
JOHYO_SHARE = 0.01
JUTOGAI_SHARE = 0.002
SHIEN_PER_RESIDENTS = 4000
APARTMENT_SHARE = {"young": 0.5, "family": 0.15, "old": 0.05}

HOUSEHOLD_TYPES: Weighted[str] = Weighted(
    ["single", "couple", "couple_kids", "single_parent", "three_gen", "other"],
    [0.35, 0.22, 0.23, 0.09, 0.07, 0.04],
)
KIDS = Weighted([1, 2, 3, 4], [0.42, 0.43, 0.13, 0.02])


def _groups(spec: list[tuple[int, int, float]]) -> Weighted[tuple[int, int]]:
    return Weighted([(lo, hi) for lo, hi, _ in spec], [w for _, _, w in spec])


# Age of the household head (years, inclusive ranges) per household type.
AGE_SINGLE = _groups(
    [
        (18, 19, 2), (20, 24, 10), (25, 29, 8), (30, 34, 5), (35, 39, 4), (40, 44, 4.5),
        (45, 49, 5.5), (50, 54, 6), (55, 59, 5.5), (60, 64, 6), (65, 69, 8), (70, 74, 11),
        (75, 79, 11), (80, 84, 10), (85, 89, 8), (90, 99, 4.5),
    ]
)  # fmt: skip
AGE_COUPLE = _groups(
    [
        (25, 29, 3), (30, 34, 3), (35, 39, 2), (40, 44, 2), (45, 49, 2), (50, 54, 3),
        (55, 59, 5), (60, 64, 8), (65, 69, 12), (70, 74, 18), (75, 79, 17), (80, 84, 13),
        (85, 89, 8), (90, 97, 3),
    ]
)  # fmt: skip
AGE_COUPLE_KIDS = _groups(
    [
        (28, 29, 3), (30, 34, 10), (35, 39, 14), (40, 44, 15), (45, 49, 16), (50, 54, 15),
        (55, 59, 11), (60, 64, 8), (65, 69, 5), (70, 74, 3),
    ]
)  # fmt: skip
AGE_SINGLE_PARENT = _groups(
    [
        (25, 29, 2), (30, 34, 6), (35, 39, 10), (40, 44, 12), (45, 49, 12), (50, 54, 10),
        (55, 59, 8), (60, 64, 8), (65, 69, 8), (70, 74, 9), (75, 79, 8), (80, 84, 6),
        (85, 89, 3),
    ]
)  # fmt: skip
AGE_DEATH = _groups([(65, 74, 2), (75, 84, 4), (85, 94, 4), (95, 102, 1)])
FOREIGN_KINDS = {
    "tokubetsu": Weighted(["single", "couple", "family"], [0.35, 0.4, 0.25]),
    "settled": Weighted(["single", "couple", "family"], [0.3, 0.25, 0.45]),
    "working": Weighted(["single", "couple", "family"], [0.5, 0.2, 0.3]),
}
JOHYO_WEIGHTS = [0.25, 0.3, 0.3, 0.15]
JOHYO_KINDS = Weighted(["widow", "child", "moved", "died"], JOHYO_WEIGHTS)

# Japan, 1 Oct 2024 (人口推計, rounded): share of the population per 5-year group.
# Used by the tests to check the generated pyramid, not by the generator.
TARGET_PYRAMID: dict[tuple[int, int], float] = {
    (0, 4): 3.3, (5, 9): 3.8, (10, 14): 4.2, (15, 19): 4.4, (20, 24): 5.0, (25, 29): 5.1,
    (30, 34): 5.0, (35, 39): 5.5, (40, 44): 6.1, (45, 49): 7.3, (50, 54): 7.8,
    (55, 59): 6.9, (60, 64): 6.1, (65, 69): 5.9, (70, 74): 7.0, (75, 79): 6.6,
    (80, 84): 4.9, (85, 89): 3.3, (90, 94): 1.6, (95, 120): 0.6,
}  # fmt: skip

PERMANENT = {"永住者", "特別永住者"}
ORDER_TEXT = [str(i) for i in range(20)]
# Who moved into a household whose other members were born in the town.
MARRIED_IN = frozenset(
    z.value
    for z in (
        Zokugara.TSUMA,
        Zokugara.OTTO,
        Zokugara.KO_NO_TSUMA,
        Zokugara.DOKYONIN,
        Zokugara.MITODOKE_TSUMA,
        Zokugara.TSUMA_NO_CHICHI,
        Zokugara.TSUMA_NO_HAHA,
    )
)
FOLLOWS_HEAD = {"永住者", "特別永住者", "定住者"}
YOUNG_SINGLE_STATUSES = {"技能実習", "特定技能", "留学"}


# --- check digits -----------------------------------------------------------------


class Modulus11Table:
    """A modulus-11 check digit ("zero" fold: remainder 0 or 1 → 0) by table lookup.

    The weighted sum of a number is the sum over its 5-digit blocks, so one table of
    10⁵ sums per block gives the check digit in three lookups instead of a loop over
    the digits. The weights are tenants.checkdigits' own; ``__init__`` verifies a sample
    against its functions, and the tests verify every generated code."""

    def __init__(self, weights: tuple[int, ...], reference: Any) -> None:
        if len(weights) > 15:
            raise ValueError("at most 15 digits")
        self.length = len(weights)
        # Three blocks from the right: digits 1–5, 6–10 and 11–15 (absent ones sum to 0).
        n = self.length
        blocks = [weights[max(0, n - 5) :], weights[max(0, n - 10) : max(0, n - 5)]]
        blocks.append(weights[: max(0, n - 10)])
        tables: list[list[int]] = []
        for block in blocks:
            table = [0]
            for w in block:  # sums digit by digit, most significant first
                table = [t + d * w for t in table for d in range(10)]
            tables.append(table)
        self.low, self.mid, self.high = tables
        self.fold = [0 if r <= 1 else 11 - r for r in range(11)]
        for probe in (0, 1, 1234567890, 9876543210, 31415926535, 27182818284, 99999999999):
            probe %= 10**self.length
            text = f"{probe:0{self.length}d}"
            if self.digit(probe) != reference(text):
                raise AssertionError(f"check digit table disagrees for {text}")

    def number(self, serial: int) -> str:
        """``serial`` zero-padded to the table's length, followed by its check digit."""
        return f"{serial:0{self.length}d}{self.digit(serial)}"

    def digit(self, number: int) -> int:
        return self.fold[
            (
                self.low[number % 100000]
                + self.mid[number // 100000 % 100000]
                + self.high[number // 10000000000]
            )
            % 11
        ]


JUMINHYO_CHECK = Modulus11Table(JUMINHYO_CODE_WEIGHTS, juminhyo_code_check_digit)
KOJIN_BANGO_CHECK = Modulus11Table(KOJIN_BANGO_WEIGHTS, kojin_bango_check_digit)
# 宛名番号 / 世帯番号 (tenants.atena_bango: M11W2-7 over a 9-digit serial).
ATENA_NO_CHECK = Modulus11Table(
    weights_from_right(SERIAL_DIGITS, (2, 3, 4, 5, 6, 7)), m11w27_check_digit
)


# --- the town ------------------------------------------------------------------------


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


def _base_row() -> dict[str, Any]:
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


# --- the generator -------------------------------------------------------------------


class TownGenerator:
    def __init__(self, *, population: int, seed: int, on: date, town: TownInfo) -> None:
        self.rng = Random(f"juminkiroku.synth:{seed}:{population}")  # noqa: S311 (not crypto)
        self.population = population
        self.on = on
        self.on_ord = on.toordinal()
        self.on_iso = on.isoformat()
        self.town = town
        self.base = _base_row()
        self.surnames = data.surnames()
        self.male = data.given_male()
        self.female = data.given_female()
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
        self.iso_cache: dict[int, str] = {}
        self.name_cache: dict[str, str] = {}
        self.chiku: list[ChikuRow] = []
        self.jisho: list[JishoRow] = []
        self.jisho_table: Weighted[JishoRow] | None = None
        self.build_jisho()

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
        """kana_key and name_key of a full name from its parts' keys (cached): the keys
        drop spaces and fold characters one by one, so key(姓 名) = key(姓) + key(名)
        for the tables' full-width names (the tests check every row against the rules)."""
        kc, nc = self.kana_cache, self.name_cache
        sk = kc.get(surname[1]) or kc.setdefault(surname[1], kana_key(surname[1]))
        gk = kc.get(given[1]) or kc.setdefault(given[1], kana_key(given[1]))
        sn = nc.get(surname[0]) or nc.setdefault(surname[0], name_key(surname[0]))
        gn = nc.get(given[0]) or nc.setdefault(given[0], name_key(given[0]))
        return sk + gk, sn + gn

    # -- 住所辞書 --

    def build_jisho(self) -> None:
        rng = self.rng
        target = max(20, min(60, 20 + self.population // 9000))
        pool = list(data.chomei_pool())
        rng.shuffle(pool)
        chosen: list[tuple[data.Chomei, int]] = []  # (町字, 丁目 or 0)
        for c in pool:
            if len(chosen) >= target:
                break
            if c.chome:
                for n in range(1, self.ri(2, 4) + 1):
                    chosen.append((c, n))
            else:
                chosen.append((c, 0))
        chosen = chosen[:target]
        n_chiku = max(3, min(8, 3 + len(chosen) // 12))
        per = -(-len(chosen) // n_chiku)
        postal_area, postal_start = self.town.postal_base[:3], int(self.town.postal_base[3:])
        postal_of: dict[str, str] = {}
        serial_of: dict[str, int] = {}
        for i, (c, chome) in enumerate(chosen):
            chiku_no = i // per + 1
            code = f"{chiku_no:02d}"
            if len(self.chiku) < chiku_no:
                self.chiku.append(ChikuRow(code=code, name=f"{c.name}地区"))
            if c.name not in postal_of:
                postal_of[c.name] = f"{postal_area}{(postal_start + len(postal_of)) % 10000:04d}"
                serial_of[c.name] = len(serial_of) + 1
            name = f"{c.name}{KANJI_DIGITS[chome - 1]}丁目" if chome else c.name
            kana = f"{c.kana}{_CHOME_KANA[chome - 1]}チョウメ" if chome else c.kana
            self.jisho.append(
                JishoRow(
                    jusho_code=f"{serial_of[c.name]:04d}{chome:03d}",
                    postal_code=postal_of[c.name],
                    name=name,
                    kana=kana,
                    chiku_code=code,
                    chome=bool(chome),
                    base_name=c.name,
                )
            )
        # Some 町字 are much bigger than others.
        weights = [rng.lognormvariate(0.0, 0.6) for _ in self.jisho]
        self.jisho_table = Weighted(self.jisho, weights)

    def address(self, kind: str) -> dict[str, str]:
        assert self.jisho_table is not None
        rng = self.rng
        entry = self.jisho_table.pick(rng)
        katagaki = ""
        if rng.random() < APARTMENT_SHARE[kind]:
            if entry.buildings and rng.random() < 0.8:
                building, banchi = rng.choice(entry.buildings)
            else:
                prefix = rng.choice(data.apartment_prefixes())
                building = f"{prefix}{entry.base_name}" + (
                    "" if rng.random() < 0.6 else KANJI_DIGITS[len(entry.buildings) % 9]
                )
                banchi = self.banchi(entry)
                entry.buildings.append((building, banchi))
            katagaki = f"{building}　{self.ri(1, 4)}{self.ri(1, 8):02d}号室"
        else:
            banchi = self.banchi(entry)
        return {
            "postal_code": entry.postal_code,
            "jusho_code": entry.jusho_code,
            "jusho": f"{self.town.prefix}{entry.name}",
            "banchi": banchi,
            "katagaki": katagaki,
            "chiku_code": entry.chiku_code,
        }

    def banchi(self, entry: JishoRow) -> str:
        rng = self.rng
        if entry.chome:
            return f"{self.ri(1, 28)}番{self.ri(1, 30)}号"
        main = f"{self.ri(1, 2999)}番地"
        return main + (str(self.ri(1, 30)) if rng.random() < 0.55 else "")

    def honseki(self) -> str:
        assert self.jisho_table is not None
        if self.rng.random() < 0.45:
            entry = self.jisho_table.pick(self.rng)
            return f"{self.town.prefix}{entry.base_name}{self.ri(1, 2999)}番地"
        return self.place()

    # -- persons --

    def person(
        self,
        *,
        sex: str,
        birth_ord: int,
        zokugara: str,
        surname: Name,
        given: Name | None = None,
    ) -> dict[str, Any]:
        g = given or self.given(sex, birth_ord)
        p = self.base.copy()
        shimei = f"{surname.kanji}　{g.kanji}"
        kana = f"{surname.kana}　{g.kana}"
        p["shimei"] = shimei
        p["shimei_kana"] = kana
        p["sex"] = sex
        p["birth_date"] = self.iso(birth_ord)
        p["zokugara"] = zokugara
        p["_birth"] = birth_ord
        p["_surname"] = surname
        p["kana_key"], p["name_key"] = self.keys((surname.kanji, surname.kana), (g.kanji, g.kana))
        return p

    def foreign_person(
        self,
        *,
        nat: Nationality,
        status: str,
        sex: str,
        birth_ord: int,
        zokugara: str,
        surname: ForeignName,
    ) -> dict[str, Any]:
        rng = self.rng
        g = rng.choice(nat.male if sex == Sex.MALE else nat.female)
        p = self.base.copy()
        alpha = f"{surname.alpha} {g.alpha}"
        shimei = f"{surname.kanji}　{g.kanji}" if nat.kanji else alpha
        kana = f"{surname.kana}　{g.kana}"
        p["shubetsu"] = JuminShubetsu.GAIKOKUJIN.value
        p["shimei"] = shimei
        p["shimei_kana"] = kana
        p["alpha_name"] = alpha
        p["kokuseki"] = nat.kokuseki
        p["zairyu_shikaku"] = status
        if status not in PERMANENT:
            p["zairyu_kikan_to"] = self.iso(self.on_ord + self.ri(30, 1095))
        p["zairyu_card_no"] = self.zairyu_card_no()
        if status == "特別永住者" and rng.random() < 0.6:
            sur = self.surnames.pick(rng)
            tg = self.given(sex, birth_ord)
            p["tsusho"] = f"{sur.kanji}　{tg.kanji}"
            p["tsusho_kana"] = f"{sur.kana}　{tg.kana}"
        p["sex"] = sex
        p["birth_date"] = self.iso(birth_ord)
        p["zokugara"] = zokugara
        p["_birth"] = birth_ord
        p["_surname"] = None
        p["kana_key"], p["name_key"] = self.keys(
            (surname.kanji if nat.kanji else surname.alpha, surname.kana),
            (g.kanji if nat.kanji else g.alpha, g.kana),
        )
        return p

    def fullname(self, surname: Name, sex: str, birth_ord: int) -> str:
        """The name of someone not in the registry (a 筆頭者 who died or lives elsewhere)."""
        return f"{surname.kanji}　{self.given(sex, birth_ord).kanji}"

    def opposite(self, sex: str) -> str:
        return Sex.FEMALE.value if sex == Sex.MALE else Sex.MALE.value

    def spouse_birth(self, head: dict[str, Any], *, younger: bool) -> int:
        gap = self.rng.gauss(2.5, 3.0)
        age = (self.on_ord - head["_birth"]) / DAYS_PER_YEAR + (-gap if younger else gap)
        return self.birth_ord(max(19.0, age))

    def children(
        self, mother_birth: int, count: int, surname: Name, zokugara: str
    ) -> list[dict[str, Any]]:
        rng = self.rng
        mother_age = (self.on_ord - mother_birth) / DAYS_PER_YEAR
        kids: list[dict[str, Any]] = []
        for _ in range(count):
            at_birth = min(45.0, max(19.0, rng.gauss(31.0, 4.5)))
            age = mother_age - at_birth
            if age < 0:
                continue
            if age > 45:
                continue
            sex = Sex.MALE.value if rng.random() < 0.512 else Sex.FEMALE.value
            kids.append(
                self.person(
                    sex=sex, birth_ord=self.birth_ord(age), zokugara=zokugara, surname=surname
                )
            )
        kids.sort(key=lambda k: k["_birth"])
        return kids

    # -- households --

    def household(self) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() < FOREIGN_HOUSEHOLD_SHARE:
            return self.foreign_household()
        kind = HOUSEHOLD_TYPES.pick(rng)
        sur = self.surnames.pick(rng)
        M, F = Sex.MALE.value, Sex.FEMALE.value
        if kind == "single":
            age = self.age_in(AGE_SINGLE)
            male_share = 0.6 if age < 60 else 0.5 if age < 70 else 0.3
            sex = M if rng.random() < male_share else F
            head = self.person(
                sex=sex, birth_ord=self.birth_ord(age), zokugara=Zokugara.HONNIN, surname=sur
            )
            members = [head]
            if age >= 70 and sex == F and rng.random() < 0.6:
                head["hittosha"] = self.fullname(sur, M, head["_birth"] - 900)
            elif age < 40 and rng.random() < 0.7:
                head["hittosha"] = self.fullname(sur, M, head["_birth"] - 11000)
            self._finish(members, "young" if age < 40 else "old" if age >= 65 else "family")
            return members
        if kind in ("couple", "couple_kids"):
            age = self.age_in(AGE_COUPLE if kind == "couple" else AGE_COUPLE_KIDS)
            members = self.couple(sur, age)
            if kind == "couple_kids":
                mother = members[1] if len(members) > 1 else members[0]
                members += self.children(mother["_birth"], KIDS.pick(rng), sur, Zokugara.KO)
            self._finish(members, "family" if age < 65 else "old")
            return members
        if kind == "single_parent":
            age = self.age_in(AGE_SINGLE_PARENT)
            sex = F if rng.random() < 0.82 else M
            head = self.person(
                sex=sex, birth_ord=self.birth_ord(age), zokugara=Zokugara.HONNIN, surname=sur
            )
            mother_birth = head["_birth"] if sex == F else self.spouse_birth(head, younger=True)
            kids = self.children(mother_birth, 1 if rng.random() < 0.6 else 2, sur, Zokugara.KO)
            if not kids:
                kids = self.children(head["_birth"] - 4000, 1, sur, Zokugara.KO)
            members = [head, *kids]
            if sex == F and rng.random() < 0.5:
                hittosha = self.fullname(sur, M, head["_birth"] - 900)
                for m in members:
                    m["hittosha"] = hittosha
            self._finish(members, "family")
            return members
        if kind == "three_gen":
            members = self.three_gen(sur)
            self._finish(members, "family")
            return members
        members = self.other(sur)
        self._finish(members, "family")
        return members

    def couple(self, sur: Name, age: int) -> list[dict[str, Any]]:
        rng = self.rng
        M, F = Sex.MALE.value, Sex.FEMALE.value
        husband_head = rng.random() < 0.92
        husband = self.person(
            sex=M,
            birth_ord=self.birth_ord(age),
            zokugara=Zokugara.HONNIN if husband_head else Zokugara.OTTO,
            surname=sur,
        )
        wife_z = Zokugara.TSUMA if husband_head else Zokugara.HONNIN
        if rng.random() < MIXED_MARRIAGE_SHARE:
            nat = self.nationalities.pick(rng)
            status = "日本人の配偶者等" if age < 55 else "永住者"
            wife = self.foreign_person(
                nat=nat,
                status=status,
                sex=F,
                birth_ord=self.spouse_birth(husband, younger=True),
                zokugara=wife_z,
                surname=rng.choice(nat.surnames),
            )
        else:
            wife = self.person(
                sex=F,
                birth_ord=self.spouse_birth(husband, younger=True),
                zokugara=wife_z,
                surname=sur,
            )
            self.maybe_kyuuji(wife, sur)
        return [husband, wife] if husband_head else [wife, husband]

    def maybe_kyuuji(self, wife: dict[str, Any], sur: Name) -> None:
        if self.rng.random() < KYUUJI_SHARE:
            maiden = self.surnames.pick(self.rng)
            if maiden != sur:
                wife["kyuuji"] = maiden.kanji
                wife["kyuuji_kana"] = maiden.kana

    def three_gen(self, sur: Name) -> list[dict[str, Any]]:
        rng = self.rng
        M, F = Sex.MALE.value, Sex.FEMALE.value
        if rng.random() < 0.6:
            # 世帯主 in the middle: spouse, children, and the 世帯主's (or wife's) parents.
            age = self.ri(38, 62)
            members = self.couple(sur, age)
            head = members[0] if members[0]["zokugara"] == Zokugara.HONNIN else members[1]
            wife = members[1] if members[0] is head else members[0]
            kids = self.children(wife["_birth"], KIDS.pick(rng), sur, Zokugara.KO)
            wifes_side = rng.random() < 0.15 and wife["_surname"] is not None
            psur = self.surnames.pick(rng) if wifes_side else sur
            base = wife if wifes_side else head
            parent_age = (self.on_ord - base["_birth"]) / DAYS_PER_YEAR + rng.gauss(29.0, 4.0)
            parents: list[dict[str, Any]] = []
            father_z = Zokugara.TSUMA_NO_CHICHI if wifes_side else Zokugara.CHICHI
            mother_z = Zokugara.TSUMA_NO_HAHA if wifes_side else Zokugara.HAHA
            has_father = rng.random() < 0.5
            if has_father:
                parents.append(
                    self.person(
                        sex=M,
                        birth_ord=self.birth_ord(min(100.0, parent_age + 2)),
                        zokugara=father_z,
                        surname=psur,
                    )
                )
            if not has_father or rng.random() < 0.85:
                parents.append(
                    self.person(
                        sex=F,
                        birth_ord=self.birth_ord(min(102.0, parent_age)),
                        zokugara=mother_z,
                        surname=psur,
                    )
                )
            hittosha = (
                parents[0]["shimei"]
                if has_father
                else self.fullname(psur, M, parents[0]["_birth"] - 900)
            )
            for p in parents:
                p["hittosha"] = hittosha
                if wifes_side:
                    p["honseki"] = self.honseki()
            return [*members, *kids, *parents]
        # 世帯主 is the elder: spouse, a son with his wife, and grandchildren.
        age = self.ri(62, 84)
        members = self.couple(sur, age) if rng.random() < 0.8 else []
        if not members:
            members = [
                self.person(
                    sex=F, birth_ord=self.birth_ord(age), zokugara=Zokugara.HONNIN, surname=sur
                )
            ]
        mother = members[1] if len(members) > 1 else members[0]
        if mother["sex"] != F:
            mother = members[0]
        sons = self.children(mother["_birth"], 2, sur, Zokugara.KO)
        son = next((k for k in sons if self.on_ord - k["_birth"] > 26 * DAYS_PER_YEAR), None)
        if son is None:
            return members
        son["sex"] = M
        son["shimei"], son["shimei_kana"] = self._rename(son, sur, M)
        daughter_in_law = self.person(
            sex=F,
            birth_ord=self.spouse_birth(son, younger=True),
            zokugara=Zokugara.KO_NO_TSUMA,
            surname=sur,
        )
        self.maybe_kyuuji(daughter_in_law, sur)
        count = KIDS.pick(rng) - 1 + int(rng.random() < 0.6)
        grandkids = self.children(daughter_in_law["_birth"], count, sur, Zokugara.MAGO)
        young = [son, daughter_in_law, *grandkids]
        for p in young:
            p["hittosha"] = son["shimei"]
        return [*members, *young]

    def _rename(self, p: dict[str, Any], sur: Name, sex: str) -> tuple[str, str]:
        g = self.given(sex, p["_birth"])
        shimei, kana = f"{sur.kanji}　{g.kanji}", f"{sur.kana}　{g.kana}"
        p["kana_key"], p["name_key"] = self.keys((sur.kanji, sur.kana), (g.kanji, g.kana))
        return shimei, kana

    def other(self, sur: Name) -> list[dict[str, Any]]:
        rng = self.rng
        M, F = Sex.MALE.value, Sex.FEMALE.value
        r = rng.random()
        if r < 0.4:  # siblings
            age = self.ri(45, 85)
            sex = M if rng.random() < 0.5 else F
            head = self.person(
                sex=sex, birth_ord=self.birth_ord(age), zokugara=Zokugara.HONNIN, surname=sur
            )
            other_age = max(18, age + rng.choice([-1, 1]) * self.ri(1, 10))
            other_sex = M if rng.random() < 0.5 else F
            older = other_age > age
            z = {
                (True, M): Zokugara.ANI,
                (True, F): Zokugara.ANE,
                (False, M): Zokugara.OTOTO,
                (False, F): Zokugara.IMOTO,
            }[(older, other_sex)]
            sib = self.person(
                sex=other_sex, birth_ord=self.birth_ord(other_age), zokugara=z, surname=sur
            )
            return [head, sib]
        if r < 0.7:  # 同居人
            age = self.ri(24, 48)
            head = self.person(
                sex=M if rng.random() < 0.5 else F,
                birth_ord=self.birth_ord(age),
                zokugara=Zokugara.HONNIN,
                surname=sur,
            )
            mate = self.person(
                sex=M if rng.random() < 0.5 else F,
                birth_ord=self.birth_ord(max(20, age + self.ri(-5, 5))),
                zokugara=Zokugara.DOKYONIN,
                surname=self.surnames.pick(rng),
            )
            mate["honseki"] = self.honseki()
            return [head, mate]
        age = self.ri(30, 72)  # 未届の妻
        head = self.person(
            sex=M, birth_ord=self.birth_ord(age), zokugara=Zokugara.HONNIN, surname=sur
        )
        partner = self.person(
            sex=F,
            birth_ord=self.spouse_birth(head, younger=True),
            zokugara=Zokugara.MITODOKE_TSUMA,
            surname=self.surnames.pick(rng),
        )
        partner["honseki"] = self.honseki()
        return [head, partner]

    def foreign_household(self) -> list[dict[str, Any]]:
        rng = self.rng
        M, F = Sex.MALE.value, Sex.FEMALE.value
        nat = self.nationalities.pick(rng)
        status = nat.statuses.pick(rng)
        if status in ("家族滞在", "日本人の配偶者等"):
            status = "永住者" if rng.random() < 0.5 else "技術・人文知識・国際業務"
        if status in YOUNG_SINGLE_STATUSES:
            age, kind = self.ri(19, 33), "single"
        elif status == "特別永住者":
            age = self.age_in(AGE_COUPLE)
            kind = FOREIGN_KINDS["tokubetsu"].pick(rng)
        elif status in PERMANENT or status == "定住者":
            age = self.ri(28, 70)
            kind = FOREIGN_KINDS["settled"].pick(rng)
        else:
            age = self.ri(24, 50)
            kind = FOREIGN_KINDS["working"].pick(rng)
        single_male = 0.55 if status in YOUNG_SINGLE_STATUSES else 0.5
        sex = M if kind != "single" or rng.random() < single_male else F
        sur = rng.choice(nat.surnames)
        head = self.foreign_person(
            nat=nat,
            status=status,
            sex=sex,
            birth_ord=self.birth_ord(age),
            zokugara=Zokugara.HONNIN,
            surname=sur,
        )
        members = [head]
        follower = status if status in FOLLOWS_HEAD else "家族滞在"
        if kind in ("couple", "family"):
            wife = self.foreign_person(
                nat=nat,
                status=follower,
                sex=F,
                birth_ord=self.spouse_birth(head, younger=True),
                zokugara=Zokugara.TSUMA,
                surname=rng.choice(nat.surnames) if nat.kanji else sur,
            )
            members.append(wife)
            if kind == "family":
                mother_age = (self.on_ord - wife["_birth"]) / DAYS_PER_YEAR
                for _ in range(1 if rng.random() < 0.55 else 2):
                    at_birth = rng.uniform(22.0, 38.0)
                    if mother_age - at_birth < 0:
                        continue
                    members.append(
                        self.foreign_person(
                            nat=nat,
                            status=follower,
                            sex=M if rng.random() < 0.512 else F,
                            birth_ord=self.birth_ord(min(25.0, mother_age - at_birth)),
                            zokugara=Zokugara.KO,
                            surname=sur,
                        )
                    )
        self._finish(members, "young" if age < 40 else "family", foreign=status)
        return members

    def _finish(self, members: list[dict[str, Any]], kind: str, foreign: str = "") -> None:
        """Address, dates, 本籍 and numbers shared by a household."""
        rng = self.rng
        addr = self.address(kind)
        head = members[0]
        oldest = min(m["_birth"] for m in members)
        head_age = (self.on_ord - head["_birth"]) / DAYS_PER_YEAR
        if foreign and foreign not in PERMANENT:
            span = min(max(head_age - 18.0, 0.2), 8.0)
            native = False
        elif foreign == "特別永住者":
            native = rng.random() < 0.5
            span = max(head_age - 18.0, 0.5)
        else:
            native = rng.random() < 0.22
            span = min(max(head_age - 18.0, 0.5), 55.0)
        if native:
            settled = oldest
        else:
            settled = self.on_ord - int((rng.random() ** 1.4) * span * DAYS_PER_YEAR) - 1
        former = ""
        if not native:
            if foreign in YOUNG_SINGLE_STATUSES and rng.random() < 0.5:
                former = members[0]["kokuseki"]
            else:
                former = self.place()
        moved_within = rng.random() < 0.1
        honseki = "" if foreign else self.honseki()
        head_name = head["shimei"]
        head_surname = head["_surname"]
        on_ord = self.on_ord
        iso = self.iso
        random = rng.random
        for order, m in enumerate(members, start=1):
            m.update(addr)
            m["setai_order"] = ORDER_TEXT[order] if order < 20 else str(order)
            birth = m["_birth"]
            if native and m["zokugara"] in MARRIED_IN:
                # Married into (or moved into) a native household.
                jumin = min(on_ord - 1, birth + int((22 + 12 * random()) * DAYS_PER_YEAR))
                m["tennyu_mae_jusho"] = self.place()
            elif birth >= settled:
                jumin = birth
            else:
                jumin = settled
                m["tennyu_mae_jusho"] = former
            m["_valid_from"] = jumin
            m["jumin_date"] = jumin_text = iso(jumin)
            if moved_within and jumin < on_ord - 60:
                jutei = jumin + int(random() * (on_ord - 30 - jumin + 1))
                m["jutei_date"] = iso(jutei)
            else:
                jutei = jumin
                m["jutei_date"] = jumin_text
            m["todoke_date"] = iso(min(on_ord, jutei + int(random() * 14)))
            m["juminhyo_code"] = self.juminhyo_code()
            m["kojin_bango"] = self.kojin_bango()
            if m["shubetsu"] == "1":
                if not m["honseki"]:
                    m["honseki"] = honseki
                if not m["hittosha"]:
                    m["hittosha"] = head_name if m["_surname"] == head_surname else m["shimei"]

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
        while remaining > 0:
            members = self.household()
            if not members:
                continue
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
            for m in members:
                self.count += 1
                if (
                    len(self.shien) < shien_target * progress
                    and m["sex"] == Sex.FEMALE
                    and m["jotai"] == JuminJotai.JUMIN
                    and m["shubetsu"] == JuminShubetsu.NIHONJIN
                    and 20 * DAYS_PER_YEAR <= self.on_ord - m["_birth"] <= 55 * DAYS_PER_YEAR
                ):
                    self.add_shien(self.count - 1)
            self.households += 1
            yield members
        for kind in ("moved", "died"):
            for _ in range(round(quota[kind])):
                yield [self.johyo_single(old=kind == "died")]
                self.count += 1
                self.households += 1
        self.johyo_count = sum(made.values()) + round(quota["moved"]) + round(quota["died"])
        del rng

    def jutogai_persons(self) -> list[dict[str, Any]]:
        return [
            self.jutogai_person() for _ in range(max(1, round(self.population * JUTOGAI_SHARE)))
        ]

    def add_shien(self, index: int) -> None:
        start = self.on_ord - self.ri(0, 330)
        self.shien.append(
            ShienRow(
                person_index=index,
                start=date.fromordinal(start),
                end=date.fromordinal(start + 364),
                moshide=date.fromordinal(start - self.ri(0, 10)),
            )
        )

    def shojo_ord(self) -> int:
        return self.on_ord - self.ri(5, 3 * 365)

    def attach_dead_spouse(self, members: list[dict[str, Any]]) -> bool:
        """The spouse of an elderly person now living alone, who died here (死亡)."""
        rng = self.rng
        survivor = members[0]
        shojo = self.shojo_ord()
        sex = self.opposite(survivor["sex"])
        gap = rng.gauss(2.5, 3.0) * (1 if sex == Sex.MALE else -1)
        age_then = (shojo - survivor["_birth"]) / DAYS_PER_YEAR + gap
        p = self.person(
            sex=sex,
            birth_ord=shojo - int((age_then + rng.random()) * DAYS_PER_YEAR),
            zokugara=Zokugara.OTTO if sex == Sex.MALE else Zokugara.TSUMA,
            surname=survivor["_surname"],
        )
        self._copy_household(p, survivor, order=2)
        if sex == Sex.MALE:
            survivor["hittosha"] = p["shimei"]
            p["hittosha"] = p["shimei"]
        self._close(p, shojo, IdoJiyu.SHIBO, JuminJotai.SHIBO)
        members.append(p)
        return True

    def attach_moved_child(self, members: list[dict[str, Any]]) -> bool:
        """A grown child who moved out of the family's household (転出)."""
        head = members[0]
        mother = members[1] if members[1]["sex"] == Sex.FEMALE else head
        shojo = self.shojo_ord()
        kids = self.children(mother["_birth"], 1, head["_surname"], Zokugara.KO)
        if not kids or shojo - kids[0]["_birth"] < 18 * DAYS_PER_YEAR:
            return False
        p = kids[0]
        self._copy_household(p, head, order=len(members) + 1)
        p["hittosha"] = head["hittosha"]
        p["honseki"] = head["honseki"]
        p["tenshutsu_saki_jusho"] = self.place()
        self._close(p, shojo, IdoJiyu.TENSHUTSU, JuminJotai.TENSHUTSU)
        members.append(p)
        return True

    def johyo_single(self, *, old: bool) -> dict[str, Any]:
        """A one-person household that is gone: an elderly person who died, or a young
        one who moved away."""
        rng = self.rng
        shojo = self.shojo_ord()
        age = self.age_in(AGE_DEATH) if old else self.ri(19, 40)
        female = rng.random() < (0.6 if old else 0.4)
        p = self.person(
            sex=Sex.FEMALE.value if female else Sex.MALE.value,
            birth_ord=shojo - int((age + rng.random()) * DAYS_PER_YEAR),
            zokugara=Zokugara.HONNIN,
            surname=self.surnames.pick(rng),
        )
        self._finish([p], "old" if old else "young")
        if p["_valid_from"] >= shojo:
            p["_valid_from"] = shojo - self.ri(200, 2000)
            p["jumin_date"] = p["jutei_date"] = p["todoke_date"] = self.iso(p["_valid_from"])
        if old:
            self._close(p, shojo, IdoJiyu.SHIBO, JuminJotai.SHIBO)
        else:
            p["tenshutsu_saki_jusho"] = self.place()
            self._close(p, shojo, IdoJiyu.TENSHUTSU, JuminJotai.TENSHUTSU)
        return p

    def _copy_household(self, p: dict[str, Any], other: dict[str, Any], order: int) -> None:
        for key in (
            "postal_code",
            "jusho_code",
            "jusho",
            "banchi",
            "katagaki",
            "chiku_code",
            "jumin_date",
            "jutei_date",
            "todoke_date",
            "tennyu_mae_jusho",
            "honseki",
            "hittosha",
            "_valid_from",
        ):
            p[key] = other[key]
        if p["_birth"] > p["_valid_from"]:
            p["_valid_from"] = p["_birth"]
            p["jumin_date"] = p["jutei_date"] = p["todoke_date"] = self.iso(p["_birth"])
            p["tennyu_mae_jusho"] = ""
        p["setai_order"] = str(order)
        p["juminhyo_code"] = self.juminhyo_code()
        p["kojin_bango"] = self.kojin_bango()

    def _close(self, p: dict[str, Any], shojo: int, jiyu: str, jotai: str) -> None:
        """Make ``p`` a 除票: the first version is the resident, the second the 消除."""
        if shojo <= p["_valid_from"]:
            shojo = min(self.on_ord, p["_valid_from"] + 30)
        before = {
            "jotai": p["jotai"],
            "shojo_date": NULL,
            "shojo_jiyu": "",
            "tenshutsu_saki_jusho": "",
            "todoke_date": p["todoke_date"],
        }
        p["_before"] = before
        p["_shojo"] = shojo
        p["jotai"] = str(jotai)
        p["shojo_date"] = self.iso(shojo)
        p["shojo_jiyu"] = str(jiyu)
        p["todoke_date"] = self.iso(min(self.on_ord, shojo + self.ri(0, 13)))

    def jutogai_person(self) -> dict[str, Any]:
        """住登外者: someone the town deals with (a landowner, a taxpayer) living elsewhere."""
        rng = self.rng
        sex = Sex.MALE.value if rng.random() < 0.6 else Sex.FEMALE.value
        age = self.ri(30, 88)
        p = self.person(
            sex=sex,
            birth_ord=self.birth_ord(age),
            zokugara="",
            surname=self.surnames.pick(rng),
        )
        p["kubun"] = AtenaKubun.JUTOGAI.value
        p["jotai"] = JuminJotai.JUTOGAI.value
        p["jusho"] = self.places.pick(rng)
        p["banchi"] = f"{self.ri(1, 3999)}番地"
        p["kojin_bango"] = self.kojin_bango()
        return p


_CHOME_KANA = ["イッ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハッ", "キュウ"]


def town_generator(*, population: int, seed: int, on: date, town: TownInfo) -> TownGenerator:
    """A generator of ``population`` residents of ``town`` as of ``on``; its 住所辞書 is
    built at once (``chiku``, ``jisho``), the persons come from ``stream()``."""
    if population < 1:
        raise ValueError("人口は1以上を指定してください。")
    return TownGenerator(population=population, seed=seed, on=on, town=town)
