"""A running chunk's sign of life, and when its absence means the worker is gone.

While a chunk runs, a thread beside the work stamps ``JobChunk.heartbeat_at`` every
``JC_JOB_HEARTBEAT_SECONDS`` (with the database's clock, so the machines' clocks do not
matter). The work itself never has to cooperate: a chunk that computes, waits for a
lock or writes a big file for an hour keeps beating, because the thread runs whenever
the work waits for the database or releases the interpreter (psycopg waits outside it).
Only a process that is gone (SIGKILL, the OOM killer, a lost machine or container)
stops beating; ``tenants.jobs.services.job_requeue_dead_chunks`` then sends the chunk
again once the beat is older than ``JC_JOB_DEAD_AFTER_SECONDS``.

A beat never waits for a lock (``SKIP LOCKED``): the row is locked only for a moment,
by the chunk's own last statement or by the watchdog that is taking it over; either way
this beat does not matter. A beat that finds its attempt no longer current (finished,
or sent again to another process) ends the thread.

The same thread carries a long chunk's progress: the work calls :func:`report_progress`
(rows read so far) and the thread writes it to ``JobChunk.done`` at most every
``PROGRESS_SECONDS``. The work's own transaction cannot show it (nothing of it is
visible before it commits); the thread's connection is its own.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models.functions import Now

from tenants.db import connection
from tenants.jobs.models import ChunkStatus, JobChunk

logger = logging.getLogger(__name__)


#: how often a changed progress is written (between heartbeats)
PROGRESS_SECONDS = 1.0

_current = threading.local()


def report_progress(done: int) -> None:
    """Called by a chunk's work (in the worker's thread) with how much of the chunk is
    done; written to the chunk's row by its heartbeat thread. Outside a chunk, nothing."""
    beat: ChunkHeartbeat | None = getattr(_current, "beat", None)
    if beat is not None:
        beat.progress = done


def heartbeat_interval() -> float:
    return float(settings.JC_JOB_HEARTBEAT_SECONDS)


def dead_after() -> timedelta:
    """How long a running chunk may go without a heartbeat before it counts as dead."""
    return timedelta(seconds=int(settings.JC_JOB_DEAD_AFTER_SECONDS))


class ChunkHeartbeat:
    """``with ChunkHeartbeat(...):`` around the work of one attempt of one chunk,
    including the transaction that records its result."""

    def __init__(self, *, schema_name: str, chunk_id: int, attempt: int) -> None:
        self.schema_name = schema_name
        self.chunk_id = chunk_id
        self.attempt = attempt
        self.interval = heartbeat_interval()
        self.beats = 0
        #: the work's last report (report_progress) and the last one written
        self.progress: int | None = None
        self._written: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"chunk-heartbeat-{chunk_id}", daemon=True
        )

    def __enter__(self) -> ChunkHeartbeat:
        _current.beat = self
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _current.beat = None
        self._stop.set()
        # A beat in progress is one short statement that never waits for a lock.
        self._thread.join(timeout=self.interval + 10)

    def _run(self) -> None:
        # This thread has its own database connection (Django's are per thread); it
        # starts in the public schema.
        try:
            connection.set_schema(self.schema_name)
            tick = min(self.interval, PROGRESS_SECONDS)
            since_beat = 0.0
            while not self._stop.wait(tick):
                since_beat += tick
                progressed = self.progress != self._written
                if since_beat < self.interval and not progressed:
                    continue
                if not self._beat():
                    return
                since_beat = 0.0
        finally:
            connections.close_all()

    def _beat(self) -> bool:
        """Stamp the heartbeat; False when this attempt is no longer the running one."""
        try:
            with transaction.atomic():
                mine = JobChunk.objects.filter(
                    pk=self.chunk_id, attempts=self.attempt, status=ChunkStatus.RUNNING
                )
                if not mine.exists():
                    return False
                # (of=self: the model's ordering joins the job, whose row must not count)
                skip_locked = mine.order_by().select_for_update(skip_locked=True, of=("self",))
                progress = self.progress
                fields: dict[str, object] = {"heartbeat_at": Now()}
                if progress is not None:
                    fields["done"] = progress
                JobChunk.objects.filter(pk__in=skip_locked.values("pk")).update(**fields)
                self._written = progress
        except DatabaseError:
            # The database is away for a moment; the next beat may reach it. (No detail:
            # the message of a database error can quote row values.)
            logger.warning("chunk %s: heartbeat not recorded", self.chunk_id)
            connections["default"].close_if_unusable_or_obsolete()
            return True
        self.beats += 1
        return True
