"""Demo 生活保護 cases for one town (run inside its schema; the lead wires every fukushi
loader into one command; ``manage.py fukushi_demo_seiho`` runs this one).

About 16 persons per 1,000 residents receive 保護 (保護率 ≈ 1.6%, 厚生労働省 被保護者調査
の全国の保護率 1.6% 前後), in cases shaped as the national figures are: over half are
single elderly households, the rest small households. Households are chosen by a hash of
the head's カナ氏名 and 生年月日 (never by database ids, which differ between runs).

The 級地 of the demo towns is not confirmed here: the demo puts every case in 2級地-1 and
the 住宅扶助 area 神奈川県（上記以外の市町村）, 冬季加算 Ⅵ区 (神奈川県); a real town enters
its own on each case.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from typing import Any

from django.utils import timezone

from fukushi.models import Fujo, KetteiCause, SeihoCase
from fukushi.services.seiho import MemberInput, SeihoRefused, Setai, seiho_kaishi
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.services import Actor
from tenants.age import age_on

ACTOR = Actor(user_id=None, username="load_seiho_demo")
#: persons receiving 保護 per 1,000 residents
HOGORITSU_PERMIL = 16
#: share of the target persons in single elderly households
KOREI_TANSHIN = 0.55
DEMO_SETAI = Setai(kyuchi="2-1", toki_ku="6", jutaku_chiiki="kanagawa_sonota", yachin=45_000)


def _key(kana: str, birth: date) -> str:
    return hashlib.sha256(f"{kana}|{birth.isoformat()}".encode()).hexdigest()


def load(stdout: Any) -> None:
    if SeihoCase.objects.exists():
        return
    today = timezone.localdate()
    kaishi_date = today.replace(day=1)
    residents = residents_on(kaishi_date)
    if not residents:
        return
    target = max(1, len(residents) * HOGORITSU_PERMIL // 1000)
    households: dict[int, list[int]] = defaultdict(list)
    heads: dict[int, int] = {}
    births: dict[int, date] = {}
    for r in residents:
        if r.setai_id is None:
            continue
        households[r.setai_id].append(r.atena_id)
        births[r.atena_id] = r.birth_date
        if r.is_setainushi:
            heads[r.setai_id] = r.atena_id
    kana = {i: p.shimei_kana for i, p in person_identities(heads.values()).items()}
    ordered = sorted(
        (s for s in households if s in heads and len(households[s]) <= 4),
        key=lambda s: _key(kana.get(heads[s], ""), births[heads[s]]),
    )
    elderly = [
        s for s in ordered if len(households[s]) == 1 and age_on(births[heads[s]], today) >= 65
    ]
    others = [s for s in ordered if s not in set(elderly)]
    chosen: list[int] = []
    persons = 0
    for s in elderly:
        if persons >= target * KOREI_TANSHIN:
            break
        chosen.append(s)
        persons += 1
    for s in others:
        if persons >= target:
            break
        chosen.append(s)
        persons += len(households[s])
    made = 0
    for s in chosen:
        members = [MemberInput(atena_id=heads[s])] + [
            MemberInput(atena_id=i) for i in households[s] if i != heads[s]
        ]
        try:
            seiho_kaishi(
                nushi_atena_id=heads[s],
                members=members,
                setai=DEMO_SETAI,
                fujo=[Fujo.SEIKATSU, Fujo.JUTAKU, Fujo.IRYO],
                kaishi_date=kaishi_date,
                kettei_date=kaishi_date,
                riyu="生活困窮（デモデータ）",
                actor=ACTOR,
                cause=KetteiCause.IKO,
            )
        except SeihoRefused:
            continue
        made += 1
    stdout.write(f"生活保護のケース {made:,}件（{persons:,}人、住民 {len(residents):,}人）\n")
