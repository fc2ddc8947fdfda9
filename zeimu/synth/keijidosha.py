"""A synthetic 軽自動車等 ledger for the demo (fictitious).

Deterministic by seed, one pass over the adults living in the town on 4月1日 of the year:
``per_resident`` vehicles per resident (the caller picks 0.35–0.6 for a rural town, fewer
for a city), owned by adults, with a 種別 mix close to a rural 神奈川 town's (四輪 乗用 自家用
≈55%, 貨物 自家用 ≈20%, 原付 ≈12%, 二輪 ≈6%, 小型特殊 農耕 ≈3%, the rest 営業用・三輪・ミニカー),
初度検査 spread over 2003–2025 (so 重課, 旧税率, 新税率 and グリーン化特例 all occur), ≈4%
electric. ≈5% had a 名義変更 (to another adult of the town) and ≈3% were 廃車 before the
賦課期日. 所有権留保 is not generated: the holder of the title is a dealer or a credit
company, and the person index has no public way to create one from another module.
Rows go in with bulk_create (a town of 30,000 residents ≈ 15,000 vehicles, a few seconds).
"""

from __future__ import annotations

import random
from datetime import date

from juminkiroku import public as juminkiroku_public
from zeimu.models import KeiIdo, KeiIdoKind, KeiSharyo

KANA = "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるれろわ"
MIX = (
    ("joyo_jika", 55),
    ("kamotsu_jika", 20),
    ("gentsuki_50", 8),
    ("gentsuki_125", 4),
    ("nirin_kei", 3),
    ("nirin_kogata", 3),
    ("kotoku_noko", 3),
    ("joyo_eigyo", 1),
    ("kamotsu_eigyo", 1),
    ("sanrin", 1),
    ("minicar", 1),
)
WITH_SHODO = {"joyo_jika", "kamotsu_jika", "joyo_eigyo", "kamotsu_eigyo", "sanrin", "nirin_kogata"}


def kei_ledger_load(
    *,
    fiscal_year: int,
    per_resident: float,
    seed: int = 1,
    region: str = "湘南",
    town_name: str = "",
) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 (not crypto)
    kijitsu = date(fiscal_year, 4, 1)
    residents = juminkiroku_public.residents_on(kijitsu)
    adults = [r.atena_id for r in residents if kijitsu.year - r.birth_date.year >= 18]
    n_residents = len(residents)
    if not adults:
        return {"sharyo": 0, "ido": 0}
    total = int(n_residents * per_resident)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    vehicles: list[KeiSharyo] = []
    plans: list[tuple[int, date, int | None, date | None]] = []
    for n in range(total):
        kind = rng.choices(kinds, weights)[0]
        owner = rng.choice(adults)
        year = rng.randrange(2003, 2026)
        month = rng.randrange(1, 13)
        shodo = date(year, month, 1) if kind in WITH_SHODO else None
        toroku = (shodo or date(year, month, 1)).replace(day=rng.randrange(1, 28))
        denki = kind in {"joyo_jika", "kamotsu_jika"} and rng.random() < 0.04
        if kind.startswith("gentsuki") or kind in {"kotoku_noko", "minicar"}:
            plate = f"{town_name or '町'} {'abc'[n % 3]} {n % 1000:03d}-{n // 1000}"
        else:
            num = 300 + n // 4000
            plate = (
                f"{region} {num} {KANA[(n // 100) % len(KANA)]} {(n % 100) // 10 + 1}-{n % 100:02d}"
            )
        vehicles.append(
            KeiSharyo(
                hyoshiki_bango=plate,
                shadai_bango=f"DEMO-{seed % 10_000:04d}-{n:07d}",
                shubetsu=kind,
                shodo_kensa=shodo,
                nenryo="denki" if denki else "gasoline",
                green_kubun="denki_tennen"
                if denki and shodo and shodo >= date(fiscal_year - 1, 4, 1)
                else "",
            )
        )
        meigi = rng.choice(adults) if rng.random() < 0.05 else None
        haisha = (
            date(fiscal_year, 3, rng.randrange(1, 29))
            if rng.random() < 0.03 and toroku < date(fiscal_year, 3, 1)
            else None
        )
        plans.append((owner, toroku, meigi, haisha))
    created = KeiSharyo.objects.bulk_create(vehicles, batch_size=2000)
    idos: list[KeiIdo] = []
    for s, (owner, toroku, meigi, haisha) in zip(created, plans, strict=True):
        idos.append(
            KeiIdo(
                sharyo=s,
                kind=KeiIdoKind.TOROKU,
                ido_date=toroku,
                todoke_date=toroku,
                shoyusha_id=owner,
                shiyosha_id=owner,
                created_by="load_kei_demo",
            )
        )
        if meigi is not None and toroku < date(fiscal_year - 1, 4, 1):
            d = date(fiscal_year - 1, rng.randrange(4, 13), 15)
            idos.append(
                KeiIdo(
                    sharyo=s,
                    kind=KeiIdoKind.MEIGI,
                    ido_date=d,
                    todoke_date=d,
                    shoyusha_id=meigi,
                    shiyosha_id=meigi,
                    created_by="load_kei_demo",
                )
            )
        if haisha is not None:
            idos.append(
                KeiIdo(
                    sharyo=s,
                    kind=KeiIdoKind.HAISHA,
                    ido_date=haisha,
                    todoke_date=haisha,
                    created_by="load_kei_demo",
                )
            )
    KeiIdo.objects.bulk_create(idos, batch_size=5000)
    return {"sharyo": len(created), "ido": len(idos)}
