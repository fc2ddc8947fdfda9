"""児童手当 when the registry undoes a 異動 (juminkiroku.torikeshi), in two towns: the 消滅 a
転出 caused is undone and the months are paid again; a child removed by its 転出 counts again;
a second delivery changes nothing; 寒川町 is untouched."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import (
    JidoteateJido,
    JidoteateJukyusha,
    JidoteateRireki,
    JidoteateShiharaiMeisai,
    JukyushaStatus,
    RirekiKind,
)
from fukushi.services.jidoteate_shiharai import shiharai_keisan
from fukushi.tests.test_jidoteate_events import CLERK, _family, _nintei, _tennyu
from juminkiroku.tests import factories as jk
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db


def test_torikeshi_of_a_tenshutsu_restores_the_nintei_and_the_child(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 葉山町: 山田 receives for two children (13歳・9歳: 20,000円 a month) from 4月分
    connection.set_tenant(alpha.municipality)
    father, _mother, older, younger = _tennyu(
        django_capture_on_commit_callbacks,
        "hayama",
        _family("山田", "ヤマダ", ["2012-06-01", "2016-06-01"]),
    )
    row = _nintei(father, [older, younger])
    # when the older child's 転出 (6月10日) is entered, then undone (取消)
    with django_capture_on_commit_callbacks(execute=True):
        ido_k = jk.tenshutsu(older, ido_date=date(2025, 6, 10), todoke_date=date(2025, 6, 1))
    (kid,) = JidoteateJido.objects.filter(jukyusha=row, atena_id=older.pk)
    assert kid.end_month == date(2025, 7, 1)
    with django_capture_on_commit_callbacks(execute=True):
        jk.torikeshi(ido_k, ido_date=date(2025, 6, 20))
    kid.refresh_from_db()
    assert kid.end_month is None
    # when the father's 転出 (7月10日) is entered, then undone
    with django_capture_on_commit_callbacks(execute=True):
        ido_f = jk.tenshutsu(father, ido_date=date(2025, 7, 10), todoke_date=date(2025, 7, 1))
    row.refresh_from_db()
    assert (row.status, row.shikyu_end) == (JukyushaStatus.SHOMETSU, date(2025, 8, 1))
    with django_capture_on_commit_callbacks(execute=True):
        jk.torikeshi(ido_f, ido_date=date(2025, 7, 20))
    # then the 認定 is back, with history in words, and paid for every month
    row.refresh_from_db()
    assert (row.status, row.shikyu_end, row.shometsu_jiyu) == (JukyushaStatus.NINTEI, None, "")
    undo = list(JidoteateRireki.objects.filter(jukyusha=row, kind=RirekiKind.TORIKESHI))
    assert [r.jiyu for r in undo] == [
        "住民記録の異動の取消し: 児童を令和7年7月分から再び算定",
        "住民記録の異動の取消し: 消滅を取り消し令和7年8月分から再び支給",
    ]
    # delivered again: nothing more
    event = DomainEvent.objects.filter(name="juminkiroku.torikeshi").latest("id")
    sub = "fukushi.subscribers.jidoteate.modosu_on_torikeshi"
    Delivery.objects.filter(event=event, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    assert JidoteateRireki.objects.filter(jukyusha=row, kind=RirekiKind.TORIKESHI).count() == 2
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    assert sorted(
        JidoteateShiharaiMeisai.objects.filter(shiharai=oct_).values_list("month", "amount")
    ) == [(date(2025, 8, 1), 20_000), (date(2025, 9, 1), 20_000)]
    # 寒川町: nothing
    connection.set_tenant(beta.municipality)
    assert not JidoteateJukyusha.objects.exists() and not JidoteateRireki.objects.exists()
