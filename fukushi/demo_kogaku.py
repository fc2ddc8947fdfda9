"""Demo 高額障害福祉サービス等給付費 for one town (run inside its schema after the 自立支援給付
demo; wired into ``manage.py fukushi_demo`` for a town using 障害者福祉).

A few households (up to ``HOUSEHOLDS``): 身体 手帳 holders aged 18 to 64 without a 支給決定 get,
through the services, a 居宅介護 支給決定 from the first day of last month (the 負担上限月額
judged from the town's demo 住民税), a 補装具 (車椅子（普通型）, 基準額 100,000円 as a demo
figure) decided in that month, and an application for that month with the receipt of the
month's full 負担上限月額 — so a 一般2 household's 支給額 is the 補装具's 利用者負担, a 一般1's
合算額 stays under the 基準額. The first application is decided (支給, or 却下 when its 支給額 is
0円), the second left 受付 for the clerk, the third decided; the payment is left to the clerk.
Persons of a 非課税 or 生活保護 household are skipped (the service refuses them: their 基準額 is
未確認). Persons are chosen by a hash of the reading of their name and birth date.

All figures and shares here are ours (demo), not any real town's.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fukushi.models import JiritsuKettei, KogakuShinsei, ShogaiTecho, TechoJotai, TechoKind
from fukushi.rules.kogaku import HOSOGU, SERVICE
from fukushi.services.jiritsu import (
    JiritsuRefused,
    KetteiInput,
    jiritsu_kettei,
    jiritsu_nintei,
    jiritsu_shinsei,
)
from fukushi.services.jiritsu_yogu import YoguInput, yogu_kettei, yogu_shinsei
from fukushi.services.kogaku import KAZEI, KogakuRefused, ShinseiLine, kogaku_kettei, kogaku_shinsei
from juminkiroku.public import person_identities
from tenants import zengin
from tenants.accesslog.services import Actor
from tenants.age import age_on

ACTOR = Actor(user_id=None, username="load_kogaku_demo")
HOUSEHOLDS = 3
GYOSHA = zengin.Account("0005", "001", "1", "7000001", "ｶ)ﾃﾞﾓｷﾞｼｿｳｸﾞ")
PURPOSE = "デモデータの作成"


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def load(stdout: Any) -> None:
    if KogakuShinsei.objects.exists():
        return
    today = timezone.localdate()
    kaishi = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
    shuryo = date(kaishi.year + 1, kaishi.month, 1) - timedelta(days=1)
    techos = ShogaiTecho.objects.filter(jotai=TechoJotai.YUKO, kind=TechoKind.SHINTAI)
    people = person_identities(techos.values_list("atena_id", flat=True))
    decided = set(JiritsuKettei.objects.values_list("atena_id", flat=True))
    chosen = sorted(
        (
            p
            for i, p in people.items()
            if i not in decided and 18 <= age_on(p.birth_date, kaishi) <= 64
        ),
        key=lambda p: _h(f"kogaku|{p.shimei_kana}|{p.birth_date.isoformat()}"),
    )
    made: list[KogakuShinsei] = []
    for p in chosen[: HOUSEHOLDS * 10]:
        if len(made) == HOUSEHOLDS:
            break
        try:
            k = jiritsu_shinsei(atena_id=p.atena_id, shinsei_date=kaishi - timedelta(days=10),
                                haigusha_atena_id=None, actor=ACTOR)  # fmt: skip
            jiritsu_nintei(pk=k.pk, kubun="3", nintei_date=kaishi, actor=ACTOR)
            k = jiritsu_kettei(
                pk=k.pk,
                data=KetteiInput(kaishi, kaishi, shuryo, {"kyotaku_kaigo": 30}),
                actor=ACTOR,
            )
        except JiritsuRefused:
            continue  # no 住民税 of the year: the 申請 stays open, as in the 自立支援給付 demo
        if k.futan_kubun not in KAZEI or k.futan_jogen is None:
            continue  # 非課税・生活保護: the 基準額 is 未確認 (the service would refuse)
        koza = zengin.Account("0005", "001", "1", f"{8000000 + len(made):07d}", "ﾃﾞﾓ ｺｳｶﾞｸ")
        y = yogu_shinsei(
            YoguInput(atena_id=p.atena_id, kind="hosogu", hinmoku="車椅子（普通型）",
                      shinsei_date=kaishi, gyosha="デモ義肢装具株式会社", kakaku=110_000,
                      kijun_gaku=100_000, hoho="dairi", account=GYOSHA),
            actor=ACTOR,
        )  # fmt: skip
        y = yogu_kettei(pk=y.pk, kettei_date=kaishi + timedelta(days=4), shikyu=True, riyu="",
                        actor=ACTOR)  # fmt: skip
        if y.jotai != "kettei":
            continue  # 所得割 46万円以上: 補装具 refused, nothing to sum
        try:
            s = kogaku_shinsei(
                shinseisha_atena_id=p.atena_id,
                taisho=kaishi,
                shinsei_date=today,
                lines=[ShinseiLine(SERVICE, k.pk, k.futan_jogen), ShinseiLine(HOSOGU, y.pk)],
                account=koza,
                actor=ACTOR,
                purpose=PURPOSE,
            )
        except KogakuRefused:
            continue
        if len(made) != 1:  # the second is left 受付 for the clerk
            kogaku_kettei(pk=s.pk, shikyu=s.shikyu_gaku > 0, kettei_date=today,
                          riyu="" if s.shikyu_gaku else "合算額が世帯の基準額以下のため",
                          actor=ACTOR, purpose=PURPOSE)  # fmt: skip
        made.append(s)
    stdout.write(f"高額障害福祉サービス等給付費の申請 {len(made):,}件\n")
