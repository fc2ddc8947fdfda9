"""Small helpers for the platform's tests."""

from __future__ import annotations

from typing import Any

from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult


class CountingKind:
    """A job kind of a business module (kojin_juminzei) used to test the framework:
    it counts to ``n`` in chunks of ``per``; chunk indexes in ``fail`` raise."""

    code = "test_counting"
    gyomu = "kojin_juminzei"
    title = "テスト用の集計"

    def __init__(self) -> None:
        self.fail: set[int] = set()
        self.ran: list[int] = []
        self.finished: list[int] = []
        #: job id → the chunks' counts added up, as its finish read them
        self.finished_counts: dict[int, dict[str, int]] = {}

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        if int(params.get("n", 0)) <= 0:
            raise ValueError("件数を指定してください。")
        return {"n": int(params["n"]), "per": int(params.get("per", 10))}

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        n, per = job.params["n"], job.params["per"]
        return [({"start": s}, min(per, n - s)) for s in range(0, n, per)]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        self.ran.append(chunk.index)
        if chunk.index in self.fail:
            raise RuntimeError("boom")
        # a summary for the finish to add up: how many of the chunk's numbers are even
        start = int(chunk.params["start"])
        even = sum(1 for i in range(start, start + chunk.size) if i % 2 == 0)
        return ChunkResult(done=chunk.size, counts={"even": even, "odd": chunk.size - even})

    def finish(self, job: Job) -> None:
        from tenants.selectors.jobs import job_chunk_counts

        self.finished.append(job.pk)
        self.finished_counts[job.pk] = job_chunk_counts(job.pk)
