"""Demo data of 負担割合 and 負担限度額認定 (``make demo``, after the 資格): the 判定 of 令和7年度
(令和7年8月1日〜, on the 令和7年度 住民税 the demo loads) for every insured person, and a few
負担限度額認定 (申請 → 判定 → 決定 through the services) of 第1号 living in households where
everyone is 非課税. A town with judgements already is left alone."""

from __future__ import annotations

from datetime import date

from kaigo.models import FutanWariai
from kaigo.public import DAI1
from kaigo.services.futan import futan_hantei_many, futan_taishosha, kikan
from kaigo.services.futan_gendogaku import (
    gendogaku_hantei_run,
    gendogaku_kettei,
    gendogaku_shinsei,
)
from tenants.accesslog.services import Actor
from zeimu import public as zeimu_public

DEMO_NENDO = 2025
CHUNK = 2000
#: how many 負担限度額認定 a demo town gets, and their 申請日・決定日
GENDOGAKU = 3
SHINSEI = date(2025, 9, 1)
KETTEI = date(2025, 9, 10)


def futan_demo_load(*, actor: Actor) -> tuple[int, int]:
    """(負担割合 judged, 負担限度額 認定 made) in the current town."""
    if FutanWariai.objects.exists():
        return 0, 0
    start, _ = kikan(DEMO_NENDO)
    taishosha = futan_taishosha(DEMO_NENDO, start)
    for i in range(0, len(taishosha), CHUNK):
        futan_hantei_many(
            nendo=DEMO_NENDO, taishosha=taishosha[i : i + CHUNK], actor=actor, screen="kaigo.iko"
        )
    dai1 = [t.atena_id for t in taishosha if t.kubun == DAI1]
    made = 0
    for i in range(0, len(dai1), CHUNK):
        if made >= GENDOGAKU:
            break
        households = zeimu_public.household_kazei_many(dai1[i : i + CHUNK], DEMO_NENDO, on=SHINSEI)
        for atena_id, h in households.items():
            if made >= GENDOGAKU:
                break
            if not h.zenin_hikazei:
                continue
            n = gendogaku_shinsei(
                atena_id=atena_id, shinsei_date=SHINSEI, yochokin=3_000_000, actor=actor
            )
            n = gendogaku_hantei_run(nintei_id=n.pk, actor=actor)
            gendogaku_kettei(nintei_id=n.pk, kettei_date=KETTEI, actor=actor)
            made += 1
    return len(taishosha), made
