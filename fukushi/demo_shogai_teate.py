"""Demo 特別障害者手当・障害児福祉手当・特別児童扶養手当 cases for one town, among the demo
障害者手帳 holders (run after ``fukushi.demo_shogai``; wired into ``manage.py fukushi_demo``).

Which holders, and the shares, are ours (no survey figure was read for them; the national
受給者 counts were not looked up): the heaviest 手帳 (身体 1級, 療育 A1, 精神 1級) stand for
the 障害の程度 of 施行令別表 (the 手帳 is not the 認定's test: a real 認定 reads the 診断書).

- 特別障害者手当: an adult (20歳以上) holding one of the heaviest, one in two of them;
- 障害児福祉手当: a child (under 20) holding one of the heaviest, one in two of them;
- 特別児童扶養手当: every child (under 20) holding 身体 1〜3級 or 療育 A1〜B1, claimed by the
  child's 世帯主 when the child is the 世帯主's 子 (1級 for the heaviest, else 2級).

Persons are chosen by a hash of the reading of their name and their birth date, never by a
database id. Each case goes through the services (請求, then 認定 a month later), so its
history and access-log rows are the real ones. Loaded once: a town with any case is skipped.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import jaconv
from django.utils import timezone

from fukushi.models import ShogaiTeate, ShogaiTeateKind, ShogaiTecho, TechoJotai, TechoKind
from fukushi.services.shogai_teate import (
    SeikyuInput,
    TeateRefused,
    add_months,
    teate_nintei,
    teate_seikyu,
)
from juminkiroku.public import households_of, person_identities
from tenants import zengin
from tenants.accesslog.services import Actor
from tenants.age import age_on

ACTOR = Actor(user_id=None, username="load_shogai_teate_demo")
HEAVIEST = {(TechoKind.SHINTAI, "1"), (TechoKind.RYOIKU, "A1"), (TechoKind.SEISHIN, "1")}
TOKUJIFU = {
    (TechoKind.SHINTAI, "1"), (TechoKind.SHINTAI, "2"), (TechoKind.SHINTAI, "3"),
    (TechoKind.RYOIKU, "A1"), (TechoKind.RYOIKU, "A2"), (TechoKind.RYOIKU, "B1"),
}  # fmt: skip
TEIDO = {
    "tokubetsu_shogaisha": "施行令別表第2に該当（デモデータ）",
    "shogaiji_fukushi": "施行令別表第1に該当（デモデータ）",
    "tokubetsu_jido_fuyo": "施行令別表第3に該当（デモデータ）",
}


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _account(kana: str, n: int) -> zengin.Account:
    meigi = jaconv.z2h(kana.replace("\u3000", " "), kana=True, ascii=True, digit=True)
    return zengin.Account("0001", f"{n % 900 + 100:03d}", "1", f"{n % 10_000_000:07d}", meigi)


def load(stdout: Any) -> None:
    if ShogaiTeate.objects.exists():
        return
    today = timezone.localdate()
    techos = list(ShogaiTecho.objects.filter(jotai=TechoJotai.YUKO))
    people = person_identities(t.atena_id for t in techos)
    claims: list[tuple[str, int, int, str, str]] = []  # (teate, 請求者, 対象者, 等級, key)
    seen: set[tuple[str, int]] = set()
    children: list[ShogaiTecho] = []

    def order(t: ShogaiTecho) -> tuple[str, str, str]:
        p = people.get(t.atena_id)
        return (p.shimei_kana if p else "", p.birth_date.isoformat() if p else "", t.kind)

    for t in sorted(techos, key=order):
        p = people.get(t.atena_id)
        if p is None or not p.is_resident:
            continue
        key = f"{p.shimei_kana}|{p.birth_date.isoformat()}"
        adult = age_on(p.birth_date, today) >= 20
        heavy = (t.kind, t.tokyu) in HEAVIEST
        if heavy and _h("teate|" + key) % 2 == 0:
            teate = "tokubetsu_shogaisha" if adult else "shogaiji_fukushi"
            if (teate, t.atena_id) not in seen:
                seen.add((teate, t.atena_id))
                claims.append((teate, t.atena_id, t.atena_id, "", key))
        if not adult and (t.kind, t.tokyu) in TOKUJIFU:
            children.append(t)
    homes = households_of([t.atena_id for t in children], today)
    for t in children:
        members = homes.get(t.atena_id, [])
        me = next((m for m in members if m.atena_id == t.atena_id), None)
        head = next((m for m in members if m.is_setainushi), None)
        if me is None or head is None or me.zokugara != "04" or head.atena_id == t.atena_id:
            continue
        if ("tokubetsu_jido_fuyo", t.atena_id) in seen:
            continue
        seen.add(("tokubetsu_jido_fuyo", t.atena_id))
        p = people[t.atena_id]
        kyu = "1" if (t.kind, t.tokyu) in HEAVIEST else "2"
        claims.append(
            ("tokubetsu_jido_fuyo", head.atena_id, t.atena_id, kyu,
             f"{p.shimei_kana}|{p.birth_date.isoformat()}")
        )  # fmt: skip
    names = person_identities(c[1] for c in claims)
    made = 0
    for teate, who, taisho, kyu, key in sorted(claims, key=lambda c: _h(c[4])):
        n = _h(teate + key)
        seikyu = add_months(today.replace(day=1), -(2 + n % 24)).replace(day=1 + n % 27)
        kana = names[who].shimei_kana if who in names else ""
        try:
            case = teate_seikyu(
                SeikyuInput(
                    teate=teate, atena_id=who, taisho_atena_id=taisho, seikyu_date=seikyu,
                    account=_account(kana, n), fuyo_su=n % 3,
                ),
                actor=ACTOR,
            )  # fmt: skip
            kettei = min(add_months(seikyu, 1), today)
            teate_nintei(
                pk=case.pk, kettei_date=kettei, shogai_teido=TEIDO[teate],
                shindansho_date=seikyu, sainintei_date=date(kettei.year + 2, kettei.month, 1),
                kyu=kyu, actor=ACTOR,
            )  # fmt: skip
        except TeateRefused:
            continue  # an age or account the rules refuse: no case
        made += 1
    counts = {k.label: ShogaiTeate.objects.filter(teate=k.value).count() for k in ShogaiTeateKind}
    stdout.write(
        f"障害者・障害児の手当 {made:,}件（"
        + "・".join(f"{label} {c:,}" for label, c in counts.items())
        + "）\n"
    )
