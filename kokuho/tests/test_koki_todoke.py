"""75歳到達 (the daily job: 後期高齢者医療 on the birthday, 特定同一世帯所属者), and the
届出 the registry cannot see: 社会保険の加入・離脱 with 遡及, 生活保護の開始・廃止."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, family, person_fields
from kokuho.models import RirekiKind, ShikakuRireki, TokuteiDoitsu
from kokuho.public import kokuho_setai_on
from kokuho.rules.shikaku import ShikakuParameters, birthday_at, sokyu_days, todoke_late
from kokuho.services.koki import koki_ido_due
from kokuho.services.todoke import (
    TodokeRefused,
    seiho_haishi,
    seiho_kaishi,
    shaho_kanyu_todoke,
    shaho_ridatsu_todoke,
)
from kokuho.tasks import koki_ido_daily
from kokuho.tests.factories import periods, shibo, tennyu
from tenants.db import connection

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)


def _couple(capture, town: str = "hayama"):
    members = family()[:2]
    members[0]["birth_date"] = "1951-01-10"  # 75 on 2026-01-10
    return tennyu(capture, town, members=members, day=TENNYU)[1]


def test_75th_birthday_moves_the_person_to_koki_on_the_day(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a couple insured in 葉山町, the husband turning 75 on 令和8年1月10日
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    connection.set_tenant(beta.municipality)
    b_husband, _ = _couple(django_capture_on_commit_callbacks, "samukawa")
    connection.set_tenant(alpha.municipality)
    # when the daily job runs the day before: nothing
    assert koki_ido_due(today=date(2026, 1, 9)).moved == []
    # when it runs on the birthday
    result = koki_ido_due(today=date(2026, 1, 10))
    # then 国保 ends on the birthday itself, by the job
    assert result.moved == [husband.pk]
    assert periods(husband) == [(TENNYU, "tennyu", date(2026, 1, 10), "koki", False)]
    row = ShikakuRireki.objects.get(atena_id=husband.pk, kind=RirekiKind.SOSHITSU)
    assert (row.cause_kind, row.actor) == ("job", "system:kokuho_koki")
    # and he is a 特定同一世帯所属者 of the household his wife stays insured in
    assert result.tokutei == [husband.pk]
    setai = kokuho_setai_on(husband.setai_id, date(2026, 1, 10))
    assert setai.tokutei_doitsu_atena_ids == (husband.pk,)
    assert setai.nozei_gimusha_atena_id == husband.pk and setai.gisei_setainushi
    assert setai.hihokensha_atena_ids == (wife.pk,)
    # and a second run (or a missed day caught up) changes nothing
    assert koki_ido_due(today=date(2026, 1, 12)).moved == []
    # and 寒川町's husband is untouched by 葉山町's run
    connection.set_tenant(beta.municipality)
    assert periods(b_husband)[0][2] is None
    # the beat task, sent into 寒川町, catches up its missed days (today is past the birthday)
    connection.set_schema_to_public()
    moved = koki_ido_daily.apply(headers={"_schema_name": beta.schema}).get()
    connection.set_tenant(beta.municipality)
    assert moved == 1 and periods(b_husband)[0][2] == date(2026, 1, 10)


def test_tokutei_doitsu_ends_when_the_person_dies(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    husband, _wife = _couple(django_capture_on_commit_callbacks)
    koki_ido_due(today=date(2026, 1, 10))
    shibo(django_capture_on_commit_callbacks, husband, day=date(2026, 3, 1))
    row = TokuteiDoitsu.objects.get(atena_id=husband.pk)
    assert (row.start_date, row.end_date) == (date(2026, 1, 10), date(2026, 3, 1))


def test_birthday_rule_and_the_parameters():
    assert birthday_at(date(1951, 1, 10), 75) == date(2026, 1, 10)
    assert birthday_at(date(1952, 2, 29), 75) == date(2027, 3, 1)
    assert sokyu_days(date(2024, 5, 1), date(2024, 6, 15)) == 45
    assert sokyu_days(date(2024, 5, 1), date(2024, 4, 30)) == 0


def test_shaho_kanyu_reported_late_ends_kokuho_from_the_day_after_joining(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    clerk = actor_for("hayama-clerk")
    # when a 社会保険加入 on 令和6年5月1日 is reported on 令和6年6月15日 (45 days later)
    shaho_kanyu_todoke(
        atena_id=head.pk, kanyu_date=date(2024, 5, 1), todoke_date=date(2024, 6, 15), actor=clerk
    )
    # then 国保 ends from 5月2日 (遡及), and the history keeps the 届出日 and the clerk
    assert periods(head) == [(TENNYU, "tennyu", date(2024, 5, 2), "shaho_kanyu", False)]
    row = ShikakuRireki.objects.get(atena_id=head.pk, kind=RirekiKind.SOSHITSU)
    assert (row.cause_kind, row.todoke_date, row.actor) == (
        "todoke",
        date(2024, 6, 15),
        "hayama-clerk",
    )
    params = ShikakuParameters.for_date(date(2024, 5, 1))
    assert todoke_late(date(2024, 5, 1), date(2024, 6, 15), params)
    # when he leaves 社会保険 on 令和7年4月1日, reported on 4月20日
    s = shaho_ridatsu_todoke(
        atena_id=head.pk, ridatsu_date=date(2025, 4, 1), todoke_date=date(2025, 4, 20), actor=clerk
    )
    # then he is insured again from the 離脱日 (遡及)
    assert (s.shutoku_date, s.shutoku_jiyu, s.todoke_date) == (
        date(2025, 4, 1),
        "shaho_ridatsu",
        date(2025, 4, 20),
    )
    # and a 届出 whose 事由 is after its 届出日 is refused, nothing written
    before = ShikakuRireki.objects.count()
    with pytest.raises(TodokeRefused):
        shaho_kanyu_todoke(
            atena_id=head.pk, kanyu_date=date(2025, 6, 1), todoke_date=date(2025, 5, 1), actor=clerk
        )
    assert ShikakuRireki.objects.count() == before


def test_shaho_joined_before_the_tennyu_makes_the_acquisition_void(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (head, *_rest) = tennyu(django_capture_on_commit_callbacks, members=family(), day=TENNYU)
    shaho_kanyu_todoke(
        atena_id=head.pk,
        kanyu_date=date(2019, 4, 1),
        todoke_date=date(2020, 4, 20),
        actor=actor_for("hayama-clerk"),
    )
    assert periods(head) == [(TENNYU, "tennyu", TENNYU, "shaho_kanyu", True)]
    assert ShikakuRireki.objects.filter(atena_id=head.pk, kind=RirekiKind.SHUTOKU_MUKO).exists()


def test_seiho_kaishi_ends_kokuho_on_the_day_and_haishi_gives_it_back(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (head,) = tennyu(django_capture_on_commit_callbacks, members=[person_fields()], day=TENNYU)
    clerk = actor_for("hayama-clerk")
    seiho_kaishi(atena_id=head.pk, kaishi_date=date(2023, 7, 1), actor=clerk)
    assert periods(head) == [(TENNYU, "tennyu", date(2023, 7, 1), "seiho_kaishi", False)]
    seiho_haishi(atena_id=head.pk, haishi_date=date(2024, 2, 1), actor=clerk)
    assert periods(head)[1] == (date(2024, 2, 1), "seiho_haishi", None, "", False)
    # 寒川町's clerk cannot reach 葉山町's person: in 寒川町 the id is nobody
    connection.set_tenant(beta.municipality)
    with pytest.raises(TodokeRefused):
        seiho_haishi(
            atena_id=head.pk, haishi_date=date(2024, 3, 1), actor=actor_for("samukawa-clerk")
        )
    assert not ShikakuRireki.objects.exists()


def test_seiho_begun_before_the_tennyu_makes_the_acquisition_void(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    _, (head,) = tennyu(django_capture_on_commit_callbacks, members=[person_fields()], day=TENNYU)
    seiho_kaishi(atena_id=head.pk, kaishi_date=date(2020, 3, 1), actor=actor_for("hayama-clerk"))
    assert periods(head) == [(TENNYU, "tennyu", TENNYU, "seiho_kaishi", True)]


def test_tokutei_doitsu_ends_when_the_setainushi_changes_once_and_a_torikeshi_restores_it(
    alpha, beta, django_capture_on_commit_callbacks
):
    from juminkiroku.tests import factories as jk
    from kokuho.tests.factories import torikeshi
    from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
    from tenants.events.tasks import deliver_event

    capture = django_capture_on_commit_callbacks
    # given in each town a husband of 75 who became 特定同一世帯所属者 on 令和8年1月10日
    connection.set_tenant(beta.municipality)
    b_husband, _ = _couple(capture, "samukawa")
    koki_ido_due(today=date(2026, 1, 10))
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(capture)
    koki_ido_due(today=date(2026, 1, 10))
    # when the wife becomes 世帯主 on 令和8年2月1日
    with capture(execute=True):
        ido = jk.setainushi_henko(wife, husband, ido_date=date(2026, 2, 1))
    # then he is a 特定同一世帯所属者 no longer from that day, caused by that 異動
    row = TokuteiDoitsu.objects.get(atena_id=husband.pk)
    assert (row.end_date, row.end_ido_id) == (date(2026, 2, 1), ido.pk)
    end = ShikakuRireki.objects.get(atena_id=husband.pk, kind=RirekiKind.TOKUTEI_DOITSU_END)
    assert end.jiyu == "世帯主が変わった"
    assert kokuho_setai_on(wife.setai_id, date(2026, 2, 1)).tokutei_doitsu_atena_ids == ()
    # a redelivery changes nothing
    event = DomainEvent.objects.get(name="juminkiroku.setainushi_henko", payload__ido_id=ido.pk)
    sub = "kokuho.subscribers.tokutei_on_setainushi_henko"
    Delivery.objects.filter(event=event, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    assert ShikakuRireki.objects.filter(kind=RirekiKind.TOKUTEI_DOITSU_END).count() == 1
    # the 取消 of the 世帯主変更 gives the status back
    torikeshi(capture, ido, day=date(2026, 2, 3))
    assert TokuteiDoitsu.objects.get(atena_id=husband.pk).end_date is None
    # and 寒川町's husband is one still
    connection.set_tenant(beta.municipality)
    assert TokuteiDoitsu.objects.get(atena_id=b_husband.pk).end_date is None


def test_tokutei_doitsu_ends_when_the_household_has_no_insured_left(
    alpha, beta, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(beta.municipality)
    b_husband, _ = _couple(capture, "samukawa")
    koki_ido_due(today=date(2026, 1, 10))
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(capture)
    koki_ido_due(today=date(2026, 1, 10))
    # when the wife, the last insured member, joins 社会保険 on 令和8年3月1日
    shaho_kanyu_todoke(
        atena_id=wife.pk,
        kanyu_date=date(2026, 3, 1),
        todoke_date=date(2026, 3, 5),
        actor=actor_for("hayama-clerk"),
    )
    # then the household leaves 国保 on 3月2日 and he is a 特定同一世帯所属者 no longer
    assert periods(wife)[-1][2] == date(2026, 3, 2)
    row = TokuteiDoitsu.objects.get(atena_id=husband.pk)
    assert row.end_date == date(2026, 3, 2)
    end = ShikakuRireki.objects.get(atena_id=husband.pk, kind=RirekiKind.TOKUTEI_DOITSU_END)
    assert (end.jiyu, end.cause_kind) == ("世帯に国保の被保険者がいなくなった", "todoke")
    # and 寒川町's husband is one still
    connection.set_tenant(beta.municipality)
    assert TokuteiDoitsu.objects.get(atena_id=b_husband.pk).end_date is None


def test_tokutei_doitsu_stays_while_someone_of_the_household_is_insured(
    alpha, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    members = family()
    members[0]["birth_date"] = "1951-01-10"
    husband, wife, child = tennyu(capture, members=members, day=TENNYU)[1]
    koki_ido_due(today=date(2026, 1, 10))
    shaho_kanyu_todoke(
        atena_id=wife.pk,
        kanyu_date=date(2026, 3, 1),
        todoke_date=date(2026, 3, 5),
        actor=actor_for("hayama-clerk"),
    )
    # the child stays insured: the husband stays a 特定同一世帯所属者
    assert TokuteiDoitsu.objects.get(atena_id=husband.pk).end_date is None
    assert periods(child)[0][2] is None
