"""ID別ログイン数一覧 (標準仕様書 10.2 ＜ログの分析＞): per staff account, the logins and the
failed logins in a period, from the town's access log (juminkiroku.selectors.reports).

A failed login names the account only when the typed id was an existing account (see
docs/architecture.md, Staff); attempts with an unknown id are counted on one row with no
account. One aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Q

from juminkiroku.selectors.reports import period_rows
from tenants.accesslog.models import AccessAction


@dataclass(frozen=True)
class LoginCount:
    username: str
    logins: int
    failures: int
    last_login: datetime | None


def login_counts(start: date, end: date) -> list[LoginCount]:
    """One row per account with a login or a failed login in ``start``..``end`` (local
    days, both included), most logins first."""
    rows = (
        period_rows(start, end)
        .filter(action__in=[AccessAction.LOGIN, AccessAction.LOGIN_FAILED])
        .values("username")
        .annotate(
            logins=Count("id", filter=Q(action=AccessAction.LOGIN)),
            failures=Count("id", filter=Q(action=AccessAction.LOGIN_FAILED)),
            last_login=Max("at", filter=Q(action=AccessAction.LOGIN)),
        )
        .order_by("-logins", "-failures", "username")
    )
    return [LoginCount(r["username"], r["logins"], r["failures"], r["last_login"]) for r in rows]
