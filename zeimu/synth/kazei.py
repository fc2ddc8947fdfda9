"""Synthetic 給与支払報告書 and 公的年金等支払報告書 for every resident of the current town.

Deterministic by seed: 給与 for ~70% of residents aged 18–64 and ~15% of those 65+ (one of
3,000 fictitious employers, 80% with 特別徴収, 40% with 生命保険料 at the 年末調整),
公的年金等 for ~90% of those 65+ (60% with 年金特別徴収), amounts spread like real salaries
and pensions (log-normal). Rows go in by COPY, so a 380,000-person town takes a few seconds.
Employers are named 合成事業所NNNN: nothing here is a real person or company.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from juminkiroku import public as juminkiroku_public


def tax_data_load(*, income_year: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 (not crypto)
    year_end = date(income_year, 12, 31)
    # today's residents, by 宛名 id (one query through 住民記録's public face)
    people = [
        (r.atena_id, r.birth_date) for r in juminkiroku_public.residents_on(timezone.localdate())
    ]
    kyuyo_rows: list[tuple[Any, ...]] = []
    nenkin_rows: list[tuple[Any, ...]] = []
    for atena_id, birth in people:
        age = year_end.year - birth.year
        if (18 <= age < 65 and rng.random() < 0.70) or (age >= 65 and rng.random() < 0.15):
            pay = int(min(max(rng.lognormvariate(15.0, 0.6), 300_000), 30_000_000))
            employer = rng.randrange(1, 3000)
            # ~40% declare life-insurance premiums at the 年末調整 (新制度 一般・介護医療)
            ippan, kaigo = (
                (rng.choice((40_000, 60_000, 96_000)), rng.choice((0, 24_000)))
                if rng.random() < 0.4
                else (0, 0)
            )
            kyuyo_rows.append(
                (atena_id, income_year, f"E{employer:05d}", f"合成事業所{employer:04d}",
                 pay, pay * 15 // 100, 0, 0, ippan, 0, kaigo, 0, 0, rng.random() < 0.8)
            )  # fmt: skip
        if age >= 65 and rng.random() < 0.90:
            pension = int(min(max(rng.lognormvariate(14.2, 0.4), 400_000), 6_000_000))
            nenkin_rows.append(
                (atena_id, income_year, "NP0001", "日本年金機構", pension, pension // 10,
                 rng.random() < 0.6)
            )  # fmt: skip
    raw = connection.connection
    with raw.cursor() as cur:
        with cur.copy(
            "COPY zeimu_kyuyohokoku (atena_id, shotoku_year, employer_no, employer_name, "
            "shiharai_kingaku, shakai_hoken, seimei_hoken_kojo, jishin_hoken_kojo, "
            "seimei_ippan_shin, seimei_ippan_kyu, seimei_kaigo_iryo, seimei_nenkin_shin, "
            "seimei_nenkin_kyu, tokubetsu_choshu) FROM STDIN"
        ) as copy:
            for row in kyuyo_rows:
                copy.write_row(row)
        with cur.copy(
            "COPY zeimu_nenkinhokoku (atena_id, shotoku_year, payer_no, payer_name, "
            "shiharai_kingaku, shakai_hoken, tokubetsu_choshu) FROM STDIN"
        ) as copy:
            for row in nenkin_rows:
                copy.write_row(row)
    return {"kyuyo": len(kyuyo_rows), "nenkin": len(nenkin_rows)}
