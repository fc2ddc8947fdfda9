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
