from __future__ import annotations

from collections.abc import Iterator

import pytest

from tenants.jobs.registry import register, unregister
from tenants.tests.helpers import CountingKind


@pytest.fixture
def counting() -> Iterator[CountingKind]:
    """A job kind of 個人住民税, registered for the test only."""
    kind = CountingKind()
    register(kind)
    yield kind
    unregister(kind.code)
