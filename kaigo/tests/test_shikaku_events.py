"""介護保険 資格 from the registry's events: 転入 of a person already 65 (取得 on the 転入日),
under 65 (nothing), 転出 (喪失 the day after the 除票, exactly once, also when the event
is delivered again), 死亡, 取消 — and each town's events change only that town's 資格."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from juminkiroku import events as jk_events
from kaigo.models import RirekiKind, Shikaku, ShikakuRireki
from kaigo.public import dai1_of_nendo, hihokensha_on
from kaigo.tests.factories import elders, periods, shibo, tennyu, tenshutsu, torikeshi
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.services import event_publish
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
SUBSCRIBER = "kaigo.subscribers.soshitsu_on_tenshutsu"


def test_tennyu_insures_those_already_65_from_the_tennyu_date(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a household (69, 68 and 39 years old) moving into 葉山町
    connection.set_tenant(alpha.municipality)
    ido, (husband, wife, son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    # then the two over 65 are 第1号 from the 転入日, keyed on the 異動; the son is not
    for a in (husband, wife):
        assert periods(a) == [("1", TENNYU, "tennyu", None, "", False)]
    assert periods(son) == []
    assert set(
        Shikaku.objects.filter(shutoku_ido_id=ido.pk).values_list("atena_id", flat=True)
    ) == {
        husband.pk,
        wife.pk,
    }
    # each got a 10-digit 被保険者番号 and a history row caused by the 異動, logged
    rireki = ShikakuRireki.objects.get(atena_id=husband.pk)
    assert (rireki.kind, rireki.cause_kind, rireki.ido_id) == ("shutoku", "event", ido.pk)
    assert rireki.actor == "system:kaigo_renkei"
    assert AccessLog.objects.filter(
        gyomu="kaigo_hoken", screen="kaigo.renkei", detail__atena_ids=[husband.pk]
    ).exists()
    (row,) = dai1_of_nendo(2025, [husband.pk])
    assert len(row.hihokensha_no) == 10 and row.months == (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    # and 寒川町 has none of it; its own 転入 insures its own people only
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists()
    tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=elders("佐藤", "サトウ"), day=TENNYU
    )
    assert Shikaku.objects.count() == 2
    connection.set_tenant(alpha.municipality)
    assert Shikaku.objects.count() == 2
    assert not Shikaku.objects.exclude(atena_id__in=[husband.pk, wife.pk]).exists()


def test_tenshutsu_ends_shikaku_the_day_after_exactly_once_also_when_redelivered(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given the couple insured in 葉山町 and a couple in 寒川町
    connection.set_tenant(beta.municipality)
    _, (b_husband, *_rest) = tennyu(
        django_capture_on_commit_callbacks, "samukawa", members=elders("佐藤", "サトウ"), day=TENNYU
    )
    connection.set_tenant(alpha.municipality)
    _, (husband, wife, _son) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    # when the husband's 転出 (予定日 2025年5月10日) is recorded and becomes a 除票
    left = date(2025, 5, 10)
    ido = tenshutsu(django_capture_on_commit_callbacks, husband, day=left)
    # then 資格 ends on 5月11日, caused by that 異動, and the wife keeps hers
    assert periods(husband) == [
        ("1", TENNYU, "tennyu", left + timedelta(days=1), "tenshutsu", False)
    ]
    assert hihokensha_on([husband.pk], left)
    assert not hihokensha_on([husband.pk], left + timedelta(days=1))
    assert periods(wife) == [("1", TENNYU, "tennyu", None, "", False)]
    soshitsu = ShikakuRireki.objects.filter(atena_id=husband.pk, kind=RirekiKind.SOSHITSU)
    assert [(r.ido_id, r.cause_kind) for r in soshitsu] == [(ido.pk, "event")]
    # premium months of 令和7年度: April only (喪失 in May → to the month before)
    (row,) = dai1_of_nendo(2025, [husband.pk])
    assert row.months == (4,)
    # when the same event is delivered again (a lost acknowledgement, the redelivery job)
    event = DomainEvent.objects.get(name="juminkiroku.tenshutsu_kakutei", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=SUBSCRIBER)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, SUBSCRIBER])
    # and the registry publishes a second event for the same 異動 and date
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(
            event=jk_events.TENSHUTSU_KAKUTEI,
            payload=jk_events.TenshutsuKakuteiPayload(
                ido_id=ido.pk,
                jiyu="S01",
                shojo_date=left,
                yotei_date=left,
                atena_ids=(husband.pk,),
                setai_ids=(husband.setai_id,),
            ),
            acting_user_id=None,
        )
    # then nothing changes: one 喪失, one history row
    assert periods(husband) == [
        ("1", TENNYU, "tennyu", left + timedelta(days=1), "tenshutsu", False)
    ]
    assert ShikakuRireki.objects.filter(atena_id=husband.pk, kind=RirekiKind.SOSHITSU).count() == 1
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE
    # and 寒川町's couple was not touched
    connection.set_tenant(beta.municipality)
    assert periods(b_husband) == [("1", TENNYU, "tennyu", None, "", False)]
    assert not ShikakuRireki.objects.filter(kind=RirekiKind.SOSHITSU).exists()


def test_death_ends_shikaku_the_next_day_and_the_months_charged(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (husband, *_rest) = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    died = date(2025, 8, 31)
    shibo(django_capture_on_commit_callbacks, husband, day=died)
    assert periods(husband) == [("1", TENNYU, "tennyu", date(2025, 9, 1), "shibo", False)]
    # died on the last day of August: 喪失 9月1日, so April to August are charged
    (row,) = dai1_of_nendo(2025, [husband.pk])
    assert row.months == (4, 5, 6, 7, 8) and row.kijitsu_hihokensha


def test_torikeshi_of_the_tenshutsu_gives_the_period_back(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (husband, *_rest) = tennyu(django_capture_on_commit_callbacks, members=elders(), day=TENNYU)
    ido = tenshutsu(django_capture_on_commit_callbacks, husband, day=date(2025, 5, 10))
    cancel = torikeshi(django_capture_on_commit_callbacks, ido, day=date(2025, 5, 20))
    assert periods(husband) == [("1", TENNYU, "tennyu", None, "", False)]
    kinds = list(
        ShikakuRireki.objects.filter(atena_id=husband.pk)
        .order_by("id")
        .values_list("kind", "ido_id")
    )
    assert [k for k, _ in kinds] == ["shutoku", "soshitsu", "soshitsu_torikeshi"]
    assert kinds[-1][1] == cancel.pk


def test_torikeshi_of_the_tennyu_cancels_the_acquisition(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    ido, (husband, *_rest) = tennyu(
        django_capture_on_commit_callbacks, members=elders(), day=TENNYU
    )
    torikeshi(django_capture_on_commit_callbacks, ido, day=date(2020, 4, 5))
    assert periods(husband) == [("1", TENNYU, "tennyu", None, "", True)]
    assert not hihokensha_on([husband.pk], date(2020, 5, 1))
    assert dai1_of_nendo(2020, [husband.pk]) == []
