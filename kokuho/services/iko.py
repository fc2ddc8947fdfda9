"""初期データ: 国保 資格 for residents already on file when the module starts in a town
(a migration from the former system, or the demo). One durable transaction per chunk of
residents, bulk inserts, one access-log row per chunk (ids only); a town with periods
already is left alone.

``choose`` decides who is insured: a former system's file gives the answer; the demo
uses :func:`demo_choice` (a share of households like the national one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from django.db import transaction

from juminkiroku.public import Resident, residents_on
from kokuho.gyomu import KOKUHO_SHIKAKU
from kokuho.models import (
    CauseKind,
    KokuhoSetai,
    RirekiKind,
    Shaho,
    Shikaku,
    ShikakuRireki,
    ShutokuJiyu,
)
from kokuho.rules.shikaku import ShikakuParameters, is_koki_on
from kokuho.services.shikaku import bango_after
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on

CHUNK = 5000

# Demo only (not law): about one resident in five is in 国保 nationally (国民健康保険実態
# 調査, 令和4年度: 加入率 ≈ 20%), most of them households of pensioners aged 65–74.
DEMO_SHARE_SENIOR = 70
DEMO_SHARE_OTHER = 14
DEMO_SENIOR_AGE = 65


def _bucket(setai_id: int) -> int:
    return int(hashlib.sha256(f"kokuho:{setai_id}".encode()).hexdigest()[:8], 16) % 100


def demo_choice(head_age: int, setai_id: int) -> bool:
    share = DEMO_SHARE_SENIOR if head_age >= DEMO_SENIOR_AGE else DEMO_SHARE_OTHER
    return _bucket(setai_id) < share


def shikaku_iko_load(
    *, day: date, actor: Actor, choose: Callable[[int, int], bool] = demo_choice
) -> int:
    """Insure, from ``day``, the members under 75 of the households ``choose(head_age,
    setai_id)`` picks; the others get a 社会保険 period (so a later 転入 or 届出 sees
    them as insured elsewhere). Returns the number insured."""
    if Shikaku.objects.exists() or Shaho.objects.exists():
        return 0
    params = ShikakuParameters.for_date(day)
    residents = residents_on(day)
    by_setai: dict[int, list[Resident]] = {}
    for r in residents:
        by_setai.setdefault(r.setai_id or -r.atena_id, []).append(r)
    chosen: list[tuple[int, Resident]] = []
    others: list[Resident] = []
    for setai_id, members in by_setai.items():
        head = next((m for m in members if m.is_setainushi), members[0])
        pick = choose(age_on(head.birth_date, day), setai_id)
        for m in members:
            if is_koki_on(m.birth_date, day, params):
                continue
            (chosen.append((setai_id, m)) if pick else others.append(m))
    total = 0
    for start in range(0, max(len(chosen), len(others)), CHUNK):
        part = chosen[start : start + CHUNK]
        rest = others[start : start + CHUNK]
        with transaction.atomic(durable=True):
            setai_ids = sorted({s for s, _ in part if s > 0})
            have = set(
                KokuhoSetai.objects.filter(setai_id__in=setai_ids).values_list(
                    "setai_id", flat=True
                )
            )
            first = int(bango_after(0))  # one query for the chunk
            KokuhoSetai.objects.bulk_create(
                KokuhoSetai(setai_id=s, bango=f"{first + i:07d}")
                for i, s in enumerate(x for x in setai_ids if x not in have)
            )
            edaban: dict[int, int] = {}
            rows = []
            for s, m in part:
                edaban[s] = edaban.get(s, 0) + 1
                rows.append(
                    Shikaku(
                        atena_id=m.atena_id,
                        setai_id=m.setai_id,
                        edaban=edaban[s],
                        shutoku_date=day,
                        shutoku_jiyu=ShutokuJiyu.SONOTA,
                    )
                )
            made = Shikaku.objects.bulk_create(rows)
            ShikakuRireki.objects.bulk_create(
                ShikakuRireki(
                    atena_id=s.atena_id,
                    shikaku=s,
                    kind=RirekiKind.SHUTOKU,
                    jiyu="初期データ",
                    effective_date=day,
                    cause_kind=CauseKind.IKO,
                    setai_id=s.setai_id,
                    actor=actor.username,
                )
                for s in made
            )
            Shaho.objects.bulk_create(
                Shaho(atena_id=m.atena_id, kanyu_date=day, created_by=actor.username) for m in rest
            )
            access_record(
                actor=actor,
                action=AccessAction.CREATE,
                gyomu=KOKUHO_SHIKAKU,
                screen="kokuho.iko",
                record_type="kokuho.Shikaku",
                record_count=max(1, len(made)),
                detail={"atena_ids": [s.atena_id for s in made]},
            )
            total += len(made)
    return total
