"""Kinds of job. A kind plans chunks and runs one chunk; the framework does the rest
(state, progress, cancel, retry of failed chunks, finishing exactly once).

A kind's ``run_chunk`` must be idempotent: the same chunk may run again after a worker
was killed (acks_late), so it writes with keys (job, record) or replaces its output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tenants.jobs.models import Job, JobChunk


@dataclass(frozen=True)
class ChunkResult:
    done: int
    failed: int = 0
    #: a small summary of the chunk (name → number: e.g. people by 課税状況), stored on
    #: the chunk with its DONE mark in the chunk's transaction and added up over the
    #: job's chunks by ``tenants.selectors.jobs.job_chunk_counts`` — so a kind's ``finish``
    #: need not read every row the job wrote again. A few keys, never personal data.
    counts: Mapping[str, int] | None = None


@dataclass(frozen=True)
class JobOutcome:
    """What a kind's ``finish`` may say instead of 正常終了: e.g. an import whose file was
    refused for its errors ran without fault, but the clerk must see it did not succeed."""

    failed: bool
    message: str


class JobKind(Protocol):
    code: str
    gyomu: str
    title: str

    def validate(self, params: dict[str, Any]) -> dict[str, Any]: ...

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        """Chunks as (params, size) pairs; sizes add up to the job's total."""
        ...

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult: ...

    def finish(self, job: Job) -> JobOutcome | None:
        """Runs once when every chunk is done; may return the job's outcome."""
        ...

    # Optional: ``result_url(job) -> str``, the screen that shows a finished job's result
    # (the job page's 「結果を表示」). A kind without one offers its result files on the
    # job page instead.


def result_url(job: Job) -> str:
    """Where a finished job's result is shown, if its kind has such a screen; "" if not."""
    kind = get_kind(job.kind)
    method = getattr(kind, "result_url", None)
    return str(method(job)) if method is not None and job.is_finished else ""


_kinds: dict[str, JobKind] = {}
_loaded = False


def register(kind: JobKind) -> JobKind:
    _kinds[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _kinds.pop(code, None)


def forget_loaded() -> None:
    """The next lookup imports the modules' declarations again (tenants.modules.reset)."""
    global _loaded
    _loaded = False


def autoload() -> None:
    """Import the platform's own job kinds and every module's declared ``jobkinds``."""
    global _loaded
    if _loaded:
        return
    from tenants.modules.registry import import_declared

    import_module("tenants.jobkinds")
    import_declared("jobkinds")
    _loaded = True


def get_kind(code: str) -> JobKind | None:
    autoload()
    return _kinds.get(code)


def all_kinds() -> list[JobKind]:
    autoload()
    return list(_kinds.values())
