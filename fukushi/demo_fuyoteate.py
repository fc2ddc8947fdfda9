"""Demo data of 児童扶養手当: in the town's schema, the 世帯主 (aged 20–59) of about one
household in twenty with children under 18 and no other adult becomes a 受給者 (認定請求
令和6年4月10日), so the list, the 現況届 and the 支払 have people to work on. The selection
reads birth dates only (never database ids). Skips a town that has 受給者 already.

Not loaded: 子ども医療・ひとり親医療 (they need the town's 条例 values — age range, income
limit — which a demo should not invent)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import jaconv

from fukushi.models import FuyoJukyusha
from fukushi.services.fuyoteate import FuyoteateRefused, jukyusha_nintei
from juminkiroku.public import person_identities, residents_on
from tenants import zengin
from tenants.accesslog.services import Actor

DEMO_DAY = date(2024, 4, 10)
ACTOR = Actor(user_id=None, username="load_fukushi_demo")
_SMALL = str.maketrans("ｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖ")


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _meigi(kana: str) -> str:
    """全角カナの氏名 → 全銀の半角カナ (小書きは大きく、長音は除く)."""
    half = jaconv.z2h(kana.replace("　", " "), kana=True, ascii=True, digit=True)
    return half.translate(_SMALL).replace("ｰ", "")[:30]


def load(stdout: Any) -> None:
    if FuyoJukyusha.objects.exists():
        return
    households: dict[int, list[Any]] = defaultdict(list)
    for r in residents_on(DEMO_DAY):
        if r.setai_id is not None:
            households[r.setai_id].append(r)
    chosen = []
    for members in households.values():
        adults = [m for m in members if _age(m.birth_date, DEMO_DAY) >= 18]
        children = [m for m in members if _age(m.birth_date, DEMO_DAY) < 18]
        head = next((m for m in adults if m.is_setainushi), None)
        if head is None or len(adults) != 1 or not children:
            continue
        if not 20 <= _age(head.birth_date, DEMO_DAY) <= 59:
            continue
        if head.birth_date.toordinal() % 20 == 0:  # about one in twenty, by birth date
            chosen.append((head, len(children)))
    people = person_identities(h.atena_id for h, _ in chosen)
    done = 0
    for head, n in sorted(
        chosen, key=lambda c: (c[0].birth_date, people[c[0].atena_id].shimei_kana)
    ):
        p = people[head.atena_id]
        account = zengin.Account(
            "0001", "001", "1", f"{p.birth_date:%y%m%d}{done % 10}", _meigi(p.shimei_kana)
        )
        try:
            jukyusha_nintei(
                atena_id=head.atena_id, seikyu_date=DEMO_DAY, jido_su=n, fuyo_shinzoku=n,
                account=account, actor=ACTOR,
            )  # fmt: skip
        except FuyoteateRefused:
            continue  # a name the 全銀 set cannot hold: left out of the demo
        done += 1
    if done:
        stdout.write(f"児童扶養手当の受給者 {done:,}人")
