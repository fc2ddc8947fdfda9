"""One person at a time: Japanese and foreign residents, spouses and children."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from juminkiroku.codes import JuminShubetsu, Sex
from juminkiroku.rules.kana import name_key
from juminkiroku.synth.addresses import AddressDraws
from juminkiroku.synth.base import GENERATION_STARTS
from juminkiroku.synth.data import ForeignName, Name, Nationality
from juminkiroku.synth.shape import (
    DAYS_PER_YEAR,
    FEMALE,
    MALE,
    PERMANENT,
)


class PersonDraws(AddressDraws):
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
        if given is None:  # self.given(sex, birth_ord), inline
            w = (self.male_by_cohort if sex == MALE else self.female_by_cohort)[
                bisect_right(GENERATION_STARTS, birth_ord)
            ]
            given = w.padded[bisect_right(w.cum, self.rng.random() * w.total)]
        sk, sn, gk, gn = surname.kanji, surname.kana, given.kanji, given.kana
        p = self.base.copy()
        p["shimei"] = f"{sk}　{gk}"
        p["shimei_kana"] = f"{sn}　{gn}"
        p["sex"] = sex
        p["birth_date"] = self.iso(birth_ord)
        p["zokugara"] = zokugara
        p["_birth"] = birth_ord
        p["_surname"] = surname
        # self.keys(...), inline.
        kc, nc = self.kana_cache, self.name_cache
        pair = f"{sn}\t{gn}"
        kana = kc.get(pair)
        if kana is None:
            kana = kc[pair] = self.pair_kana_key(sn, gn)
        kn = nc.get(sk)
        if kn is None:
            kn = nc[sk] = name_key(sk)
        gnk = nc.get(gk)
        if gnk is None:
            gnk = nc[gk] = name_key(gk)
        p["kana_key"] = kana
        p["name_key"] = kn + gnk
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
        return FEMALE if sex == MALE else MALE

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
            sex = MALE if rng.random() < 0.512 else FEMALE
            kids.append(
                self.person(
                    sex=sex, birth_ord=self.birth_ord(age), zokugara=zokugara, surname=surname
                )
            )
        kids.sort(key=lambda k: k["_birth"])
        return kids
