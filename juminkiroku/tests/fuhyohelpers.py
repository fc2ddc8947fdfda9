"""The 戸籍附票システム simulator for the tests: a real HTTP server on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juminkiroku.fuhyo.simulator import FuhyoServer


@pytest.fixture(name="fuhyo")
def fuhyo_fixture(settings: Any) -> Iterator[FuhyoServer]:
    server = FuhyoServer().start()
    settings.JC_FUHYO_URL = server.url
    try:
        yield server
    finally:
        server.stop()


def fuhyo_control(server: FuhyoServer, body: dict[str, Any]) -> None:
    with server.state.lock:
        server.state.control(body)


def fuhyo_received(server: FuhyoServer, town_code: str) -> list[dict[str, Any]]:
    with server.state.lock:
        return list(server.state.town(town_code).received)
