"""Demo data of 要介護認定: a few cases per town in every state, through the real services
(so each has its history and access-log rows), dated back from today — 認定 ending soon
(the 更新 reminder list), 認定 in force, cases waiting for the 審査会, and 申請 past the 30
days with no 延期通知 (flagged). Skips a town that has any 申請."""

from __future__ import annotations

from datetime import date, timedelta

from kaigo.models import Kubun, NinteiShinsei, YokaigoKubun
from kaigo.selectors.shikaku import periods_on
from kaigo.services.nintei import (
    NinteiRefused,
    chosa_record,
    ikensho_irai,
    ikensho_juryo,
    nintei_kettei,
    shinsakai_record,
    shinsei_register,
)
from tenants.accesslog.services import Actor

DEMO_CASES = 40
HANTEI = [c.value for c in YokaigoKubun if c != YokaigoKubun.HIGAITO]


def nintei_demo_load(*, today: date, actor: Actor, cases: int = DEMO_CASES) -> int:
    """Make up to ``cases`` cases among the first 第1号被保険者; returns how many."""
    if NinteiShinsei.objects.exists():
        return 0
    ids = list(
        periods_on(today, Kubun.DAI1)
        .order_by("atena_id")
        .values_list("atena_id", flat=True)[:cases]
    )
    made = 0
    for i, atena_id in enumerate(ids):
        kind = i % 4
        back = (170, 60, 20, 35)[kind]
        day = today - timedelta(days=back)
        try:
            row = shinsei_register(
                atena_id=atena_id,
                shinsei_kubun="1",
                shinsei_date=day,
                daiko="kyotaku" if i % 3 == 0 else "honnin",
                daikosha_name="町内居宅介護支援事業所" if i % 3 == 0 else "",
                actor=actor,
            )
        except NinteiRefused:
            continue
        made += 1
        if kind == 3:
            continue  # 受付のまま、30日を超えている
        chosa_record(
            shinsei_id=row.pk, chosa_date=day + timedelta(days=7), chosain="認定調査員", actor=actor
        )
        ikensho_irai(
            shinsei_id=row.pk,
            irai_date=day + timedelta(days=2),
            ishi_name="主治医",
            iryo_kikan="町内診療所",
            actor=actor,
        )
        ikensho_juryo(shinsei_id=row.pk, juryo_date=day + timedelta(days=14), actor=actor)
        if kind == 2:
            continue  # 審査会待ち
        shinsakai_record(
            shinsei_id=row.pk,
            gogitai=f"第{i % 3 + 1}合議体",
            kaisai_date=day + timedelta(days=21),
            hantei=HANTEI[i % len(HANTEI)],
            yuko_months=None,
            actor=actor,
        )
        nintei_kettei(shinsei_id=row.pk, kettei_date=day + timedelta(days=25), actor=actor)
    return made
