"""The Celery app. Every task runs inside an explicit municipality schema.

tenant-schemas-celery carries the schema in a task header and switches the
connection before the task runs; tasks are written as ``TenantTask`` subclasses.
"""

from __future__ import annotations

import os

from celery.signals import setup_logging, worker_process_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("jcloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_from_django_settings(**kwargs: object) -> None:
    """The worker and beat log through settings.LOGGING, never Celery's own handlers.

    Connecting this signal stops Celery from configuring logging itself; the handlers,
    filters and record factory that keep personal data out of the logs
    (tenants/logging.py) are then the same as the web process's."""
    from django.conf import settings

    from tenants.logging import configure_logging

    configure_logging(settings.LOGGING)


@worker_process_init.connect
def _prepare_pool_process(**kwargs: object) -> None:
    """A pool child has started (Django loaded): freeze what it holds and collect after
    each PDF from now on (tenants.pdf.prepare_server_process)."""
    from tenants.pdf import prepare_server_process

    prepare_server_process()
