"""国保 資格 from the registry's events: 転入 of a household, 出生, 死亡 (the next day,
exactly once, also when the event is delivered again), 転出確定, 取消, 世帯異動 — and each
town's events change only that town's 資格."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from juminkiroku.tests.factories import family, person_fields, shibo_then_cancel, tenshutsu
from kokuho.models import RirekiKind, Shikaku, ShikakuRireki, ShutokuJiyu, SoshitsuJiyu
from kokuho.public import hihokensha_on, kokuho_setai_on
from kokuho.tests.factories import periods, setai_bunri, shibo, shussei, tennyu, torikeshi
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
SUBSCRIBER = "kokuho.subscribers.soshitsu_on_shibo"


def test_tennyu_of_a_household_insures_each_member_from_the_tennyu_date(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a household of three moving into 葉山町
    connection.set_tenant(alpha.municipality)
    ido, (head, wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    # then each acquires 国保 on the 転入日, keyed on the 異動, in one 国保世帯
    for a in (head, wife, child):
        assert periods(a) == [(TENNYU, ShutokuJiyu.TENNYU, None, "", False)]
    rows = Shikaku.objects.filter(shutoku_ido_id=ido.pk).order_by("edaban")
    assert [s.edaban for s in rows] == [1, 2, 3]
    setai = kokuho_setai_on(head.setai_id, date(2021, 1, 1))
    assert setai.nozei_gimusha_atena_id == head.pk and not setai.gisei_setainushi
    assert set(setai.hihokensha_atena_ids) == {head.pk, wife.pk, child.pk}
    assert setai.bango
    # and the history says the registry's 異動 caused it, by the system actor, logged
    rireki = ShikakuRireki.objects.get(atena_id=head.pk)
    assert (rireki.kind, rireki.cause_kind, rireki.ido_id) == ("shutoku", "event", ido.pk)
    assert rireki.actor == "system:kokuho_renkei"
    assert AccessLog.objects.filter(
        gyomu="kokuho_shikaku", screen="kokuho.renkei", detail__atena_ids=[head.pk]
    ).exists()
    # and 寒川町 has none of it
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists()
    tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=family("佐藤", "サトウ"), day=TENNYU
    )
    assert Shikaku.objects.count() == 3
    connection.set_tenant(alpha.municipality)
    assert Shikaku.objects.count() == 3
    assert not Shikaku.objects.filter(shutoku_ido_id__in=[]).exists()


def test_tennyu_of_a_person_aged_75_or_in_shaho_acquires_nothing(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (old,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[person_fields(birth_date="1940-01-01")],
        day=TENNYU,
    )
    assert periods(old) == []


def test_death_ends_kokuho_the_next_day_exactly_once_also_when_redelivered(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a household insured in 葉山町 and one in 寒川町
    connection.set_tenant(alpha.municipality)
    _, (head, wife, _child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    # when the death of the wife is recorded in the registry
    died = date(2025, 8, 20)
    ido = shibo(django_capture_on_commit_callbacks, wife, day=died)
    # then 国保 ends the next day, caused by that 異動
    assert periods(wife) == [(TENNYU, "tennyu", died + timedelta(days=1), "shibo", False)]
    assert hihokensha_on([wife.pk], died)  # insured on the day of death
    assert not hihokensha_on([wife.pk], died + timedelta(days=1))
    assert periods(head) == [(TENNYU, "tennyu", None, "", False)]
    soshitsu = ShikakuRireki.objects.filter(atena_id=wife.pk, kind=RirekiKind.SOSHITSU)
    assert [(r.ido_id, r.cause_kind) for r in soshitsu] == [(ido.pk, "event")]
    # when the same event is delivered again (a lost acknowledgement, the redelivery job)
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=SUBSCRIBER)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, SUBSCRIBER])
    # and the registry publishes a second event for the same 異動
    from juminkiroku import events as jk_events
    from tenants.events.services import event_publish

    with django_capture_on_commit_callbacks(execute=True):
        event_publish(
            event=jk_events.SHIBO,
            payload=jk_events.ShojoPayload(
                ido_id=ido.pk,
                jiyu="S03",
                ido_date=died,
                todoke_date=died,
                atena_ids=(wife.pk,),
                setai_ids=(wife.setai_id,),
            ),
            acting_user_id=None,
        )
    # then nothing changes: one 喪失, one history row
    assert periods(wife) == [(TENNYU, "tennyu", died + timedelta(days=1), "shibo", False)]
    assert ShikakuRireki.objects.filter(atena_id=wife.pk, kind=RirekiKind.SOSHITSU).count() == 1
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE
    # and 寒川町 was not touched
    connection.set_tenant(beta.municipality)
    assert not ShikakuRireki.objects.exists()


def test_torikeshi_of_the_death_gives_the_period_back(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    # when a death entered by mistake is approved, then cancelled (取消)
    with django_capture_on_commit_callbacks(execute=True):
        cancel = shibo_then_cancel(head)
    # then the period is open again and the history shows both
    assert periods(head) == [(TENNYU, "tennyu", None, "", False)]
    kinds = list(
        ShikakuRireki.objects.filter(atena_id=head.pk).order_by("id").values_list("kind", "ido_id")
    )
    assert [k for k, _ in kinds] == ["shutoku", "soshitsu", "soshitsu_torikeshi"]
    assert kinds[-1][1] == cancel.pk


def test_torikeshi_of_the_tennyu_cancels_the_acquisition(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    ido, (head, *_rest) = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    torikeshi(django_capture_on_commit_callbacks, ido, day=date(2020, 4, 5))
    assert periods(head) == [(TENNYU, "tennyu", None, "", True)]
    assert not hihokensha_on([head.pk], date(2020, 5, 1))


def test_tenshutsu_ends_kokuho_the_day_after_the_shojo_date(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (_head, _wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    left = date(2025, 5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu(child, ido_date=left, todoke_date=date(2025, 5, 1))
    assert periods(child) == [(TENNYU, "tennyu", left + timedelta(days=1), "tenshutsu", False)]


def test_shussei_joins_an_insured_household_only(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    born = date(2025, 3, 3)
    baby = shussei(django_capture_on_commit_callbacks, head.setai_id, day=born)
    assert periods(baby) == [(born, "shussei", None, "", False)]
    # a household whose members are all in 社会保険: the newborn is their dependant
    from juminkiroku.tests.factories import actor_for
    from kokuho.services.todoke import shaho_kanyu_todoke

    _, (other,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[person_fields(shimei="鈴木　一", shimei_kana="スズキ　ハジメ")],
        day=TENNYU,
    )
    shaho_kanyu_todoke(
        atena_id=other.pk,
        kanyu_date=TENNYU,
        todoke_date=date(2020, 4, 10),
        actor=actor_for("hayama-clerk"),
    )
    baby2 = shussei(
        django_capture_on_commit_callbacks,
        other.setai_id,
        day=born,
        shimei="鈴木　二",
        shimei_kana="スズキ　ジ",
    )
    assert periods(baby2) == []


def test_gisei_setainushi_when_the_head_joins_shaho(alpha, django_capture_on_commit_callbacks):
    from juminkiroku.tests.factories import actor_for
    from kokuho.services.todoke import shaho_kanyu_todoke

    connection.set_tenant(alpha.municipality)
    _, (head, wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    shaho_kanyu_todoke(
        atena_id=head.pk,
        kanyu_date=date(2024, 10, 1),
        todoke_date=date(2024, 10, 5),
        actor=actor_for("hayama-clerk"),
    )
    setai = kokuho_setai_on(head.setai_id, date(2024, 10, 2))
    # the 世帯主 stays the 納税義務者 though not insured: 擬制世帯主
    assert setai.nozei_gimusha_atena_id == head.pk and setai.gisei_setainushi
    assert set(setai.hihokensha_atena_ids) == {wife.pk, child.pk}
    assert not kokuho_setai_on(head.setai_id, date(2024, 10, 1)).gisei_setainushi
    assert Shikaku.objects.get(atena_id=head.pk).soshitsu_jiyu == SoshitsuJiyu.SHAHO_KANYU


def test_setai_bunri_keeps_the_period_and_gives_a_new_kokuho_setai(
    alpha, django_capture_on_commit_callbacks
):
    from kokuho.models import KokuhoSetai

    connection.set_tenant(alpha.municipality)
    _, (head, _wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    day = date(2025, 5, 10)
    ido = setai_bunri(django_capture_on_commit_callbacks, child, day=day)
    # the child's period continues; the new household is a 国保世帯 of its own
    assert periods(child) == [(TENNYU, "tennyu", None, "", False)]
    assert KokuhoSetai.objects.filter(setai_id=ido.setai_id).exists()
    new = kokuho_setai_on(ido.setai_id, day)
    assert new.nozei_gimusha_atena_id == child.pk and new.hihokensha_atena_ids == (child.pk,)
    assert child.pk not in kokuho_setai_on(head.setai_id, day).hihokensha_atena_ids
    rows = ShikakuRireki.objects.filter(atena_id=child.pk, kind=RirekiKind.SETAI_IDO)
    assert [(r.ido_id, r.setai_id) for r in rows] == [(ido.pk, ido.setai_id)]
    # a second delivery of the event writes nothing
    from juminkiroku import events as jk_events
    from tenants.events.services import event_publish

    with django_capture_on_commit_callbacks(execute=True):
        event_publish(
            event=jk_events.SETAI_BUNRI,
            payload=jk_events.SetaiIdoPayload(
                ido_id=ido.pk,
                jiyu="M02",
                ido_date=day,
                todoke_date=day,
                atena_ids=(child.pk,),
                before_setai_ids=(head.setai_id,),
                after_setai_ids=(ido.setai_id,),
            ),
            acting_user_id=None,
        )
    assert ShikakuRireki.objects.filter(atena_id=child.pk, kind=RirekiKind.SETAI_IDO).count() == 1


def test_a_republished_tenshutsu_kakutei_moves_the_soshitsu_date(
    alpha, django_capture_on_commit_callbacks
):
    """A 転入通知 with an earlier 転入日 after the 除票 republishes 転出確定 for the same 異動
    with the earlier date (juminkiroku.events.TENSHUTSU_KAKUTEI): the 喪失日 moves, once."""
    from juminkiroku import events as jk_events
    from tenants.events.services import event_publish

    connection.set_tenant(alpha.municipality)
    _, (_head, _wife, child) = tennyu(
        django_capture_on_commit_callbacks, members=family(), day=TENNYU
    )
    yotei = date(2025, 5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        ido = tenshutsu(child, ido_date=yotei, todoke_date=date(2025, 5, 1))
    earlier = date(2025, 5, 6)
    payload = jk_events.TenshutsuKakuteiPayload(
        ido_id=ido.pk,
        jiyu="S01",
        shojo_date=earlier,
        yotei_date=yotei,
        atena_ids=(child.pk,),
        setai_ids=(child.setai_id,),
    )
    for _ in range(2):  # the second: a redelivery of the correction
        with django_capture_on_commit_callbacks(execute=True):
            event_publish(event=jk_events.TENSHUTSU_KAKUTEI, payload=payload, acting_user_id=None)
    assert periods(child) == [(TENNYU, "tennyu", date(2025, 5, 7), "tenshutsu", False)]
    kinds = list(
        ShikakuRireki.objects.filter(atena_id=child.pk)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["shutoku", "soshitsu", "soshitsu_henko"]
