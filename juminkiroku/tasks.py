"""Celery tasks of 住民記録, found by the worker's autodiscovery."""

from juminkiroku.cs.tasks import cs_seigo_task, cs_sync_task

__all__ = ["cs_seigo_task", "cs_sync_task"]
