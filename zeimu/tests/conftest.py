from __future__ import annotations

from collections.abc import Iterator

import pytest

from tenants.db import connection
from tests.personas import Town


@pytest.fixture
def in_alpha(alpha: Town) -> Iterator[Town]:
    connection.set_tenant(alpha.municipality)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def in_beta(beta: Town) -> Iterator[Town]:
    connection.set_tenant(beta.municipality)
    yield beta
    connection.set_schema_to_public()
