"""The single door through which every read and write of personal data is logged.

Services call it in the transaction of the write they log; Celery jobs call it with
``actor=Actor(...)``; views declare what they show (tenants.accesslog.reads), which calls
it once per request. The caller passes record ids, never names or numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from tenants.accesslog.models import AccessAction, AccessLog
from tenants.db import connection
from tenants.netutil import client_ip


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    is_support: bool = False
    api_client: str = ""
    ip_address: str | None = None
    terminal: str = ""


def actor_from_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    api_client = getattr(request, "api_client", None)
    membership = getattr(request, "membership", None)
    is_authenticated = bool(user is not None and user.is_authenticated)
    return Actor(
        user_id=user.pk if is_authenticated else None,  # type: ignore[union-attr]
        username=user.get_username() if is_authenticated else "",  # type: ignore[union-attr]
        is_support=bool(membership is not None and membership.is_support),
        api_client=api_client.name if api_client is not None else "",
        ip_address=client_ip(request),
        terminal=request.headers.get("X-Terminal-Id", "")[:100],
    )


def access_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Actor | None = None,
    gyomu: str = "",
    screen: str = "",
    record_type: str = "",
    record_id: str | int = "",
    purpose: str = "",
    mynumber_viewed: bool = False,
    record_count: int = 1,
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    """Append one row to the current tenant's access log.

    Must run inside a municipality schema: the public schema has no access log, and
    logging there would silently lose the row, so it is an error.
    """
    if connection.schema_name == "public":
        raise RuntimeError("access_record called outside a municipality schema")
    if actor is None:
        if request is None:
            raise ValueError("access_record needs request or actor")
        actor = actor_from_request(request)
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    return AccessLog.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        is_support=actor.is_support,
        api_client=actor.api_client,
        ip_address=actor.ip_address,
        terminal=actor.terminal,
        action=action,
        gyomu=gyomu,
        screen=screen,
        record_type=record_type,
        record_id=str(record_id),
        purpose=purpose,
        mynumber_viewed=mynumber_viewed,
        record_count=record_count,
        detail=detail or {},
    )
