"""A job kind of the example: counts to its size, one chunk (proves job discovery)."""

from __future__ import annotations

from typing import Any

from tenants.jobs.models import Job, JobChunk
from tenants.jobs.registry import ChunkResult, register
from tests.example_module import gyomu


class MihonCount:
    code = "mihon_count"
    gyomu = gyomu.MIHON
    title = "見本業務の件数確認"

    def validate(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"n": int(params.get("n", 1))}

    def plan(self, job: Job) -> list[tuple[dict[str, Any], int]]:
        n = int(job.params["n"])
        return [({"n": n}, n)]

    def run_chunk(self, job: Job, chunk: JobChunk) -> ChunkResult:
        return ChunkResult(done=int(chunk.params["n"]))

    def finish(self, job: Job) -> None:
        return None


register(MihonCount())
