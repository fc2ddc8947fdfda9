"""後期高齢者医療 (the town's part): 資格 at 75 by the daily job, by 障害認定 (65–74, ending
国保 that day) and by 転入; 喪失 from the registry's events exactly once; the changes owed
to the 広域連合 written once and sent in exactly one 異動 file with a 連番 per town."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.storage import default_storage

from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import family
from kokuho.models import (
    KokiIdo,
    KokiIdoFile,
    KokiShikaku,
    RirekiKind,
    ShikakuRireki,
    TokuteiDoitsu,
)
from kokuho.services.koki_iryo import (
    IDO_FILE_HEADER,
    KokiRefused,
    koki_ido_file_make,
    koki_shikaku_due,
    koki_shogai_nintei,
)
from kokuho.tests.factories import periods, shibo, tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event

pytestmark = pytest.mark.django_db

TENNYU = date(2020, 4, 1)
CLERK = Actor(user_id=None, username="hayama-clerk")
SHIBO_SUBSCRIBER = "kokuho.subscribers.koki_on_shibo"


def _couple(capture, town: str = "hayama", *, husband_birth: str = "1951-01-10"):
    members = family()[:2]
    members[0]["birth_date"] = husband_birth
    return tennyu(capture, town, members=members, day=TENNYU)[1]


def _koki(atena) -> list[tuple[date, str, date | None, str]]:
    return [
        (s.shutoku_date, s.shutoku_jiyu, s.soshitsu_date, s.soshitsu_jiyu)
        for s in KokiShikaku.objects.filter(atena_id=atena.pk).order_by("id")
    ]


def _read_file(f: KokiIdoFile) -> list[list[str]]:
    with default_storage.open(f.path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_75th_birthday_gives_koki_shikaku_once_in_each_town(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a husband turning 75 on 令和8年1月10日 in each town
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    connection.set_tenant(beta.municipality)
    b_husband, _ = _couple(django_capture_on_commit_callbacks, "samukawa")
    connection.set_tenant(alpha.municipality)
    # when the daily job runs the day before: nothing
    assert koki_shikaku_due(today=date(2026, 1, 9)).acquired == []
    # when it runs on the birthday
    result = koki_shikaku_due(today=date(2026, 1, 10))
    # then 後期 資格 from the birthday, for him only, and one change for the 広域連合
    assert result.acquired == [husband.pk]
    assert _koki(husband) == [(date(2026, 1, 10), "nenrei", None, "")]
    assert _koki(wife) == []
    ido = KokiIdo.objects.get(atena_id=husband.pk)
    assert (ido.kind, ido.effective_date, ido.file) == ("shutoku", date(2026, 1, 10), None)
    assert AccessLog.objects.filter(
        screen="kokuho.koki_shikaku_due", record_type="kokuho.KokiShikaku"
    ).exists()
    # and a second run, days later, writes nothing
    assert koki_shikaku_due(today=date(2026, 1, 20)).acquired == []
    assert KokiIdo.objects.count() == 1
    # and 寒川町's husband is untouched until 寒川町's own run
    connection.set_tenant(beta.municipality)
    assert _koki(b_husband) == [] and not KokiIdo.objects.exists()
    assert koki_shikaku_due(today=date(2026, 1, 10)).acquired == [b_husband.pk]


def test_shogai_nintei_moves_a_70_year_old_from_kokuho_on_the_day(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a 70-year-old husband insured in 国保 with his wife
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks, husband_birth="1955-06-01")
    # when the 広域連合's 障害認定 of 令和7年10月1日 is entered
    koki_shogai_nintei(
        atena_id=husband.pk,
        nintei_date=date(2025, 10, 1),
        shinsei_date=date(2025, 9, 1),
        actor=CLERK,
    )
    # then 後期 資格 from the 認定日 and 国保 lost on that day, with its history
    assert _koki(husband) == [(date(2025, 10, 1), "shogai", None, "")]
    assert periods(husband) == [(TENNYU, "tennyu", date(2025, 10, 1), "koki_shogai", False)]
    row = ShikakuRireki.objects.get(atena_id=husband.pk, kind=RirekiKind.SOSHITSU)
    assert (row.cause_kind, row.todoke_date) == ("todoke", date(2025, 9, 1))
    # and he is a 特定同一世帯所属者 of the household his wife stays insured in
    assert TokuteiDoitsu.objects.get(atena_id=husband.pk).start_date == date(2025, 10, 1)
    assert periods(wife)[0][2] is None
    # and a second 認定 is refused, as is one for a 60-year-old or at 75
    with pytest.raises(KokiRefused, match="既に"):
        koki_shogai_nintei(
            atena_id=husband.pk,
            nintei_date=date(2025, 11, 1),
            shinsei_date=date(2025, 11, 1),
            actor=CLERK,
        )
    young = tennyu(
        django_capture_on_commit_callbacks,
        members=[
            jk.person_fields(
                shimei="若井　一", shimei_kana="ワカイ　ハジメ", birth_date="1965-04-02"
            )
        ],
        day=TENNYU,
    )[1][0]
    with pytest.raises(KokiRefused, match="65歳未満"):
        koki_shogai_nintei(
            atena_id=young.pk,
            nintei_date=date(2025, 10, 1),
            shinsei_date=date(2025, 10, 1),
            actor=CLERK,
        )
    assert _koki(young) == [] and periods(young)[0][2] is None
    # and in 寒川町 the person is not a resident: refused, nothing written
    connection.set_tenant(beta.municipality)
    with pytest.raises(KokiRefused, match="住民ではありません"):
        koki_shogai_nintei(
            atena_id=wife.pk,
            nintei_date=date(2025, 10, 1),
            shinsei_date=date(2025, 10, 1),
            actor=CLERK,
        )
    assert not KokiShikaku.objects.exists() and not KokiIdo.objects.exists()


def test_death_ends_koki_the_next_day_once_also_when_redelivered(
    alpha, django_capture_on_commit_callbacks
):
    # given a husband who became 後期 insured at 75
    connection.set_tenant(alpha.municipality)
    husband, _wife = _couple(django_capture_on_commit_callbacks)
    koki_shikaku_due(today=date(2026, 1, 10))
    # when he dies on 令和8年3月1日
    ido = shibo(django_capture_on_commit_callbacks, husband, day=date(2026, 3, 1))
    # then 後期 資格 ends the day after, and the 広域連合 is owed one 喪失
    assert _koki(husband) == [(date(2026, 1, 10), "nenrei", date(2026, 3, 2), "shibo")]
    assert list(KokiIdo.objects.filter(atena_id=husband.pk).values_list("kind", flat=True)) == [
        "shutoku",
        "soshitsu",
    ]
    # when the same event is delivered again
    event = DomainEvent.objects.get(name="juminkiroku.shibo", payload__ido_id=ido.pk)
    delivery = Delivery.objects.get(event=event, subscriber=SHIBO_SUBSCRIBER)
    assert delivery.status == DeliveryStatus.DONE
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, SHIBO_SUBSCRIBER])
    # then nothing more is written
    assert KokiIdo.objects.filter(atena_id=husband.pk).count() == 2
    assert _koki(husband)[0][2] == date(2026, 3, 2)


def test_a_person_of_75_moving_in_is_insured_from_the_tennyu_date(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    (old,) = tennyu(
        django_capture_on_commit_callbacks,
        members=[
            jk.person_fields(
                shimei="古川　茂", shimei_kana="フルカワ　シゲル", birth_date="1940-02-03"
            )
        ],
        day=date(2025, 6, 1),
    )[1]
    assert _koki(old) == [(date(2025, 6, 1), "tennyu", None, "")]
    # and the daily job leaves him alone
    assert koki_shikaku_due(today=date(2025, 6, 2)).acquired == []


def test_ido_file_sends_each_change_once_with_a_sequence_per_town(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given 後期 insured in both towns, 葉山町's moving house
    connection.set_tenant(beta.municipality)
    b_husband, _ = _couple(django_capture_on_commit_callbacks, "samukawa")
    koki_shikaku_due(today=date(2026, 1, 10))
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    koki_shikaku_due(today=date(2026, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        jk.tenkyo([husband, wife], ido_date=date(2026, 2, 1), todoke_date=date(2026, 2, 3))
    # when 葉山町 makes its 異動 file
    first = koki_ido_file_make(actor=CLERK, encoding="utf-8-sig")
    # then 第1号 holds the 取得 and the 住所の変更 of the insured husband (not his wife)
    assert (first.seq, first.rows) == (1, 2)
    rows = _read_file(first)
    assert rows[0] == IDO_FILE_HEADER
    assert [(r[3], r[5], r[7]) for r in rows[1:]] == [
        ("01", "2026-01-10", husband.atena_no),
        ("11", "2026-02-01", husband.atena_no),
    ]
    assert rows[1][1] == "143014" and rows[1][9] == "山田　太郎"
    assert "葉山町一色" in rows[2][14]
    assert AccessLog.objects.filter(
        action="export", screen="kokuho.koki_ido_file", record_id=str(first.pk)
    ).exists()
    # and a second file has nothing to send
    with pytest.raises(KokiRefused):
        koki_ido_file_make(actor=CLERK, encoding="utf-8-sig")
    # when he dies, the next file is 第2号 with that change only
    shibo(django_capture_on_commit_callbacks, husband, day=date(2026, 3, 1))
    second = koki_ido_file_make(actor=CLERK, encoding="cp932")
    assert (second.seq, second.rows) == (2, 1)
    with default_storage.open(second.path, "rb") as handle:
        text = handle.read().decode("cp932")
    assert "資格喪失" in text and "2026-03-02" in text
    assert KokiIdo.objects.filter(file__isnull=True).count() == 0
    # and 寒川町's own 第1号 holds its own person only
    connection.set_tenant(beta.municipality)
    b_first = koki_ido_file_make(actor=CLERK, encoding="utf-8-sig")
    assert b_first.seq == 1
    b_rows = _read_file(b_first)
    assert [r[7] for r in b_rows[1:]] == [b_husband.atena_no]
    assert b_rows[1][1] == "143219"
