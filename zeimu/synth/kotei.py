"""A synthetic 固定資産課税台帳 (土地・家屋) for the demo and the benchmarks (fictitious).

Deterministic by seed, one pass over the households living in the town on 1 January:
≈65% own their home (the 世帯主, or 世帯主 and spouse 1/2 each for ≈15% of them): a
住宅用地 parcel of 100–330㎡ and a house built 1965–2024 (木造 mostly; ≈10% 認定長期優良);
≈12% also hold a field (一般農地) or a forest, ≈3% a 商業地等 parcel. 価格 are per ㎡ like a
small 神奈川 town's (宅地 40,000–120,000円/㎡, houses 60,000–110,000円/㎡ new, written down
with age to a 20% floor); the 前年度課税標準額 is set near the 本則 so the 負担調整 takes
every branch. 住登外 owners (people living elsewhere) are not generated: the person index
has no public way to create them from another module, so the demo's owners are residents.
Rows go in with bulk_create in a few statements (a town of 30,000 households ≈ 10 s).

The benchmark's city is denser than a small town: ``owner_share`` (default 0.65) is the
share of households that own their home, and ``extra_lots`` (default 0) the share of owners
who also hold a 雑種地 let as a car park (商業地等 for the 負担調整). With the defaults the
random stream is the one the demo has always drawn.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from juminkiroku import public as juminkiroku_public
from zeimu.models import (
    KoteiKaoku,
    KoteiKaokuKakaku,
    KoteiKyoyusha,
    KoteiNozeisha,
    KoteiTochi,
    KoteiTochiKakaku,
)

OAZA = ("本町", "東", "西", "南", "北", "中央", "新町", "上", "下", "宮下")


def kotei_ledger_load(
    *,
    fiscal_year: int,
    seed: int = 1,
    town_name: str = "",
    owner_share: float = 0.65,
    extra_lots: float = 0.0,
) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 (not crypto)
    day = date(fiscal_year, 1, 1)
    households: dict[int, list[Any]] = {}
    for r in juminkiroku_public.residents_on(day):
        households.setdefault(r.setai_id or -r.atena_id, []).append(r)
    plans: list[tuple[list[tuple[int, int, int]], list[dict[str, Any]], list[dict[str, Any]]]] = []
    n = 0
    for members in households.values():
        head = next((m for m in members if m.is_setainushi), members[0])
        adults = [m for m in members if (day.year - m.birth_date.year) >= 20]
        if not adults or rng.random() > owner_share:
            continue
        n += 1
        spouse = next((m for m in adults if m.atena_id != head.atena_id), None)
        owners = (
            [(head.atena_id, 1, 2), (spouse.atena_id, 1, 2)]
            if spouse and rng.random() < 0.15
            else [(head.atena_id, 1, 1)]
        )
        where = f"{town_name}{rng.choice(OAZA)}"
        area = Decimal(rng.randrange(100, 331))
        per_m2 = rng.randrange(40_000, 120_001, 100)
        kakaku = int(area * per_m2)
        honsoku = kakaku // 6 if area <= 200 else (kakaku * 200 // int(area)) // 6
        tochi: list[dict[str, Any]] = [
            {
                "shozai": where,
                "chiban": f"{n}番{rng.randrange(1, 10)}",
                "chimoku": "takuchi",
                "chiseki": area,
                "kubun": "jutaku",
                "kosu": 1,
                "kakaku": kakaku,
                "zennen": int(honsoku * rng.uniform(0.9, 1.02)),
            }
        ]
        built = date(rng.randrange(1965, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
        yuka = Decimal(rng.randrange(60, 181))
        age = fiscal_year - built.year
        new_price = int(yuka) * rng.randrange(60_000, 110_001, 1000)
        kaoku: list[dict[str, Any]] = [
            {
                "shozai": where,
                "bango": f"{n}番{rng.randrange(1, 10)}",
                "yuka": yuka,
                "built": built,
                "choki": built.year >= 2010 and rng.random() < 0.10,
                "kakaku": max(int(new_price * max(0.2, 1 - 0.025 * age)), 1),
            }
        ]
        roll = rng.random()
        if roll < 0.12:
            farm = Decimal(rng.randrange(200, 2001))
            kind = "nochi" if rng.random() < 0.7 else "sonota"
            price = int(
                farm * (rng.randrange(100, 801) if kind == "nochi" else rng.randrange(30, 201))
            )
            tochi.append(
                {
                    "shozai": f"{town_name}{rng.choice(OAZA)}",
                    "chiban": f"{n}番{rng.randrange(10, 99)}",
                    "chimoku": "hata" if kind == "nochi" else "sanrin",
                    "chiseki": farm,
                    "kubun": kind,
                    "kosu": 0,
                    "kakaku": price,
                    "zennen": int(price * rng.uniform(0.85, 1.0)),
                }
            )
        elif roll < 0.15:
            shop = Decimal(rng.randrange(50, 401))
            price = int(shop * rng.randrange(60_000, 200_001, 100))
            tochi.append(
                {
                    "shozai": f"{town_name}{rng.choice(OAZA)}",
                    "chiban": f"{n}番{rng.randrange(100, 199)}",
                    "chimoku": "takuchi",
                    "chiseki": shop,
                    "kubun": "shogyo",
                    "kosu": 0,
                    "kakaku": price,
                    "zennen": int(price * rng.uniform(0.55, 0.75)),
                }
            )
        if extra_lots and rng.random() < extra_lots:
            lot = Decimal(rng.randrange(80, 601))
            price = int(lot * rng.randrange(20_000, 80_001, 100))
            tochi.append(
                {
                    "shozai": f"{town_name}{rng.choice(OAZA)}",
                    "chiban": f"{n}番{rng.randrange(200, 299)}",
                    "chimoku": "zasshuchi",
                    "chiseki": lot,
                    "kubun": "shogyo",
                    "kosu": 0,
                    "kakaku": price,
                    "zennen": int(price * rng.uniform(0.5, 0.75)),
                }
            )
        plans.append((owners, tochi, kaoku))
    # write: 納税義務者 first (ids needed), then everything else in bulk
    nozeisha = KoteiNozeisha.objects.bulk_create(
        KoteiNozeisha(kind="kyoyu" if len(o) > 1 else "tandoku", daihyo_id=o[0][0])
        for o, _, _ in plans
    )
    owners_rows, tochi_rows, kaoku_rows = [], [], []
    for nz, (owners, tochi, kaoku) in zip(nozeisha, plans, strict=True):
        owners_rows += [
            KoteiKyoyusha(
                nozeisha=nz, atena_id=a, mochibun_bunshi=b, mochibun_bunbo=d, is_daihyo=i == 0
            )
            for i, (a, b, d) in enumerate(owners)
        ]
        tochi_rows += [
            KoteiTochi(
                nozeisha=nz,
                shozai=t["shozai"],
                chiban=t["chiban"],
                toki_chimoku=t["chimoku"],
                genkyo_chimoku=t["chimoku"],
                chiseki=t["chiseki"],
                yochi_kubun=t["kubun"],
                jutaku_kosu=t["kosu"],
                shigaika=t["kubun"] in ("jutaku", "shogyo"),
            )
            for t in tochi
        ]
        kaoku_rows += [
            KoteiKaoku(
                nozeisha=nz,
                shozai=h["shozai"],
                kaoku_bango=h["bango"],
                shurui="senyo",
                kozo="mokuzo",
                kaisu=2,
                yuka_menseki=h["yuka"],
                kyoju_menseki=h["yuka"],
                kosu=1,
                shinchiku_date=h["built"],
                choki_yuryo=h["choki"],
                shigaika=True,
            )
            for h in kaoku
        ]
    KoteiKyoyusha.objects.bulk_create(owners_rows, batch_size=5000)
    # 所在・地番 must be unique: a rare clash of the random 地番 is dropped
    KoteiTochi.objects.bulk_create(tochi_rows, batch_size=5000, ignore_conflicts=True)
    KoteiKaoku.objects.bulk_create(kaoku_rows, batch_size=5000, ignore_conflicts=True)
    tochi_by_key = {
        (s, c): pk for pk, s, c in KoteiTochi.objects.values_list("pk", "shozai", "chiban")
    }
    kaoku_by_key = {
        (s, b): pk for pk, s, b in KoteiKaoku.objects.values_list("pk", "shozai", "kaoku_bango")
    }
    tk, hk = [], []
    seen_t: set[int] = set()
    seen_h: set[int] = set()
    for _, tochi, kaoku in plans:
        for t in tochi:
            pk = tochi_by_key[(t["shozai"], t["chiban"])]
            if pk not in seen_t:
                seen_t.add(pk)
                tk.append(
                    KoteiTochiKakaku(
                        tochi_id=pk,
                        fiscal_year=fiscal_year,
                        kakaku=t["kakaku"],
                        zennen_kotei=t["zennen"],
                        zennen_toshi=t["zennen"] * 2 if t["kubun"] == "jutaku" else t["zennen"],
                    )
                )
        for h in kaoku:
            pk = kaoku_by_key[(h["shozai"], h["bango"])]
            if pk not in seen_h:
                seen_h.add(pk)
                hk.append(
                    KoteiKaokuKakaku(kaoku_id=pk, fiscal_year=fiscal_year, kakaku=h["kakaku"])
                )
    KoteiTochiKakaku.objects.bulk_create(tk, batch_size=5000)
    KoteiKaokuKakaku.objects.bulk_create(hk, batch_size=5000)
    return {"nozeisha": len(nozeisha), "tochi": len(tk), "kaoku": len(hk)}
