"""除票 (a dead spouse, a child who moved out, one-person 除票), 住登外 persons and
支援措置 of the synthetic town.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai, Sex, Zokugara
from juminkiroku.synth.households import HouseholdDraws
from juminkiroku.synth.shape import (
    AGE_DEATH,
    DAYS_PER_YEAR,
    FEMALE,
    JUTOGAI_SHARE,
    MALE,
    NULL,
)
from juminkiroku.synth.town import ShienRow


class JohyoDraws(HouseholdDraws):
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
            sex=FEMALE if female else MALE,
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
        sex = MALE if rng.random() < 0.6 else FEMALE
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
