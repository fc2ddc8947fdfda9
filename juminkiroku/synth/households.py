"""Households by type (single, couple, with children, three generations, foreign …)
and what their members share (address, dates, 本籍, numbers).
"""

from __future__ import annotations

from typing import Any

from juminkiroku.codes import Zokugara
from juminkiroku.synth.checks import JUMINHYO_CHECK, KOJIN_BANGO_CHECK
from juminkiroku.synth.data import Name
from juminkiroku.synth.persons import PersonDraws
from juminkiroku.synth.shape import (
    AGE_COUPLE,
    AGE_COUPLE_KIDS,
    AGE_SINGLE,
    AGE_SINGLE_PARENT,
    DAYS_PER_YEAR,
    FEMALE,
    FOLLOWS_HEAD,
    FOREIGN_HOUSEHOLD_SHARE,
    FOREIGN_KINDS,
    HOUSEHOLD_TYPES,
    KIDS,
    KYUUJI_SHARE,
    MALE,
    MARRIED_IN,
    MIXED_MARRIAGE_SHARE,
    ORDER_TEXT,
    PERMANENT,
    YOUNG_SINGLE_STATUSES,
)


class HouseholdDraws(PersonDraws):
    # -- households --

    def household(self) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() < FOREIGN_HOUSEHOLD_SHARE:
            return self.foreign_household()
        kind = HOUSEHOLD_TYPES.pick(rng)
        sur = self.surnames.pick(rng)
        M, F = MALE, FEMALE
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
        M, F = MALE, FEMALE
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
        M, F = MALE, FEMALE
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
            father_z = Zokugara.TSUMA + Zokugara.CHICHI if wifes_side else Zokugara.CHICHI
            mother_z = Zokugara.TSUMA + Zokugara.HAHA if wifes_side else Zokugara.HAHA
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
        grandkids = self.children(
            daughter_in_law["_birth"], count, sur, Zokugara.KO + Zokugara.KO
        )  # 孫 is 子の子 (1.1.11)
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
        M, F = MALE, FEMALE
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
        M, F = MALE, FEMALE
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
        oldest = min([m["_birth"] for m in members])
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
        # The 住民票コード and 個人番号 draws of juminhyo_code / kojin_bango, inline, and
        # their check digits (Modulus11Table.digit, inline: a 10-digit 住民票コード body
        # has no third block).
        jcodes, kbangos = self.jcodes, self.kbangos
        j_low, j_mid, j_fold = JUMINHYO_CHECK.low, JUMINHYO_CHECK.mid, JUMINHYO_CHECK.fold
        k_low, k_mid, k_high = KOJIN_BANGO_CHECK.low, KOJIN_BANGO_CHECK.mid, KOJIN_BANGO_CHECK.high
        k_fold = KOJIN_BANGO_CHECK.fold
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
            todoke = jutei + int(random() * 14)
            m["todoke_date"] = iso(todoke if todoke < on_ord else on_ord)
            while True:
                body = int(random() * 10**10)
                digit = j_fold[(j_low[body % 100000] + j_mid[body // 100000]) % 11]
                code = f"{body:010d}{digit}"
                if code not in jcodes:
                    break
            jcodes.add(code)
            m["juminhyo_code"] = code
            while True:
                body = 10**10 + int(random() * 9 * 10**10)
                digit = k_fold[
                    (k_low[body % 100000] + k_mid[body // 100000 % 100000] + k_high[body // 10**10])
                    % 11
                ]
                code = f"{body:011d}{digit}"
                if code not in kbangos:
                    break
            kbangos.add(code)
            m["kojin_bango"] = code
            if m["shubetsu"] == "1":
                if not m["honseki"]:
                    m["honseki"] = honseki
                if not m["hittosha"]:
                    surname = m["_surname"]
                    same = surname is head_surname or surname == head_surname
                    m["hittosha"] = head_name if same else m["shimei"]
