"""アクセスログ点検帳票: night/holiday access, failed logins, mass searches, 宛名番号 searches."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from juminkiroku.selectors import reports as sel
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
START, END = date(2025, 5, 1), date(2025, 6, 30)
CLERK = Actor(user_id=9001, username="hayama-clerk", terminal="T-1")
NIGHT_OWL = Actor(user_id=9002, username="night-owl", terminal="T-2")


def at(when: datetime, actor: Actor = CLERK, **kwargs) -> None:
    kwargs.setdefault("gyomu", "juminkiroku")
    kwargs.setdefault("record_type", "atena")
    with time_machine.travel(when, tick=False):
        access_record(actor=actor, **kwargs)


def build_log() -> None:
    # Office hours on a Tuesday: not reported as off-hours.
    at(datetime(2025, 6, 3, 10, 0, tzinfo=JST), action="read", record_id=1)
    # 23:30 on a Tuesday, 05:59 on a Wednesday: night.
    at(datetime(2025, 6, 3, 23, 30, tzinfo=JST), NIGHT_OWL, action="read", record_id=2)
    at(datetime(2025, 6, 4, 5, 59, tzinfo=JST), NIGHT_OWL, action="read", record_id=3)
    # 06:00 is office again.
    at(datetime(2025, 6, 4, 6, 0, tzinfo=JST), action="read", record_id=4)
    # こどもの日 (Monday) and a Saturday, at noon.
    at(datetime(2025, 5, 5, 12, 0, tzinfo=JST), action="read", record_id=5)
    at(datetime(2025, 6, 7, 12, 0, tzinfo=JST), action="read", record_id=6)
    # Another module's night access is not the 住民記録 administrator's business.
    at(datetime(2025, 6, 3, 23, 0, tzinfo=JST), action="read", gyomu="kojin_juminzei")
    # A failed login (written by the login view with gyomu "platform").
    at(
        datetime(2025, 6, 10, 9, 0, tzinfo=JST),
        Actor(user_id=None, username="unknown-user"),
        action="login_failed",
        gyomu="platform",
        record_type="",
        screen="login_password",
    )
    # Mass: 12 searches in 5 minutes by one clerk; 12 spread over 12 hours by another.
    burst = datetime(2025, 6, 11, 14, 0, tzinfo=JST)
    for i in range(12):
        at(burst + timedelta(seconds=25 * i), action="search", detail={"by": "kana"})
    slow = Actor(user_id=9003, username="slow-reader")
    for i in range(12):
        at(datetime(2025, 6, 12, 8, 0, tzinfo=JST) + timedelta(hours=i), slow, action="read")
    # One search returning 2,000 records, one returning 10.
    at(datetime(2025, 6, 13, 10, 0, tzinfo=JST), action="search", record_count=2000)
    at(datetime(2025, 6, 13, 10, 5, tzinfo=JST), action="search", record_count=10)
    # A search by 宛名番号.
    at(
        datetime(2025, 6, 16, 11, 0, tzinfo=JST),
        action="search",
        detail={"by": "atena_no"},
        record_id=77,
    )


def test_reports_find_what_they_should(in_alpha):
    build_log()
    off = list(sel.off_hours(START, END))
    assert [r.record_id for r in off] == ["5", "2", "3", "6"]
    assert [r.record_id for r in sel.off_hours(START, END, night_start=23, night_end=5)] == [
        "5",
        "2",
        "6",
    ]
    assert [r.username for r in sel.failed_logins(START, END)] == ["unknown-user"]
    bursts = sel.bursts(START, END, count=10, minutes=10)
    # total: every 検索/照会 of the period (4 reads, 12 + 3 searches).
    assert [(b.who, b.peak, b.total) for b in bursts] == [("hayama-clerk", 12, 19)]
    assert sel.bursts(START, END, count=12, minutes=10) == []
    large = list(sel.large_results(START, END, records=500))
    assert [r.record_count for r in large] == [2000]
    assert [r.record_id for r in sel.by_atena_no(START, END)] == ["77"]
    # The period is inclusive and local: 2025-06-03 alone holds one night row.
    assert [r.record_id for r in sel.off_hours(date(2025, 6, 3), date(2025, 6, 3))] == ["2"]


def test_screen_is_for_administrators_with_csv_and_walls(alpha, beta, login):
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-admin", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    build_log()
    form = {
        "report": "off_hours",
        "date_from": "2025-05-01",
        "date_to": "R7.6.30",
        "night_start": "22",
        "night_end": "6",
        "mass_count": "10",
        "mass_minutes": "10",
        "mass_records": "500",
    }
    assert clerk.get("/juminkiroku/reports/").status_code == 403
    assert clerk.post("/juminkiroku/reports/", form).status_code == 403
    r = admin.post("/juminkiroku/reports/", form)
    assert r.status_code == 200
    assert 'data-testid="report-count">4<' in r.content.decode()
    r = admin.post("/juminkiroku/reports/", {**form, "report": "bursts"})
    assert 'data-testid="report-count">1<' in r.content.decode()
    assert "hayama-clerk" in r.content.decode()
    r = admin.post("/juminkiroku/reports/", {**form, "report": "failed_logins", "csv": "1"})
    lines = r.content.decode("utf-8").strip().splitlines()
    assert lines[0].startswith("\ufeff日時,職員")
    assert len(lines) == 2 and "unknown-user" in lines[1] and "ログイン失敗" in lines[1]
    r = admin.post("/juminkiroku/reports/", {**form, "date_from": "2018-12-01"})
    assert "祝日データの範囲" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    from tenants.accesslog.models import AccessLog

    assert AccessLog.objects.filter(record_type="accesslog", action="export").count() == 1
    # 寒川町's administrator sees none of 葉山町's log.
    r = other.post("/juminkiroku/reports/", form)
    assert 'data-testid="report-count">0<' in r.content.decode()
    connection.set_tenant(beta.municipality)
    assert sel.off_hours(START, END).count() == 0
