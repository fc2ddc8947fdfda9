"""Demo data of 保育 (子ども・子育て支援・保育料) for the town whose schema is current:
facilities sized to the town's children, the town's 利用調整 table, 支給認定 and 入所 for
about the share of children Japan's towns have in 保育 (≈45% of the 1–5歳, ≈17% of the
0歳: こども家庭庁「保育所等関連状況取りまとめ」令和6年4月の利用率 — rounded; this demo
does not claim the exact figures), a few applications waiting for the next month's
利用調整, and the 保育料 of the 年度 so far, all through the real services.

Which children are chosen does not depend on database ids (sequences differ between
runs): a child is in 保育 when a CRC-32 of their フリガナ and birth date falls under the
share, and the facility, the 事由 and the hours come from the same hash. Skips a town
that already has a facility.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from typing import Any, TextIO

from django.utils import timezone

from fukushi.models.hoiku import HoikuShisetsu
from fukushi.rules import hoiku as rules
from fukushi.services.hoiku import (
    HoikuRefused,
    NinteiInput,
    ShisuRow,
    moshikomi_register,
    nintei_register,
    nyusho_register,
    shisetsu_register,
    shisu_table_set,
)
from fukushi.services.hoiku_ryo import FISCAL_MONTHS, hoikuryo_compute
from juminkiroku.public import households_of, person_identities, residents_on
from tenants.accesslog.services import Actor
from tenants.age import age_on, shogakko_entry_year
from tenants.params.services import ParameterMissing

ACTOR = Actor(user_id=None, username="load_fukushi_hoiku_demo")
#: percent of each class age in 保育 (2号・3号), rounded from the national 利用率
SHARE = {0: 17, 1: 45, 2: 45, 3: 45, 4: 45, 5: 45}
CHILDREN_PER_FACILITY = 90
FACILITY_NAMES = ("中央", "東", "西", "南", "北", "みなと", "さくら", "ひかり", "あおば", "みどり")
#: the demo's 利用調整 table (the kind of table towns publish; the points are the demo's)
SHISU = [
    ShisuRow("kihon", "K01", "就労（月160時間以上）", 100, "shuro", 160),
    ShisuRow("kihon", "K02", "就労（月120時間以上）", 90, "shuro", 120),
    ShisuRow("kihon", "K03", "就労（月64時間以上）", 70, "shuro", 64),
    ShisuRow("kihon", "K04", "妊娠・出産", 70, "ninshin"),
    ShisuRow("kihon", "K05", "疾病・障害", 90, "shippei"),
    ShisuRow("kihon", "K06", "同居親族等の介護・看護", 80, "kaigo"),
    ShisuRow("kihon", "K07", "求職活動", 40, "kyushoku"),
    ShisuRow("kihon", "K08", "就学", 70, "gakushu"),
    ShisuRow("chosei", "C01", "ひとり親世帯", 20),
    ShisuRow("chosei", "C02", "兄弟姉妹が在園している", 10),
    ShisuRow("chosei", "C03", "育児休業明けの復職", 5),
]
JIYU = ["shuro"] * 16 + ["ninshin", "shippei", "kaigo", "kyushoku"]


def _hash(kana: str, birth: date) -> int:
    return zlib.crc32(f"{kana}|{birth.isoformat()}".encode())


def _nendo_end(nendo: int) -> date:
    return date(nendo + 1, 3, 31)


def load(stdout: TextIO) -> None:
    if HoikuShisetsu.objects.exists():
        return
    today = timezone.localdate()
    nendo = rules.nendo_of(today)
    start = date(nendo, 4, 1)
    kids = [r for r in residents_on(start) if rules.shugakumae(r.birth_date, start)]
    kids = [r for r in kids if r.birth_date < start]
    ident = person_identities(r.atena_id for r in kids)
    chosen: list[tuple[int, Any, int]] = []  # (hash, resident, class age)
    for r in kids:
        p = ident.get(r.atena_id)
        if p is None:
            continue
        h = _hash(p.shimei_kana, r.birth_date)
        age = rules.class_age(r.birth_date, nendo)
        if 0 <= age <= 5 and h % 100 < SHARE[age]:
            chosen.append((h, r, age))
    chosen.sort(key=lambda t: (t[1].birth_date, t[0]))
    if not chosen:
        return
    n_fac = max(2, min(len(FACILITY_NAMES), -(-len(chosen) // CHILDREN_PER_FACILITY)))
    per_class: dict[int, int] = {}
    for _, _, age in chosen:
        per_class[age] = per_class.get(age, 0) + 1
    codes = [f"H{i + 1:02d}" for i in range(n_fac)]
    for i, code in enumerate(codes):
        # each class a little over its share, so the demo has a few places left
        teiin = {a: -(-per_class.get(a, 0) * 11 // 10 // n_fac) + 1 for a in range(6)}
        shisetsu_register(
            code=code,
            name=f"{FACILITY_NAMES[i]}保育園",
            shubetsu="hoikusho" if i % 3 else "kodomoen",
            teiin=teiin,
            nendo=nendo,
            actor=ACTOR,
        )
    shisu_table_set(nendo=nendo, rows=SHISU, actor=ACTOR, riyu="デモの利用調整基準")
    homes = households_of((r.atena_id for _, r, _ in chosen), start)
    made = waiting = 0
    for h, r, age in chosen:
        adults = [
            m
            for m in homes.get(r.atena_id, [])
            if m.atena_id != r.atena_id and age_on(m.birth_date, start) >= 18
        ]
        if not adults:
            continue
        adults.sort(key=lambda m: (not m.is_setainushi, m.birth_date))
        parent, other = adults[0], (adults[1] if len(adults) > 1 else None)
        jiyu = JIYU[h % len(JIYU)]
        hours = 64 + (h // 7) % 120 if jiyu == "shuro" else None
        if age >= 3 or rules.sansai_tasshi_bi(r.birth_date) <= start:
            kubun, end = "2", date(shogakko_entry_year(r.birth_date), 3, 31)
        else:
            kubun = "3"
            end = min(_nendo_end(nendo), rules.sansai_tasshi_bi(r.birth_date) - timedelta(days=1))
        try:
            n = nintei_register(
                inp=NinteiInput(
                    atena_id=r.atena_id,
                    hogosha_atena_id=parent.atena_id,
                    hogosha2_atena_id=other.atena_id if other else None,
                    kubun=kubun,
                    jiyu=jiyu,
                    shuro_jikan=hours,
                    hitsuyoryo="" if jiyu == "shuro" else ("hyojun" if h % 2 else "tanjikan"),
                    start_date=start,
                    end_date=end,
                ),
                actor=ACTOR,
            )
        except (HoikuRefused, ParameterMissing):
            continue
        nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        if h % 20 == 0 and today.month != 3 and nxt <= end:
            # an application waiting for next month's 利用調整 (inside the 認定's period: a
            # 3号 認定 ends the day before the child's third birthday)
            wishes = [codes[h % n_fac], codes[(h // 3) % n_fac]]
            moshikomi_register(
                nintei_id=n.pk,
                uketsuke_no=waiting + 1,
                uketsuke_date=today,
                kibo_month=nxt,
                kibo_codes=list(dict.fromkeys(wishes)),
                chosei_codes=["C02"] if h % 3 == 0 else [],
                actor=ACTOR,
            )
            waiting += 1
            continue
        nyusho_register(
            nintei_id=n.pk, shisetsu_code=codes[h % n_fac], start_date=start, actor=ACTOR
        )
        made += 1
    months = [m for m in FISCAL_MONTHS if date(nendo if m >= 4 else nendo + 1, m, 1) <= today]
    res = hoikuryo_compute(nendo=nendo, months=months, actor=ACTOR)
    stdout.write(
        f"保育：施設{n_fac}か所、入所{made:,}人、入所申込（利用調整待ち）{waiting}件、"
        f"保育料{res.computed:,}件（課税の情報がなく未算定{len(res.waiting)}人）\n"
    )
