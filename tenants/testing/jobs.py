"""Test helpers for jobs that write files (print jobs, exports): read a job file back from the
storage, and remove a test's job files afterwards (the ``job_cleanup`` fixture in the root
conftest)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import default_storage

from tenants.jobs.models import Job, JobFile


def read_job_file(f: JobFile) -> bytes:
    """The bytes a job wrote for ``f``."""
    with default_storage.open(f.path, "rb") as handle:
        return bytes(handle.read())


def delete_job_files(jobs: Iterable[Job]) -> None:
    """Remove the stored files of ``jobs`` (their rows go with the test's database)."""
    for job in jobs:
        for path in JobFile.objects.filter(job=job).values_list("path", flat=True):
            default_storage.delete(path)


def take_job_pdfs(job: Job) -> list[bytes]:
    """The PDFs ``job`` wrote, in the order of their names (a chunked print job names its
    files in chunk order), after which every file of the job is removed from the storage."""
    pdfs = []
    for f in JobFile.objects.filter(job=job).order_by("name"):
        if f.name.endswith(".pdf"):
            pdfs.append(read_job_file(f))
        default_storage.delete(f.path)
    return pdfs
