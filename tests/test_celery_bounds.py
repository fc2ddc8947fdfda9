"""The Celery pool children are bounded like the web workers: replaced after a number of
tasks and after a task that left them above a resident size (config/settings/base.py;
docs/benchmarks.md, the 45-minute soak of 2026-12-07)."""

from __future__ import annotations

from config.celery import app


def test_a_pool_child_is_replaced_after_200_tasks_or_above_1_5_gib() -> None:
    assert app.conf.worker_max_tasks_per_child == 200
    # Celery counts this in KiB
    assert app.conf.worker_max_memory_per_child == 1536 * 1024
