"""The Celery app. Every task runs inside an explicit municipality schema.

tenant-schemas-celery carries the schema in a task header and switches the
connection before the task runs; tasks are written as ``TenantTask`` subclasses.
"""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("jcloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
