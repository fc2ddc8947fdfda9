"""Issue 19: residents imported in the 中間標準レイアウト reach 介護保険. The import's load
publishes ``juminkiroku.iko_load``; kaigo's subscriber insures the loaded residents already
65 as 第1号 from the day of the load, history 「初期データ」, exactly once (a redelivered
event writes nothing). 葉山町, whose registry the bundle came from, is untouched.

(Here, not under kaigo/ or migration_io/: the test drives migration_io's import and reads
kaigo's tables, and the contracts let neither app's tests import the other.)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from juminkiroku.public import person_identities, residents_on
from kaigo.models import CauseKind, RirekiKind, Shikaku, ShikakuRireki
from kaigo.public import hihokensha_on
from migration_io.tests.test_import import _bundle, _errors, _import
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

SUBSCRIBER = "kaigo.subscribers.shutoku_on_iko_load"


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_an_import_gives_the_loaded_elders_their_kaigo_shikaku_exactly_once(
    alpha, beta, tmp_path, django_capture_on_commit_callbacks
):
    # given: 葉山町's registry as a bundle for 寒川町 (empty registry, no 介護 資格)
    directory = _bundle(alpha, beta, tmp_path)
    connection.set_tenant(alpha.municipality)
    hayama_log = AccessLog.objects.count()
    assert not Shikaku.objects.exists()
    connection.set_tenant(beta.municipality)
    assert not Shikaku.objects.exists()
    # when: the import loads it, and the event is delivered after the commit
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(beta, directory)
    assert _errors(report) == [] and report.loaded
    # then: exactly the residents aged 65 or more on the load day are 第1号 from that day
    connection.set_tenant(beta.municipality)
    event = DomainEvent.objects.get(name="juminkiroku.iko_load")
    day = timezone.localdate(event.occurred_at)
    residents = residents_on(day)
    elders = {r.atena_id for r in residents if _age_on(r.birth_date, day) >= 65}
    assert elders and len(elders) < len(residents)  # the bundle holds both kinds
    assert set(Shikaku.objects.values_list("atena_id", flat=True)) == elders
    assert set(hihokensha_on(sorted(elders), day)) == elders
    for s in Shikaku.objects.all():
        assert (s.kubun, s.shutoku_date, s.shutoku_jiyu, s.soshitsu_date) == ("1", day, "iko", None)
    # with a history row 「初期データ」 keyed on the event, and one access-log row
    rireki = list(ShikakuRireki.objects.all())
    assert len(rireki) == len(elders)
    for r in rireki:
        assert r.kind == RirekiKind.SHUTOKU and r.cause_kind == CauseKind.IKO
        assert r.jiyu.startswith("初期データ") and r.event_id == event.pk
        assert r.effective_date == day and r.actor == "system:kaigo_renkei"
    (row,) = AccessLog.objects.filter(gyomu="kaigo_hoken", screen="kaigo.iko")
    assert sorted(row.detail["atena_ids"]) == sorted(elders)
    assert row.detail["event_id"] == event.pk
    # the person who had left (転出, a 除票) is not insured
    loaded = range(event.payload["first_atena_id"], event.payload["last_atena_id"] + 1)
    left = [a for a in person_identities(loaded) if a not in {r.atena_id for r in residents}]
    assert left and not Shikaku.objects.filter(atena_id__in=left).exists()
    # when: the same event is delivered again (a lost acknowledgement, the redelivery job)
    delivery = Delivery.objects.get(event=event, subscriber=SUBSCRIBER)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    before = (Shikaku.objects.count(), ShikakuRireki.objects.count(), AccessLog.objects.count())
    deliver_event.apply(args=[event.pk, SUBSCRIBER])
    # then: nothing more is written
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE
    after = (Shikaku.objects.count(), ShikakuRireki.objects.count(), AccessLog.objects.count())
    assert after == before
    # and 葉山町 (the same persons, the same ages) got no 資格 and no access-log row
    connection.set_tenant(alpha.municipality)
    assert not Shikaku.objects.exists() and not ShikakuRireki.objects.exists()
    assert AccessLog.objects.count() == hayama_log
    assert not DomainEvent.objects.filter(name="juminkiroku.iko_load").exists()
