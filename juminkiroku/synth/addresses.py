"""住所辞書 of the synthetic town (地区, 町字, 丁目, buildings) and addresses drawn from it."""

from __future__ import annotations

from bisect import bisect_right

from juminkiroku.synth import data
from juminkiroku.synth.base import GeneratorState
from juminkiroku.synth.data import Weighted
from juminkiroku.synth.shape import (
    APARTMENT_SHARE,
    KANJI_DIGITS,
)
from juminkiroku.synth.town import ChikuRow, JishoRow


class AddressDraws(GeneratorState):
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
            random = rng.random  # ri(1, 4) and ri(1, 8), inline
            katagaki = f"{building}　{1 + int(random() * 4)}{1 + int(random() * 8):02d}号室"
        else:
            banchi = self.banchi(entry)
        return {
            "postal_code": entry.postal_code,
            "jusho_code": entry.jusho_code,
            "jusho": f"{self.prefix}{entry.name}",
            "banchi": banchi,
            "katagaki": katagaki,
            "chiku_code": entry.chiku_code,
        }

    def banchi(self, entry: JishoRow) -> str:
        random = self.rng.random  # the ri(1, n) draws inline: 1 + int(random() * n)
        if entry.chome:
            return f"{1 + int(random() * 28)}番{1 + int(random() * 30)}号"
        main = f"{1 + int(random() * 2999)}番地"
        return main + (str(1 + int(random() * 30)) if random() < 0.55 else "")

    def honseki(self) -> str:
        assert self.jisho_table is not None
        random = self.rng.random
        if random() < 0.45:
            table = self.jisho_table
            entry = table.padded[bisect_right(table.cum, random() * table.total)]
            return f"{self.prefix}{entry.base_name}{1 + int(random() * 2999)}番地"
        places = self.places  # self.place(), inline
        place = places.padded[bisect_right(places.cum, random() * places.total)]
        return f"{place}{1 + int(random() * 3999)}番地"


_CHOME_KANA = ["イッ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハッ", "キュウ"]
