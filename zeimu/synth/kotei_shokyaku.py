"""Synthetic 償却資産 for the demo and the benchmarks (fictitious).

About one 納税義務者 in ten of the 課税台帳 (the single owners: a 世帯主 who runs a shop, a
workshop or a farm; at least one per town when there is any owner) files a 償却資産申告
for the year with 2–15 assets drawn from the catalogue below (取得価額 and 耐用年数 as a
small town's businesses declare them: 舗装 and 看板, 製造設備, 農業用機械, フォークリフト,
パソコン, 業務用冷蔵庫 …, acquired 2000–2024); ≈5% of them also hold a 太陽光発電設備 under
the 課税標準の特例. With these figures about two in five businesses reach the 免税点 of
150万円, as in the towns' published statistics of 償却資産 納税義務者 versus 申告者 (an
order of magnitude, not a calibration). Written with bulk_create in three statements.
"""

from __future__ import annotations

import random
from datetime import date

from zeimu.models import (
    KoteiNozeisha,
    KoteiShokyakuShinkoku,
    KoteiShokyakuShisan,
    NozeishaKind,
)

#: (資産の種類, 名称, 取得価額の下限, 上限, 耐用年数)
CATALOGUE = (
    (1, "駐車場舗装（アスファルト）", 1_000_000, 6_000_000, 10),
    (1, "広告看板", 300_000, 2_000_000, 10),
    (1, "店舗内装（造作）", 2_000_000, 10_000_000, 15),
    (2, "製造設備", 2_000_000, 20_000_000, 9),
    (2, "農業用機械（トラクター）", 1_500_000, 6_000_000, 7),
    (5, "フォークリフト", 1_500_000, 3_500_000, 4),
    (6, "パソコン", 100_000, 300_000, 4),
    (6, "業務用冷蔵庫", 200_000, 1_200_000, 6),
    (6, "複合機", 300_000, 1_000_000, 5),
    (6, "応接セット", 100_000, 500_000, 8),
    (6, "レジスター", 100_000, 400_000, 5),
)
JIGYO = ("飲食業", "小売業", "製造業", "農業", "理容業", "建設業", "不動産賃貸業")


def kotei_shokyaku_load(*, fiscal_year: int, seed: int = 1, town_name: str = "") -> dict[str, int]:
    rng = random.Random(seed * 7 + 3)  # noqa: S311 (not crypto)
    ids = list(
        KoteiNozeisha.objects.filter(kind=NozeishaKind.TANDOKU)
        .order_by("id")
        .values_list("id", flat=True)
    )
    chosen = [n for n in ids if rng.random() < 0.10] or ids[:1]
    if not chosen:
        return {"shinkoku": 0, "shisan": 0}
    shinkoku = KoteiShokyakuShinkoku.objects.bulk_create(
        KoteiShokyakuShinkoku(
            nozeisha_id=n,
            fiscal_year=fiscal_year,
            shinkoku_date=date(fiscal_year, 1, rng.randrange(5, 31)),
            jigyo_shumoku=rng.choice(JIGYO),
            shozai=f"{town_name}{rng.randrange(1, 40)}番地",
            created_by="load_kotei_demo",
        )
        for n in chosen
    )
    assets: list[KoteiShokyakuShisan] = []
    for s in shinkoku:
        for _ in range(rng.randrange(2, 16)):
            shurui, meisho, lo, hi, nensu = rng.choice(CATALOGUE)
            assets.append(
                KoteiShokyakuShisan(
                    nozeisha_id=s.nozeisha_id,
                    shinkoku=s,
                    shurui=shurui,
                    meisho=meisho,
                    suryo=1,
                    shutoku_year=rng.randrange(2000, fiscal_year),
                    shutoku_month=rng.randrange(1, 13),
                    shutoku_kakaku=rng.randrange(lo, hi + 1, 1000),
                    taiyo_nensu=nensu,
                    zoka_jiyu="shinpin",
                )
            )
        if rng.random() < 0.05:
            assets.append(
                KoteiShokyakuShisan(
                    nozeisha_id=s.nozeisha_id,
                    shinkoku=s,
                    shurui=2,
                    meisho="太陽光発電設備（自家消費型）",
                    suryo=1,
                    shutoku_year=fiscal_year - 1,
                    shutoku_month=rng.randrange(1, 13),
                    shutoku_kakaku=rng.randrange(3_000_000, 15_000_001, 1000),
                    taiyo_nensu=17,
                    zoka_jiyu="shinpin",
                    tokurei="saiene_taiyoko",
                )
            )
    KoteiShokyakuShisan.objects.bulk_create(assets, batch_size=5000)
    return {"shinkoku": len(shinkoku), "shisan": len(assets)}
