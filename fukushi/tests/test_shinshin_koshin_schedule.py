"""心身障害者医療 一斉更新 on a schedule (SG-18): the beat entry sends
``fukushi.tasks.shinshin_koshin_daily`` into every town each day; in 葉山町 (更新月 8月) it
starts nothing before 令和8年7月1日, starts the year's 一斉更新 job on that day, then — the job
done — the print of the renewed 受給者証 (the PDF read back: the renewed cards with the new
period, not the one that ended), and nothing more on later days. 寒川町 (更新月 10月) is not
touched by 葉山町's run and starts nothing in July. Criteria and incomes are test inputs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage

from fukushi.models import ShinshinJotai, ShinshinKoshinKekka, TechoKind
from fukushi.printjobs_shinshin_koshin import CODE as CARD
from fukushi.services.shinshin import shinshin_kofu
from fukushi.shinshin_jobs import KOSHIN, SYSTEM_ACTOR_NAME, koshin_schedule_due
from fukushi.tasks import shinshin_koshin_daily
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, person, techo
from fukushi.tests.test_shinshin_koshin import criteria
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei

#: the jobs this test starts (other tests' committed jobs may stand in the shared towns)
MINE = [KOSHIN, CARD]

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")


def test_the_schedule_is_on_beat_daily_for_every_town():
    entry = settings.CELERY_BEAT_SCHEDULE["fukushi-shinshin-koshin"]
    assert entry["task"] == "tenants.tasks.dispatch_for_all_municipalities"
    assert entry["args"] == ["fukushi.tasks.shinshin_koshin_daily"]
    assert entry["schedule"] == 86400.0


def test_koshin_starts_on_schedule_then_prints_the_new_cards_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    # given: 寒川町 (更新月 10月) with one certificate
    connection.set_tenant(beta.municipality)
    criteria({**SAMUKAWA, "koshin_tsuki": "10"}, 2025, 2026)
    b = person("samukawa", shimei="寒川　予定")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=date(2025, 10, 1), actor=ACTOR)
    # 葉山町 (更新月 8月): three certificates ending 令和8年7月31日, one over the income limit
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA, 2025)
    people = []
    for i, income in enumerate([0, 4_000_000, 1_000_000]):
        p = person("hayama", shimei=f"予定　{i}")
        techo(p.pk, TechoKind.SHINTAI, "1")
        kazei(p.pk, 2025, sonota=0)
        kazei(p.pk, 2026, sonota=income)
        people.append(shinshin_kofu(atena_id=p.pk, kaishi=AUG, actor=ACTOR))

    # when: the day before the window, nothing
    assert koshin_schedule_due(today=date(2026, 6, 30)) == []
    assert not Job.objects.filter(kind__in=MINE).exists()

    # when: 令和8年7月1日, the beat's task in 葉山町 (the chunks run inline here)
    with time_machine.travel(datetime(2026, 7, 1, 6, 0, tzinfo=JST), tick=False), cap(execute=True):
        did = shinshin_koshin_daily.apply(headers={"_schema_name": alpha.schema}).get()
    assert did == ["2026年の一斉更新を開始"]
    connection.set_tenant(alpha.municipality)
    (job,) = Job.objects.filter(kind=KOSHIN)
    assert (job.status, job.params, job.started_by_name) == (
        JobStatus.SUCCEEDED, {"nen": 2026}, SYSTEM_ACTOR_NAME,
    )  # fmt: skip
    kekka = dict(ShinshinKoshinKekka.objects.values_list("jukyusha_id", "kekka"))
    assert kekka == {people[0].pk: "koshin", people[1].pk: "shuryo", people[2].pk: "koshin"}

    # the next day: the print of the renewed cards
    with cap(execute=True):
        assert koshin_schedule_due(today=date(2026, 7, 2)) == [
            "2026年の一斉更新の受給者証の印刷を開始"
        ]
    (card,) = Job.objects.filter(kind=CARD)
    assert card.status == JobStatus.SUCCEEDED, [c.error for c in card.chunks.all()]
    assert (card.params["koshin_job"], card.params["hakko_date"]) == (job.pk, "2026-07-02")
    (pdf_file,) = card.files.filter(content_type="application/pdf")
    with default_storage.open(pdf_file.path, "rb") as f:
        pages = [squash(p) for p in pdf_pages(f.read())]
    assert len(pages) == 2
    for page, j in zip(pages, (people[0], people[2]), strict=True):
        for t in (
            "心身障害者医療費助成受給者証",
            j.jukyusha_bango,
            "令和8年8月1日から令和9年7月31日まで",
            "令和8年7月2日",
            "身体障害者手帳",
        ):
            assert squash(t) in page, t
    assert not any(people[1].jukyusha_bango in p for p in pages)
    assert squash("予定0") in pages[0] and squash("予定2") in pages[1]
    (csv_file,) = card.files.filter(name__endswith="print_data.csv")
    with default_storage.open(csv_file.path, "rb") as f:
        lines = f.read().decode("utf-8-sig").splitlines()
    assert lines[0] == "ファイル名,開始頁,頁数,帳票,受給者番号,宛名番号,有効期間の終わり"
    assert len(lines) == 3 and all(line.endswith(",2027-07-31") for line in lines[1:])
    printed = AccessLog.objects.filter(screen=f"job:{CARD}", action="print").get()
    assert sorted(printed.detail["atena_ids"]) == sorted([people[0].atena_id, people[2].atena_id])

    # later days: nothing more (the year's job and its print exist)
    with cap(execute=True):
        assert koshin_schedule_due(today=date(2026, 7, 3)) == []
        assert koshin_schedule_due(today=date(2026, 8, 31)) == []
    assert Job.objects.filter(kind__in=MINE).count() == 2

    # 寒川町: untouched by 葉山町's run; in July its window (from 9月) has not opened
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind__in=MINE).exists()
    assert not ShinshinKoshinKekka.objects.exists()
    jb.refresh_from_db()
    assert (jb.jotai, jb.yuko_shuryo) == (ShinshinJotai.YUKO, date(2026, 9, 30))
    assert koshin_schedule_due(today=date(2026, 7, 2)) == []
    assert not Job.objects.filter(kind__in=MINE).exists()
    connection.set_schema_to_public()
