"""The one ordered outbox of 住民記録's links (住基ネット CS, 戸籍附票システム, 団体内統合宛名
システム): what each link's sender shares, over ``juminkiroku.linkhttp``.

A link keeps its records in its own table (a row per record: ``status``, ``attempts``,
``reason``, ``next_try_at``, ``sent_at``, ``uketsuke_no``, ``atena_id``) and describes it with
an ``Outbox``. ``Outbox.send`` then sends what waits, oldest first, one record per request,
under a per-town advisory lock:

- **answered**: the record is 送信済 and the link's ``after_sent`` runs in the same
  transaction (its access-log row, what the answer gives back);
- **unreachable** (``Peer.unreachable``): the record waits with a growing delay (the
  link's ``*_RETRY_BASE_SECONDS`` doubling up to ``*_RETRY_MAX_SECONDS``) and its lane stops
  for this round, so nothing overtakes it; a link with one lane ends the round there;
- **not configured**: noted on the link, its lane stops;
- **refused** (``Peer.rejected``): the record stays on the queue screen with the reason and
  holds the same person's later records until a clerk sends it again or withdraws it.

Each step is its own durable transaction, so a worker killed between two records loses
nothing and sends nothing twice that was answered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from juminkiroku.linkhttp import Peer
from tenants.db import connection

BUSY = "別の送信処理が実行中です。"


@dataclass
class SendResult:
    sent: int = 0
    rejected: int = 0
    retry: int = 0
    held: int = 0
    #: why a lane (or the round) stopped, in Japanese, in the order it happened
    stops: list[str] = field(default_factory=list)

    @property
    def stopped(self) -> str:
        return " ".join(self.stops)


@dataclass(frozen=True)
class Outbox:
    """One link's queue: its table, statuses, settings and peer."""

    #: the advisory lock's name (per town: the schema is added)
    name: str
    model: type[models.Model]
    #: the model's status values
    pending: str
    retry: str
    rejected: str
    sent: str
    #: statuses that hold the same person's later records
    open_statuses: tuple[str, ...]
    #: settings of the retry delay (seconds)
    retry_base_setting: str
    retry_max_setting: str
    peer: Peer
    #: keeps the link's last error on its own row (called inside a transaction)
    note_error: Callable[[str], None]
    #: the lane of a record (one destination); ``None``: one lane for every record
    lane: Callable[[Any], str] | None = None

    # --- the pieces ---------------------------------------------------------------------

    def backoff(self, attempts: int) -> timedelta:
        base = int(getattr(settings, self.retry_base_setting, 30))
        cap = int(getattr(settings, self.retry_max_setting, 3600))
        return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))

    def lock_key(self) -> int:
        digest = hashlib.sha256(f"{self.name}:{connection.schema_name}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def held(self, rec: Any) -> bool:
        """An earlier record of the same person is still open."""
        return self.model._default_manager.filter(
            atena_id=rec.atena_id, id__lt=rec.pk, status__in=self.open_statuses
        ).exists()

    def record_failure(self, rec_id: int, *, status: str, reason: str, now: datetime) -> None:
        with transaction.atomic(durable=True):
            rec: Any = self.model._default_manager.select_for_update().get(pk=rec_id)
            rec.attempts += 1
            rec.status = status
            rec.reason = reason[:200]
            rec.next_try_at = now + self.backoff(rec.attempts) if status == self.retry else None
            rec.save()
            if status == self.retry:
                self.note_error(reason)

    def record_sent(
        self, rec_id: int, answer: dict[str, Any], after: Callable[[Any, dict[str, Any]], None]
    ) -> None:
        with transaction.atomic(durable=True):
            rec: Any = self.model._default_manager.select_for_update().get(pk=rec_id)
            rec.status = self.sent
            rec.attempts += 1
            rec.sent_at = timezone.now()
            rec.reason = ""
            rec.next_try_at = None
            rec.uketsuke_no = str(answer.get("uketsuke_no", ""))[:20]
            rec.save()
            after(rec, answer)

    def open_record(
        self, pk: int, want: tuple[str, ...], *, error: type[Exception], noun: str
    ) -> Any:
        """The record ``pk`` locked for a clerk's action, refused unless its status is one
        of ``want`` (``noun``: 送信データ, 通知 … in the message)."""
        rec: Any = self.model._default_manager.select_for_update().filter(pk=pk).first()
        if rec is None:
            raise error(f"該当する{noun}がありません。")
        if rec.status not in want:
            raise error(f"この{noun}は「{rec.get_status_display()}」のため操作できません。")
        return rec

    # --- the round ----------------------------------------------------------------------

    def send(
        self,
        *,
        limit: int,
        now: datetime | None,
        transmit: Callable[[Any], dict[str, Any]],
        after_sent: Callable[[Any, dict[str, Any]], None],
        prepare: Callable[[Any], None] | None = None,
    ) -> SendResult:
        """Send up to ``limit`` waiting records in order (see the module's docstring).
        ``prepare`` completes a record before it goes (a number drawn since it was made);
        ``transmit`` sends it and returns the answer or raises the peer's exceptions."""
        result = SendResult()
        key = self.lock_key()
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cur.fetchone()[0]:
                result.stops.append(BUSY)
                return result
        try:
            now = now or timezone.now()
            down: set[str] = set()
            due = list(
                self.model._default_manager.filter(status__in=[self.pending, self.retry])
                .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
                .order_by("id")[:limit]
            )
            for rec in due:
                lane = self.lane(rec) if self.lane else ""
                if lane in down or self.held(rec):
                    result.held += 1
                    continue
                if prepare is not None:
                    prepare(rec)
                try:
                    answer = transmit(rec)
                except self.peer.not_configured as exc:
                    with transaction.atomic(durable=True):
                        self.note_error(str(exc))
                    result.stops.append(str(exc))
                    if self.lane is None:
                        break
                    down.add(lane)
                    continue
                except self.peer.unreachable as exc:
                    self.record_failure(rec.pk, status=self.retry, reason=str(exc), now=now)
                    result.retry += 1
                    result.stops.append(str(exc))
                    if self.lane is None:
                        break
                    down.add(lane)
                    continue
                except self.peer.rejected as exc:
                    self.record_failure(
                        rec.pk, status=self.rejected, reason=f"{exc.reason}（{exc.code}）", now=now
                    )
                    result.rejected += 1
                    continue
                self.record_sent(rec.pk, answer, after_sent)
                result.sent += 1
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [key])
        return result
