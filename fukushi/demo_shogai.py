"""Demo 障害者手帳 and 心身障害者医療 受給者 for one town (run inside its schema; wired into
``manage.py fukushi_demo`` for a town using 障害者福祉).

Share and mix from 厚生労働省「令和4年生活のしづらさなどに関する調査（全国在宅障害児・者等実態
調査）」(https://www.mhlw.go.jp/stf/newpage_40742.html, read 2026-12-07 through a copy of its
資料1): 在宅の障害者手帳所持者 6,100千人 (身体 4,159千・療育 1,140千・精神 1,203千; 精神 1級
13.7%・2級 50.5%・3級 26.4%). Against about 124 million people that is 4.9% at home; with the
persons in facilities the demo takes 55 per 1,000 residents, one 手帳 each, split 64 : 18 : 18
as the survey's counts are. The 身体 等級 mix, the 療育 程度 mix, and the ages each kind is
drawn from are ours (not confirmed from the survey's tables). Persons are chosen by a hash of
the reading of their name and their birth date (stable between runs and loads).

The 心身障害者医療 criteria of a demo town that has set none are put as demo values (reason
「デモデータ（架空の条例）」): 身体 1・2級, 療育 A1・A2, 精神 1級, no new applicant from 65,
no income limit, the whole 自己負担 refunded — not any real town's 条例. Each qualifying holder
gets a 受給者証 from the start of the current certificate year through the service.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import (
    ShinshinJukyusha,
    ShogaiTecho,
    ShogaiTechoRireki,
    TechoJotai,
    TechoKind,
    TechoRirekiKind,
)
from fukushi.rules.shogai_techo import yuko_kigen
from fukushi.services.shinshin import ShinshinRefused, shinshin_kofu
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.params.services import ParameterMissing, param_value
from tenants.params.tenant.services import municipal_parameter_set
from tenants.wareki import fiscal_year_of

ACTOR = Actor(user_id=None, username="load_shogai_demo")
#: 手帳 holders per 1,000 residents (see the module docstring)
SHOJI_PERMIL = 55
#: (kind, share per 100, youngest age, oldest age)
KINDS = (
    (TechoKind.SHINTAI, 64, 40, 120),
    (TechoKind.SEISHIN, 18, 18, 79),
    (TechoKind.RYOIKU, 18, 3, 69),
)
#: 等級/程度 by a number 0–99: 身体 and 療育 ours, 精神 from the survey (不詳 spread)
TOKYU = {
    TechoKind.SHINTAI: ((30, "1"), (45, "2"), (65, "3"), (88, "4"), (95, "5"), (100, "6")),
    TechoKind.SEISHIN: ((15, "1"), (71, "2"), (100, "3")),
    TechoKind.RYOIKU: ((20, "A1"), (40, "A2"), (70, "B1"), (100, "B2")),
}
BUI = ("kashi", "shinzo", "jinzo", "joshi", "chokaku", "shikaku", "taikan", "kokyuki", "bokoh")
DEMO_KIJUN = {
    "shintai_tokyu": "2",
    "ryoiku_teido": "A1,A2",
    "seishin_tokyu": "1",
    "shinki_nenrei_seigen": "65",
    "shotoku_seigen": "0",
    "shokan_hoshiki": "1",
}


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _who(p: Any) -> str:
    """What a person is chosen by: the reading of the name and the birth date, not the 宛名番号
    (a sequence's value: the same town loaded twice, or after other towns, gets other
    numbers and would get other holders)."""
    return f"{p.shimei_kana}|{p.birth_date.isoformat()}"


def _kijun(nendo: int) -> None:
    for name, value in DEMO_KIJUN.items():
        key = f"fukushi.shinshin.{name}"
        try:
            param_value(key, nendo)
        except ParameterMissing:
            municipal_parameter_set(
                key=key,
                fiscal_year=nendo,
                value_text=value,
                reason="デモデータ（架空の条例）",
                actor=ACTOR,
            )


def load(stdout: Any) -> None:
    if ShogaiTecho.objects.exists():
        return
    today = timezone.localdate()
    residents = residents_on(today)
    if not residents:
        return
    ids = person_identities(r.atena_id for r in residents)
    target = len(residents) * SHOJI_PERMIL // 1000
    order = sorted(
        (r for r in residents if r.atena_id in ids),
        key=lambda r: _h(_who(ids[r.atena_id])),
    )
    taken: set[int] = set()
    techos: list[ShogaiTecho] = []
    wants = {kind: target * share // 100 for kind, share, _, _ in KINDS}
    wants[TechoKind.SHINTAI] += target - sum(wants.values())  # the rounding goes to 身体
    for kind, _, lo, hi in KINDS:
        want = wants[kind]
        for r in order:
            if want <= 0:
                break
            age = age_on(r.birth_date, today)
            if r.atena_id in taken or not lo <= age <= hi:
                continue
            n = _h(f"{kind}|{_who(ids[r.atena_id])}")
            tokyu = next(t for limit, t in TOKYU[kind] if n % 100 < limit)
            years_ago = n % 10 if kind != TechoKind.SEISHIN else n % 2
            kofu = date(today.year - years_ago, 1 + n % 12, 1)
            kofu = min(kofu, today)
            techos.append(
                ShogaiTecho(
                    atena_id=r.atena_id,
                    kind=kind,
                    techo_bango=f"{kind[:1].upper()}{len(techos) + 1:06d}",
                    tokyu=tokyu,
                    bui=[BUI[n % len(BUI)]] if kind == TechoKind.SHINTAI else [],
                    kofu_date=kofu,
                    yuko_kigen=yuko_kigen(kofu, 2) if kind == TechoKind.SEISHIN else None,
                    jotai=TechoJotai.YUKO,
                    created_by=ACTOR.username,
                )
            )
            taken.add(r.atena_id)
            want -= 1
    with transaction.atomic():
        made = ShogaiTecho.objects.bulk_create(techos, batch_size=1000)
        ShogaiTechoRireki.objects.bulk_create(
            [
                ShogaiTechoRireki(
                    techo=t,
                    kind=TechoRirekiKind.KOFU,
                    jiyu_date=t.kofu_date,
                    riyu="新規交付（デモデータ）",
                    tokyu_ato=t.tokyu,
                    yuko_kigen_ato=t.yuko_kigen,
                    created_by=ACTOR.username,
                )
                for t in made
            ],
            batch_size=1000,
        )
        access_record(
            actor=ACTOR,
            action=AccessAction.JOB,
            gyomu=SHOGAISHA_FUKUSHI,
            screen="fukushi.shogai_demo",
            record_type="fukushi.ShogaiTecho",
            record_count=len(made),
        )
    counts = {k.label: sum(1 for t in made if t.kind == k) for k, _, _, _ in KINDS}
    stdout.write(
        f"障害者手帳 {len(made):,}件（"
        + "・".join(f"{label} {n:,}" for label, n in counts.items())
        + f"、住民 {len(residents):,}人）\n"
    )
    _jukyusha(made, today, stdout)


def _jukyusha(made: list[ShogaiTecho], today: date, stdout: Any) -> None:
    if ShinshinJukyusha.objects.exists():
        return
    koshin = int(param_value("fukushi.shinshin.koshin_tsuki", fiscal_year_of(today)))
    kaishi = date(today.year if today.month >= koshin else today.year - 1, koshin, 1)
    for nendo in sorted({fiscal_year_of(kaishi), fiscal_year_of(today)}):
        _kijun(nendo)
    issued = 0
    for t in made:
        if t.kofu_date > kaishi:
            continue
        try:
            shinshin_kofu(atena_id=t.atena_id, kaishi=kaishi, actor=ACTOR)
        except ShinshinRefused:
            continue
        issued += 1
    stdout.write(f"心身障害者医療 受給者 {issued:,}人\n")
