"""A per-process cache of what every request on a town host reads from the platform:
host → municipality, its network allow-list, its subscribed modules today.

Without it each API call spends three queries (and three ``SET search_path``) before
its own work. Entries live at most ``JC_PLATFORM_CACHE_SECONDS`` and are dropped at once,
in every process, when any of those rows changes: a change bumps a generation number in
Redis after its transaction commits (``tenants.signals``), and each request compares
that number (one Redis GET) before using an entry. If Redis cannot be read, nothing is
cached. ``JC_PLATFORM_CACHE_SECONDS = 0`` (the test settings) turns the cache off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

GENERATION_KEY = "platform-generation"
T = TypeVar("T")

_entries: dict[str, tuple[int, float, Any]] = {}
_lock = threading.Lock()


def _store() -> Any:
    return caches["platform"]


def _generation() -> int | None:
    try:
        return int(_store().get(GENERATION_KEY) or 0)
    except Exception:  # Redis down: serve from the database, uncached
        logger.warning("platform cache: generation unreadable; not caching")
        return None


def bump() -> None:
    """Invalidate every process's entries (called after a commit that changed them)."""
    with _lock:
        _entries.clear()
    try:
        store = _store()
        if not store.add(GENERATION_KEY, 1, timeout=None):
            store.incr(GENERATION_KEY)
    except Exception:
        logger.exception("platform cache: could not bump the generation")


def enabled() -> bool:
    return float(getattr(settings, "JC_PLATFORM_CACHE_SECONDS", 0)) > 0


def cached(key: str, loader: Callable[[], T]) -> T:
    ttl = float(getattr(settings, "JC_PLATFORM_CACHE_SECONDS", 0))
    if ttl <= 0:
        return loader()
    generation = _generation()
    if generation is None:
        return loader()
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and hit[0] == generation and now - hit[1] < ttl:
        return hit[2]
    value = loader()
    with _lock:
        _entries[key] = (generation, now, value)
    return value
