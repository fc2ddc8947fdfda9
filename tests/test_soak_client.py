"""The soak harness's HTTP client: it must not send on a kept-alive connection the server
may be closing (gunicorn drops one after 2 s idle; sending on it just then gives a reset
that the server never saw as a request, and the run counted it as an error of the
product), and an exception is reported by its classes, never its message (which can
carry a URL)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from bench import soak
from bench.soak import Client, Staff, TownTarget, _exception_classes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    peers: list[tuple[str, int]] = []

    def do_GET(self) -> None:
        type(self).peers.append(self.client_address)
        body = b'{"person": {"atena_id": 7}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    _Handler.peers = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _client(port: int) -> Client:
    town = TownTarget(
        name="町",
        host="t.localhost",
        schema="m0",
        staff=[],
        lookup_key="k",
        batch_key="b",
        people=[(7, "000000000007")],
        readings=["や"],
    )
    return Client(port, town, Staff("u", "p", "s"), random.Random(1))


def test_a_connection_idle_past_the_limit_is_not_reused(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soak, "CLIENT_IDLE_LIMIT", 0.2)
    client = _client(server.server_address[1])

    # when: two lookups back to back, then one after an idle gap past the limit
    assert client.one("api_lookup") is None
    assert client.one("api_lookup") is None
    time.sleep(0.35)
    assert client.one("api_lookup") is None

    # then: the first two share a connection; the third opened its own
    ports = [peer[1] for peer in _Handler.peers]
    assert len(ports) == 3
    assert ports[0] == ports[1]
    assert ports[2] != ports[1]


def test_an_exception_is_named_by_its_classes_without_its_message() -> None:
    inner = ConnectionResetError(104, "reset by peer at /api/v1/juminkiroku/persons/5/")
    try:
        try:
            raise inner
        except OSError as exc:
            raise requests.ConnectionError(exc) from exc
    except requests.ConnectionError as outer:
        text = _exception_classes(outer)
    assert text == "ConnectionError < ConnectionResetError"
    assert "persons" not in text


def test_a_recycled_worker_is_listed_and_counted_not_missed() -> None:
    # given: worker 11 is there at the start and replaced by 12, which lived only between
    # the snapshots (gunicorn max_requests) and was replaced by 13, there at the end
    start = {10: ("gunicorn main", 26_000), 11: ("gunicorn child", 400_000)}
    mid = {10: ("gunicorn main", 26_000), 12: ("gunicorn child", 500_000)}
    end = {10: ("gunicorn main", 26_000), 13: ("gunicorn child", 390_000)}
    watch = soak.ProcessWatch({"gunicorn": 10}, t0=0.0)
    for snapshot in (start, {**start, 11: ("gunicorn child", 450_000)}, mid, end):
        watch.sample(snapshot)
    watch.seen[12].peak_kib = 610_000  # the 1-s sampler saw it higher than the snapshots

    # when
    rows = soak.memory_rows(start, mid, end, watch.seen)

    # then: every pid has a row, with its peak, and the replacements are counted
    by_pid = {r["pid"]: r for r in rows}
    assert sorted(by_pid) == [10, 11, 12, 13]
    assert by_pid[11]["note"] == "ended during the run (replaced)"
    assert by_pid[11]["rss_peak_kib"] == 450_000 and by_pid[11]["delta_kib"] is None
    assert by_pid[12]["note"] == "started and ended during the run (recycled)"
    assert by_pid[12]["rss_peak_kib"] == 610_000
    assert by_pid[13]["note"] == "started during the run (a replaced pool child or worker)"
    assert by_pid[10]["delta_kib"] == 0 and by_pid[10]["note"] == ""
    assert soak.replacements(rows) == {
        "gunicorn main": {"at_start": 1, "started": 0, "ended": 0},
        "gunicorn child": {"at_start": 1, "started": 2, "ended": 2},
    }


def test_the_process_watch_samples_the_real_tree_until_stopped() -> None:
    # given: this process as the root, a child process of it running
    import os
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        watch = soak.ProcessWatch({"me": os.getpid()}, t0=time.perf_counter(), interval=0.05)
        # when
        watch.start()
        time.sleep(0.3)
        watch.stop()
    finally:
        child.kill()
        child.wait()
    # then: both seen, with an RSS, over several samples
    assert watch.seen[os.getpid()].role == "me main"
    assert watch.seen[child.pid].role == "me child"
    assert watch.seen[child.pid].peak_kib > 0
    assert watch.seen[os.getpid()].last_s > watch.seen[os.getpid()].first_s
