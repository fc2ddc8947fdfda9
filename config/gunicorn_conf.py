"""gunicorn settings for the web service, wherever it is started: docker-compose.yml and the
Dockerfile (``gunicorn -c config/gunicorn_conf.py``), bin/demo, bench/soak.py and the
integration tests. Options given on the command line after ``-c`` override these (each
place sets its own bind address, workers and threads).

A worker is recycled after ``max_requests`` requests (± ``max_requests_jitter`` so that the
workers do not restart together): certificates (住民票の写し, WeasyPrint) leave a worker's C
heap larger than before, and glibc does not give all of it back (docs/benchmarks.md,
"2026-12-06 night: the gunicorn memory": the soak's workers grew by 250–340 MiB in ten
minutes). Recycling bounds a worker whatever the cause; the master starts the new worker
before the old one has finished its last requests, so no request is refused. At the soak's
rate (≈ 13 requests/s a worker) 1,000 requests are about 75 s; a town's counters ask far
less, so in production a worker lives hours.

The environment variable ``MALLOC_ARENA_MAX`` (glibc) is read when a process starts, so it is
set where the process is started (docker-compose.yml), not here.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"
#: requests a worker serves before it is replaced (0 turns recycling off)
max_requests = _int("JC_WEB_MAX_REQUESTS", 1000)
#: a random 0..jitter added per worker, so that two workers do not restart at once
max_requests_jitter = _int("JC_WEB_MAX_REQUESTS_JITTER", 100)


def post_worker_init(worker: object) -> None:
    """The worker has loaded the application and serves nothing yet: freeze what it holds
    and collect after each PDF from now on (tenants.pdf.prepare_server_process)."""
    from tenants.pdf import prepare_server_process

    prepare_server_process()


# The longest request line gunicorn takes (its maximum; the default 4094 answered 414 to a
# 6 KB search URL of a list with many filters, found by schemathesis on 2026-12-07). A reverse
# proxy in front (nginx: large_client_header_buffers 8k) allows the same.
limit_request_line = 8190
