"""A real Celery worker and a real web server, as subprocesses, on the test database.

These tests never use pytest-django's ``db``/``transactional_db``/``live_server``:
transactional_db's flush would truncate the session's public tables, and the access
log refuses DELETE and TRUNCATE. They write with autocommit (``committed``), so the
worker and the web server see their rows, and assert only on rows they can tell
apart (their own ids, markers, nonces). Files go to a temporary MEDIA_ROOT shared by
both subprocesses (``media_root``), never to the developer's .data/media.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

from tenants.db import connection
from tests.integration import PROBE_MODULE

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
#: seconds a started service has to answer (raise it on a loaded machine: a worker took
#: longer than 30 s to start at load average 27)
STARTUP_TIMEOUT = float(os.environ.get("JC_TEST_STARTUP_TIMEOUT", "30"))

# Started services, so a failing test can show their logs.
_services: dict[str, Service] = {}


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()  # warm shutdown for celery, graceful for gunicorn
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            # Our own process group (start_new_session): the child and its pool.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class CeleryWorker(Service):
    queue: str
    hostname: str

    def pause(self) -> None:
        """Stop consuming from the queue (messages wait in Redis)."""
        from config.celery import app

        app.control.cancel_consumer(self.queue, destination=[self.hostname], reply=True)

    def resume(self) -> None:
        from config.celery import app

        app.control.add_consumer(self.queue, destination=[self.hostname], reply=True)

    def pool_pids(self) -> list[int]:
        """Process ids of the prefork pool's children (the processes running tasks)."""
        from config.celery import app

        stats = app.control.inspect(destination=[self.hostname], timeout=5.0).stats() or {}
        return [
            int(pid) for pid in stats.get(self.hostname, {}).get("pool", {}).get("processes", [])
        ]


@dataclass
class WebServer(Service):
    port: int

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"


def _fail_with_log(service: Service, message: str) -> None:
    service.stop()
    pytest.fail(f"{message}\n--- {service.name} log ({service.log_path}) ---\n{service.tail()}")


def _start(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Service:
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return Service(name=name, process=process, log_path=log_path)


def _test_database_url() -> str:
    db = connection.settings_dict
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(db.get("HOST") or "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(str(db['NAME']), safe='')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test here ``django_db``, only so that pytest-django creates the test
    database: it sets up only the databases that some collected test asks for, and a
    session of nothing but these tests would otherwise run the root conftest's
    ``build_world`` against the real database named by DATABASE_URL."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def _django_db_marker() -> None:
    """Overrides pytest-django's fixture of this name for the tests here: their
    ``django_db`` mark must not wrap them in a transaction (TestCase) nor flush the
    database afterwards (TransactionTestCase); ``committed`` gives them autocommit."""


def _assert_test_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if not name.startswith("test_"):
        pytest.exit(f"integration tests refuse to run on database {name!r} (not a test database)")


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access with autocommit: every write is visible to the subprocesses
    at once, and ``transaction.on_commit`` runs at the end of each atomic block."""
    _assert_test_database()
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def service_env(
    django_db_setup: None, media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Environment of the subprocesses: the *test* database, a queue of their own."""
    _assert_test_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        JC_CELERY_EAGER="0",
        JC_CELERY_QUEUE=f"test-{uuid.uuid4().hex}",
        JC_MEDIA_ROOT=str(media_root),
        JC_EXTRA_SUBSCRIBER_MODULES=PROBE_MODULE,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def service_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")


def start_celery_worker(
    env: dict[str, str], log_dir: Path, *, name: str = "celery-worker", concurrency: int = 1
) -> CeleryWorker:
    """A real prefork worker consuming only ``env["JC_CELERY_QUEUE"]``; returns once it
    answers a ping. Stopped by the caller (``stop()``), or killed."""
    from config.celery import app

    queue = env["JC_CELERY_QUEUE"]
    hostname = f"integration-{uuid.uuid4().hex[:8]}@%h"
    argv = [
        str(VENV_BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "-n",
        hostname,
        "-l",
        "info",
        "--without-gossip",
        "--without-mingle",
    ]
    started = _start(name, argv, env, log_dir)
    worker = CeleryWorker(
        name=started.name,
        process=started.process,
        log_path=started.log_path,
        queue=queue,
        hostname=hostname.replace("%h", socket.gethostname()),
    )
    _services[worker.name] = worker
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if worker.process.poll() is not None:
            _fail_with_log(worker, f"celery worker exited with {worker.process.returncode}")
        if app.control.ping(destination=[worker.hostname], timeout=1.0):
            break
        if time.monotonic() > deadline:
            _fail_with_log(worker, f"celery worker did not answer ping in {STARTUP_TIMEOUT:.0f} s")
    return worker


def start_celery_beat(env: dict[str, str], log_dir: Path, *, name: str = "celery-beat") -> Service:
    """``celery beat`` as deployed (the settings' DatabaseScheduler, its rows in the test
    database's public schema); its tasks go to ``env["JC_CELERY_QUEUE"]``."""
    argv = [str(VENV_BIN / "celery"), "-A", "config", "beat", "-l", "info"]
    beat = _start(name, argv, env, log_dir)
    _services[beat.name] = beat
    time.sleep(0.5)
    if beat.process.poll() is not None:
        _fail_with_log(beat, f"celery beat exited with {beat.process.returncode}")
    return beat


def forget_service(service: Service) -> None:
    """Stop a service started by a test (a no-op if it is gone) and drop it from the
    logs shown on failure."""
    service.stop()
    _services.pop(service.name, None)


@pytest.fixture(scope="session")
def celery_worker(service_env: dict[str, str], service_log_dir: Path) -> Iterator[CeleryWorker]:
    """A real prefork worker (concurrency 1) consuming only this session's queue."""
    worker = start_celery_worker(service_env, service_log_dir)
    yield worker
    forget_service(worker)
    forget_queue(worker.queue)


def forget_queue(queue: str) -> None:
    """Remove a test's queue and its bindings from Redis (best effort), and the messages a
    killed worker left unacknowledged for it (kombu's ``unacked`` hash and index: they
    would come back to the queue after the visibility timeout)."""
    import json

    import redis

    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
        for tag, raw in client.hscan_iter("unacked"):
            _message, _exchange, routing_key = json.loads(raw)
            if routing_key == queue:
                pipe = client.pipeline()
                pipe.zrem("unacked_index", tag)
                pipe.hdel("unacked", tag)
                pipe.execute()
    except (redis.RedisError, ValueError):
        pass


@pytest.fixture(autouse=True)
def _tasks_go_to_worker(request: pytest.FixtureRequest) -> Iterator[None]:
    """While a test uses the worker, this process sends tasks to its queue instead of
    running them inline (the unit tests' eager mode)."""
    if "celery_worker" not in request.fixturenames:
        yield
        return
    from config.celery import app

    worker: CeleryWorker = request.getfixturevalue("celery_worker")
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = worker.queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.JC_BASE_DOMAIN}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def web_server(service_env: dict[str, str], service_log_dir: Path) -> Iterator[WebServer]:
    """gunicorn on a free loopback port; its jobs go to the worker's queue. Started with
    the production config (config/gunicorn_conf.py: the freeze in ``post_worker_init``)
    but without recycling (``--max-requests 0``): the session's one worker serves every
    integration test of an xdist worker (the schemathesis writing run alone ≈ 6,000
    requests), and each recycle cost a new worker's start and then its first answers
    (1.5–2.7 s: the lazy imports) with one worker and no request served meanwhile;
    docs/benchmarks.md, "make test wall time". Recycling itself is
    tests/test_gunicorn_conf.py's and bench/soak.py's."""
    port = _free_port()
    argv = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "-c",
        str(ROOT / "config" / "gunicorn_conf.py"),
        "--max-requests",
        "0",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "1",
        "--threads",
        "4",
        "--access-logfile",
        "-",
    ]
    started = _start("web-server", argv, service_env, service_log_dir)
    server = WebServer(
        name=started.name, process=started.process, log_path=started.log_path, port=port
    )
    _services[server.name] = server
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not _healthy(port):
        if server.process.poll() is not None:
            _fail_with_log(server, f"gunicorn exited with {server.process.returncode}")
        if time.monotonic() > deadline:
            _fail_with_log(server, f"gunicorn did not answer /healthz in {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.2)
    yield server
    server.stop()
    _services.pop(server.name, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing integration test shows the tail of each running service's log."""
    report = yield
    if report.failed:
        for service in list(_services.values()):
            report.sections.append((f"{service.name} log (tail)", service.tail()))
    return report


FILLER_ROWS = 20_000  # four chunks of an access-log export


@pytest.fixture(scope="session")
def hayama_access_rows(django_db_setup: None, django_db_blocker: Any) -> int:
    """Enough of today's access-log rows in 葉山町 for an export of several chunks.
    Inserted once per session (the log is append-only: they stay)."""
    from django_tenants.utils import schema_context

    from tenants.accesslog.models import AccessAction, AccessLog
    from tests.personas import load_world

    _assert_test_database()
    with django_db_blocker.unblock(), schema_context(load_world().alpha.schema):
        AccessLog.objects.bulk_create(
            (
                AccessLog(
                    username="integration-filler",
                    action=AccessAction.READ,
                    gyomu="platform",
                    screen="integration-filler",
                    record_type="filler",
                    record_id=str(i),
                )
                for i in range(FILLER_ROWS)
            ),
            batch_size=5000,
        )
    connection.set_schema_to_public()
    return FILLER_ROWS
