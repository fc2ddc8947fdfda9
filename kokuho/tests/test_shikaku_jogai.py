"""K-17 外国人住民の適用除外 (国民健康保険法第6条第11号、施行規則第1条): at the 転入, and when
the registry changes the 在留資格 (a 職権修正 from the 長官通知) or a person naturalises;
exactly once per 異動, each town's registry changing only that town's 資格."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import person_fields
from kokuho.models import Shikaku, ShutokuJiyu, SoshitsuJiyu
from kokuho.rules.shikaku import ShikakuParameters, gaikokujin_jogai_reason
from kokuho.tests.factories import periods, tennyu
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

TENNYU = date(2025, 4, 1)
IRYO = "特定活動（医療滞在）"


def foreigner(zairyu_shikaku: str, **over: Any) -> dict[str, Any]:
    return person_fields(
        shimei="SMITH JOHN",
        shimei_kana="スミス　ジョン",
        shubetsu="2",  # 外国人住民
        honseki="",
        hittosha="",
        alpha_name="SMITH JOHN",
        kokuseki="アメリカ合衆国",
        zairyu_shikaku=zairyu_shikaku,
        zairyu_kikan_to="2027-03-31",
        zairyu_card_no="AB12345678CD",
        zairyu_kubun="1",
        **over,
    )


def zairyu_shusei(capture: Any, atena: Any, *, day: date, shikaku: str, town: str) -> Any:
    """The 職権修正 a 長官通知 of 在留資格の変更 becomes (juminkiroku.nyukan.torikomi)."""
    with capture(execute=True):
        return jk.shokken_shusei(
            atena, fields={"zairyu_shikaku": shikaku}, ido_date=day, town_slug=town
        )


def test_the_rule_names_the_kisoku_and_leaves_a_plain_tokutei_katsudo_insured(alpha):
    connection.set_tenant(alpha.municipality)
    params = ShikakuParameters.for_date(TENNYU)

    def reason(shikaku: str, gaikokujin: bool = True) -> str:
        return gaikokujin_jogai_reason(gaikokujin=gaikokujin, zairyu_shikaku=shikaku, params=params)

    assert "施行規則第1条" in reason(IRYO)
    assert "施行規則第1条" in reason("特定活動(医療滞在の同行者)")  # ASCII brackets as written
    assert "第1条第1号" in reason("短期滞在")
    assert reason("特定活動") == ""  # the designated activity is not known: insured
    assert reason("永住者") == "" and reason("技能実習") == ""
    assert reason(IRYO, gaikokujin=False) == ""  # a 日本人住民 is never excluded by this


def test_tennyu_of_a_medical_stay_foreigner_acquires_nothing_but_a_worker_does(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町: a 医療滞在 patient and, in another household, a 技能実習 worker move in
    connection.set_tenant(alpha.municipality)
    _, (patient,) = tennyu(
        django_capture_on_commit_callbacks, members=[foreigner(IRYO)], day=TENNYU
    )
    _, (worker,) = tennyu(
        django_capture_on_commit_callbacks, members=[foreigner("技能実習")], day=TENNYU
    )
    # then only the worker is insured
    assert periods(patient) == []
    assert periods(worker) == [(TENNYU, ShutokuJiyu.TENNYU, None, "", False)]
    # and 寒川町 judges its own 転入 the same way, seeing none of 葉山町's
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists()
    _, (other,) = tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=[foreigner(IRYO)], day=TENNYU
    )
    assert periods(other) == [] and not Shikaku.objects.exists()


def test_a_change_of_zairyu_shikaku_ends_then_gives_back_kokuho_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given an insured 技能実習 worker in 葉山町 and one in 寒川町
    connection.set_tenant(beta.municipality)
    _, (samukawa_worker,) = tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=[foreigner("技能実習")], day=TENNYU
    )
    connection.set_tenant(alpha.municipality)
    _, (worker,) = tennyu(
        django_capture_on_commit_callbacks, members=[foreigner("技能実習")], day=TENNYU
    )
    # when the registry records a change to 特定活動（医療滞在） on 1 October
    change = date(2025, 10, 1)
    ido = zairyu_shusei(
        django_capture_on_commit_callbacks, worker, day=change, shikaku=IRYO, town="hayama"
    )
    # then 国保 ends the next day (国保法第8条第1項), caused by that 異動
    ended = (TENNYU, "tennyu", change + timedelta(days=1), SoshitsuJiyu.TEKIYO_JOGAI, False)
    assert periods(worker) == [ended]
    assert Shikaku.objects.get(atena_id=worker.pk).soshitsu_ido_id == ido.pk
    # when the event is delivered again
    event = DomainEvent.objects.get(name="juminkiroku.kisai_shusei", payload__ido_id=ido.pk)
    sub = "kokuho.subscribers.jogai_on_kisai_shusei"
    Delivery.objects.filter(event=event, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    # then nothing more happens
    assert periods(worker) == [ended]
    # when the 在留資格 changes back to 技能実習 on 1 December
    back = date(2025, 12, 1)
    ido2 = zairyu_shusei(
        django_capture_on_commit_callbacks, worker, day=back, shikaku="技能実習", town="hayama"
    )
    # then 国保 is acquired again that day (国保法第7条), once
    assert periods(worker) == [ended, (back, ShutokuJiyu.JOGAI_KAISHO, None, "", False)]
    event2 = DomainEvent.objects.get(name="juminkiroku.kisai_shusei", payload__ido_id=ido2.pk)
    Delivery.objects.filter(event=event2, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event2.pk, sub])
    assert len(periods(worker)) == 2
    # and 寒川町's worker was not touched
    connection.set_tenant(beta.municipality)
    assert periods(samukawa_worker) == [(TENNYU, "tennyu", None, "", False)]
    assert not Shikaku.objects.filter(atena_id=worker.pk, soshitsu_ido_id=ido.pk).exists()
