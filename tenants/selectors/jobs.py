"""Reads of jobs for their pages."""

from __future__ import annotations

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
