"""Demo data of 児童手当, run inside each demo town's schema: one 認定 per household with a
child up to 高校生年代 on the demo day (the 世帯主, or the oldest adult, as 受給者; the
household's 19–22-year-olds counted as 監護相当), about 1 in 30 受給者 公務員, an account
for the others, and the 認定 history row. The selection depends on the registry's data
(birth dates, 宛名番号), never on database ids. Skips a town that already has 受給者."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction

from fukushi.models import (
    JidoteateJido,
    JidoteateJukyusha,
    JidoteateRireki,
    JukyushaStatus,
    RirekiKind,
)
from fukushi.rules import jidoteate as rules
from juminkiroku.public import person_identities, residents_on
from tenants.age import age_on

DEMO_DAY = date(2025, 4, 1)
SEIKYU = date(2024, 10, 15)
START = date(2024, 11, 1)
ACTOR = "load_jidoteate_demo"


def load(stdout: Any) -> None:
    if JidoteateJukyusha.objects.exists():
        return
    seido = rules.seido_of(DEMO_DAY)
    households: dict[int, list[Any]] = defaultdict(list)
    for r in residents_on(DEMO_DAY):
        if r.setai_id is not None:
            households[r.setai_id].append(r)
    chosen: list[tuple[Any, list[tuple[Any, bool]]]] = []
    for members in households.values():
        kids = [m for m in members if rules.paid(seido, rules.Child(m.birth_date), DEMO_DAY)]
        adults = [m for m in members if age_on(m.birth_date, DEMO_DAY) >= 23]
        if not kids or not adults:
            continue
        head = next((m for m in adults if m.is_setainushi), None) or min(
            adults, key=lambda m: m.birth_date
        )
        students = [
            m
            for m in members
            if m not in adults
            and m not in kids
            and rules.counted(seido, rules.Child(m.birth_date, True), DEMO_DAY)
        ]
        chosen.append((head, [(k, False) for k in kids] + [(s, True) for s in students]))
    if not chosen:
        return
    numbers = person_identities(h.atena_id for h, _ in chosen)
    chosen.sort(key=lambda c: numbers[c[0].atena_id].atena_no if c[0].atena_id in numbers else "")
    with transaction.atomic():
        rows = []
        for n, (head, _) in enumerate(chosen, start=1):
            koumuin = head.birth_date.day == 20  # about 1 in 30: paid by the employer (公務員)
            rows.append(
                JidoteateJukyusha(
                    atena_id=head.atena_id, jukyusha_no=f"{n:010d}",
                    status=JukyushaStatus.NINTEI, seikyu_date=SEIKYU, nintei_date=SEIKYU,
                    shikyu_start=START, koumuin=koumuin,
                    kinyu_kikan="" if koumuin else "0138",
                    shiten="" if koumuin else f"{100 + n % 50:03d}",
                    yokin_shumoku="" if koumuin else "1",
                    koza_bango="" if koumuin else f"{1_000_000 + n:07d}",
                    meigi_kana="" if koumuin else "ｼﾞｭｷｭｳｼｬ",
                )
            )  # fmt: skip
        JidoteateJukyusha.objects.bulk_create(rows, batch_size=2000)
        JidoteateJido.objects.bulk_create(
            (
                JidoteateJido(
                    jukyusha=row, atena_id=m.atena_id, birth_date=m.birth_date,
                    kanshu=kanshu, start_month=START,
                )
                for row, (_, kids) in zip(rows, chosen, strict=True)
                for m, kanshu in kids
            ),
            batch_size=2000,
        )  # fmt: skip
        JidoteateRireki.objects.bulk_create(
            (
                JidoteateRireki(
                    jukyusha=row, kind=RirekiKind.NINTEI, effective_month=START,
                    jiyu="認定請求（初期データ）", actor=ACTOR,
                )
                for row in rows
            ),
            batch_size=2000,
        )  # fmt: skip
    stdout.write(f"児童手当の受給者 {len(rows):,}人（公務員 {sum(r.koumuin for r in rows)}人）\n")
