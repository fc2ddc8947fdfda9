"""The CS simulator for the tests: a real HTTP server on a free port, one per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juminkiroku.cs.layout import HONNIN_LAYOUT
from juminkiroku.cs.simulator import CsServer


@pytest.fixture(name="cs")
def cs_fixture(settings: Any) -> Iterator[CsServer]:
    server = CsServer(seed=20261206).start()
    settings.JC_CS_URL = server.url
    try:
        yield server
    finally:
        server.stop()


def control(server: CsServer, body: dict[str, Any]) -> None:
    """Tell the simulator something, the way a test at the CS's side would."""
    with server.state.lock:
        server.state.control(body)


def received(server: CsServer, town_code: str, layout: str = HONNIN_LAYOUT) -> list[dict[str, Any]]:
    """The records of ``layout`` (default 本人確認情報) the CS received from a town, in order."""
    with server.state.lock:
        return [r for r in server.state.town(town_code).received if r["layout"] == layout]
