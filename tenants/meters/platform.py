"""The platform's own meters (they count what every member has, whatever it subscribes)."""

from __future__ import annotations

from datetime import date

from tenants.meters.registry import Meter, register
from tenants.modules.spec import PLATFORM


def _api_calls(start: date, end: date) -> int:
    from tenants.accesslog.selectors import api_calls_between

    return api_calls_between(start, end)


API_CALLS = register(
    Meter(
        code="api_calls",
        label="API利用回数",
        unit="回",
        gyomu=PLATFORM,
        compute=_api_calls,
    )
)
