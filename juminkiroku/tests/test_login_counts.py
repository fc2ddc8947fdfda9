"""ID別ログイン数一覧 (標準仕様書 10.2 ＜ログの分析＞): logins and failures per account."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from juminkiroku.selectors.login_counts import login_counts
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor, access_record
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
CLERK = Actor(user_id=9001, username="clerk-a", terminal="T-1")
OTHER = Actor(user_id=9002, username="clerk-b", terminal="T-2")
NOBODY = Actor(user_id=None, username="")


def at(when: datetime, actor: Actor, action: str) -> None:
    with time_machine.travel(when, tick=False):
        access_record(actor=actor, action=action, gyomu="platform", screen="login_password")


def build_log() -> None:
    at(datetime(2025, 6, 2, 8, 30, tzinfo=JST), CLERK, "login")
    at(datetime(2025, 6, 3, 8, 31, tzinfo=JST), CLERK, "login_failed")
    at(datetime(2025, 6, 3, 8, 32, tzinfo=JST), CLERK, "login")
    at(datetime(2025, 6, 3, 9, 0, tzinfo=JST), OTHER, "login")
    at(datetime(2025, 6, 4, 3, 0, tzinfo=JST), NOBODY, "login_failed")
    at(datetime(2025, 6, 4, 3, 1, tzinfo=JST), NOBODY, "login_failed")
    # Outside the period, and a logout (not counted).
    at(datetime(2025, 5, 31, 23, 59, tzinfo=JST), OTHER, "login")
    at(datetime(2025, 6, 3, 17, 0, tzinfo=JST), OTHER, "logout")


def test_counts_per_account_in_the_period(in_alpha, beta):
    build_log()
    rows = login_counts(date(2025, 6, 1), date(2025, 6, 30))
    assert [(r.username, r.logins, r.failures) for r in rows] == [
        ("clerk-a", 2, 1),
        ("clerk-b", 1, 0),
        ("", 0, 2),
    ]
    assert rows[0].last_login == datetime(2025, 6, 3, 8, 32, tzinfo=JST)
    assert rows[2].last_login is None
    connection.set_tenant(beta.municipality)
    assert login_counts(date(2025, 6, 1), date(2025, 6, 30)) == []


def test_screen_is_for_administrators_with_csv_and_walls(alpha, beta, login):
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-admin", BETA_HOST)
    connection.set_tenant(alpha.municipality)
    build_log()
    connection.set_schema_to_public()
    form = {"date_from": "令和7年6月1日", "date_to": "2025-06-30"}
    assert clerk.get("/juminkiroku/reports/logins/").status_code == 403
    assert clerk.post("/juminkiroku/reports/logins/", form).status_code == 403
    r = admin.post("/juminkiroku/reports/logins/", form)
    html = r.content.decode()
    assert r.status_code == 200
    assert "clerk-a" in html and "（該当する職員なし）" in html
    r = admin.post("/juminkiroku/reports/logins/", {**form, "csv": "1"})
    lines = r.content.decode("utf-8").strip().splitlines()
    assert lines[0] == "\ufeff職員,ログイン数,ログイン失敗数,最終ログイン日時"
    assert "clerk-a,2,1,2025-06-03 08:32:00" in lines
    assert "（該当する職員なし）,0,2," in lines
    r = admin.post(
        "/juminkiroku/reports/logins/", {"date_from": "2025-06-30", "date_to": "2025-06-01"}
    )
    assert "終了日は開始日以降の日付を入力してください。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    logged = AccessLog.objects.filter(screen="ID別ログイン数一覧").values_list("action", flat=True)
    assert sorted(logged) == ["export", "search"]
    connection.set_schema_to_public()
    # 寒川町's administrator sees none of 葉山町's logins.
    r = other.post("/juminkiroku/reports/logins/", form)
    assert "clerk-a" not in r.content.decode()
    assert 'data-testid="login-accounts">0<' in r.content.decode()
