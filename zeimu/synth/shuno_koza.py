"""Demo 口座振替 registrations: about two in five residents of a town (by a seeded draw)
registered for 個人住民税（普通徴収）, each with a synthetic account at one of a few
bank codes. Synthetic: the codes and numbers are made up, the 名義 is a fixed placeholder
(no resident's name is turned into カナ here)."""

from __future__ import annotations

import random
from datetime import date

from juminkiroku.public import resident_ids_on
from zeimu.models import KozaToroku, TorokuSource, YokinShumoku, Zeimoku

#: made-up bank codes for the demo (not a claim about any real bank's code)
DEMO_BANKS = ("0901", "0902", "0903")
SHARE = 0.4


def koza_demo_load(*, on: date, seed: int) -> int:
    """Register the demo accounts; returns how many. Writes nothing if any exist."""
    if KozaToroku.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
    rows = []
    for atena_id in resident_ids_on(on):
        if rng.random() >= SHARE:
            continue
        rows.append(
            KozaToroku(
                atena_id=atena_id,
                zeimoku=Zeimoku.JUMINZEI,
                kinyu_kikan=rng.choice(DEMO_BANKS),
                shiten=f"{rng.randint(1, 50):03d}",
                yokin_shumoku=YokinShumoku.FUTSU,
                koza_bango=f"{rng.randint(0, 9_999_999):07d}",
                meigi_kana="ﾃﾞﾓ ｺｳｻﾞ",
                kaishi_date=date(on.year, 4, 1),
                source=TorokuSource.PAPER,
                created_by="demo-setup",
            )
        )
    KozaToroku.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
