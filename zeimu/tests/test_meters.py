"""zeimu's billing meter: notices printed by the mass print, per town and period."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from tenants.db import connection
from tenants.jobs.models import ChunkStatus, Job, JobChunk
from tenants.meters.registry import meter_values_for_all_members
from zeimu.meters import notices_printed_between
from zeimu.printjobs import NoticePrint

pytestmark = pytest.mark.django_db


def _chunk(job: Job, index: int, done: int, status: str, finished: datetime | None) -> None:
    JobChunk.objects.create(
        job=job,
        index=index,
        size=done,
        done=done,
        status=status,
        finished_at=timezone.make_aware(finished) if finished else None,
    )


def test_notices_counted_from_finished_print_chunks_in_the_period_per_town(world):
    # given: in 葉山町 a print job whose chunks finished in FY2025 (1,000 + 250 notices),
    # a failed chunk, a chunk finished in FY2026, and a job of another kind
    connection.set_tenant(world.alpha.municipality)
    job = Job.objects.create(kind=NoticePrint.code, gyomu="kojin_juminzei", title="一括印刷")
    _chunk(job, 0, 1000, ChunkStatus.DONE, datetime(2025, 6, 10, 9, 0))
    _chunk(job, 1, 250, ChunkStatus.DONE, datetime(2026, 3, 31, 23, 30))
    _chunk(job, 2, 7, ChunkStatus.FAILED, datetime(2025, 6, 10, 9, 5))
    _chunk(job, 3, 40, ChunkStatus.DONE, datetime(2026, 4, 1, 0, 10))
    other = Job.objects.create(kind="juminkiroku_other", gyomu="juminkiroku", title="別処理")
    _chunk(other, 0, 99, ChunkStatus.DONE, datetime(2025, 7, 1, 9, 0))
    assert (
        notices_printed_between(datetime(2025, 4, 1).date(), datetime(2026, 3, 31).date()) == 1250
    )
    connection.set_schema_to_public()
    # when: the platform reads the meter for both towns
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality], fiscal_year=2025
    )
    # then: 寒川町 printed nothing; 葉山町's count is its own
    assert figures["143014"]["notices"] == 1250
    assert figures["143219"]["notices"] == 0


def test_kotei_meters_count_assessed_nozeisha_and_printed_notices_per_town(
    world, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import family, household_tennyu
    from zeimu.kotei_printjobs import PRINT
    from zeimu.models import KoteiFuka
    from zeimu.services.kotei import kotei_genmen
    from zeimu.tests.kotei_helpers import ACTOR, owner, run_tosho, tochi

    # given 葉山町 assessed two 納税義務者 and reduced one (a second version: counted once)
    connection.set_tenant(world.alpha.municipality)
    _, (head, wife, _) = household_tennyu(
        "hayama", members=family(), ido_date=datetime(2015, 4, 1).date()
    )
    tochi(owner(head.pk), "1番", 30_000_000, "100", "shogyo")
    tochi(owner(wife.pk), "2番", 20_000_000, "100", "shogyo")
    run_tosho(django_capture_on_commit_callbacks)
    first = KoteiFuka.objects.order_by("id").first()
    assert first is not None
    kotei_genmen(fuka_id=first.pk, genmen_kotei=1000, genmen_toshi=0, reason="減免", actor=ACTOR)
    job = Job.objects.create(kind=PRINT, gyomu="kotei_shisanzei", title="一括印刷")
    _chunk(job, 0, 2, ChunkStatus.DONE, datetime.now())
    connection.set_schema_to_public()
    # when the platform reads the meters for both towns
    today = timezone.localdate()
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality],
        fiscal_year=today.year if today.month >= 4 else today.year - 1,
    )
    # then
    assert figures["143014"]["kotei_nozeisha"] == 2
    assert figures["143014"]["kotei_notices"] == 2
    assert figures["143219"]["kotei_nozeisha"] == 0 and figures["143219"]["kotei_notices"] == 0


def test_kotei_shokyaku_meter_counts_each_shinkoku_once_per_town(world):
    from juminkiroku.tests.factories import family, household_tennyu
    from zeimu.services.kotei_shokyaku import ShokyakuLine, kotei_shokyaku_shinkoku
    from zeimu.tests.kotei_helpers import ACTOR, owner

    # given in 葉山町 two 申告, one of them amended (a 修正申告: the same 申告)
    connection.set_tenant(world.alpha.municipality)
    _, (head, wife, _) = household_tennyu(
        "hayama", members=family(), ido_date=datetime(2015, 4, 1).date()
    )
    for atena_id in (head.pk, wife.pk, head.pk):
        kotei_shokyaku_shinkoku(
            nozeisha_id=owner(atena_id).pk,
            fiscal_year=2025,
            shinkoku_date=datetime(2025, 1, 31).date(),
            shozai="葉山町堀内1番地",
            zoka=[ShokyakuLine(6, "パソコン", 1, 2024, 6, 200_000, 4)],
            actor=ACTOR,
        )
    connection.set_schema_to_public()
    # when the platform reads the meter for both towns
    today = timezone.localdate()
    figures = meter_values_for_all_members(
        members=[world.alpha.municipality, world.beta.municipality],
        fiscal_year=today.year if today.month >= 4 else today.year - 1,
    )
    # then
    assert figures["143014"]["kotei_shokyaku_shinkoku"] == 2
    assert figures["143219"]["kotei_shokyaku_shinkoku"] == 0
