"""SLA figures (issue 22 item 3): probes, response times, users, batch durations, the
consortium office's screen and /metrics; two towns, two consortia."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.models.sla import ActiveUsersWindow, HealthProbe, ResponseTimeBucket
from tenants.sla.figures import availability, targets
from tenants.sla.metrics import BOUNDS_MS, metrics_flush, percentile_bound
from tenants.sla.probes import health_probe
from tests.personas import ALPHA_HOST, BETA_HOST, PORTAL_HOST


@pytest.fixture
def redis_prefix(settings: Any) -> str:
    """Counts of this test only (other tests and xdist workers share the server)."""
    settings.JC_SLA_REDIS_PREFIX = f"test:{uuid.uuid4().hex}:"
    return settings.JC_SLA_REDIS_PREFIX


def test_targets_are_the_seeds_sla_items(world):
    goal = targets(date(2026, 12, 1))
    # 総務省「クラウド化による電子自治体の推進について」SLA項目例
    assert (goal.kadoritsu_kagen, goal.kadoritsu_mokuhyo, goal.fukkyu_minutes) == (
        Decimal("99"),
        Decimal("99.5"),
        180,
    )


def test_percentile_is_the_upper_bound_of_its_bucket():
    counts = [0] * (len(BOUNDS_MS) + 1)
    counts[0], counts[3], counts[-1] = 90, 9, 1  # ≤25 ms ×90, ≤200 ms ×9, >10 s ×1
    assert percentile_bound(counts, 0.50) == 25
    assert percentile_bound(counts, 0.95) == 200
    assert percentile_bound(counts, 0.99) == 200
    assert percentile_bound(counts, 1.0) is None  # above the last bound
    assert percentile_bound([0] * len(counts), 0.5) is None


def test_availability_counts_missing_minutes_as_down_and_mttr(world):
    # given: one day watched (the first probe ever is 2026-11-30 00:00), every minute up
    # but a 10-minute outage and one minute nobody recorded
    start = timezone.make_aware(datetime(2026, 11, 30))
    rows = []
    for i in range(1440):
        minute = start + timedelta(minutes=i)
        if i == 700:
            continue  # no row at all: the probe could not run
        rows.append(HealthProbe(minute=minute, component="web", up=not 100 <= i < 110))
    HealthProbe.objects.bulk_create(rows)
    # when
    figures = availability(date(2026, 11, 1), now=start + timedelta(days=1))
    web = next(f for f in figures if f.component == "web")
    db = next(f for f in figures if f.component == "db")
    # then: 1,429 of 1,440 minutes; two outages of 10 and 1 minutes
    assert (web.watched, web.up, web.outages, web.down_minutes) == (1440, 1429, 2, 11)
    assert web.percent == Decimal("99.23")
    assert web.mttr_minutes == Decimal("5.5")
    assert web.daily == [(date(2026, 11, 30), Decimal("99.23"))]
    # a component never recorded up is down the whole time
    assert (db.watched, db.up, db.percent) == (1440, 0, Decimal("0.00"))


def test_the_probe_records_each_component_once_a_minute(world):
    now = timezone.now()
    assert health_probe(now=now) == {"web": True, "db": True, "redis": True, "worker": True}
    health_probe(now=now)
    minute = timezone.localtime(now).replace(second=0, microsecond=0)
    assert HealthProbe.objects.filter(minute=minute).count() == 4


def _office(login: Any) -> Client:
    return login("office", PORTAL_HOST)


def test_requests_are_counted_per_town_and_folded(world, login, redis_prefix):
    # given: a clerk of each town opens its home screen (alpha twice)
    alpha = login("hayama-admin", ALPHA_HOST)
    beta = login("samukawa-admin", BETA_HOST)
    assert alpha.get("/").status_code == 200
    assert alpha.get("/").status_code == 200
    assert beta.get("/").status_code == 200
    # when: folded, and again after the 5-minute window has ended
    folded = metrics_flush()
    metrics_flush(now=timezone.now() + timedelta(minutes=10))
    # then: each town's rows carry only its own requests
    month = timezone.localdate().replace(day=1)
    mine = ResponseTimeBucket.objects.filter(month=month, name="home")
    assert {(r.schema_name, r.kind, r.total) for r in mine} == {
        (world.alpha.schema, "screen", 2),
        (world.beta.schema, "screen", 1),
    }
    assert folded >= 3  # the logins' own requests are counted too
    users = dict(ActiveUsersWindow.objects.values_list("schema_name", "users"))
    assert users == {world.alpha.schema: 1, world.beta.schema: 1}
    # a second fold adds nothing
    assert metrics_flush() == 0


def test_the_office_sees_each_town_in_its_own_section(world, login, redis_prefix):
    # given: a slow screen in 葉山町 only, and a batch in each town
    month = timezone.localdate().replace(day=1)
    ResponseTimeBucket.objects.create(
        month=month,
        schema_name=world.alpha.schema,
        kind="screen",
        name="home",
        counts=[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0],
        total=7,
        sum_ms=35_000,
    )
    now = timezone.now()
    for town, seconds in ((world.alpha, 30), (world.beta, 90)):
        connection.set_tenant(town.municipality)
        Job.objects.create(
            kind="test_batch_sla",
            gyomu="juminkiroku",
            title="テスト",
            status=JobStatus.SUCCEEDED,
            started_at=now - timedelta(seconds=seconds),
            finished_at=now,
        )
    connection.set_schema_to_public()
    # when
    page = _office(login).get("/sla/").content.decode()
    # then: 葉山町's figures in 葉山町's section, none of them in 寒川町's
    alpha_part, beta_part = page.split("<h2>葉山町</h2>")[1].split("<h2>寒川町</h2>")
    assert "5,000ミリ秒以下" in alpha_part
    assert "5,000ミリ秒以下" not in beta_part
    assert "この月の記録はありません。" in beta_part
    assert ">30</td>" in alpha_part and ">90</td>" not in alpha_part
    assert ">90</td>" in beta_part and ">30</td>" not in beta_part
    assert "令和" in page and "<svg" in page
    assert "home" not in page.replace('name="month"', "")  # no URL names on the screen


def test_another_consortiums_office_sees_none_of_these_towns(world, login):
    from tenants.models import Consortium
    from tenants.services.staff import staff_create
    from tests.personas import PERSONA_PASSWORD

    other = Consortium.objects.create(name="別の広域連合", kind="koiki_rengo")
    staff_create(
        username="office-other",
        display_name="別の事務局",
        consortium_office=other,
        password=PERSONA_PASSWORD,
        acting_user=None,
    )
    page = login("office-other", PORTAL_HOST).get("/sla/").content.decode()
    assert "SLAの実績" in page
    assert "葉山町" not in page and "寒川町" not in page


def test_a_town_host_has_no_sla_screen(world, login):
    clerk = login("hayama-admin", ALPHA_HOST)
    assert clerk.get("/sla/").status_code == 404
    assert clerk.get("/metrics").status_code == 404


def test_metrics_answer_the_data_centre_only(world, settings):
    health_probe()
    ok = Client(HTTP_HOST=PORTAL_HOST, REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert ok.status_code == 200
    text = ok.content.decode()
    assert 'jc_component_up{component="db"} 1' in text
    assert 'jc_town_requests{town="143014"}' in text
    assert 'jc_town_requests{town="143219"}' in text
    assert "hayama-admin" not in text
    outside = Client(HTTP_HOST=PORTAL_HOST, REMOTE_ADDR="192.0.2.1").get("/metrics")
    assert outside.status_code in (403, 404)
    settings.JC_METRICS_TOKEN = "s3cret-token"
    no_token = Client(HTTP_HOST=PORTAL_HOST, REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert no_token.status_code == 404
    good = Client(HTTP_HOST=PORTAL_HOST, REMOTE_ADDR="127.0.0.1").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert good.status_code == 200
