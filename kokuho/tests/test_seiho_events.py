"""国保 資格 from 福祉's 生活保護 decisions (fukushi.events): a 保護開始 ends the members'
資格 on the 開始日 (国民健康保険法第6条第9号・第8条), a 保護廃止 restores it from the day
保護 ends (第7条), each exactly once — also when the event is delivered again — and only
in the town that decided it."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.tests.factories import haishi, kaishi
from juminkiroku.tests.factories import family
from kokuho.models import CauseKind, Seiho, ShikakuRireki, ShutokuJiyu, SoshitsuJiyu
from kokuho.tests.factories import periods, tennyu
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
KAISHI = date(2026, 6, 1)
HAISHI = date(2026, 9, 1)


def _redeliver(name: str, subscriber: str) -> None:
    event = DomainEvent.objects.get(name=name)
    delivery = Delivery.objects.get(event=event, subscriber=subscriber)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, subscriber])


def test_seiho_kaishi_and_haishi_end_and_restore_kokuho_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a household insured by 国保 in each town
    connection.set_tenant(beta.municipality)
    _, others = tennyu(
        django_capture_on_commit_callbacks,
        "samukawa",
        members=family("佐藤", "サトウ"),
        day=TENNYU,
    )
    connection.set_tenant(alpha.municipality)
    _, members = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    # when 葉山町 decides 保護開始 for the household
    k = kaishi(django_capture_on_commit_callbacks, members, day=KAISHI)
    # then each member's 国保 ends on the 開始日 itself, caused by 生活保護
    for a in members:
        assert periods(a) == [(TENNYU, "tennyu", KAISHI, SoshitsuJiyu.SEIHO_KAISHI, False)]
    rows = ShikakuRireki.objects.filter(cause_kind=CauseKind.SEIHO, kind="soshitsu")
    assert rows.count() == 3 and {r.actor for r in rows} == {"system:kokuho_seiho"}
    # delivered again: nothing more
    _redeliver("fukushi.seiho_kaishi", "kokuho.subscribers.soshitsu_on_seiho_kaishi")
    assert ShikakuRireki.objects.filter(cause_kind=CauseKind.SEIHO).count() == 3
    assert Seiho.objects.filter(haishi_date__isnull=True).count() == 3
    # when 保護 ends, 国保 is acquired again from that day, once
    haishi(django_capture_on_commit_callbacks, k.case_id, day=HAISHI)
    for a in members:
        assert periods(a)[-1] == (HAISHI, ShutokuJiyu.SEIHO_HAISHI, None, "", False)
    _redeliver("fukushi.seiho_haishi", "kokuho.subscribers.shutoku_on_seiho_haishi")
    for a in members:
        assert len(periods(a)) == 2
    assert not Seiho.objects.filter(haishi_date__isnull=True).exists()
    # 寒川町's insured were not touched
    connection.set_tenant(beta.municipality)
    for a in others:
        assert periods(a) == [(TENNYU, "tennyu", None, "", False)]
    assert not Seiho.objects.exists()
