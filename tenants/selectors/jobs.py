"""Reads of jobs for their pages."""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum

from tenants.jobs.models import ChunkStatus, Job, JobChunk


def with_progress(job: Job) -> Job:
    """``job`` with the rows its running chunks have done so far (``Job.in_flight``): a
    chunk counts in the job's totals only when it ends, and an import of one file is one
    chunk (all rows or none) whose heartbeat reports how far it has read."""
    if not job.is_finished:
        running = JobChunk.objects.filter(job=job, status=ChunkStatus.RUNNING)
        job.in_flight = running.aggregate(n=Sum("done"))["n"] or 0
    return job


def job_chunk_counts(job_id: int) -> dict[str, int]:
    """The counts the job's done chunks returned (``ChunkResult.counts``), added up key by
    key: what a kind's ``finish`` reports without reading the job's rows again. Each chunk
    holds the counts of its last successful run only (written with its DONE mark, in its
    own transaction), so a chunk run again is counted once."""
    totals: Counter[str] = Counter()
    rows = JobChunk.objects.filter(
        job_id=job_id, status=ChunkStatus.DONE, counts__isnull=False
    ).values_list("counts", flat=True)
    for counts in rows:
        totals.update({str(k): int(v) for k, v in (counts or {}).items()})
    return dict(totals)
