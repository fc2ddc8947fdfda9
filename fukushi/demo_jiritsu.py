"""Demo 自立支援給付 for one town (run inside its schema after the 障害者手帳 demo; wired into
``manage.py fukushi_demo`` for a town using 障害者福祉).

All shares and amounts here are ours (no survey was read for them): one in four 手帳 holders
aged 18 to 64 gets a 障害福祉サービス 支給決定 from the first day of this month for a year,
with a service fitting the kind of 手帳 (身体: 居宅介護 with 区分 from the 等級; 療育: 生活介護;
精神: 就労継続支援B型) and a 障害支援区分 where the service needs one; one in ten 身体 holders
has a decided 補装具費 (車椅子（普通型）, 基準額 100,000円 as a demo figure). The 負担上限月額
is judged by the service from the town's real demo 住民税 and 生活保護 records; a person whose
住民税 of the year is missing stays 申請中 (the service refuses to guess). Persons are chosen by a
hash of the reading of their name and their birth date, not by 宛名番号.

The town's 日常生活用具 要綱 list, when the town has set none, is put as demo values (reason
「デモデータ（架空の要綱）」): not any real town's 要綱.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.utils import timezone

from fukushi.models import JiritsuKettei, ShogaiTecho, TechoJotai, TechoKind
from fukushi.services.jiritsu import (
    JiritsuRefused,
    KetteiInput,
    jiritsu_kettei,
    jiritsu_nintei,
    jiritsu_shinsei,
)
from fukushi.services.jiritsu_yogu import YoguInput, yogu_kettei, yogu_shinsei
from juminkiroku.public import person_identities
from tenants import zengin
from tenants.accesslog.services import Actor
from tenants.age import age_on
from tenants.params.services import ParameterMissing, param_value
from tenants.params.tenant.services import municipal_parameter_set
from tenants.wareki import fiscal_year_of

ACTOR = Actor(user_id=None, username="load_jiritsu_demo")
DEMO_YOGU = "特殊寝台=154000、入浴補助用具=90000、頭部保護帽=12000"
GYOSHA = zengin.Account("0005", "001", "1", "7000001", "ｶ)ﾃﾞﾓｷﾞｼｿｳｸﾞ")
#: 身体 等級 → 障害支援区分 (ours)
KUBUN = {"1": "5", "2": "4", "3": "3", "4": "2", "5": "1", "6": "1"}


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def _yogu_list(nendo: int) -> None:
    try:
        param_value("fukushi.jiritsu.nichijo_yogu", nendo)
    except ParameterMissing:
        municipal_parameter_set(
            key="fukushi.jiritsu.nichijo_yogu",
            fiscal_year=nendo,
            value_text=DEMO_YOGU,
            reason="デモデータ（架空の要綱）",
            actor=ACTOR,
        )


def _end_of_year(kaishi: date) -> date:
    """The day before the same day a year later (a 1年 支給決定期間)."""
    return date.fromordinal(date(kaishi.year + 1, kaishi.month, 1).toordinal() - 1)


def load(stdout: Any) -> None:
    if JiritsuKettei.objects.exists():
        return
    techos = list(ShogaiTecho.objects.filter(jotai=TechoJotai.YUKO).order_by("kind", "techo_bango"))
    if not techos:
        return
    today = timezone.localdate()
    kaishi = today.replace(day=1)
    shuryo = _end_of_year(kaishi)
    _yogu_list(fiscal_year_of(today))
    people = person_identities(t.atena_id for t in techos)
    kettei = skipped = hosogu = 0
    for t in techos:
        p = people.get(t.atena_id)
        if p is None or not 18 <= age_on(p.birth_date, today) <= 64:
            continue
        n = _h(f"jiritsu|{p.shimei_kana}|{p.birth_date.isoformat()}")
        try:
            if t.kind == TechoKind.SHINTAI and n % 10 == 0:
                y = yogu_shinsei(
                    YoguInput(atena_id=t.atena_id, kind="hosogu", hinmoku="車椅子（普通型）",
                              shinsei_date=kaishi, gyosha="デモ義肢装具株式会社", kakaku=110_000,
                              kijun_gaku=100_000, hoho="dairi", account=GYOSHA),
                    actor=ACTOR,
                )  # fmt: skip
                yogu_kettei(pk=y.pk, kettei_date=today, shikyu=True, riyu="", actor=ACTOR)
                hosogu += 1
            if n % 4 != 0:
                continue
            if JiritsuKettei.objects.filter(atena_id=t.atena_id).exists():
                continue
            k = jiritsu_shinsei(atena_id=t.atena_id, shinsei_date=kaishi, haigusha_atena_id=None,
                                actor=ACTOR)  # fmt: skip
            if t.kind == TechoKind.SHINTAI:
                jiritsu_nintei(pk=k.pk, kubun=KUBUN.get(t.tokyu, "2"), nintei_date=kaishi,
                               actor=ACTOR)  # fmt: skip
                services = {"kyotaku_kaigo": 20 + n % 30}
            elif t.kind == TechoKind.RYOIKU:
                jiritsu_nintei(pk=k.pk, kubun="3", nintei_date=kaishi, actor=ACTOR)
                services = {"seikatsu_kaigo": 22}
            else:
                services = {"shuro_keizoku_b": 20}
            jiritsu_kettei(pk=k.pk, data=KetteiInput(kaishi, kaishi, shuryo, services), actor=ACTOR)
            kettei += 1
        except JiritsuRefused:
            skipped += 1  # no 住民税 of the year for this person: left 申請中
    stdout.write(
        f"障害福祉サービス 支給決定 {kettei:,}件、補装具費 {hosogu:,}件"
        f"（住民税の資料がなく申請中のまま {skipped:,}件）\n"
    )
