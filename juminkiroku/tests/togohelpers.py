"""The 統合宛名 simulator for the tests (a real HTTP server on a free port, one per test),
and the file-linkage outbox in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from juminkiroku.togo.simulator import TogoServer
from tenants.checkdigits import kojin_bango_check_digit


@pytest.fixture(name="togo")
def togo_fixture(settings: Any) -> Iterator[TogoServer]:
    server = TogoServer().start()
    settings.JC_TOGO_URL = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="outbox")
def outbox_fixture(settings: Any, tmp_path: Path) -> Path:
    settings.JC_PF_OUTBOX_ROOT = str(tmp_path / "pf")
    return tmp_path / "pf"


def control(server: TogoServer, body: dict[str, Any]) -> None:
    with server.state.lock:
        server.state.control(body)


def received(server: TogoServer, dantai_code: str) -> list[dict[str, str]]:
    with server.state.lock:
        return list(server.state.town(dantai_code).received)


def held(server: TogoServer, dantai_code: str) -> dict[str, dict[str, str]]:
    with server.state.lock:
        return dict(server.state.town(dantai_code).persons)


def bango(first11: str) -> str:
    """A valid 個人番号 from eleven digits."""
    return first11 + str(kojin_bango_check_digit(first11))
