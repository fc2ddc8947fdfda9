"""Response times and active users, counted cheaply in Redis and folded into the
database every minute.

Per request the middleware sends one pipelined round trip: HINCRBY of the histogram
bucket and of the sum in a hash per month, and SADD of the user id to the town's set of
the current 5-minute window. The fold (``metrics_flush``) renames the month hash away
atomically before reading it, so counts that arrive meanwhile land in a fresh hash and
nothing is counted twice or lost; a hash left by a failed fold is folded by the next.

Label cardinality is bounded: URL names come from the URLconfs (a request that resolves
to none counts as ``(未解決)``), kinds are two, towns are the members.
"""

from __future__ import annotations

import bisect
import logging
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenants.models.sla import ActiveUsersWindow, ResponseTimeBucket

logger = logging.getLogger(__name__)

#: upper bounds of the histogram's buckets in ms; one more bucket counts what is above
BOUNDS_MS: tuple[int, ...] = (25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000)
WINDOW_SECONDS = 300
UNRESOLVED = "(未解決)"
#: after a failed Redis call, requests skip counting for this long (never slow a request)
BACKOFF_SECONDS = 30.0
_down_until = 0.0


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2, socket_connect_timeout=0.2)


def _prefix() -> str:
    return str(settings.JC_SLA_REDIS_PREFIX)


def bucket_of(ms: float) -> int:
    return bisect.bisect_left(BOUNDS_MS, ms)


def _month_key(month: date) -> str:
    return f"{_prefix()}rt:{month:%Y%m}"


def window_start(at: datetime) -> int:
    """The 5-minute window (epoch seconds of its start) ``at`` falls in."""
    epoch = int(at.timestamp())
    return epoch - epoch % WINDOW_SECONDS


def record_request(
    *, schema_name: str, kind: str, name: str, ms: float, user_id: int | None, at: datetime
) -> None:
    """Count one request; never raises (the SLA figures must not break a request)."""
    global _down_until
    if time.monotonic() < _down_until:
        return
    month = timezone.localtime(at).date().replace(day=1)
    field = f"{schema_name}|{kind}|{name}"
    try:
        pipe = _client().pipeline(transaction=False)
        key = _month_key(month)
        pipe.hincrby(key, f"{field}|{bucket_of(ms)}", 1)
        pipe.hincrby(key, f"{field}|sum", round(ms))
        if user_id is not None:
            users = f"{_prefix()}u:{schema_name}:{window_start(at)}"
            pipe.sadd(users, user_id)
            pipe.expire(users, 86400)
        pipe.execute()
    except redis.RedisError:
        _down_until = time.monotonic() + BACKOFF_SECONDS
        logger.warning("SLA metrics: Redis unreachable, counting paused")


def _fold_month(key: str, month: date) -> int:
    """Add the counts of one renamed hash to the database; returns requests folded."""
    raw: dict[bytes, bytes] = _client().hgetall(key)  # type: ignore[assignment]
    grouped: dict[tuple[str, str, str], dict[str, int]] = {}
    for k, v in raw.items():
        schema_name, kind, name, slot = k.decode().rsplit("|", 3)[-4:]
        grouped.setdefault((schema_name, kind, name), {})[slot] = int(v)
    folded = 0
    with transaction.atomic():
        for (schema_name, kind, name), slots in grouped.items():
            counts = [slots.get(str(i), 0) for i in range(len(BOUNDS_MS) + 1)]
            total = sum(counts)
            row, _ = ResponseTimeBucket.objects.select_for_update().get_or_create(
                month=month, schema_name=schema_name, kind=kind, name=name[:150]
            )
            old = list(row.counts) + [0] * (len(counts) - len(row.counts))
            row.counts = [a + b for a, b in zip(old, counts, strict=True)]
            row.total = F("total") + total
            row.sum_ms = F("sum_ms") + slots.get("sum", 0)
            row.save(update_fields=["counts", "total", "sum_ms"])
            folded += total
    _client().delete(key)
    return folded


def metrics_flush(*, now: datetime | None = None) -> int:
    """Fold the Redis counts into the database: response times of every month hash, and
    the active users of every window that has ended. Returns requests folded."""
    now = now or timezone.now()
    client = _client()
    folded = 0
    # hashes a failed fold left behind first, then the live ones (renamed away)
    for raw_key in client.scan_iter(match=f"{_prefix()}rt:*"):
        key = raw_key.decode()
        tail = key[len(_prefix()) + 3 :]
        if tail.startswith("fold:"):
            yyyymm = tail.split(":")[1]
            work = key
        else:
            yyyymm = tail
            work = f"{_prefix()}rt:fold:{yyyymm}:{uuid.uuid4().hex}"
            try:
                client.rename(key, work)
            except redis.ResponseError:  # gone meanwhile (another fold took it)
                continue
        month = date(int(yyyymm[:4]), int(yyyymm[4:6]), 1)
        folded += _fold_month(work, month)
    current = window_start(now)
    for raw_key in client.scan_iter(match=f"{_prefix()}u:*"):
        key = raw_key.decode()
        schema_name, start = key[len(_prefix()) + 2 :].rsplit(":", 1)
        if int(start) >= current:
            continue
        users = int(client.scard(key))
        at = datetime.fromtimestamp(int(start), tz=UTC)
        ActiveUsersWindow.objects.update_or_create(
            start=at, schema_name=schema_name, defaults={"users": users}
        )
        client.delete(key)
    return folded


def percentile_bound(counts: list[int], p: float) -> int | None:
    """The upper bound (ms) of the bucket holding the p-th percentile (None: above the
    last bound, i.e. more than BOUNDS_MS[-1])."""
    total = sum(counts)
    if not total:
        return None
    need = p * total
    seen = 0
    for i, c in enumerate(counts):
        seen += c
        if seen >= need:
            return BOUNDS_MS[i] if i < len(BOUNDS_MS) else None
    return None


def merged(rows: list[Any]) -> list[int]:
    out = [0] * (len(BOUNDS_MS) + 1)
    for r in rows:
        for i, c in enumerate(r.counts):
            out[i] += c
    return out


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(month, datetime.min.time()))
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = timezone.make_aware(datetime.combine(nxt, datetime.min.time()))
    return start, end
