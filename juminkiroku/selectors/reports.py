"""アクセスログの点検帳票 (住民記録システム標準仕様書 10.2 アクセスログ管理).

Reports over the current town's access log (tenants.accesslog) for the 住民記録 family of
modules and the logins of the town host:

* 時間外・休日の操作: outside office hours (22:00–06:00 local by default) or on a
  Saturday, Sunday or national holiday (tenants.holidays);
* ログイン失敗;
* 大量照会: someone with more than N 検索/照会 rows within M minutes (a sliding window in
  SQL), or a single 検索/抽出 that returned more than K records (``record_count``);
* 宛名番号による検索 (``detail.by == "atena_no"``).

Every report is one query; the period is inclusive of both days, in local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from juminkiroku import gyomu
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.holidays import holidays_between

# The modules whose access the 住民記録 administrator inspects, and the town's logins.
JUMIN_GYOMU = gyomu.ALL
LOGIN_ACTIONS = (AccessAction.LOGIN, AccessAction.LOGIN_FAILED, AccessAction.LOGOUT)
READ_ACTIONS = (AccessAction.SEARCH, AccessAction.READ)
BULK_ACTIONS = (AccessAction.SEARCH, AccessAction.EXPORT)

NIGHT_START_HOUR = int(getattr(settings, "JC_ACCESS_NIGHT_START_HOUR", 22))
NIGHT_END_HOUR = int(getattr(settings, "JC_ACCESS_NIGHT_END_HOUR", 6))
MASS_COUNT = int(getattr(settings, "JC_ACCESS_MASS_COUNT", 100))
MASS_MINUTES = int(getattr(settings, "JC_ACCESS_MASS_MINUTES", 10))
MASS_RECORDS = int(getattr(settings, "JC_ACCESS_MASS_RECORDS", 500))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def period_rows(start: date, end: date) -> QuerySet[AccessLog]:
    """The rows of the period for the 住民記録 family and the town's logins."""
    lo, hi = _bounds(start, end)
    return AccessLog.objects.filter(at__gte=lo, at__lt=hi).filter(
        Q(gyomu__in=JUMIN_GYOMU) | Q(action__in=LOGIN_ACTIONS)
    )


def off_hours(
    start: date,
    end: date,
    *,
    night_start: int = NIGHT_START_HOUR,
    night_end: int = NIGHT_END_HOUR,
) -> QuerySet[AccessLog]:
    """Rows at night (``night_start``:00 to ``night_end``:00) or on 土日祝."""
    if not (0 <= night_end <= 23 and 0 <= night_start <= 23):
        raise ValueError("hours must be 0..23")
    if night_start > night_end:  # spans midnight: 22–6 means >= 22 or < 6
        night = Q(at__hour__gte=night_start) | Q(at__hour__lt=night_end)
    else:
        night = Q(at__hour__gte=night_start, at__hour__lt=night_end)
    holidays = [h.day for h in holidays_between(start, end)]
    # Django's week_day: 1 = Sunday … 7 = Saturday, in the current (local) time zone.
    closed = Q(at__week_day__in=[1, 7]) | Q(at__date__in=holidays)
    return period_rows(start, end).filter(night | closed).order_by("at", "id")


def failed_logins(start: date, end: date) -> QuerySet[AccessLog]:
    return period_rows(start, end).filter(action=AccessAction.LOGIN_FAILED).order_by("at", "id")


def by_atena_no(start: date, end: date) -> QuerySet[AccessLog]:
    return (
        period_rows(start, end)
        .filter(action=AccessAction.SEARCH, detail__by="atena_no")
        .order_by("at", "id")
    )


def large_results(start: date, end: date, *, records: int = MASS_RECORDS) -> QuerySet[AccessLog]:
    """Single 検索/抽出 rows that returned more than ``records`` records."""
    return (
        period_rows(start, end)
        .filter(action__in=BULK_ACTIONS, record_count__gt=records)
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class BurstRow:
    who: str
    is_api: bool
    peak: int
    window_end: datetime
    total: int


def bursts(
    start: date,
    end: date,
    *,
    count: int = MASS_COUNT,
    minutes: int = MASS_MINUTES,
) -> list[BurstRow]:
    """Staff or API clients with more than ``count`` 検索/照会 rows within ``minutes``.

    One row per person: the largest number of rows in any window of ``minutes`` ending at
    one of their rows, and when that window ended.
    """
    base = period_rows(start, end).filter(action__in=READ_ACTIONS).order_by()
    sql, params = base.values("id", "at", "username", "api_client").query.sql_with_params()
    query = f"""
        SELECT who, is_api, peak, window_end, total FROM (
            SELECT who, is_api, n AS peak, at AS window_end,
                   COUNT(*) OVER (PARTITION BY who, is_api) AS total,
                   ROW_NUMBER() OVER (PARTITION BY who, is_api ORDER BY n DESC, at) AS rk
            FROM (
                SELECT CASE WHEN r.api_client <> '' THEN r.api_client ELSE r.username END AS who,
                       (r.api_client <> '') AS is_api,
                       r.at,
                       COUNT(*) OVER (
                           PARTITION BY r.username, r.api_client ORDER BY r.at
                           RANGE BETWEEN %s::interval PRECEDING AND CURRENT ROW
                       ) AS n
                FROM ({sql}) r
            ) w
        ) ranked
        WHERE rk = 1 AND peak > %s
        ORDER BY peak DESC, who
    """  # noqa: S608 — the inner SQL is Django's own compiled query
    args: list[Any] = [f"{int(minutes)} minutes", *params, int(count)]
    with connection.cursor() as cur:
        cur.execute(query, args)
        return [BurstRow(*row) for row in cur.fetchall()]
