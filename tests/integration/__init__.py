"""Integration tests: a real Celery worker and a real web server (gunicorn) run as
subprocesses against the session's test database (fixtures in conftest.py).

This module is also the probe subscriber the real worker loads: the worker is
started with ``JC_EXTRA_SUBSCRIBER_MODULES=tests.integration``, and the test process
imports it as the package of these tests, so both know ``record_probe_event`` under
the same subscriber id. The event (declared here) is used by nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from tenants.events.contracts import ReceivedEvent, declare
from tenants.events.registry import subscribe

PROBE_MODULE = "tests.integration"
PROBE_SCREEN = "event-probe"

T = TypeVar("T")


@dataclass(frozen=True)
class ProbePayload:
    nonce: Annotated[str, "試験ごとの一意な値"]


PROBE_EVENT = declare(
    "integration.probe", payload=ProbePayload, description="統合試験の配信確認用。"
)


@subscribe(PROBE_EVENT)
def record_probe_event(event: ReceivedEvent[ProbePayload]) -> None:
    """Leaves a trace in the access log of whichever schema it runs in."""
    from tenants.accesslog.models import AccessAction
    from tenants.accesslog.services import Actor, access_record
    from tenants.db import connection

    access_record(
        actor=Actor(user_id=None, username="event-probe"),
        action=AccessAction.READ,
        gyomu="platform",
        screen=PROBE_SCREEN,
        record_type="domain_event",
        record_id=event.id,
        detail={"nonce": event.payload.nonce, "schema": connection.schema_name},
    )


def wait_until(
    probe: Callable[[], T | None], *, timeout: float, interval: float = 0.2, what: str = ""
) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or probe}")
        time.sleep(interval)
